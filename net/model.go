package net

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/edge-of-stability/eos/linalg"
)

// pcgStream is the fixed second PCG seed word, so that a run is fixed by its seed alone.
const pcgStream = 0x9e3779b97f4a7c15

// Model is a network's architecture and all its parameters in one flat
// slice: each layer's weight, out×in row-major (PyTorch layout), followed by
// its bias.
type Model[T linalg.Float] struct {
	// Arch is the architecture.
	Arch Arch
	// Params holds every parameter, layer by layer.
	Params []T
	layers []layout
}

// layout places one Linear layer in the flat parameter vector.
type layout struct {
	Layer
	w, b  int     // offsets of the weight and the bias (b is -1 without bias)
	scale float64 // factor on the weight product (1/√fan_in under NTK, else 1)
}

// Tensor names one parameter tensor as a PyTorch state_dict does, and
// places it in the flat parameter vector.
type Tensor struct {
	// Name is the state_dict key, e.g. "1.weight".
	Name string
	// Shape is [out, in] for a weight and [out] for a bias.
	Shape []int
	// Offset and Len locate the tensor in Model.Params.
	Offset, Len int
}

// NewModel lays out the parameters of a (all zero until Initialize).
func NewModel[T linalg.Float](a Arch) *Model[T] {
	layers := layoutOf(a)
	last := layers[len(layers)-1]
	n := last.w + last.In*last.Out
	if last.Bias {
		n = last.b + last.Out
	}
	return &Model[T]{Arch: a, Params: make([]T, n), layers: layers}
}

// layoutOf places the layers of a one after another.
func layoutOf(a Arch) []layout {
	var layers []layout
	off := 0
	for _, l := range a.Layers() {
		lo := layout{Layer: l, w: off, b: -1, scale: 1}
		off += l.In * l.Out
		if l.Bias {
			lo.b = off
			off += l.Out
		}
		if a.Init == InitNTK {
			lo.scale = 1 / math.Sqrt(float64(l.In))
		}
		layers = append(layers, lo)
	}
	return layers
}

// NumParams is the number of parameters.
func (m *Model[T]) NumParams() int { return len(m.Params) }

// Tensors lists the parameter tensors in state_dict order.
func (m *Model[T]) Tensors() []Tensor {
	var ts []Tensor
	for l, lo := range m.layers {
		prefix := strconv.Itoa(m.Arch.module(l)) + "."
		ts = append(ts, Tensor{Name: prefix + "weight", Shape: []int{lo.Out, lo.In}, Offset: lo.w, Len: lo.Out * lo.In})
		if lo.Bias {
			ts = append(ts, Tensor{Name: prefix + "bias", Shape: []int{lo.Out}, Offset: lo.b, Len: lo.Out})
		}
	}
	return ts
}

// Initialize draws the parameters from the scheme of m.Arch.Init with a PCG
// generator seeded by seed, layer by layer, weight then bias:
//   - "standard": PyTorch's nn.Linear default, weights and biases
//     U(−1/√fan_in, 1/√fan_in); the deep linear net uses Xavier normal and the
//     regression net Xavier normal with gain 1.9 on its first layer, zero bias
//     (their reference inits);
//   - "xavier": weights N(0, 2/(fan_in+fan_out)) (gain 1, except the
//     regression net's first layer, gain 1.9), biases zero;
//   - "ntk": every parameter N(0, 1) (the forward pass then scales each
//     weight product by 1/√fan_in: z = W·x/√fan_in + b).
func (m *Model[T]) Initialize(seed uint64) {
	r := rand.New(rand.NewPCG(seed, pcgStream))
	special := m.Arch.Family != familyFC
	for l, lo := range m.layers {
		w := m.Params[lo.w : lo.w+lo.In*lo.Out]
		var b []T
		if lo.Bias {
			b = m.Params[lo.b : lo.b+lo.Out]
		}
		switch {
		case m.Arch.Init == InitNTK:
			fillNormal(r, w, 1)
			fillNormal(r, b, 1)
		case m.Arch.Init == InitXavier || special:
			gain := 1.0
			if m.Arch.Family == familyRegression && l == 0 {
				gain = regressionGain
			}
			fillNormal(r, w, gain*math.Sqrt(2/float64(lo.In+lo.Out)))
			clear(b)
		default:
			bound := 1 / math.Sqrt(float64(lo.In))
			fillUniform(r, w, bound)
			fillUniform(r, b, bound)
		}
	}
}

// fillNormal draws x from N(0, std²).
func fillNormal[T linalg.Float](r *rand.Rand, x []T, std float64) {
	for i := range x {
		x[i] = T(std * r.NormFloat64())
	}
}

// fillUniform draws x from U(−bound, bound).
func fillUniform[T linalg.Float](r *rand.Rand, x []T, bound float64) {
	for i := range x {
		x[i] = T(bound * (2*r.Float64() - 1))
	}
}
