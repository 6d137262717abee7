package asm

import "math"

// MaxPool2x2 is a float32 max-pooling kernel over 2×2 windows at stride 2
// that records each output's argmax. It pools rows ≥ 1 output rows of ow
// outputs: output row r reads the input rows x[2r·w:] and x[(2r+1)·w:]
// (2·ow ≤ w), and writes y[r·ow+o], the first largest of the window's four
// elements in the order (0, 0), (0, 1), (1, 0), (1, 1) — or its last NaN, as
// PyTorch's MaxPool2d — and idx[r·ow+o] = base + 2r·w + 2o + off, off the
// chosen element's offset 0, 1, w or w+1. −0 and +0 are equal.
type MaxPool2x2 func(x []float32, w int, y []float32, idx []int32, ow, rows, base int)

// maxPool32op is the registry of the 2×2 max-pooling kernels.
var maxPool32op = newOp[MaxPool2x2]("2×2 max pooling (float32)")

var _ = maxPool32op.register("generic", maxPoolGo32)

// MaxPool2x2Kernel returns the 2×2 max-pooling kernel in use: every level
// computes exactly what maxPoolGo32 does.
func MaxPool2x2Kernel() MaxPool2x2 { return maxPool32op.cur.Load().fn }

// MaxPool2x2Kernels returns the 2×2 max-pooling kernel of every supported
// level, keyed by level name.
func MaxPool2x2Kernels() map[string]MaxPool2x2 { return byLevel(maxPool32op) }

// maxPoolGo32 is the reference 2×2 max-pooling kernel, without branches
// (see poolKey32).
func maxPoolGo32(x []float32, w int, y []float32, idx []int32, ow, rows, base int) {
	for r := range rows {
		maxPoolRowGo32(x[2*r*w:], w, y[r*ow:(r+1)*ow], idx[r*ow:(r+1)*ow], int32(base+2*r*w))
	}
}

// maxPoolRowGo32 is maxPoolGo32's loop over one output row, whose first
// window starts at index at0.
func maxPoolRowGo32(x []float32, w int, y []float32, idx []int32, at0 int32) {
	r0, r1 := x[:2*len(y)], x[w:w+2*len(y)]
	idx = idx[:len(y)]
	w32 := int32(w)
	for o := range y {
		j := 2 * o
		v0, v1, v2, v3 := r0[j], r0[j+1], r1[j], r1[j+1]
		best, bits, off := poolKey32(v0, 0), int32(math.Float32bits(v0)), int32(0)
		best, bits, off = poolTake(best, bits, off, poolKey32(v1, 1), int32(math.Float32bits(v1)), 1)
		best, bits, off = poolTake(best, bits, off, poolKey32(v2, 2), int32(math.Float32bits(v2)), w32)
		_, bits, off = poolTake(best, bits, off, poolKey32(v3, 3), int32(math.Float32bits(v3)), w32+1)
		y[o], idx[o] = math.Float32frombits(uint32(bits)), at0+int32(j)+off
	}
}

// poolKey32 maps v, the pos-th element of a window, to an int32 whose signed
// order is the order max pooling chooses by: the float order with -0 equal
// to +0 for numbers, and above every number for NaN, later NaNs higher (the
// last NaN wins, as PyTorch's). Window elements are taken when their key is
// strictly greater, so the first of equal largest numbers wins.
func poolKey32(v float32, pos int32) int32 {
	b := int32(math.Float32bits(v))
	a := b & 0x7fffffff
	b &^= (a - 1) >> 31 // ±0 → +0
	k := b ^ (b>>31)&0x7fffffff
	nan := (0x7f800000 - a) >> 31
	return k&^nan | (0x7ffffff0+pos)&nan
}

// poolTake returns the key, value bits and offset of the candidate (k, bits,
// off) when its key is greater than best's, and best's otherwise, without
// branches.
func poolTake(best, bestBits, bestOff, k, bits, off int32) (int32, int32, int32) {
	m := int32((int64(best) - int64(k)) >> 63)
	return best ^ (best^k)&m, bestBits ^ (bestBits^bits)&m, bestOff ^ (bestOff^off)&m
}
