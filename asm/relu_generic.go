package asm

import "math"

// BiasActivation32 is a float32 activation kernel with a bias: it overwrites
// z[i] with σ(z[i] + bias) and writes σ'(z[i] + bias) to d1[i] and, when d2
// is not nil, σ″ to d2[i], for every i < len(z).
type BiasActivation32 func(z, d1, d2 []float32, bias float32)

// relu32op is the registry of the float32 ReLU kernels.
var relu32op = newOp[BiasActivation32]("relu (float32)")

var _ = relu32op.register("generic", reluGo32)

// ReLU32 returns the float32 ReLU kernel in use: every level computes
// exactly what reluGo32 does, bit for bit.
func ReLU32() BiasActivation32 { return relu32op.cur.Load().fn }

// ReLU32Kernels returns the float32 ReLU kernel of every supported level,
// keyed by level name.
func ReLU32Kernels() map[string]BiasActivation32 { return byLevel(relu32op) }

// reluGo32 is the reference ReLU kernel: with x = z[i] + bias (rounded),
// z[i] = max(x, 0) with σ' = 1
// above zero and 0 at or below it (−0 gives +0), a NaN staying NaN with
// σ' = NaN, as ReLU's element function gives; d2, when not nil, is zeroed.
// The loop has no branches (a branch per element mispredicts on half the
// inputs): from the bits b of x, m is all ones when x ≤ 0 (b is ±0 or has
// its sign set) and n when x is NaN.
func reluGo32(z, d1, d2 []float32, bias float32) {
	d1 = d1[:len(z)]
	for i, x := range z {
		b := math.Float32bits(x + bias)
		n := uint32(int32(0x7f800000-(b&0x7fffffff)) >> 31)
		m := (uint32(int32(b-1)>>31) | uint32(int32(b)>>31)) &^ n
		z[i] = math.Float32frombits(b &^ m)
		d1[i] = math.Float32frombits(0x3f800000&^m&^n | b&n)
	}
	if d2 != nil {
		clear(d2[:len(z)])
	}
}
