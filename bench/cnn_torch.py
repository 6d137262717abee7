"""Times one full-batch gradient and one Hessian-vector product of one of the
reference's convnets with squared loss over N CIFAR-shaped examples in
float32 on the CPU, the way the reference computes them: summed over
physical batches (BatchNorm's ghost batches, in train mode) of the loss
divided by N, the HVP by double backward. The nets are written here from
their published layouts: cnn-relu (Conv 3->32 3x3 pad 1, ReLU, MaxPool 2,
Conv 32->32, ReLU, MaxPool 2, Flatten, Linear 2048->10), vgg11-bn (VGG-11,
configuration A, BatchNorm after each conv, no dropout) and resnet32 (the
CIFAR ResNet with 5 BasicBlocks per stage and the AvgPool + BatchNorm +
zero-channel shortcut).

Usage: python3 bench/cnn_torch.py [--arch cnn-relu] [--n 5000] [--batch 1000] [--threads 2] [--reps 3]
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


def vgg11_bn():
    layers, c = [], 3
    for v in [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU()]
            c = v
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.short = None
        if stride != 1:
            self.short = nn.Sequential(nn.AvgPool2d(1, stride), nn.BatchNorm2d(cin))

    def forward(self, x):
        s = x
        if self.short is not None:
            s = self.short(x)
            s = torch.cat((s, torch.zeros_like(s)), 1)
        return torch.relu(self.body(x) + s)


def resnet32():
    layers, c = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for st, w in enumerate([16, 32, 64]):
        for b in range(5):
            layers.append(Block(c, w, 2 if st > 0 and b == 0 else 1))
            c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


NETS = {"cnn-relu": cnn_relu, "vgg11-bn": vgg11_bn, "resnet32": resnet32}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="cnn-relu", choices=sorted(NETS))
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.n, 3, 32, 32)
    y = nn.functional.one_hot(torch.randint(0, 10, (args.n,)), 10).float()
    net = NETS[args.arch]()
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

    print(f"torch {torch.__version__} {args.arch} float32, n={args.n}, batch={args.batch}, threads={args.threads}, "
          f"mkldnn={torch.backends.mkldnn.is_available()}")
    print(f"gradient_ms {1000 * best(gradient):.1f}")
    print(f"hvp_ms {1000 * best(hvp):.1f}")


if __name__ == "__main__":
    main()
