package net

import (
	"math"
	"math/rand/v2"

	"github.com/edge-of-stability/eos/linalg"
)

// layer is one stage of a network: a map from a block of examples' inputs to
// their outputs, with its parameters at fixed offsets of the model's flat
// parameter vector, and the four passes that the objective composes into
// losses, gradients and Hessian-vector products (forward, backward, and the
// forward and backward passes of Pearlmutter's R-operator). A layer with an
// activation applies it to its own output; the objective knows no layer kinds.
//
// Buffers hold rows examples one after another, each example's values in its
// Shape's C,H,W order. x is the layer's input (the previous layer's output, or
// the chunk's inputs for the first layer) and rx its R-value R{x} (nil for
// the first layer, whose input does not depend on the parameters). s is the
// layer's part of the tape: its output, activation derivatives and ∂loss/∂z.
type layer[T linalg.Float] interface {
	// in and out are the shapes of one example's input and output.
	in() Shape
	out() Shape
	// tensors lists the layer's parameter tensors (names without the module
	// prefix, e.g. "weight"), placed in the flat parameter vector.
	tensors() []Tensor
	// initialize draws the layer's parameters in theta by rule.
	initialize(r *rand.Rand, theta []T, rule initRule)
	// activated says whether the layer applies a (pointwise) activation, so
	// that the tape keeps σ'(z) and σ″(z) for it.
	activated() bool
	// argmaxes says whether the tape keeps an index per output (max pooling).
	argmaxes() bool
	// statistics is the number of values the layer's forward pass (and
	// R-forward pass) keeps per chunk for its backward passes: a
	// BatchNorm's mean and 1/sd of each channel (and their R-terms).
	statistics() int
	// scratch is the per-worker scratch (in elements) the layer's passes
	// need for blocks of up to rows examples.
	scratch(rows int) int
	// parts lists the layers a composite layer (a residual block) is made
	// of, whose tape slabs and R-slabs it keeps in its own slab's sub (nil
	// for a plain layer).
	parts() []layer[T]

	// forward writes the layer's output σ(z) into s.act (and σ'(z), σ″(z)
	// into s.d1, s.d2 when activated; s.d2 only when second).
	forward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], second bool)
	// backward adds the parameter gradient of ∂loss/∂z = s.dz into grad
	// (writes it when first; no gradient when grad is nil) and, unless dx is
	// nil, writes ∂loss/∂x into dx, handing each finished element to fin
	// (the previous layer's activation step) when fin is not nil.
	backward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], grad []T, first bool, dx []T, fin linalg.Epilogue)
	// rForward writes R{z} into r.rz and, when activated, R{σ(z)} into r.ra,
	// for the direction v.
	rForward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T])
	// rBackward adds the layer's share of H·v, from R{∂loss/∂z} in r.rdz and
	// ∂loss/∂z in s.dz, into hv (writes it when first) and, unless rdx is
	// nil, writes R{∂loss/∂x} into rdx, handing each finished element to fin.
	rBackward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T], hv []T, first bool, rdx []T, fin linalg.Epilogue)
}

// operand is a layer's input for a block of rows: floats, or (first layer
// only) uint8 pixels that the GEMMs standardise while packing them, so pixel
// sets never exist as floats.
type operand[T linalg.Float] struct {
	x      []T
	pixels linalg.Pixels[T]
}

// slab is one layer's part of a tape for a block of rows.
type slab[T linalg.Float] struct {
	act []T     // the layer's output (σ(z) when activated)
	d1  []T     // σ'(z) (activated layers)
	d2  []T     // σ″(z), then σ″(z)·∂loss/∂a (activated layers, linearisation only)
	dz  []T     // ∂loss/∂z (∂loss/∂output for a layer without activation)
	idx []int32 // the input index each output came from (max pooling)
	// stat is what the forward pass of the chunk on this tape left for its
	// backward passes (a BatchNorm's statistics); nil in views of the cache,
	// whose chunks' statistics are recomputed.
	stat []float64
	sub  []slab[T] // the slabs of a composite layer's parts

	fin layerFinisher[T] // the elementwise step of the GEMM in progress
}

// setView points s at rows [lo, lo+rows) of c, layer ly's slab (and its
// parts' slabs at theirs); s's sub slabs are allocated beforehand.
func (s *slab[T]) setView(c *slab[T], ly layer[T], lo, rows int) {
	size := ly.out().Size()
	a, b := lo*size, (lo+rows)*size
	s.act, s.dz, s.d1, s.d2, s.idx, s.stat = c.act[a:b], c.dz[a:b], nil, nil, nil, nil
	if c.d1 != nil {
		s.d1 = c.d1[a:b]
	}
	if c.d2 != nil {
		s.d2 = c.d2[a:b]
	}
	if c.idx != nil {
		s.idx = c.idx[a:b]
	}
	for i, p := range ly.parts() {
		s.sub[i].setView(&c.sub[i], p, lo, rows)
	}
}

// rslab is one worker's R-operator buffers for a layer.
type rslab[T linalg.Float] struct {
	rz  []T // R{z}
	ra  []T // R{σ(z)} (rz itself for a layer without activation)
	rdz []T // R{∂loss/∂z}
	// stat is what the R-forward pass left for the R-backward pass of the
	// same chunk (a BatchNorm's R-statistics).
	stat []float64
	sub  []rslab[T] // the R-slabs of a composite layer's parts
}

// env is what a layer's passes share with the objective: the goroutines per
// GEMM, the worker's scratch, and whether the pass in progress keeps the
// second-order terms of the linearisation.
type env[T linalg.Float] struct {
	threads int
	scratch []T
	second  bool
	bn      bnPass[T]   // the BatchNorm pass in progress, shared with the threads that run its channels
	conv    convPass[T] // the convolution pass in progress, shared with the threads that run its examples
	// parts are the per-thread buffers of work split between the threads
	// of a worker: one for each of its threads.
	parts []envPart[T]
}

// envPart is one thread's share of a worker's buffers.
type envPart[T linalg.Float] struct {
	fin     layerFinisher[T]
	scratch []T
}

// partScratcher is a layer whose passes split per-example work between a
// worker's threads, each needing partScratch elements of its own.
type partScratcher interface{ partScratch() int }

// partScratch is the per-thread scratch layers need (with their parts').
func partScratch[T linalg.Float](layers []layer[T]) int {
	need := 0
	for _, ly := range layers {
		if p, ok := ly.(partScratcher); ok {
			need = max(need, p.partScratch())
		}
		need = max(need, partScratch(ly.parts()))
	}
	return need
}

// newParts gives env threads per-thread buffers of need elements each.
func (e *env[T]) newParts(need int) {
	e.parts = make([]envPart[T], e.threads)
	for i := range e.parts {
		e.parts[i].scratch = make([]T, need)
	}
}

// gemm is linalg.GemmEpilogue on the environment's threads.
func (e *env[T]) gemm(tA, tB linalg.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int, ep linalg.Epilogue) {
	linalg.GemmEpilogue(e.threads, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
}

// initRule says how a layer draws its parameters.
type initRule struct {
	kind initKind
	gain float64 // Xavier gain
}

// initKind is a family of initial distributions.
type initKind int

const (
	// initUniform is PyTorch's default for Linear and Conv2d: weights and
	// biases U(−1/√fan_in, 1/√fan_in).
	initUniform initKind = iota
	// initXavierNormal is weights N(0, gain²·2/(fan_in+fan_out)), biases zero.
	initXavierNormal
	// initStandardNormal is every parameter N(0, 1) (the NTK parametrisation).
	initStandardNormal
	// initKaimingFanOut is weights N(0, 2/fan_out), biases zero (VGG's and
	// the ResNet's convolutions; fan_out = C_out·k·k).
	initKaimingFanOut
)

// affine is the parameters of a Linear or Conv2d layer: an out×fanIn weight
// matrix (PyTorch's layout, a convolution's kernel flattened as C_in·k·k)
// and an optional bias, at offsets w and b (b is -1 without bias) of the
// parameter vector, with a factor on the weight product (1/√fan_in under NTK).
type affine struct {
	outs, fanIn, fanOut int
	w, b                int
	scale               float64
	shape               []int // the weight tensor's PyTorch shape
}

// place puts an affine layer's parameters at *off, advancing it.
func (a *affine) place(off *int, bias bool, ntk bool) {
	a.w, a.b, a.scale = *off, -1, 1
	*off += a.outs * a.fanIn
	if bias {
		a.b = *off
		*off += a.outs
	}
	if ntk {
		a.scale = 1 / math.Sqrt(float64(a.fanIn))
	}
}

// weightOf is a's weight matrix in the parameter vector p.
func weightOf[T linalg.Float](a *affine, p []T) []T { return p[a.w : a.w+a.outs*a.fanIn] }

// biasOf is a's bias in the parameter vector p, or nil without bias.
func biasOf[T linalg.Float](a *affine, p []T) []T {
	if a.b < 0 {
		return nil
	}
	return p[a.b : a.b+a.outs]
}

// tensors lists the weight and bias of a.
func (a *affine) tensors() []Tensor {
	ts := []Tensor{{Name: "weight", Shape: a.shape, Offset: a.w, Len: a.outs * a.fanIn}}
	if a.b >= 0 {
		ts = append(ts, Tensor{Name: "bias", Shape: []int{a.outs}, Offset: a.b, Len: a.outs})
	}
	return ts
}

// initializeAffine draws a's weight then bias from rule with r.
func initializeAffine[T linalg.Float](a *affine, r *rand.Rand, theta []T, rule initRule) {
	w, b := weightOf(a, theta), biasOf(a, theta)
	switch rule.kind {
	case initStandardNormal:
		fillNormal(r, w, 1)
		fillNormal(r, b, 1)
	case initXavierNormal:
		fillNormal(r, w, rule.gain*math.Sqrt(2/float64(a.fanIn+a.fanOut)))
		clear(b)
	case initKaimingFanOut:
		fillNormal(r, w, math.Sqrt(2/float64(a.fanOut)))
		clear(b)
	default:
		bound := 1 / math.Sqrt(float64(a.fanIn))
		fillUniform(r, w, bound)
		fillUniform(r, b, bound)
	}
}
