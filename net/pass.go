package net

import "github.com/edge-of-stability/eos/linalg"

// evalChunk scores rows examples from lo with inputs x.
func (o *Objective[T]) evalChunk(w *scratch[T], x chunkInput[T], lo, rows int) (float64, int) {
	o.forward(o.src, x, rows, &w.tape, false)
	return o.score(lo, rows, &w.tape, false)
}

// gradChunk scores rows examples from lo and adds their share of the
// gradient into grad, or writes it there when first (the slot's first chunk:
// grad's old contents are ignored).
func (o *Objective[T]) gradChunk(w *scratch[T], x chunkInput[T], lo, rows int, grad []T, first bool) (float64, int) {
	o.forward(o.src, x, rows, &w.tape, false)
	loss, correct := o.score(lo, rows, &w.tape, true)
	o.backward(o.src, x, rows, &w.tape, grad, first, false)
	return loss, correct
}

// forward runs the network at theta on rows inputs x, filling t's layer
// outputs and σ'(z) (and σ″(z) when second); bias and activation are applied
// by the GEMM's epilogue while each block of output is in cache.
func (o *Objective[T]) forward(theta []T, x chunkInput[T], rows int, t *tape[T], second bool) {
	last := len(o.layers) - 1
	f := &t.finish
	for l, lo := range o.layers {
		z := t.act[l][:rows*lo.Out]
		*f = layerFinisher[T]{o: o, kind: finishForward, z: z, ld: lo.Out, hidden: l < last}
		if lo.Bias {
			f.bias = theta[lo.b : lo.b+lo.Out]
		}
		if f.hidden {
			f.d1 = t.d1[l][:len(z)]
			if second {
				f.d2 = t.d2[l][:len(z)]
			}
		}
		var prev []T
		if l > 0 {
			prev = t.act[l-1][:rows*lo.In]
		}
		o.layerForward(l, x, prev, rows, weight(theta, lo), 0, z, f)
	}
	*f = layerFinisher[T]{} // drop the references to this pass's slices
}

// weight is layer lo's weight matrix in the parameter vector theta.
func weight[T linalg.Float](theta []T, lo layout) []T {
	return theta[lo.w : lo.w+lo.Out*lo.In]
}

// fillBias sets every row of z to layer lo's bias in theta and returns the
// GEMM beta that keeps it (0 when the layer has no bias).
func fillBias[T linalg.Float](z, theta []T, lo layout, rows int) T {
	if !lo.Bias {
		return 0
	}
	b := theta[lo.b : lo.b+lo.Out]
	for r := range rows {
		copy(z[r*lo.Out:(r+1)*lo.Out], b)
	}
	return 1
}

// score adds up the loss and correct predictions of rows examples from lo
// whose outputs are in t, and writes ∂(mean loss)/∂logits into t's last dz
// (and the softmax into t.p when second and the loss is ce).
func (o *Objective[T]) score(lo, rows int, t *tape[T], withGrad bool) (float64, int) {
	last := len(o.layers) - 1
	f := t.act[last]
	var loss float64
	correct := 0
	for r := range rows {
		fr := f[r*o.out : (r+1)*o.out]
		var g, p []T
		if withGrad {
			g = t.dz[last][r*o.out : (r+1)*o.out]
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
// is nil, and leaving
// ∂loss/∂z of every layer in t.dz (and ∂loss/∂a·σ″(z) in t.d2 when second).
func (o *Objective[T]) backward(theta []T, x chunkInput[T], rows int, t *tape[T], grad []T, first, second bool) {
	for l := len(o.layers) - 1; l >= 0; l-- {
		lo := o.layers[l]
		dz := t.dz[l][:rows*lo.Out]
		scale := T(lo.scale)
		if grad != nil {
			o.addLayerGrad(grad, l, dz, x, t, rows, first)
		}
		if l == 0 {
			return
		}
		da := t.dz[l-1][:rows*lo.In]
		f := &t.finish
		*f = layerFinisher[T]{o: o, kind: finishBackward, z: da, d1: t.d1[l-1][:len(da)], ld: lo.In}
		if second {
			f.d2 = t.d2[l-1][:len(da)]
		}
		linalg.GemmEpilogue(o.gemmThreads, linalg.NoTrans, linalg.NoTrans, rows, lo.In, lo.Out, scale, dz, lo.Out, weight(theta, lo), lo.In, 0, da, lo.In, f)
		*f = layerFinisher[T]{}
	}
}

// addColumnSums adds the column sums of the rows×len(sum) matrix m into sum,
// or writes them there when overwrite is set.
func addColumnSums[T linalg.Float](sum, m []T, rows int, overwrite bool) {
	n := len(sum)
	if overwrite {
		if rows == 0 {
			clear(sum)
			return
		}
		copy(sum, m[:n])
		m, rows = m[n:], rows-1
	}
	for r := range rows {
		for j, v := range m[r*n : (r+1)*n] {
			sum[j] += v
		}
	}
}
