package net

import (
	"math"

	"github.com/edge-of-stability/eos/asm"
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
// math.Tanh was a fifth of a cifar10-5k fc-tanh step, the ReLU loop an eighth
// of a cnn-relu one). Each computes what activate does, tanh to float32
// accuracy, ReLU bit for bit; each runs the SIMD kernel asm selected, looked
// up on every call so that a later asm.Select takes effect.
var fastActivations32 = map[string]func(z, d1, d2 []float32){
	actTanh: func(z, d1, d2 []float32) { asm.Tanh32()(z, d1, d2) },
	actReLU: func(z, d1, d2 []float32) { asm.ReLU32()(z, d1, d2, 0) },
}

// biasedActivations32 are float32 kernels that add one bias to a slice and
// apply the activation in the same sweep (a convolution's channel row):
// exactly the bias loop followed by the activation's slice kernel.
var biasedActivations32 = map[string]func(z, d1, d2 []float32, bias float32){
	actReLU: func(z, d1, d2 []float32, bias float32) { asm.ReLU32()(z, d1, d2, bias) },
}

// rectifierSlopes are the slopes below zero of the piecewise-linear
// rectifiers, whose slice path needs no per-element call.
var rectifierSlopes = map[string]float64{actReLU: 0, actLeakyReLU: leakySlope}

// actKernel is an activation with its fastest whole-slice implementation.
type actKernel struct {
	f      activation                // σ, σ', σ″ of one value; nil: no activation
	fast32 func(z, d1, d2 []float32) // float32 slice kernel, or nil
	// biased32 is the float32 slice kernel with a bias added first, or nil.
	biased32 func(z, d1, d2 []float32, bias float32)
	rect     bool // a rectifier with slope below zero
	slope    float64
}

// kernelOf is the kernel of the activation named act ("" for none).
func kernelOf(act string) actKernel {
	if act == "" {
		return actKernel{}
	}
	slope, rect := rectifierSlopes[act]
	return actKernel{f: activations[act], fast32: fastActivations32[act], biased32: biasedActivations32[act], rect: rect, slope: slope}
}

// activate overwrites the pre-activations z with σ(z) and stores σ'(z) in d1
// and, when d2 is non-nil, σ″(z) in d2: by the float32 slice kernel when T is
// float32 and there is one, by the rectifier loop for a rectifier (the same
// values as σ element by element), else element by element.
func activate[T linalg.Float](k actKernel, z, d1, d2 []T) {
	if k.fast32 != nil {
		if z32, ok := any(z).([]float32); ok {
			d2_32, _ := any(d2).([]float32)
			k.fast32(z32, any(d1).([]float32), d2_32)
			return
		}
	}
	d1 = d1[:len(z)]
	if k.rect {
		rectify(k.slope, z, d1)
		if d2 != nil {
			clear(d2[:len(z)])
		}
		return
	}
	if d2 == nil {
		for i, x := range z {
			f, g, _ := k.f(float64(x))
			z[i], d1[i] = T(f), T(g)
		}
		return
	}
	d2 = d2[:len(z)]
	for i, x := range z {
		f, g, h := k.f(float64(x))
		z[i], d1[i], d2[i] = T(f), T(g), T(h)
	}
}

// rectify applies the rectifier with the given slope below zero to z, σ'
// into d1, exactly as its element function does (NaN stays NaN).
func rectify[T linalg.Float](slope float64, z, d1 []T) {
	s := T(slope)
	for i, x := range z {
		switch {
		case x > 0:
			d1[i] = 1
		case x <= 0:
			if slope == 0 {
				z[i] = 0
			} else {
				z[i] = T(slope * float64(x))
			}
			d1[i] = s
		default: // NaN
			if slope == 0 {
				d1[i] = x
			} else {
				z[i], d1[i] = T(slope*float64(x)), s
			}
		}
	}
}
