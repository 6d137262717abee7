package net

import (
	"fmt"

	"github.com/edge-of-stability/eos/linalg"
)

// linearization is the direction-independent state of the HVP at one theta,
// for every example: layer outputs, σ'(z), σ″(z)·∂loss/∂a, ∂loss/∂z and the
// softmax.
type linearization[T linalg.Float] struct {
	theta []T
	tape  tape[T] // all n examples
}

// Linearize caches at theta everything the HVP needs that does not depend on
// the direction (the cache is allocated by the first call).
func (o *Objective[T]) Linearize(theta []T) {
	o.checkLen("theta", theta)
	if o.lin == nil {
		o.lin = &linearization[T]{theta: make([]T, o.numParams), tape: o.newTape(o.n, true)}
	}
	copy(o.lin.theta, theta)
	o.pass(modeLinearize, o.lin.theta, nil)
}

// HVP writes hv = H(theta)·v, H the Hessian of the mean loss at the theta of
// the last Linearize. v and hv must not overlap.
func (o *Objective[T]) HVP(v, hv []T) {
	if o.lin == nil {
		panic("net: HVP before Linearize")
	}
	o.checkLen("v", v)
	o.checkLen("hv", hv)
	o.pass(modeHVP, v, hv)
}

// HVP64 is HVP on float64 vectors, converting to and from T.
func (o *Objective[T]) HVP64(v, hv []float64) {
	if len(v) != o.numParams || len(hv) != o.numParams {
		panic(fmt.Sprintf("net: HVP64 of %d into %d elements, the model has %d parameters", len(v), len(hv), o.numParams))
	}
	for i, x := range v {
		o.v64[i] = T(x)
	}
	o.HVP(o.v64, o.hv64)
	for i, x := range o.hv64 {
		hv[i] = float64(x)
	}
}

// view points t at the cached state of rows examples from lo.
func (o *Objective[T]) view(t *tape[T], lo, rows int) *tape[T] {
	c := &o.lin.tape
	for l, ly := range o.layers {
		a, b := lo*ly.Out, (lo+rows)*ly.Out
		t.act[l], t.d1[l], t.d2[l], t.dz[l] = c.act[l][a:b], c.d1[l][a:b], c.d2[l][a:b], c.dz[l][a:b]
	}
	if c.p != nil {
		t.p = c.p[lo*o.out : (lo+rows)*o.out]
	}
	return t
}

// linearizeChunk fills the cache for rows examples from lo.
func (o *Objective[T]) linearizeChunk(w *scratch[T], x chunkInput[T], lo, rows int) (float64, int) {
	t := o.view(&w.view, lo, rows)
	o.forward(o.src, x, rows, t, true)
	loss, correct := o.score(lo, rows, t, true)
	o.backward(o.src, x, rows, t, nil, false, true)
	return loss, correct
}

// hvpChunk adds the share of rows examples from lo of H·v, v = o.src, into
// hv (writes it there when first) by one forward-over-reverse sweep
// (Pearlmutter's R-operator).
func (o *Objective[T]) hvpChunk(w *scratch[T], x chunkInput[T], lo, rows int, hv []T, first bool) {
	t := o.view(&w.view, lo, rows)
	theta, v := o.lin.theta, o.src
	last := len(o.layers) - 1

	// Forward: R{z} = c·(V·a + W·R{a}) + R{b}, R{a} = σ'(z)·R{z}, R{x} = 0.
	f := &t.finish
	for l, ly := range o.layers {
		rz := w.rz[l][:rows*ly.Out]
		scale := T(ly.scale)
		beta := fillBias(rz, v, ly, rows)
		// The layer's last product hands its blocks to R{a} = σ'(z)·R{z}.
		var ep linalg.Epilogue
		if l < last {
			*f = layerFinisher[T]{o: o, kind: finishRForward, z: rz, d1: t.d1[l][:len(rz)], out: w.ra[l][:len(rz)], ld: ly.Out}
			ep = f
		}
		if l == 0 {
			o.layerForward(l, x, nil, rows, weight(v, ly), beta, rz, ep)
			continue
		}
		o.layerForward(l, x, t.act[l-1][:rows*ly.In], rows, weight(v, ly), beta, rz, nil)
		linalg.GemmEpilogue(o.gemmThreads, linalg.NoTrans, linalg.Trans, rows, ly.Out, ly.In, scale, w.ra[l-1][:rows*ly.In], ly.In, weight(theta, ly), ly.In, 1, rz, ly.Out, ep)
	}
	*f = layerFinisher[T]{}

	// Output: R{∂loss/∂f} = (loss Hessian in f)·R{f}.
	rf, rg := w.rz[last][:rows*o.out], w.rdz[last][:rows*o.out]
	if o.loss == lossCE {
		for r := range rows {
			s := r * o.out
			ceHessRow(t.p[s:s+o.out], rf[s:s+o.out], o.invN, rg[s:s+o.out])
		}
	} else {
		for i, v := range rf {
			rg[i] = o.invN * v
		}
	}

	// Backward: R{dW} = c·(R{dz}ᵀ·a + dzᵀ·R{a}), R{db} = Σ R{dz},
	// R{da} = c·(R{dz}·W + dz·V), R{dz} = R{da}·σ'(z) + da·σ″(z)·R{z}.
	for l := last; l >= 0; l-- {
		ly := o.layers[l]
		rdz, dz := w.rdz[l][:rows*ly.Out], t.dz[l]
		scale := T(ly.scale)
		o.addLayerGrad(hv, l, rdz, x, t, rows, first)
		if l > 0 {
			o.gemm(linalg.Trans, linalg.NoTrans, ly.Out, ly.In, rows, scale, dz, ly.Out, w.ra[l-1][:rows*ly.In], ly.In, 1, weight(hv, ly), ly.In)
		}
		if l == 0 {
			return
		}
		rda := w.rdz[l-1][:rows*ly.In]
		o.gemm(linalg.NoTrans, linalg.NoTrans, rows, ly.In, ly.Out, scale, rdz, ly.Out, weight(theta, ly), ly.In, 0, rda, ly.In)
		*f = layerFinisher[T]{o: o, kind: finishRBackward, z: rda, d1: t.d1[l-1][:len(rda)], d2: t.d2[l-1][:len(rda)], out: w.rz[l-1][:len(rda)], ld: ly.In}
		linalg.GemmEpilogue(o.gemmThreads, linalg.NoTrans, linalg.NoTrans, rows, ly.In, ly.Out, scale, dz, ly.Out, weight(v, ly), ly.In, 1, rda, ly.In, f)
		*f = layerFinisher[T]{}
	}
}
