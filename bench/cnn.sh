#!/usr/bin/env bash
# Times one full-batch GD step and one HVP of cnn-relu over 5,000 CIFAR-shaped
# examples (float32) in eos and in PyTorch (Debian's python3-torch, /usr/bin/python3 or $PYTHON) on the same
# cores, one after the other, and prints the ratios.
# Usage: bench/cnn.sh [THREADS]   (run from the project root; builds ./eos)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
make -s build
eos_out=$(./eos bench --arch cnn-relu --threads "$threads" --reps 3 --kernel "${EOS_KERNEL:-all}" | awk '$1 ~ /^(generic|avx2|avx512|neon)$/' | sort -k2 -n | head -1)
torch_out=$("${PYTHON:-/usr/bin/python3}" bench/cnn_torch.py --threads "$threads" --reps 3)
echo "eos (fastest level): $eos_out"
echo "$torch_out"
eg=$(awk '{print $2}' <<<"$eos_out"); eh=$(awk '{print $3}' <<<"$eos_out")
tg=$(awk '/^gradient_ms/{print $2}' <<<"$torch_out"); th=$(awk '/^hvp_ms/{print $2}' <<<"$torch_out")
awk -v eg="$eg" -v eh="$eh" -v tg="$tg" -v th="$th" -v t="$threads" 'BEGIN {
	printf "threads %d: GD step eos %.0f ms, torch %.0f ms (%.2fx); HVP eos %.0f ms, torch %.0f ms (%.2fx)\n", t, eg, tg, tg/eg, eh, th, th/eh }'
