#!/usr/bin/env bash
# Times one full-batch GD step and one HVP of resnet32 and vgg11-bn (float32,
# BatchNorm in train mode on ghost batches of 1,000) over N CIFAR-shaped
# examples in eos and in PyTorch (Debian's python3-torch, /usr/bin/python3 or
# $PYTHON, oneDNN convolutions) on the same cores, one after the other, and
# prints the ratios.
# Usage: bench/deep.sh [N] [THREADS] [ARCH...]   (run from the project root; builds ./eos)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
threads=${2:-2}
shift $(( $# > 2 ? 2 : $# ))
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(resnet32 vgg11-bn)
make -s build
for arch in "${archs[@]}"; do
	eos_all=$(./eos bench --arch "$arch" --n "$n" --threads "$threads" --reps 1 --kernel "${EOS_KERNEL:-avx512}")
	head -n 1 <<<"$eos_all"
	eos_out=$(awk '$1 ~ /^(generic|avx2|avx512|neon)$/' <<<"$eos_all" | head -n 1)
	torch_out=$("${PYTHON:-/usr/bin/python3}" bench/cnn_torch.py --arch "$arch" --n "$n" --threads "$threads" --reps 1)
	echo "eos: $eos_out"
	echo "$torch_out"
	eg=$(awk '{print $2}' <<<"$eos_out"); eh=$(awk '{print $3}' <<<"$eos_out")
	tg=$(awk '/^gradient_ms/{print $2}' <<<"$torch_out"); th=$(awk '/^hvp_ms/{print $2}' <<<"$torch_out")
	awk -v a="$arch" -v n="$n" -v eg="$eg" -v eh="$eh" -v tg="$tg" -v th="$th" -v t="$threads" 'BEGIN {
		printf "%s, %d examples, %d threads: GD step eos %.0f ms, torch %.0f ms (torch/eos %.2f); HVP eos %.0f ms, torch %.0f ms (torch/eos %.2f)\n", a, n, t, eg, tg, tg/eg, eh, th, th/eh }'
done
