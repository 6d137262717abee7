package net

import (
	"fmt"

	"github.com/edge-of-stability/eos/linalg"
)

// linearization is the direction-independent state of the HVP at one theta:
// theta itself and, when cached, for every example the layer outputs, σ'(z),
// σ″(z)·∂loss/∂a, ∂loss/∂z and the softmax.
type linearization[T linalg.Float] struct {
	theta []T
	tape  tape[T] // all n examples (empty when not cached)
}

// Linearize fixes theta as the point of the following HVPs and, when the
// cache fits its budget, caches there everything the HVP needs that does not
// depend on the direction (the cache is allocated by the first call).
// Without the cache each HVP recomputes that state chunk by chunk.
func (o *Objective[T]) Linearize(theta []T) {
	o.checkLen("theta", theta)
	if o.lin == nil {
		o.lin = &linearization[T]{theta: make([]T, o.numParams)}
		if o.cache {
			o.lin.tape = o.newTape(&sizer[T]{}, o.n, tapeFull)
		}
	}
	copy(o.lin.theta, theta)
	if o.cache {
		o.pass(modeLinearize, o.lin.theta, nil)
	}
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
	if o.v64 == nil {
		o.v64, o.hv64 = make([]T, o.numParams), make([]T, o.numParams)
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
	for l, ly := range o.net.layers {
		t.s[l].setView(&c.s[l], ly, lo, rows)
	}
	if c.p != nil {
		t.p = c.p[lo*o.out : (lo+rows)*o.out]
	}
	return t
}

// linearizeChunk fills t with the linearisation of rows examples from lo at
// theta.
func (o *Objective[T]) linearizeChunk(w *scratch[T], theta []T, x operand[T], lo, rows int, t *tape[T]) (float64, int) {
	o.forward(&w.env, theta, x, rows, t, true)
	loss, correct := o.score(lo, rows, t, true)
	o.backward(&w.env, theta, x, rows, t, nil, false, true)
	return loss, correct
}

// hvpChunk adds the share of rows examples from lo of H·v, v = o.src, into
// hv (writes it there when first) by one forward-over-reverse sweep
// (Pearlmutter's R-operator), on the cached linearisation or on one it
// recomputes for the chunk.
func (o *Objective[T]) hvpChunk(w *scratch[T], x operand[T], lo, rows int, hv []T, first bool) {
	theta, v := o.lin.theta, o.src
	var t *tape[T]
	if o.cache {
		t = o.view(&w.view, lo, rows)
	} else {
		t = &w.tape
		o.linearizeChunk(w, theta, x, lo, rows, t)
	}
	last := len(o.net.layers) - 1
	w.env.second = true
	o.net.rForward(&w.env, theta, v, x, nil, rows, t.s, w.r)

	// Output: R{∂loss/∂f} = (loss Hessian in f)·R{f}.
	rf, rg := w.r[last].rz[:rows*o.out], w.r[last].rdz[:rows*o.out]
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

	o.net.rBackward(&w.env, theta, v, x, nil, rows, t.s, w.r, hv, first, nil, nil)
}
