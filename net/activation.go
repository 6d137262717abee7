package net

import (
	"math"

	"github.com/edge-of-stability/eos/linalg"
)

// Activation names.
const (
	actTanh      = "tanh"
	actReLU      = "relu"
	actELU       = "elu"
	actSoftplus  = "softplus"
	actHardtanh  = "hardtanh"
	actSELU      = "selu"
	actLeakyReLU = "leaky_relu"
	actSigmoid   = "sigmoid"
	actLinear    = "linear"
)

// PyTorch's constants for the parametrised activations.
const (
	leakySlope = 0.01
	seluScale  = 1.0507009873554804934193349852946
	seluAlpha  = 1.6732632423543772848170429916717
)

// activation returns σ(x), σ'(x) and σ″(x). Derivatives at kinks follow
// PyTorch's backward; a NaN input gives a NaN value.
type activation func(x float64) (f, d1, d2 float64)

// activationNames lists the activations in the order --help shows them.
var activationNames = []string{actTanh, actReLU, actELU, actSoftplus, actHardtanh, actSELU, actLeakyReLU, actSigmoid, actLinear}

var activations = map[string]activation{
	actTanh: func(x float64) (float64, float64, float64) {
		t := math.Tanh(x)
		d := 1 - t*t
		return t, d, -2 * t * d
	},
	actReLU: func(x float64) (float64, float64, float64) {
		if x > 0 {
			return x, 1, 0
		}
		if x <= 0 {
			return 0, 0, 0
		}
		return x, x, x
	},
	actELU: func(x float64) (float64, float64, float64) {
		if x > 0 {
			return x, 1, 0
		}
		e := math.Exp(x)
		return math.Expm1(x), e, e
	},
	actSoftplus: func(x float64) (float64, float64, float64) {
		s := sigmoid(x)
		return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))), s, s * (1 - s)
	},
	actHardtanh: func(x float64) (float64, float64, float64) {
		if x <= -1 {
			return -1, 0, 0
		}
		if x >= 1 {
			return 1, 0, 0
		}
		return x, 1, 0
	},
	actSELU: func(x float64) (float64, float64, float64) {
		if x > 0 {
			return seluScale * x, seluScale, 0
		}
		e := seluScale * seluAlpha * math.Exp(x)
		return seluScale * seluAlpha * math.Expm1(x), e, e
	},
	actLeakyReLU: func(x float64) (float64, float64, float64) {
		if x > 0 {
			return x, 1, 0
		}
		return leakySlope * x, leakySlope, 0
	},
	actSigmoid: func(x float64) (float64, float64, float64) {
		s := sigmoid(x)
		d := s * (1 - s)
		return s, d, d * (1 - 2*s)
	},
	actLinear: func(x float64) (float64, float64, float64) { return x, 1, 0 },
}

// sigmoid is the logistic function, computed without overflow.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// fastActivations32 are whole-slice float32 kernels for the activations where
// the per-element float64 path costs a noticeable share of a pass (tanh by
// math.Tanh was a fifth of a cifar10-5k fc-tanh step). Each computes exactly
// what activate does, to float32 accuracy.
var fastActivations32 = map[string]func(z, d1, d2 []float32){
	actTanh: tanhSlice32,
}

// tanhSlice32 is activate for tanh in float32: σ = tanh(z), σ' = 1 − σ²,
// σ″ = −2σσ'.
func tanhSlice32(z, d1, d2 []float32) {
	d1 = d1[:len(z)]
	for i, x := range z {
		t := tanh32(x)
		d := 1 - t*t
		z[i], d1[i] = t, d
		if d2 != nil {
			d2[i] = -2 * t * d
		}
	}
}

// tanh32 is tanh in float32 by a [13/6] odd rational minimax approximation
// on [−7.9053, 7.9053] (clamped outside, where float32 tanh is ±1 to within
// 3 ulp), accurate to 4·10⁻⁷ relative against math.Tanh (see the test); a NaN
// input gives NaN.
func tanh32(x float32) float32 {
	const clamp = 7.90531110763549805
	switch {
	case x > clamp:
		x = clamp
	case x < -clamp:
		x = -clamp
	case x > -0.0004 && x < 0.0004:
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

// activate overwrites the pre-activations z with σ(z) and stores σ'(z) in d1
// and, when d2 is non-nil, σ″(z) in d2. fast32, when not nil, is the
// activation's float32 slice kernel, used when T is float32.
func activate[T linalg.Float](act activation, fast32 func(z, d1, d2 []float32), z, d1, d2 []T) {
	if fast32 != nil {
		if z32, ok := any(z).([]float32); ok {
			d2_32, _ := any(d2).([]float32)
			fast32(z32, any(d1).([]float32), d2_32)
			return
		}
	}
	d1 = d1[:len(z)]
	if d2 == nil {
		for i, x := range z {
			f, g, _ := act(float64(x))
			z[i], d1[i] = T(f), T(g)
		}
		return
	}
	d2 = d2[:len(z)]
	for i, x := range z {
		f, g, h := act(float64(x))
		z[i], d1[i], d2[i] = T(f), T(g), T(h)
	}
}
