package asm

// Activation32 is a float32 activation kernel: it overwrites z[i] with σ(z[i])
// and writes σ'(z[i]) to d1[i] and, when d2 is not nil, σ″(z[i]) to d2[i], for
// every i < len(z); d1 and a non-nil d2 are at least as long as z.
type Activation32 func(z, d1, d2 []float32)

// tanh32op is the registry of the float32 tanh kernels.
var tanh32op = newOp[Activation32]("tanh (float32)")

var _ = tanh32op.register("generic", tanhGo32)

// Tanh32 returns the float32 tanh kernel in use (see tanhGo32 for what every
// level computes).
func Tanh32() Activation32 { return tanh32op.cur.Load().fn }

// Tanh32Kernels returns the float32 tanh kernel of every supported level,
// keyed by level name.
func Tanh32Kernels() map[string]Activation32 { return byLevel(tanh32op) }

// tanhGo32 is the reference tanh kernel; every level computes, to within
// rounding, the same loop:
//
//	for i, x := range z {
//		t := tanh32(x)
//		d := 1 - t*t
//		z[i], d1[i] = t, d
//		if d2 != nil {
//			d2[i] = -2 * t * d
//		}
//	}
func tanhGo32(z, d1, d2 []float32) {
	d1 = d1[:len(z)]
	if d2 != nil {
		d2 = d2[:len(z)]
	}
	for i, x := range z {
		t := tanh32(x)
		d := 1 - t*t
		z[i], d1[i] = t, d
		if d2 != nil {
			d2[i] = -2 * t * d
		}
	}
}

// tanhClamp is where tanh32 clamps its argument: beyond it float32 tanh is ±1
// to within 3 ulp. tanhTiny bounds the arguments tanh32 returns unchanged.
const (
	tanhClamp = 7.90531110763549805
	tanhTiny  = 0.0004
)

// tanh32 is tanh in float32 by a [13/6] odd rational minimax approximation
// on [−tanhClamp, tanhClamp] (clamped outside), accurate to 4·10⁻⁷ relative
// against math.Tanh (see the tests); a NaN input gives NaN. The SIMD kernels
// evaluate the same polynomials with fused multiply-adds.
func tanh32(x float32) float32 {
	switch {
	case x > tanhClamp:
		x = tanhClamp
	case x < -tanhClamp:
		x = -tanhClamp
	case x > -tanhTiny && x < tanhTiny:
		return x // tanh x = x − x³/3 + …: x is exact to float32 here
	}
	x2 := x * x
	p := float32(-2.76076847742355e-16)
	p = p*x2 + 2.00018790482477e-13
	p = p*x2 - 8.60467152213735e-11
	p = p*x2 + 5.12229709037114e-08
	p = p*x2 + 1.48572235717979e-05
	p = p*x2 + 6.37261928875436e-04
	p = p*x2 + 4.89352455891786e-03
	q := float32(1.19825839466702e-06)
	q = q*x2 + 1.18534705686654e-04
	q = q*x2 + 2.26843463243900e-03
	q = q*x2 + 4.89352518554385e-03
	return x * p / q
}
