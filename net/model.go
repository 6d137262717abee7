package net

import (
	"math/rand/v2"

	"github.com/edge-of-stability/eos/linalg"
)

// pcgStream is the fixed second PCG seed word, so that a run is fixed by its seed alone.
const pcgStream = 0x9e3779b97f4a7c15

// Model is a network: its architecture, its layers, and all its parameters in
// one flat slice, layer by layer, each layer's tensors in PyTorch's
// parameters() order (a weight, out×in row-major as PyTorch lays it out,
// then its bias), so the vector is PyTorch's parameters_to_vector.
type Model[T linalg.Float] struct {
	// Arch is the architecture.
	Arch Arch
	// Params holds every parameter, layer by layer.
	Params []T
	layers []layer[T]
	specs  []layerSpec
}

// Tensor names one parameter tensor as a PyTorch state_dict does, and
// places it in the flat parameter vector.
type Tensor struct {
	// Name is the state_dict key, e.g. "1.weight".
	Name string
	// Shape is the tensor's PyTorch shape, e.g. [out, in] for a Linear weight.
	Shape []int
	// Offset and Len locate the tensor in Model.Params.
	Offset, Len int
}

// NewModel lays out the parameters of a (all zero until Initialize).
func NewModel[T linalg.Float](a Arch) *Model[T] { return newModel[T](a, a.layerSpecs()) }

// newModel lays out the layers specs of a.
func newModel[T linalg.Float](a Arch, specs []layerSpec) *Model[T] {
	m := &Model[T]{Arch: a, specs: specs}
	n := 0
	for _, s := range specs {
		m.layers = append(m.layers, newLayer[T](s, a.Init == InitNTK, &n))
	}
	m.Params = make([]T, n)
	return m
}

// NumParams is the number of parameters.
func (m *Model[T]) NumParams() int { return len(m.Params) }

// Tensors lists the parameter tensors in state_dict order.
func (m *Model[T]) Tensors() []Tensor {
	var ts []Tensor
	for l, ly := range m.layers {
		for _, t := range ly.tensors() {
			t.Name = m.specs[l].name + "." + t.Name
			ts = append(ts, t)
		}
	}
	return ts
}

// Output is the shape of the network's output for one example.
func (m *Model[T]) Output() Shape { return m.layers[len(m.layers)-1].out() }

// Initialize draws the parameters from the scheme of m.Arch.Init with a PCG
// generator seeded by seed, layer by layer, weight then bias:
//   - "standard": PyTorch's default for Linear and Conv2d, weights and biases
//     U(−1/√fan_in, 1/√fan_in) (fan_in = C_in·k·k for a convolution); the
//     deep linear net uses Xavier normal and the regression net Xavier normal
//     with gain 1.9 on its first layer, zero bias (their reference inits);
//   - "xavier": weights N(0, 2/(fan_in+fan_out)) (gain 1, except the
//     regression net's first layer, gain 1.9), biases zero;
//   - "ntk": every parameter N(0, 1) (the forward pass then scales each
//     weight product by 1/√fan_in: z = W·x/√fan_in + b).
func (m *Model[T]) Initialize(seed uint64) {
	r := rand.New(rand.NewPCG(seed, pcgStream))
	for l, ly := range m.layers {
		ly.initialize(r, m.Params, m.specs[l].init)
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

// Buffers lists the state_dict's buffers (those of the BatchNorm layers) with
// the values eos writes for them, a fresh PyTorch module's, so that
// load_state_dict(strict=True) accepts eos's weights.
func (m *Model[T]) Buffers() []Buffer {
	var bs []Buffer
	for l, ly := range m.layers {
		if b, ok := ly.(buffered); ok {
			for _, x := range b.buffers() {
				x.Name = m.specs[l].name + "." + x.Name
				bs = append(bs, x)
			}
		}
	}
	return bs
}
