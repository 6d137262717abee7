"""Times one full-batch gradient and one Hessian-vector product of the
reference's cnn-relu (Conv 3->32 3x3 pad 1, ReLU, MaxPool 2, Conv 32->32, ReLU,
MaxPool 2, Flatten, Linear 2048->10) with squared loss over N CIFAR-shaped
examples in float32 on the CPU, the way the reference computes them: summed
over physical batches of the loss divided by N, the HVP by double backward.

Usage: python3 bench/cnn_torch.py [--n 5000] [--batch 1000] [--threads 2] [--reps 3]
"""
import argparse
import time

import torch
import torch.nn as nn


def cnn_relu():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2048, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.n, 3, 32, 32)
    y = nn.functional.one_hot(torch.randint(0, 10, (args.n,)), 10).float()
    net = cnn_relu()
    params = [p for p in net.parameters()]
    v = torch.randn(sum(p.numel() for p in params))

    def loss_of(i):
        xb, yb = x[i:i + args.batch], y[i:i + args.batch]
        return 0.5 * ((net(xb) - yb) ** 2).sum() / args.n

    def flat(ts):
        return torch.cat([t.reshape(-1) for t in ts])

    def gradient():
        g = torch.zeros_like(v)
        for i in range(0, args.n, args.batch):
            g += flat(torch.autograd.grad(loss_of(i), params))
        return g

    def hvp():
        h = torch.zeros_like(v)
        for i in range(0, args.n, args.batch):
            g = torch.autograd.grad(loss_of(i), params, create_graph=True)
            dot = (flat(g) * v).sum()
            h += flat(torch.autograd.grad(dot, params))
        return h

    def best(f):
        f()
        times = []
        for _ in range(args.reps):
            t = time.perf_counter()
            f()
            times.append(time.perf_counter() - t)
        return min(times)

    print(f"torch {torch.__version__} cnn-relu float32, n={args.n}, batch={args.batch}, threads={args.threads}, "
          f"mkldnn={torch.backends.mkldnn.is_available()}")
    print(f"gradient_ms {1000 * best(gradient):.1f}")
    print(f"hvp_ms {1000 * best(hvp):.1f}")


if __name__ == "__main__":
    main()
