package net

import (
	"math"
	"math/rand/v2"

	"github.com/edge-of-stability/eos/linalg"
)

// bnEps is PyTorch's default ε of BatchNorm.
const bnEps = 1e-5

// batchNorm is nn.BatchNorm2d (nn.BatchNorm1d on vectors) in training mode,
// optionally followed by a pointwise activation: each channel c of the block
// of rows examples it is given (the ghost batch: the objective's chunk) is
// normalised by its own mean μ and biased variance σ² over the block's
// m = rows·H·W values, x̂ = (x − μ)·s with s = 1/√(σ² + ε), then scaled and
// shifted, y = γ·x̂ + β. The statistics are recomputed from the input in
// every pass (two sums per channel, accumulated in float64 in a fixed
// order), so the tape keeps nothing beyond the output. Its input is always
// another layer's output, never the data's pixels.
//
// The R-passes differentiate through the statistics: with J = s·(I − 11ᵀ/m
// − x̂x̂ᵀ/m) the (symmetric) Jacobian of x̂ in x, the forward pass gives
// R{x̂} = J·R{x} and the backward pass ∂loss/∂x = γ·J·g for g = ∂loss/∂y,
// whose R-value is R{γ}·J·g + γ·R{J}·g + γ·J·R{g}, with R{s} = −s²·mean(x̂·R{x}).
type batchNorm[T linalg.Float] struct {
	shape  Shape
	w, b   int     // offsets of γ and β
	gamma0 float64 // the initial γ (β starts at 0)
	act    actKernel
}

// newBatchNorm is a BatchNorm over the channels of shape in, followed by
// activation act ("" for none), its γ initialised to gamma0, placed at *off.
func newBatchNorm[T linalg.Float](in Shape, act string, gamma0 float64, off *int) *batchNorm[T] {
	l := &batchNorm[T]{shape: in, w: *off, b: *off + in.C, gamma0: gamma0, act: kernelOf(act)}
	*off += 2 * in.C
	return l
}

func (l *batchNorm[T]) in() Shape            { return l.shape }
func (l *batchNorm[T]) out() Shape           { return l.shape }
func (l *batchNorm[T]) activated() bool      { return l.act.f != nil }
func (l *batchNorm[T]) argmaxes() bool       { return false }
func (l *batchNorm[T]) statistics() int      { return 2 * l.shape.C }
func (l *batchNorm[T]) scratch(int) int      { return 0 }
func (l *batchNorm[T]) parts() []layer[T]    { return nil }
func (l *batchNorm[T]) tensors() []Tensor    { return bnTensors(l.shape.C, l.w, l.b) }
func (l *batchNorm[T]) gamma(p []T, c int) T { return p[l.w+c] }

// bnTensors are the weight (γ) and bias (β) of a BatchNorm of c channels.
func bnTensors(c, w, b int) []Tensor {
	return []Tensor{{Name: "weight", Shape: []int{c}, Offset: w, Len: c}, {Name: "bias", Shape: []int{c}, Offset: b, Len: c}}
}

// initialize sets γ to gamma0 and β to 0, as PyTorch's reset_parameters
// (and the ResNet's zero-γ rule) does; it draws nothing.
func (l *batchNorm[T]) initialize(_ *rand.Rand, theta []T, _ initRule) {
	for c := range l.shape.C {
		theta[l.w+c], theta[l.b+c] = T(l.gamma0), 0
	}
}

// seg is channel c of example r in a block laid out as l's shape.
func (l *batchNorm[T]) seg(x []T, r, c int) []T {
	p := l.shape.H * l.shape.W
	at := (r*l.shape.C + c) * p
	return x[at : at+p]
}

// stats is the mean and 1/√(σ²+ε) of channel c over rows examples of x.
func (l *batchNorm[T]) stats(x []T, rows, c int) (mean, s float64) {
	m := float64(rows * l.shape.H * l.shape.W)
	var sum float64
	for r := range rows {
		for _, v := range l.seg(x, r, c) {
			sum += float64(v)
		}
	}
	mean = sum / m
	var ss float64
	for r := range rows {
		for _, v := range l.seg(x, r, c) {
			d := float64(v) - mean
			ss += d * d
		}
	}
	return mean, 1 / math.Sqrt(ss/m+bnEps)
}

// bnKind is the pass a bnPass runs.
type bnKind int

const (
	bnForward bnKind = iota
	bnBackward
	bnRForward
	bnRBackward
)

// bnPass is one pass of a BatchNorm over a chunk, whose channels are
// independent: in a single-chunk pass (several threads per worker) they run
// in parallel, each channel's reductions in the same order whatever thread
// runs it.
type bnPass[T linalg.Float] struct {
	l        *batchNorm[T]
	kind     bnKind
	theta, v []T
	x        operand[T]
	rx       []T
	rows     int
	s        *slab[T]
	r        *rslab[T]
	out      []T // the gradient (backward) or H·v (R-backward)
	first    bool
	dx       []T // ∂loss/∂x or its R-value (nil: none)
	second   bool
}

// Range runs the pass over channels [lo, hi).
func (p *bnPass[T]) Range(_, lo, hi int) {
	switch p.kind {
	case bnForward:
		p.l.forwardChannels(p, lo, hi)
	case bnBackward:
		p.l.backwardChannels(p, lo, hi)
	case bnRForward:
		p.l.rForwardChannels(p, lo, hi)
	case bnRBackward:
		p.l.rBackwardChannels(p, lo, hi)
	}
}

// channels runs pass p over every channel on the worker's threads.
func (l *batchNorm[T]) channels(e *env[T], p bnPass[T]) {
	p.l = l
	e.bn = p
	linalg.Parallel(e.threads, l.shape.C, &e.bn)
	e.bn = bnPass[T]{}
}

// chunkStats is the mean and 1/sd of channel c of the chunk in x, as its
// forward pass left them in s (computed again for a view of the cache).
func (l *batchNorm[T]) chunkStats(s *slab[T], x []T, rows, c int) (mean, sd float64) {
	if s.stat != nil {
		return s.stat[2*c], s.stat[2*c+1]
	}
	return l.stats(x, rows, c)
}

// rSeg is channel c of example r of the R-input rx, nil when rx is nil.
func (l *batchNorm[T]) rSeg(rx []T, r, c int) []T {
	if rx == nil {
		return nil
	}
	return l.seg(rx, r, c)
}

// rHat is R{x̂} = s·(R{x} − a − x̂·b) at element i of the R-input segment rs
// (0 when rs is nil), a = mean(R{x}) and b = mean(x̂·R{x}).
func rHat[T linalg.Float](rs []T, i int, xh, s, a, b float64) float64 {
	if rs == nil {
		return 0
	}
	return s * (float64(rs[i]) - a - xh*b)
}

// rStats is mean(R{x}) and mean(x̂·R{x}) of channel c (zero when rx is nil).
func (l *batchNorm[T]) rStats(x, rx []T, rows, c int, mean, s float64) (a, b float64) {
	if rx == nil {
		return 0, 0
	}
	for r := range rows {
		xs, rs := l.seg(x, r, c), l.seg(rx, r, c)
		for i, v := range xs {
			rv := float64(rs[i])
			a += rv
			b += (float64(v) - mean) * s * rv
		}
	}
	m := float64(rows * l.shape.H * l.shape.W)
	return a / m, b / m
}

// bnAdd adds v to p[i], or writes it there when first.
func bnAdd[T linalg.Float](p []T, i int, v float64, first bool) {
	if first {
		p[i] = T(v)
		return
	}
	p[i] += T(v)
}

func (l *batchNorm[T]) forward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], second bool) {
	l.channels(e, bnPass[T]{kind: bnForward, theta: theta, x: x, rows: rows, s: s, second: second})
}

// forwardChannels is the forward pass of channels [lo, hi).
func (l *batchNorm[T]) forwardChannels(p *bnPass[T], lo, hi int) {
	theta, x, rows, s, second := p.theta, p.x, p.rows, p.s, p.second
	for c := lo; c < hi; c++ {
		mean, sd := l.stats(x.x, rows, c)
		if s.stat != nil {
			s.stat[2*c], s.stat[2*c+1] = mean, sd
		}
		a := float64(l.gamma(theta, c)) * sd
		b := float64(theta[l.b+c]) - mean*a
		for r := range rows {
			y := l.seg(s.act, r, c)
			for i, v := range l.seg(x.x, r, c) {
				y[i] = T(float64(v)*a + b)
			}
			if l.act.f != nil {
				var d2 []T
				if second {
					d2 = l.seg(s.d2, r, c)
				}
				activate(l.act, y, l.seg(s.d1, r, c), d2)
			}
		}
	}
}

// gradSums is Σg and Σg·x̂ of channel c.
func (l *batchNorm[T]) gradSums(x, g []T, rows, c int, mean, s float64) (sg, sgx float64) {
	for r := range rows {
		gs := l.seg(g, r, c)
		for i, v := range l.seg(x, r, c) {
			gv := float64(gs[i])
			sg += gv
			sgx += gv * (float64(v) - mean) * s
		}
	}
	return sg, sgx
}

func (l *batchNorm[T]) backward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], grad []T, first bool, dx []T, fin linalg.Epilogue) {
	l.channels(e, bnPass[T]{kind: bnBackward, theta: theta, x: x, rows: rows, s: s, out: grad, first: first, dx: dx})
	if fin != nil && dx != nil {
		fin.Finish(0, rows, 0, l.shape.Size())
	}
}

// backwardChannels is the backward pass of channels [lo, hi).
func (l *batchNorm[T]) backwardChannels(p *bnPass[T], lo, hi int) {
	theta, x, rows, s, grad, first, dx := p.theta, p.x, p.rows, p.s, p.out, p.first, p.dx
	m := float64(rows * l.shape.H * l.shape.W)
	for c := lo; c < hi; c++ {
		mean, sd := l.chunkStats(s, x.x, rows, c)
		sg, sgx := l.gradSums(x.x, s.dz, rows, c, mean, sd)
		if grad != nil {
			bnAdd(grad, l.w+c, sgx, first)
			bnAdd(grad, l.b+c, sg, first)
		}
		if dx == nil {
			continue
		}
		k, gm, gx := float64(l.gamma(theta, c))*sd, sg/m, sgx/m
		for r := range rows {
			gs, ds := l.seg(s.dz, r, c), l.seg(dx, r, c)
			for i, v := range l.seg(x.x, r, c) {
				xh := (float64(v) - mean) * sd
				ds[i] = T(k * (float64(gs[i]) - gm - xh*gx))
			}
		}
	}
}

// rForward: R{y} = R{γ}·x̂ + R{β} + γ·s·(R{x} − mean(R{x}) − x̂·mean(x̂·R{x})).
func (l *batchNorm[T]) rForward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T]) {
	l.channels(e, bnPass[T]{kind: bnRForward, theta: theta, v: v, x: x, rx: rx, rows: rows, s: s, r: r})
}

// rForwardChannels is the R-forward pass of channels [lo, hi).
func (l *batchNorm[T]) rForwardChannels(p *bnPass[T], lo, hi int) {
	theta, v, x, rx, rows, s, r := p.theta, p.v, p.x, p.rx, p.rows, p.s, p.r
	for c := lo; c < hi; c++ {
		mean, sd := l.chunkStats(s, x.x, rows, c)
		a, b := l.rStats(x.x, rx, rows, c, mean, sd)
		if r.stat != nil {
			r.stat[2*c], r.stat[2*c+1] = a, b
		}
		g, rg, rb := float64(l.gamma(theta, c)), float64(v[l.w+c]), float64(v[l.b+c])
		for row := range rows {
			rz, xs, rs := l.seg(r.rz, row, c), l.seg(x.x, row, c), l.rSeg(rx, row, c)
			for i, xv := range xs {
				xh := (float64(xv) - mean) * sd
				rz[i] = T(rg*xh + rb + g*rHat(rs, i, xh, sd, a, b))
			}
			if l.act.f != nil {
				d1, ra := l.seg(s.d1, row, c), l.seg(r.ra, row, c)
				for i, z := range rz {
					ra[i] = d1[i] * z
				}
			}
		}
	}
}

// rBackward: R{∂γ} = Σ(R{g}·x̂ + g·R{x̂}), R{∂β} = ΣR{g}, and
// R{∂loss/∂x} = R{γ}·J·g − γ·s·B·J·g − γ·s·(R{x̂}·mean(g·x̂) + x̂·mean(g·R{x̂})) + γ·J·R{g},
// B = mean(x̂·R{x}).
func (l *batchNorm[T]) rBackward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T], hv []T, first bool, rdx []T, fin linalg.Epilogue) {
	l.channels(e, bnPass[T]{kind: bnRBackward, theta: theta, v: v, x: x, rx: rx, rows: rows, s: s, r: r, out: hv, first: first, dx: rdx})
	if fin != nil && rdx != nil {
		fin.Finish(0, rows, 0, l.shape.Size())
	}
}

// rBackwardChannels is the R-backward pass of channels [lo, hi).
func (l *batchNorm[T]) rBackwardChannels(p *bnPass[T], lo, hi int) {
	theta, v, x, rx, rows, s, r, hv, first, rdx := p.theta, p.v, p.x, p.rx, p.rows, p.s, p.r, p.out, p.first, p.dx
	m := float64(rows * l.shape.H * l.shape.W)
	for c := lo; c < hi; c++ {
		mean, sd := l.chunkStats(s, x.x, rows, c)
		a, b := r.stat[2*c], r.stat[2*c+1]
		var sg, sgx, srg, srgx, sgrx float64
		for row := range rows {
			gs, rgs, rs := l.seg(s.dz, row, c), l.seg(r.rdz, row, c), l.rSeg(rx, row, c)
			for i, xv := range l.seg(x.x, row, c) {
				xh := (float64(xv) - mean) * sd
				g, rg := float64(gs[i]), float64(rgs[i])
				sg += g
				sgx += g * xh
				srg += rg
				srgx += rg * xh
				sgrx += g * rHat(rs, i, xh, sd, a, b)
			}
		}
		bnAdd(hv, l.w+c, srgx+sgrx, first)
		bnAdd(hv, l.b+c, srg, first)
		if rdx == nil {
			continue
		}
		gam, rgam := float64(l.gamma(theta, c)), float64(v[l.w+c])
		gm, gx, rgm, rgx, grx := sg/m, sgx/m, srg/m, srgx/m, sgrx/m
		for row := range rows {
			gs, rgs, ds, rs := l.seg(s.dz, row, c), l.seg(r.rdz, row, c), l.seg(rdx, row, c), l.rSeg(rx, row, c)
			for i, xv := range l.seg(x.x, row, c) {
				xh := (float64(xv) - mean) * sd
				jg := sd * (float64(gs[i]) - gm - xh*gx)
				jrg := sd * (float64(rgs[i]) - rgm - xh*rgx)
				out := rgam*jg + gam*(-sd*b*jg-sd*(rHat(rs, i, xh, sd, a, b)*gx+xh*grx)) + gam*jrg
				ds[i] = T(out)
			}
		}
	}
}

// Buffer is a non-parameter entry of a PyTorch state_dict (a BatchNorm's
// running statistics), which eos does not use: training-mode BatchNorm
// normalises by each ghost batch's own statistics.
type Buffer struct {
	// Name is the state_dict key, e.g. "1.running_mean".
	Name string
	// Shape is the buffer's shape ([] for a scalar).
	Shape []int
	// Value is every element's value.
	Value float64
	// Int says the buffer is an int64 tensor (num_batches_tracked).
	Int bool
}

// buffered is a layer with state_dict buffers.
type buffered interface{ buffers() []Buffer }

// buffers are a fresh nn.BatchNorm's: running_mean 0, running_var 1,
// num_batches_tracked 0.
func (l *batchNorm[T]) buffers() []Buffer {
	c := []int{l.shape.C}
	return []Buffer{{Name: "running_mean", Shape: c}, {Name: "running_var", Shape: c, Value: 1}, {Name: "num_batches_tracked", Shape: []int{}, Int: true}}
}
