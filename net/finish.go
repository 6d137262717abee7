package net

import "github.com/edge-of-stability/eos/linalg"

// finishKind says which elementwise step a layerFinisher applies.
type finishKind int

const (
	// finishForward adds the bias (when not nil) to z and, with an
	// activation, applies it, keeping σ'(z) in d1 (and σ″(z) in d2 when it is
	// not nil).
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
// is in cache. Its slices share z's layout (rows of ld values); the bias of
// finishForward has one value per column, or per row when biasRows is set.
type layerFinisher[T linalg.Float] struct {
	kind           finishKind
	z, d1, d2, out []T
	bias           []T
	biasRows       bool
	act            actKernel // finishForward: act.f nil applies none
	ld             int
}

// Finish implements linalg.Epilogue.
func (f *layerFinisher[T]) Finish(i0, rows, j0, cols int) {
	for i := i0; i < i0+rows; i++ {
		at := i*f.ld + j0
		z := f.z[at : at+cols]
		switch f.kind {
		case finishForward:
			if f.biasRows && f.bias != nil && f.act.biased32 != nil && f.finishBiased32(z, i, at, cols) {
				continue
			}
			switch {
			case f.bias == nil:
			case f.biasRows:
				b := f.bias[i]
				for j := range z {
					z[j] += b
				}
			default:
				for j, b := range f.bias[j0 : j0+cols] {
					z[j] += b
				}
			}
			if f.act.f != nil {
				var d2 []T
				if f.d2 != nil {
					d2 = f.d2[at : at+cols]
				}
				activate(f.act, z, f.d1[at:at+cols], d2)
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

// finishBiased32 is finishForward of row i (z, at at in the product) by
// the activation's biased float32 kernel, when T is float32; it reports
// whether it applied.
func (f *layerFinisher[T]) finishBiased32(z []T, i, at, cols int) bool {
	z32, ok := any(z).([]float32)
	if !ok {
		return false
	}
	d1 := any(f.d1[at : at+cols]).([]float32)
	var d2 []float32
	if f.d2 != nil {
		d2 = any(f.d2[at : at+cols]).([]float32)
	}
	f.act.biased32(z32, d1, d2, float32(f.bias[i]))
	return true
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
