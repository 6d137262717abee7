package linalg

import "github.com/edge-of-stability/eos/asm"

// packA copies rows [i0, i0+rows) and columns [p0, p0+kb) of op(A) into the
// MR-row panel dst, column by column: dst[l*mr+r] = opA(i0+r, p0+l), with
// zeros in rows rows..mr-1. Pixels are standardised on the way, through
// conv when the pack transposes them.
func packA[E asm.Elem](g *gemmArgs[E], kern *asm.Kernel[E], dst []E, i0, rows, p0, kb int, conv []E) {
	mr := kern.MR
	dst = dst[:kb*mr]
	if px := &g.aPix; px.u != nil {
		if g.tA {
			px.packStraight(dst, mr, p0, i0, rows, kb)
			return
		}
		px.packTransposed(dst, mr, i0, p0, rows, kb, conv, kern)
		return
	}
	if g.tA {
		packStraight(dst, mr, g.a[p0*g.lda+i0:], g.lda, rows, kb)
		return
	}
	packTransposed(dst, mr, g.a[i0*g.lda+p0:], g.lda, rows, kb, kern)
}

// packB copies rows [p0, p0+kb) and columns [j0, j0+cols) of op(B) into the
// NR-column panel dst, row by row: dst[l*nr+j] = opB(p0+l, j0+j), with zeros
// in columns cols..nr-1. Pixels are standardised on the way, through conv
// when the pack transposes them.
func packB[E asm.Elem](g *gemmArgs[E], kern *asm.Kernel[E], dst []E, p0, kb, j0, cols int, conv []E) {
	nr := kern.NR
	dst = dst[:kb*nr]
	if px := &g.bPix; px.u != nil {
		if g.tB {
			px.packTransposed(dst, nr, j0, p0, cols, kb, conv, kern)
			return
		}
		px.packStraight(dst, nr, p0, j0, cols, kb)
		return
	}
	if !g.tB {
		if cols == nr && kern.PackRows != nil {
			src := g.b[p0*g.ldb+j0 : (p0+kb-1)*g.ldb+j0+nr]
			kern.PackRows(&dst[0], &src[0], g.ldb, kb)
			return
		}
		packStraight(dst, nr, g.b[p0*g.ldb+j0:], g.ldb, cols, kb)
		return
	}
	packTransposed(dst, nr, g.b[j0*g.ldb+p0:], g.ldb, cols, kb, kern)
}

// packStraight copies kb rows of width elements of src (leading dimension
// ld) into rows of stride elements, zero-padded: dst[l*stride+r] =
// src[l*ld+r] for r < width.
func packStraight[E asm.Elem](dst []E, stride int, src []E, ld, width, kb int) {
	for l := 0; l < kb; l++ {
		copy(dst[l*stride:l*stride+width], src[l*ld:l*ld+width])
	}
	clearPadding(dst, stride, width, kb)
}

// packTransposed writes the transpose of the rows×kb block src (leading
// dimension ld) into rows of stride elements, zero-padded: dst[l*stride+r] =
// src[r*ld+l] for r < rows. Whole square blocks go through the kernel's
// Transpose when it has one.
func packTransposed[E asm.Elem](dst []E, stride int, src []E, ld, rows, kb int, kern *asm.Kernel[E]) {
	transposeRows(dst, stride, src, ld, rows, kb, kern)
	clearPadding(dst, stride, rows, kb)
}

// transposeRows writes dst[l*stride+r] = src[r*ld+l] for r < rows, l < kb,
// whole square blocks through the kernel's Transpose when it has one.
func transposeRows[E asm.Elem](dst []E, stride int, src []E, ld, rows, kb int, kern *asm.Kernel[E]) {
	r, kbT := 0, 0
	if t, tr := kern.Transpose, kern.TransposeRows; t != nil && kb >= tr {
		kbT = kb - kb%tr
		for ; r+tr <= rows; r += tr {
			t(&dst[r], stride, &src[r*ld], ld, kbT/tr)
		}
	}
	for rr := 0; rr < r; rr++ { // the columns past the last whole block
		for l, v := range src[rr*ld+kbT : rr*ld+kb] {
			dst[(kbT+l)*stride+rr] = v
		}
	}
	for ; r < rows; r++ {
		for l, v := range src[r*ld : r*ld+kb] {
			dst[l*stride+r] = v
		}
	}
}

// clearPadding zeroes columns width..stride-1 of kb rows of stride elements.
func clearPadding[E asm.Elem](dst []E, stride, width, kb int) {
	if width < stride {
		for l := 0; l < kb; l++ {
			clear(dst[l*stride+width : (l+1)*stride])
		}
	}
}
