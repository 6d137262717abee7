package net

import "github.com/edge-of-stability/eos/linalg"

// chunkInput is a chunk's input to the first layer: rows of standardised
// floats, or rows of uint8 pixels that the GEMMs standardise while packing
// them (so pixel sets never exist as floats).
type chunkInput[T linalg.Float] struct {
	x      []T
	pixels linalg.Pixels[T]
}

// input returns the inputs of rows examples from lo.
func (o *Objective[T]) input(lo, rows int) chunkInput[T] {
	if o.pixels == nil {
		return chunkInput[T]{x: o.x[lo*o.in : (lo+rows)*o.in]}
	}
	return chunkInput[T]{pixels: linalg.Pixels[T]{U: o.pixels[lo*o.in : (lo+rows)*o.in], Ld: o.in, Scale: o.scale, Shift: o.shift}}
}

// gemm is linalg.ParallelGemm on the objective's GEMM threads.
func (o *Objective[T]) gemm(tA, tB linalg.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	linalg.ParallelGemm(o.gemmThreads, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// layerForward computes c = scale·in·Wᵀ + beta·c for layer lo over rows
// inputs (the first layer's from x, a later layer's from prev), then runs ep
// over c (ep may be nil).
func (o *Objective[T]) layerForward(l int, x chunkInput[T], prev []T, rows int, w []T, beta T, c []T, ep linalg.Epilogue) {
	lo := o.layers[l]
	scale := T(lo.scale)
	if l == 0 && x.x == nil {
		linalg.GemmPixelsA(o.gemmThreads, linalg.Trans, rows, lo.Out, lo.In, scale, x.pixels, w, lo.In, beta, c, lo.Out, ep)
		return
	}
	in := prev
	if l == 0 {
		in = x.x
	}
	linalg.GemmEpilogue(o.gemmThreads, linalg.NoTrans, linalg.Trans, rows, lo.Out, lo.In, scale, in, lo.In, w, lo.In, beta, c, lo.Out, ep)
}

// addLayerGrad adds layer l's parameter gradient for output errors dz of
// rows examples to out (or writes it there when overwrite is set): scale·dzᵀ·in
// to the weights and the column sums of dz to the bias, the input being x
// for the first layer and the previous layer's activations in t otherwise.
func (o *Objective[T]) addLayerGrad(out []T, l int, dz []T, x chunkInput[T], t *tape[T], rows int, overwrite bool) {
	lo := o.layers[l]
	scale := T(lo.scale)
	beta := T(1)
	if overwrite {
		beta = 0
	}
	switch {
	case l > 0:
		o.gemm(linalg.Trans, linalg.NoTrans, lo.Out, lo.In, rows, scale, dz, lo.Out, t.act[l-1][:rows*lo.In], lo.In, beta, weight(out, lo), lo.In)
	case x.x == nil:
		linalg.GemmPixelsB(o.gemmThreads, linalg.Trans, lo.Out, lo.In, rows, scale, dz, lo.Out, x.pixels, beta, weight(out, lo), lo.In, nil)
	default:
		o.gemm(linalg.Trans, linalg.NoTrans, lo.Out, lo.In, rows, scale, dz, lo.Out, x.x[:rows*lo.In], lo.In, beta, weight(out, lo), lo.In)
	}
	if lo.Bias {
		addColumnSums(out[lo.b:lo.b+lo.Out], dz, rows, overwrite)
	}
}

// finishKind says which elementwise step a layerFinisher applies.
type finishKind int

const (
	// finishForward adds the bias to z and, on a hidden layer, applies the
	// activation, keeping σ'(z) in d1 (and σ″(z) in d2 when it is not nil).
	finishForward finishKind = iota
	// finishBackward turns ∂loss/∂a in z into ∂loss/∂z = ∂loss/∂a·σ'(z),
	// first multiplying d2 by ∂loss/∂a when d2 is not nil.
	finishBackward
	// finishRForward writes R{a} = σ'(z)·R{z} into out, R{z} being z.
	finishRForward
	// finishRBackward turns R{∂loss/∂a} in z into R{∂loss/∂z} =
	// R{∂loss/∂a}·σ'(z) + ∂loss/∂a·σ″(z)·R{z}, with d2 holding ∂loss/∂a·σ″(z)
	// and out holding R{z}.
	finishRBackward
)

// layerFinisher is a GEMM epilogue that applies one layer's elementwise step
// (see finishKind) to each finished block of the product z, while the block
// is in cache. Its slices share z's layout (rows of ld values).
type layerFinisher[T linalg.Float] struct {
	o              *Objective[T]
	kind           finishKind
	z, d1, d2, out []T
	bias           []T // nil without a bias (finishForward)
	ld             int
	hidden         bool // apply the activation (finishForward)
}

// Finish implements linalg.Epilogue.
func (f *layerFinisher[T]) Finish(i0, rows, j0, cols int) {
	for i := i0; i < i0+rows; i++ {
		at := i*f.ld + j0
		z := f.z[at : at+cols]
		switch f.kind {
		case finishForward:
			if f.bias != nil {
				for j, b := range f.bias[j0 : j0+cols] {
					z[j] += b
				}
			}
			if f.hidden {
				var d2 []T
				if f.d2 != nil {
					d2 = f.d2[at : at+cols]
				}
				activate(f.o.act, f.o.act32, z, f.d1[at:at+cols], d2)
			}
		case finishBackward:
			d1 := f.d1[at : at+cols]
			if f.d2 != nil {
				d2 := f.d2[at : at+cols]
				for j, v := range z {
					d2[j] *= v
				}
			}
			for j := range z {
				z[j] *= d1[j]
			}
		case finishRForward:
			d1, ra := f.d1[at:at+cols], f.out[at:at+cols]
			for j, r := range z {
				ra[j] = d1[j] * r
			}
		case finishRBackward:
			d1, d2, rz := f.d1[at:at+cols], f.d2[at:at+cols], f.out[at:at+cols]
			for j, r := range z {
				z[j] = r*d1[j] + d2[j]*rz[j]
			}
		}
	}
}
