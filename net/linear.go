package net

import (
	"math/rand/v2"

	"github.com/edge-of-stability/eos/linalg"
)

// linear is nn.Linear, optionally followed by a pointwise activation that
// its GEMMs apply in their epilogue: a = σ(c·x·Wᵀ + b), c the NTK factor.
type linear[T linalg.Float] struct {
	affine
	inShape Shape
	act     actKernel // act.f nil: no activation (the output layer)
}

// newLinear is a Linear layer from input shape in (flattened in C,H,W order)
// to outs features, with activation act ("" for none), placed at *off.
func newLinear[T linalg.Float](in Shape, outs int, bias bool, act string, ntk bool, off *int) *linear[T] {
	l := &linear[T]{affine: affine{outs: outs, fanIn: in.Size(), fanOut: outs, shape: []int{outs, in.Size()}}, inShape: in}
	l.act = kernelOf(act)
	l.place(off, bias, ntk)
	return l
}

func (l *linear[T]) in() Shape         { return l.inShape }
func (l *linear[T]) out() Shape        { return Vector(l.outs) }
func (l *linear[T]) activated() bool   { return l.act.f != nil }
func (l *linear[T]) argmaxes() bool    { return false }
func (l *linear[T]) statistics() int   { return 0 }
func (l *linear[T]) scratch(int) int   { return 0 }
func (l *linear[T]) parts() []layer[T] { return nil }
func (l *linear[T]) initialize(r *rand.Rand, theta []T, rule initRule) {
	initializeAffine(&l.affine, r, theta, rule)
}

// product computes c = scale·x·Wᵀ + beta·c over rows inputs x (pixels or
// floats) and runs ep over c (ep may be nil).
func (l *linear[T]) product(e *env[T], x operand[T], rows int, w []T, beta T, c []T, ep linalg.Epilogue) {
	scale := T(l.scale)
	if x.x == nil {
		linalg.GemmPixelsA(e.threads, linalg.Trans, rows, l.outs, l.fanIn, scale, x.pixels, w, l.fanIn, beta, c, l.outs, ep)
		return
	}
	e.gemm(linalg.NoTrans, linalg.Trans, rows, l.outs, l.fanIn, scale, x.x, l.fanIn, w, l.fanIn, beta, c, l.outs, ep)
}

// addGrad adds the parameter gradient for output errors dz of rows inputs x
// to out (writes it when overwrite): scale·dzᵀ·x to the weight and the column
// sums of dz to the bias.
func (l *linear[T]) addGrad(e *env[T], out, dz []T, x operand[T], rows int, overwrite bool) {
	scale := T(l.scale)
	beta := T(1)
	if overwrite {
		beta = 0
	}
	if x.x == nil {
		linalg.GemmPixelsB(e.threads, linalg.Trans, l.outs, l.fanIn, rows, scale, dz, l.outs, x.pixels, beta, weightOf(&l.affine, out), l.fanIn, nil)
	} else {
		e.gemm(linalg.Trans, linalg.NoTrans, l.outs, l.fanIn, rows, scale, dz, l.outs, x.x[:rows*l.fanIn], l.fanIn, beta, weightOf(&l.affine, out), l.fanIn, nil)
	}
	if b := biasOf(&l.affine, out); b != nil {
		addColumnSums(b, dz, rows, overwrite)
	}
}

func (l *linear[T]) forward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], second bool) {
	z := s.act[:rows*l.outs]
	f := &s.fin
	*f = layerFinisher[T]{kind: finishForward, z: z, ld: l.outs, bias: biasOf(&l.affine, theta)}
	if l.act.f != nil {
		f.act, f.d1 = l.act, s.d1[:len(z)]
		if second {
			f.d2 = s.d2[:len(z)]
		}
	}
	l.product(e, x, rows, weightOf(&l.affine, theta), 0, z, f)
	*f = layerFinisher[T]{} // drop the references to this pass's slices
}

func (l *linear[T]) backward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], grad []T, first bool, dx []T, fin linalg.Epilogue) {
	dz := s.dz[:rows*l.outs]
	if grad != nil {
		l.addGrad(e, grad, dz, x, rows, first)
	}
	if dx != nil {
		e.gemm(linalg.NoTrans, linalg.NoTrans, rows, l.fanIn, l.outs, T(l.scale), dz, l.outs, weightOf(&l.affine, theta), l.fanIn, 0, dx, l.fanIn, fin)
	}
}

// rForward: R{z} = c·(V·x + W·R{x}) + R{b}, R{a} = σ'(z)·R{z}.
func (l *linear[T]) rForward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T]) {
	rz := r.rz[:rows*l.outs]
	beta := fillRows(rz, biasOf(&l.affine, v), rows)
	// The layer's last product hands its blocks to R{a} = σ'(z)·R{z}.
	var ep linalg.Epilogue
	f := &s.fin
	if l.act.f != nil {
		*f = layerFinisher[T]{kind: finishRForward, z: rz, d1: s.d1[:len(rz)], out: r.ra[:len(rz)], ld: l.outs}
		ep = f
	}
	if rx == nil {
		l.product(e, x, rows, weightOf(&l.affine, v), beta, rz, ep)
	} else {
		l.product(e, x, rows, weightOf(&l.affine, v), beta, rz, nil)
		e.gemm(linalg.NoTrans, linalg.Trans, rows, l.outs, l.fanIn, T(l.scale), rx[:rows*l.fanIn], l.fanIn, weightOf(&l.affine, theta), l.fanIn, 1, rz, l.outs, ep)
	}
	*f = layerFinisher[T]{}
}

// rBackward: R{dW} = c·(R{dz}ᵀ·x + dzᵀ·R{x}), R{db} = Σ R{dz},
// R{dx} = c·(R{dz}·W + dz·V).
func (l *linear[T]) rBackward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T], hv []T, first bool, rdx []T, fin linalg.Epilogue) {
	rdz, dz := r.rdz[:rows*l.outs], s.dz[:rows*l.outs]
	scale := T(l.scale)
	l.addGrad(e, hv, rdz, x, rows, first)
	if rx != nil {
		e.gemm(linalg.Trans, linalg.NoTrans, l.outs, l.fanIn, rows, scale, dz, l.outs, rx[:rows*l.fanIn], l.fanIn, 1, weightOf(&l.affine, hv), l.fanIn, nil)
	}
	if rdx == nil {
		return
	}
	e.gemm(linalg.NoTrans, linalg.NoTrans, rows, l.fanIn, l.outs, scale, rdz, l.outs, weightOf(&l.affine, theta), l.fanIn, 0, rdx, l.fanIn, nil)
	e.gemm(linalg.NoTrans, linalg.NoTrans, rows, l.fanIn, l.outs, scale, dz, l.outs, weightOf(&l.affine, v), l.fanIn, 1, rdx, l.fanIn, fin)
}

// fillRows sets every row of z (rows of len(b)) to b and returns the GEMM
// beta that keeps it (0 when b is nil).
func fillRows[T linalg.Float](z, b []T, rows int) T {
	if b == nil {
		return 0
	}
	n := len(b)
	for r := range rows {
		copy(z[r*n:(r+1)*n], b)
	}
	return 1
}
