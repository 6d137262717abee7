#!/usr/bin/env bash
# W1, the reference's classic run (cifar10-5k, fc-tanh, mse, η = 0.04, 200 steps, top-2 eigenvalues every 10
# steps, test loss every step), in eos and — given the path of a checkout of locuslab/edge-of-stability — in the
# reference on CPU (Debian's python3-torch, /usr/bin/python3 or $PYTHON), one after the other on the same cores.
# Prints wall times, peak RSS (GNU time) and the ratio, eos's own time breakdown, and the share of the cores' FMA
# peak its whole run sustains.
#
# The reference runs from a temporary copy: its .cuda() calls become CPU, and a stand-in torchvision.datasets.CIFAR10
# reads the binary batches in $EOS_DATA/cifar-10-batches-bin (torchvision is not needed). OpenBLAS 0.3.21 falls
# back to a slow generic kernel on CPUs it does not know: OPENBLAS_CORETYPE (default SkylakeX on AVX-512, else
# Haswell) gives it its best one, and the script prints the core OpenBLAS reports.
# Usage: bench/w1.sh [REFERENCE_CHECKOUT]   (run from the project root; builds ./eos; THREADS defaults to 2)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}
data=${EOS_DATA:-$(pwd)/../shared/data}
ref=${1:-}
make -s build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# peak_and_wall FILE: the wall seconds and peak RSS (MB) GNU time -v wrote to FILE.
peak_and_wall() {
	awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
	     /Maximum resident set size/ { rss = $NF / 1024 }
	     END { printf "%.1f %.0f\n", wall, rss }' "$1"
}

echo "eos: W1 on $threads threads"
peak_before=$(./eos info | awk '/^peak:/ { print $2 }')
EOS_DATA=$data /usr/bin/time -v -o "$tmp/eos.time" ./eos run --dataset cifar10-5k --arch fc-tanh --loss mse --lr 0.04 \
	--max-steps 200 --neigs 2 --eig-freq 10 --test-freq 1 --eig-tol 1e-4 --threads "$threads" \
	--results "$tmp/eos" --overwrite | grep -E '^(finished|time)'
read -r ewall erss < <(peak_and_wall "$tmp/eos.time")
echo "eos: wall $ewall s, peak RSS $erss MB"
# Sustained throughput: the run's GEMM work (config.json phases.gemm_flops) over its time, against the FMA peak
# `eos info` measures on the same cores just before and right after (the higher of the two: on shared cores the
# lower one saw other work).
peak_after=$(./eos info | awk '/^peak:/ { print $2 }')
peak=$(awk -v a="$peak_before" -v b="$peak_after" 'BEGIN { print (a > b ? a : b) }')
config=$(find "$tmp/eos" -name config.json | head -1)
python3 - "$config" "$peak" <<'PY'
import json, sys
ph = json.load(open(sys.argv[1]))["phases"]
peak = float(sys.argv[2] or "nan")
rate = ph["gemm_flops"] / ph["total_s"] / 1e9
print(f"eos: GEMM work {ph['gemm_flops'] / 1e12:.2f} TFLOP in {ph['total_s']:.1f} s: {rate:.0f} GFLOP/s, "
      f"{100 * rate / peak:.0f}% of the {peak:.0f} GFLOP/s FMA peak")
PY
[ -z "$ref" ] && exit 0

py=${PYTHON:-/usr/bin/python3}
if grep -q avx512f /proc/cpuinfo; then core=${OPENBLAS_CORETYPE:-SkylakeX}; else core=${OPENBLAS_CORETYPE:-Haswell}; fi
cp -r "$ref/src" "$tmp/ref"
sed -i -e 's/\.cuda()//g' -e "s/device='cuda'/device='cpu'/g" "$tmp/ref"/*.py
mkdir -p "$tmp/ref/torchvision"
touch "$tmp/ref/torchvision/__init__.py"
cat >"$tmp/ref/torchvision/datasets.py" <<'PY'
"""Stand-in for torchvision.datasets.CIFAR10 over the binary batches in $DATASETS/cifar-10-batches-bin."""
import os
import numpy as np


class CIFAR10:
    def __init__(self, root, download=False, train=True):
        folder = os.path.join(root, "cifar-10-batches-bin")
        # data_batch_1.bin, data_batch_2.bin, … up to the first missing one, as eos reads them.
        names = ["test_batch.bin"]
        if train:
            names = [f"data_batch_{i}.bin" for i in range(1, 6)]
            names = names[:next((i for i, n in enumerate(names) if not os.path.exists(os.path.join(folder, n))), 5)]
        raw = np.concatenate([np.fromfile(os.path.join(folder, n), dtype=np.uint8).reshape(-1, 3073) for n in names])
        self.targets = raw[:, 0].astype(np.int64).tolist()
        self.data = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
PY
blas=$(cd "$tmp/ref" && OPENBLAS_CORETYPE=$core OPENBLAS_VERBOSE=2 "$py" -c \
	'import torch; torch.randn(64, 64) @ torch.randn(64, 64)' 2>&1 | grep -i 'core' | head -1 || true)
echo "reference: OPENBLAS_CORETYPE=$core, OpenBLAS reports: ${blas:-nothing (not OpenBLAS?)}"
(cd "$tmp/ref" && DATASETS=$data RESULTS=$tmp/refres OPENBLAS_CORETYPE=$core OMP_NUM_THREADS=$threads \
	OPENBLAS_NUM_THREADS=$threads /usr/bin/time -v -o "$tmp/ref.time" "$py" gd.py cifar10-5k fc-tanh mse 0.04 200 \
	--neigs 2 --eig_freq 10 >"$tmp/ref.log" 2>&1) || { tail -20 "$tmp/ref.log"; exit 1; }
grep eigenvalues "$tmp/ref.log" | tail -1
read -r rwall rrss < <(peak_and_wall "$tmp/ref.time")
echo "reference: wall $rwall s, peak RSS $rrss MB"
awk -v e="$ewall" -v r="$rwall" 'BEGIN { printf "W1: eos %.1f s, reference %.1f s: %.1fx\n", e, r, r / e }'
