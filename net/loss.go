package net

import (
	"math"

	"github.com/edge-of-stability/eos/linalg"
)

// Loss names.
const (
	lossMSE = "mse"
	lossCE  = "ce"
)

// target is what one example's outputs are scored against: a class label,
// or a row of regression targets.
type target struct {
	label int
	y     []float64
}

// mseRow scores one example's outputs f by 0.5·‖f−y‖² (y one-hot for a
// label) and writes scale·(f−y), the scaled gradient, into g unless g is nil.
func mseRow[T linalg.Float](f []T, t target, scale T, g []T) float64 {
	var loss float64
	for j, fj := range f {
		var y float64
		switch {
		case t.y != nil:
			y = t.y[j]
		case j == t.label:
			y = 1
		}
		r := float64(fj) - y
		loss += r * r
		if g != nil {
			g[j] = scale * T(r)
		}
	}
	return loss / 2
}

// ceRow scores one example's logits f by the softmax cross-entropy against
// label and writes scale·(p−onehot) into g unless g is nil, and the softmax
// p into p unless p is nil.
func ceRow[T linalg.Float](f []T, label int, scale T, g, p []T) float64 {
	m := float64(f[0])
	for _, fj := range f[1:] {
		if v := float64(fj); v > m {
			m = v
		}
	}
	var s float64
	for _, fj := range f {
		s += math.Exp(float64(fj) - m)
	}
	loss := m + math.Log(s) - float64(f[label])
	if g == nil && p == nil {
		return loss
	}
	for j, fj := range f {
		pj := math.Exp(float64(fj)-m) / s
		if p != nil {
			p[j] = T(pj)
		}
		if g != nil {
			if j == label {
				pj--
			}
			g[j] = scale * T(pj)
		}
	}
	return loss
}

// ceHessRow applies scale·(diag(p) − ppᵀ), the cross-entropy Hessian in the
// logits, to rf and writes the result into rg.
func ceHessRow[T linalg.Float](p, rf []T, scale T, rg []T) {
	var dot T
	for j, pj := range p {
		dot += pj * rf[j]
	}
	for j, pj := range p {
		rg[j] = scale * pj * (rf[j] - dot)
	}
}

// argmax is the index of the first largest element of f (0 when all are NaN).
func argmax[T linalg.Float](f []T) int {
	best := 0
	for j, v := range f {
		if v > f[best] {
			best = j
		}
	}
	return best
}
