package net

import "github.com/edge-of-stability/eos/linalg"

// stack is a sequence of layers, each taking the previous one's output: the
// network itself, or a branch of a residual block. Its passes run on one
// tape slab (and R-slab) per layer and hand each layer's activation step to
// the GEMMs of the layer above it in the backward passes.
type stack[T linalg.Float] struct {
	layers []layer[T]
	sizes  []int // values per example of each layer's output
}

// newStack is the stack of layers.
func newStack[T linalg.Float](layers []layer[T]) stack[T] {
	k := stack[T]{layers: layers}
	for _, ly := range layers {
		k.sizes = append(k.sizes, ly.out().Size())
	}
	return k
}

// input is layer l's input for rows examples: the stack's input x for the
// first layer, the previous layer's outputs in s otherwise.
func (k *stack[T]) input(l int, x operand[T], s []slab[T], rows int) operand[T] {
	if l == 0 {
		return x
	}
	return operand[T]{x: s[l-1].act[:rows*k.sizes[l-1]]}
}

// rInput is layer l's R-input: the stack's rx for the first layer, the
// previous layer's R{output} otherwise.
func (k *stack[T]) rInput(l int, rx []T, r []rslab[T], rows int) []T {
	if l == 0 {
		return rx
	}
	return r[l-1].ra[:rows*k.sizes[l-1]]
}

// forward runs the layers at theta on rows inputs x, filling their slabs s
// with outputs and σ'(z) (and σ″(z) when second).
func (k *stack[T]) forward(e *env[T], theta []T, x operand[T], rows int, s []slab[T], second bool) {
	for l, ly := range k.layers {
		ly.forward(e, theta, k.input(l, x, s, rows), rows, &s[l], second)
	}
}

// finisher returns the elementwise step that turns a gradient with respect
// to layer l's output, in g, into one with respect to its pre-activation
// (kind finishBackward or finishRBackward, with rz being R{z} for the
// latter), or nil when layer l has no activation.
func (k *stack[T]) finisher(s []slab[T], l int, kind finishKind, g, rz []T, second bool) linalg.Epilogue {
	if !k.layers[l].activated() {
		return nil
	}
	sl := &s[l]
	f := &sl.fin
	*f = layerFinisher[T]{kind: kind, z: g, d1: sl.d1[:len(g)], ld: k.sizes[l]}
	if second {
		f.d2 = sl.d2[:len(g)]
	}
	if kind == finishRBackward {
		f.out = rz[:len(g)]
	}
	return f
}

// backward propagates ∂loss/∂z of the last layer, in its slab, down the
// stack at theta, adding the parameter gradient into grad (writing it when
// first) unless grad is nil, and leaving ∂loss/∂z of every layer in s (and
// ∂loss/∂a·σ″(z) in its d2 when e.second). Unless dx is nil it writes
// ∂loss/∂x of the stack's input into dx, handing each finished element to fin.
func (k *stack[T]) backward(e *env[T], theta []T, x operand[T], rows int, s []slab[T], grad []T, first bool, dx []T, fin linalg.Epilogue) {
	for l := len(k.layers) - 1; l >= 0; l-- {
		ldx, lfin := dx, fin
		if l > 0 {
			ldx = s[l-1].dz[:rows*k.sizes[l-1]]
			lfin = k.finisher(s, l-1, finishBackward, ldx, nil, e.second)
		}
		k.layers[l].backward(e, theta, k.input(l, x, s, rows), rows, &s[l], grad, first, ldx, lfin)
		if l > 0 {
			s[l-1].fin = layerFinisher[T]{}
		}
	}
}

// rForward runs the R-forward pass of every layer for direction v, the
// stack's input having R-value rx (nil: independent of the parameters).
func (k *stack[T]) rForward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s []slab[T], r []rslab[T]) {
	for l, ly := range k.layers {
		ly.rForward(e, theta, v, k.input(l, x, s, rows), k.rInput(l, rx, r, rows), rows, &s[l], &r[l])
	}
}

// rBackward propagates R{∂loss/∂z} of the last layer, in its R-slab, down
// the stack, adding each layer's share of H·v into hv (writing it when
// first) and, unless rdx is nil, writing R{∂loss/∂x} of the stack's input
// into rdx, handing each finished element to fin.
func (k *stack[T]) rBackward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s []slab[T], r []rslab[T], hv []T, first bool, rdx []T, fin linalg.Epilogue) {
	for l := len(k.layers) - 1; l >= 0; l-- {
		ldx, lfin := rdx, fin
		if l > 0 {
			ldx = r[l-1].rdz[:rows*k.sizes[l-1]]
			lfin = k.finisher(s, l-1, finishRBackward, ldx, r[l-1].rz, true)
		}
		k.layers[l].rBackward(e, theta, v, k.input(l, x, s, rows), k.rInput(l, rx, r, rows), rows, &s[l], &r[l], hv, first, ldx, lfin)
		if l > 0 {
			s[l-1].fin = layerFinisher[T]{}
		}
	}
}

// newViewSlab is a slab shaped like layer ly's, to hold views of a cache.
func newViewSlab[T linalg.Float](ly layer[T]) slab[T] {
	var s slab[T]
	for _, p := range ly.parts() {
		s.sub = append(s.sub, newViewSlab(p))
	}
	return s
}
