package net

import "github.com/edge-of-stability/eos/linalg"

// evalChunk scores rows examples from lo with inputs x.
func (o *Objective[T]) evalChunk(w *scratch[T], x operand[T], lo, rows int) (float64, int) {
	o.forward(&w.env, o.src, x, rows, &w.tape, false)
	return o.score(lo, rows, &w.tape, false)
}

// gradChunk scores rows examples from lo and adds their share of the
// gradient into grad, or writes it there when first (the slot's first chunk:
// grad's old contents are ignored).
func (o *Objective[T]) gradChunk(w *scratch[T], x operand[T], lo, rows int, grad []T, first bool) (float64, int) {
	o.forward(&w.env, o.src, x, rows, &w.tape, false)
	loss, correct := o.score(lo, rows, &w.tape, true)
	o.backward(&w.env, o.src, x, rows, &w.tape, grad, first, false)
	return loss, correct
}

// input returns the inputs of rows examples from lo.
func (o *Objective[T]) input(lo, rows int) operand[T] {
	if o.pixels == nil {
		return operand[T]{x: o.x[lo*o.in : (lo+rows)*o.in]}
	}
	return operand[T]{pixels: linalg.Pixels[T]{U: o.pixels[lo*o.in : (lo+rows)*o.in], Ld: o.in, Scale: o.scale, Shift: o.shift}}
}

// forward runs the network at theta on rows inputs x, filling t's layer
// outputs and σ'(z) (and σ″(z) when second).
func (o *Objective[T]) forward(e *env[T], theta []T, x operand[T], rows int, t *tape[T], second bool) {
	e.second = second
	o.net.forward(e, theta, x, rows, t.s, second)
}

// score adds up the loss and correct predictions of rows examples from lo
// whose outputs are in t, and writes ∂(mean loss)/∂logits into t's last dz
// (and the softmax into t.p when second and the loss is ce).
func (o *Objective[T]) score(lo, rows int, t *tape[T], withGrad bool) (float64, int) {
	last := len(o.net.layers) - 1
	f := t.s[last].act
	var loss float64
	correct := 0
	for r := range rows {
		fr := f[r*o.out : (r+1)*o.out]
		var g, p []T
		if withGrad {
			g = t.s[last].dz[r*o.out : (r+1)*o.out]
			if t.p != nil {
				p = t.p[r*o.out : (r+1)*o.out]
			}
		}
		tg := o.target(lo + r)
		if o.loss == lossCE {
			loss += ceRow(fr, tg.label, o.invN, g, p)
		} else {
			loss += mseRow(fr, tg, o.invN, g)
		}
		if o.labels != nil && argmax(fr) == tg.label {
			correct++
		}
	}
	return loss, correct
}

// target is example i's label or regression targets.
func (o *Objective[T]) target(i int) target {
	if o.labels != nil {
		return target{label: int(o.labels[i])}
	}
	return target{y: o.targets[i*o.out : (i+1)*o.out]}
}

// backward propagates the output gradient in t down the network at theta,
// adding the parameter gradient into grad (writing it when first) unless grad
// is nil, and leaving ∂loss/∂z of every layer in t (and ∂loss/∂a·σ″(z) in
// its d2 when second).
func (o *Objective[T]) backward(e *env[T], theta []T, x operand[T], rows int, t *tape[T], grad []T, first, second bool) {
	e.second = second
	o.net.backward(e, theta, x, rows, t.s, grad, first, nil, nil)
}
