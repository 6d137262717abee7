package net

import (
	"math/rand/v2"

	"github.com/edge-of-stability/eos/linalg"
)

// conv2d is nn.Conv2d (square k×k kernel, stride, zero padding, groups 1),
// optionally followed by a pointwise activation. A group of examples' im2col
// matrices is built side by side, col (C_in·k·k × g·P), P the output pixels
// of one example, g chosen so that col is about groupColumns wide; then each
// example is one GEMM over its columns straight into its C_out×P output,
// Z = c·W (C_out × C_in·k·k) · col_i, c the NTK factor, then finished (bias,
// activation) while it is in cache.
type conv2d[T linalg.Float] struct {
	affine
	inShape, outShape Shape
	k, stride, pad    int
	group             int // examples per im2col matrix
	act               actKernel
	ones              []T // P ones: the bias gradient sums rows as dot products
}

// groupColumns is the GEMM width a group of examples aims at.
const groupColumns = 4096

// newConv2d is a Conv2d from input shape in to outs channels, placed at *off.
func newConv2d[T linalg.Float](in Shape, outs, k, stride, pad int, bias bool, act string, ntk bool, off *int) *conv2d[T] {
	fan := in.C * k * k
	l := &conv2d[T]{
		affine:  affine{outs: outs, fanIn: fan, fanOut: outs * k * k, shape: []int{outs, in.C, k, k}},
		inShape: in, k: k, stride: stride, pad: pad,
		outShape: Shape{C: outs, H: (in.H+2*pad-k)/stride + 1, W: (in.W+2*pad-k)/stride + 1},
	}
	l.act = kernelOf(act)
	l.group = max(1, groupColumns/l.pixels())
	l.ones = make([]T, l.group*l.pixels())
	for i := range l.ones {
		l.ones[i] = 1
	}
	l.place(off, bias, ntk)
	return l
}

func (l *conv2d[T]) in() Shape         { return l.inShape }
func (l *conv2d[T]) out() Shape        { return l.outShape }
func (l *conv2d[T]) activated() bool   { return l.act.f != nil }
func (l *conv2d[T]) argmaxes() bool    { return false }
func (l *conv2d[T]) statistics() int   { return 0 }
func (l *conv2d[T]) parts() []layer[T] { return nil }
func (l *conv2d[T]) initialize(r *rand.Rand, theta []T, rule initRule) {
	initializeAffine(&l.affine, r, theta, rule)
}

// pixels is the number of output positions P of one example.
func (l *conv2d[T]) pixels() int { return l.outShape.H * l.outShape.W }

// groupedPixels is the output size below which a group's examples share
// their GEMMs: products a few pixels wide waste most of a micro-kernel's
// columns, while copying outputs to and from a group-wide matrix costs
// little beside products with K = C_in·k·k of hundreds or thousands.
const groupedPixels = 256

// grouped says whether each product of a group runs as one GEMM over its
// examples side by side (outputs gathered into and scattered from a
// C_out × g·P matrix), rather than one GEMM per example.
func (l *conv2d[T]) grouped() bool { return l.group > 1 && l.pixels() < groupedPixels }

// scratch: the group's patch matrix and, when grouped, its output matrix
// and patch gradient (the threads' buffers are their parts').
func (l *conv2d[T]) scratch(int) int {
	n := l.group * l.pixels()
	if l.grouped() {
		return (2*l.fanIn + l.outs) * n
	}
	return l.fanIn * n
}

// buffer is the group's patch matrix in the worker scratch.
func (l *conv2d[T]) buffer(e *env[T]) []T { return e.scratch[:l.fanIn*l.group*l.pixels()] }

// groupBuffers are the grouped layer's output matrix (C_out × g·P) and patch
// gradient (K × g·P) in the worker scratch, after the patch matrix.
func (l *conv2d[T]) groupBuffers(e *env[T]) (zg, dcol []T) {
	n := l.group * l.pixels()
	s := e.scratch[l.fanIn*n:]
	return s[:l.outs*n], s[l.outs*n:][:l.fanIn*n]
}

// example is input example i of x as floats (pixels standardised into buf).
func (l *conv2d[T]) example(x operand[T], i int, buf []T) []T {
	d := l.inShape.Size()
	if x.x != nil {
		return x.x[i*d : (i+1)*d]
	}
	u := x.pixels.U[i*x.pixels.Ld : i*x.pixels.Ld+d]
	for j, p := range u {
		buf[j] = T(p)*x.pixels.Scale[j] + x.pixels.Shift[j]
	}
	return buf
}

// partScratch: one example's patch gradient and one standardised example,
// for each thread that takes a share of a group's examples.
func (l *conv2d[T]) partScratch() int { return l.fanIn*l.pixels() + l.inShape.Size() }

// convKind is the per-example work a convPass runs.
type convKind int

const (
	convCols      convKind = iota // the group's patch matrix
	convForward                   // the product and its finishing step
	convInputGrad                 // the input gradient
	convScatter                   // each example's output from the group's matrix, finished
	convGather                    // the group's matrix from each example's output-shaped block
	convCol2im                    // each example's input gradient from the group's patch gradient
)

// convPass is a convolution's per-example work on one group of examples,
// whose examples are independent: in a single-chunk pass the threads take
// contiguous shares of them, each with its own finisher and buffers and
// its GEMMs on one thread, so every example is computed the same way
// whatever thread runs it.
type convPass[T linalg.Float] struct {
	l      *conv2d[T]
	kind   convKind
	e      *env[T]
	lo, g  int // the group: examples [lo, lo+g) of the chunk
	col    []T // the group's patch matrix
	x      operand[T]
	s      *slab[T]
	w      []T // the weights (forward, input gradient)
	bias   []T
	second bool
	// inputGrad's operands
	dx, dz, w2, dz2 []T
	fin             linalg.Epilogue
	// grouped passes: the C_out × g·P matrix, the block it is scattered to
	// or gathered from (with a finishing step of kind fk, or none), and the
	// K × g·P patch gradient
	zg, blocks, dcol []T
	fk               finishKind
	d1, ra           []T // finishRForward's σ'(z) and R{a}
}

// Range runs the pass on the group's examples [a, b) with the buffers of
// thread share part.
func (p *convPass[T]) Range(part, a, b int) {
	l, pt := p.l, &p.e.parts[part]
	n, in, px := p.g*l.pixels(), l.inShape.Size(), l.pixels()
	dcol, buf := pt.scratch[:l.fanIn*px], pt.scratch[l.fanIn*px:][:in]
	one := env[T]{threads: 1}
	for i := a; i < b; i++ {
		switch p.kind {
		case convCols:
			l.im2col(p.col[i*px:], n, l.example(p.x, p.lo+i, buf))
		case convForward:
			z, f := l.exampleOf(p.s.act, p.lo+i), &pt.fin
			*f = p.forwardFinisher(z, i)
			one.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, px, l.fanIn, T(l.scale), p.w, l.fanIn, p.col[i*px:], n, 0, z, px, nil)
			f.Finish(0, l.outs, 0, px)
			*f = layerFinisher[T]{}
		case convScatter:
			z := l.exampleOf(p.blocks, p.lo+i)
			for c := range l.outs {
				copy(z[c*px:(c+1)*px], p.zg[c*n+i*px:][:px])
			}
			f := &pt.fin
			switch {
			case p.fk == finishForward:
				*f = p.forwardFinisher(z, i)
			case p.fk == finishRForward && l.act.f != nil:
				*f = layerFinisher[T]{kind: finishRForward, z: z, d1: l.exampleOf(p.d1, p.lo+i), out: l.exampleOf(p.ra, p.lo+i), ld: px}
			default:
				continue
			}
			f.Finish(0, l.outs, 0, px)
			*f = layerFinisher[T]{}
		case convGather:
			z := l.exampleOf(p.blocks, p.lo+i)
			for c := range l.outs {
				copy(p.zg[c*n+i*px:][:px], z[c*px:(c+1)*px])
			}
		case convCol2im:
			k := p.lo + i
			ex := p.dx[k*in : (k+1)*in]
			clear(ex)
			l.col2im(ex, p.dcol[i*px:], n)
			if p.fin != nil {
				p.fin.Finish(k, 1, 0, in)
			}
		case convInputGrad:
			k := p.lo + i
			scale := T(l.scale)
			one.gemm(linalg.Trans, linalg.NoTrans, l.fanIn, px, l.outs, scale, p.w, l.fanIn, l.exampleOf(p.dz, k), px, 0, dcol, px, nil)
			if p.w2 != nil {
				one.gemm(linalg.Trans, linalg.NoTrans, l.fanIn, px, l.outs, scale, p.w2, l.fanIn, l.exampleOf(p.dz2, k), px, 1, dcol, px, nil)
			}
			ex := p.dx[k*in : (k+1)*in]
			clear(ex)
			l.col2im(ex, dcol, px)
			if p.fin != nil {
				p.fin.Finish(k, 1, 0, in)
			}
		}
	}
}

// forwardFinisher is the forward finishing step (bias, activation, σ', σ″)
// of the group's example i, whose product is z.
func (p *convPass[T]) forwardFinisher(z []T, i int) layerFinisher[T] {
	l := p.l
	f := layerFinisher[T]{kind: finishForward, z: z, ld: l.pixels(), bias: p.bias, biasRows: true, act: l.act}
	if l.act.f != nil {
		f.d1 = l.exampleOf(p.s.d1, p.lo+i)
		if p.second {
			f.d2 = l.exampleOf(p.s.d2, p.lo+i)
		}
	}
	return f
}

// run runs pass p over the g examples of its group on the worker's threads.
func (l *conv2d[T]) run(e *env[T], p convPass[T]) {
	p.l, p.e = l, e
	e.conv = p
	linalg.Parallel(len(e.parts), p.g, &e.conv)
	e.conv = convPass[T]{}
}

// groupCols fills col (C_in·k·k rows of ld = g·P) with the patch matrices
// of examples [lo, lo+g) of x, side by side.
func (l *conv2d[T]) groupCols(e *env[T], col []T, x operand[T], lo, g int) {
	l.run(e, convPass[T]{kind: convCols, lo: lo, g: g, col: col, x: x})
}

// groups calls f(lo, g) for consecutive groups of at most l.group of rows examples.
func (l *conv2d[T]) groups(rows int, f func(lo, g int)) {
	for lo := 0; lo < rows; lo += l.group {
		f(lo, min(l.group, rows-lo))
	}
}

// im2col writes the C_in·k·k × P patch matrix of the example src into col,
// whose rows are ld apart: row (c·k+i)·k+j, column p holds the input at
// channel c, offset (i, j) of output position p's window (zero in the
// padding).
func (l *conv2d[T]) im2col(col []T, ld int, src []T) {
	in, o, k, s, pad := l.inShape, l.outShape, l.k, l.stride, l.pad
	p := o.H * o.W
	if l.same() {
		l.im2colSame(col, ld, src)
		return
	}
	for c := range in.C {
		plane := src[c*in.H*in.W : (c+1)*in.H*in.W]
		for i := range k {
			for j := range k {
				row := col[((c*k+i)*k+j)*ld:][:p]
				for oh := range o.H {
					dst := row[oh*o.W : (oh+1)*o.W]
					ih := oh*s - pad + i
					if ih < 0 || ih >= in.H {
						clear(dst)
						continue
					}
					line := plane[ih*in.W : (ih+1)*in.W]
					if s == 1 {
						// Output columns [lo, hi) read line[ow+j−pad] inside the row.
						lo, hi := max(pad-j, 0), min(in.W+pad-j, o.W)
						if lo >= hi {
							clear(dst)
							continue
						}
						clear(dst[:lo])
						copy(dst[lo:hi], line[lo+j-pad:hi+j-pad])
						clear(dst[hi:])
						continue
					}
					for ow := range dst {
						if iw := ow*s - pad + j; iw >= 0 && iw < in.W {
							dst[ow] = line[iw]
						} else {
							dst[ow] = 0
						}
					}
				}
			}
		}
	}
}

// col2im adds the patch-matrix gradient col (rows ld apart) back onto the
// example dst (the transpose of im2col).
func (l *conv2d[T]) col2im(dst, col []T, ld int) {
	in, o, k, s, pad := l.inShape, l.outShape, l.k, l.stride, l.pad
	p := o.H * o.W
	if l.same() {
		l.col2imSame(dst, col, ld)
		return
	}
	for c := range in.C {
		plane := dst[c*in.H*in.W : (c+1)*in.H*in.W]
		for i := range k {
			for j := range k {
				row := col[((c*k+i)*k+j)*ld:][:p]
				for oh := range o.H {
					ih := oh*s - pad + i
					if ih < 0 || ih >= in.H {
						continue
					}
					line := plane[ih*in.W : (ih+1)*in.W]
					src := row[oh*o.W : (oh+1)*o.W]
					if s == 1 {
						lo, hi := max(pad-j, 0), min(in.W+pad-j, o.W)
						if lo < hi {
							seg := line[lo+j-pad : hi+j-pad]
							for ow, v := range src[lo:hi] {
								seg[ow] += v
							}
						}
						continue
					}
					for ow, v := range src {
						if iw := ow*s - pad + j; iw >= 0 && iw < in.W {
							line[iw] += v
						}
					}
				}
			}
		}
	}
}

// same says whether the convolution keeps the image size at stride 1 (2·pad
// = k−1, as every 3×3 pad-1 convolution does): then each patch-matrix row is
// the input plane shifted by a fixed offset, with zeros where the window
// leaves the image.
func (l *conv2d[T]) same() bool {
	return l.stride == 1 && l.outShape.H == l.inShape.H && l.outShape.W == l.inShape.W
}

// shifted calls f for every patch-matrix row r = (c·k+i)·k+j with the input
// plane c, the plane offset d = (i−pad)·W + j−pad of the row's inputs, the
// range [q0, q1) of output positions whose input lies inside the plane's
// rows (the others read padding), and the column shift dj = j−pad (the
// columns ow with ow+dj outside [0, W) read padding too).
func (l *conv2d[T]) shifted(planes []T, f func(r int, plane []T, d, q0, q1, dj int)) {
	in, k, pad := l.inShape, l.k, l.pad
	w, hw := in.W, in.H*in.W
	for c := range in.C {
		plane := planes[c*hw : (c+1)*hw]
		for i := range k {
			di := i - pad
			q0, q1 := max(0, -di)*w, min(in.H, in.H-di)*w
			for j := range k {
				f((c*k+i)*k+j, plane, di*w+j-pad, q0, q1, j-pad)
			}
		}
	}
}

// clearEdges zeroes, in each image row of w within [q0, q1) of row, the
// columns ow whose input ow+dj lies outside the image.
func clearEdges[T linalg.Float](row []T, q0, q1, w, dj int) {
	lo, hi := 0, w // the columns inside
	if dj < 0 {
		lo = -dj
	} else {
		hi = w - dj
	}
	for q := q0; q < q1; q += w {
		r := row[q : q+w]
		for c := range lo {
			r[c] = 0
		}
		for c := hi; c < w; c++ {
			r[c] = 0
		}
	}
}

// im2colSame is im2col for a same-size convolution: each row is one copy
// of the shifted plane, then the padding columns are zeroed.
func (l *conv2d[T]) im2colSame(col []T, ld int, src []T) {
	p := l.pixels()
	l.shifted(src, func(r int, plane []T, d, q0, q1, dj int) {
		row := col[r*ld:][:p]
		clear(row[:q0])
		clear(row[q1:])
		if q0 >= q1 {
			return
		}
		// The first and last positions may reach one element before or past
		// the plane: those are padding columns, zeroed below.
		a, b := max(q0, -d), min(q1, len(plane)-d)
		copy(row[a:b], plane[a+d:b+d])
		clearEdges(row, q0, q1, l.inShape.W, dj)
	})
}

// col2imSame is col2im for a same-size convolution: the padding columns of
// each patch-gradient row (which col2im drops) are zeroed in col, then the
// row is added onto the shifted plane in one vector sum.
func (l *conv2d[T]) col2imSame(dst, col []T, ld int) {
	p := l.pixels()
	l.shifted(dst, func(r int, plane []T, d, q0, q1, dj int) {
		if q0 >= q1 {
			return
		}
		row := col[r*ld:][:p]
		clearEdges(row, q0, q1, l.inShape.W, dj)
		a, b := max(q0, -d), min(q1, len(plane)-d)
		linalg.Axpy(1, row[a:b], plane[a+d:b+d])
	})
}

// fillChannels sets each row of the C_out × n matrix z to its value in b
// and returns the GEMM beta that keeps it (0 when b is nil).
func fillChannels[T linalg.Float](z, b []T, n int) T {
	if b == nil {
		return 0
	}
	for c, v := range b {
		row := z[c*n : (c+1)*n]
		for i := range row {
			row[i] = v
		}
	}
	return 1
}

// addChannelSums adds the row sums of the len(sum) × n matrix m into sum,
// or writes them there when overwrite is set, each summed as a dot product
// with ones (n ≤ len(ones)).
func addChannelSums[T linalg.Float](sum, m, ones []T, n int, overwrite bool) {
	for c := range sum {
		t := linalg.Dot(m[c*n:(c+1)*n], ones[:n])
		if overwrite {
			sum[c] = t
		} else {
			sum[c] += t
		}
	}
}

// example is example i's C_out × P block of the slab buffer m.
func (l *conv2d[T]) exampleOf(m []T, i int) []T {
	size := l.outShape.Size()
	return m[i*size : (i+1)*size]
}

// addGrad adds the weight and bias gradient of examples [lo, lo+g) for
// output errors dz (the slab buffer, each example C_out × P) and patches col
// (K × g·P, the group's im2col) into out, writing it instead when overwrite.
func (l *conv2d[T]) addGrad(e *env[T], out, dz, col []T, lo, g int, overwrite bool) {
	p := l.pixels()
	w, b := weightOf(&l.affine, out), biasOf(&l.affine, out)
	if l.grouped() {
		zg, _ := l.groupBuffers(e)
		l.run(e, convPass[T]{kind: convGather, lo: lo, g: g, zg: zg, blocks: dz})
		beta := T(1)
		if overwrite {
			beta = 0
		}
		e.gemm(linalg.NoTrans, linalg.Trans, l.outs, l.fanIn, g*p, T(l.scale), zg, g*p, col, g*p, beta, w, l.fanIn, nil)
		if b != nil {
			addChannelSums(b, zg, l.ones, g*p, overwrite)
		}
		return
	}
	for i := range g {
		beta := T(1)
		if overwrite && i == 0 {
			beta = 0
		}
		z := l.exampleOf(dz, lo+i)
		e.gemm(linalg.NoTrans, linalg.Trans, l.outs, l.fanIn, p, T(l.scale), z, p, col[i*p:], g*p, beta, w, l.fanIn, nil)
		if b != nil {
			addChannelSums(b, z, l.ones, p, beta == 0)
		}
	}
}

// inputGrad writes into examples [lo, lo+g) of dx the input gradient
// col2im(c·Wᵀ·dz + c·w2ᵀ·dz2) (the second term only when w2 is not nil; dz,
// dz2 slab buffers), handing each finished example to fin when it is not
// nil. Each example's patch gradient is formed in dcol (K × P) and added
// back while it is in cache.
func (l *conv2d[T]) inputGrad(e *env[T], dx []T, lo, g int, w, dz, w2, dz2 []T, fin linalg.Epilogue) {
	if l.grouped() {
		zg, dcol := l.groupBuffers(e)
		n, scale := g*l.pixels(), T(l.scale)
		l.run(e, convPass[T]{kind: convGather, lo: lo, g: g, zg: zg, blocks: dz})
		e.gemm(linalg.Trans, linalg.NoTrans, l.fanIn, n, l.outs, scale, w, l.fanIn, zg, n, 0, dcol, n, nil)
		if w2 != nil {
			l.run(e, convPass[T]{kind: convGather, lo: lo, g: g, zg: zg, blocks: dz2})
			e.gemm(linalg.Trans, linalg.NoTrans, l.fanIn, n, l.outs, scale, w2, l.fanIn, zg, n, 1, dcol, n, nil)
		}
		l.run(e, convPass[T]{kind: convCol2im, lo: lo, g: g, dx: dx, dcol: dcol, fin: fin})
		return
	}
	l.run(e, convPass[T]{kind: convInputGrad, lo: lo, g: g, w: w, dx: dx, dz: dz, w2: w2, dz2: dz2, fin: fin})
}

// forward convolves each group's patches example by example straight into
// the slab and finishes each example's product (bias, activation, σ', σ″)
// right after its GEMM, while it is in cache, one whole channel row at a time
// (the GEMM's epilogue would see rows only NR wide).
func (l *conv2d[T]) forward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], second bool) {
	col := l.buffer(e)
	w, bias := weightOf(&l.affine, theta), biasOf(&l.affine, theta)
	l.groups(rows, func(lo, g int) {
		l.groupCols(e, col, x, lo, g)
		if l.grouped() {
			zg, _ := l.groupBuffers(e)
			n := g * l.pixels()
			e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, n, l.fanIn, T(l.scale), w, l.fanIn, col, n, 0, zg, n, nil)
			l.run(e, convPass[T]{kind: convScatter, lo: lo, g: g, zg: zg, blocks: s.act, fk: finishForward, s: s, bias: bias, second: second})
			return
		}
		l.run(e, convPass[T]{kind: convForward, lo: lo, g: g, col: col, s: s, w: w, bias: bias, second: second})
	})
}

func (l *conv2d[T]) backward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], grad []T, first bool, dx []T, fin linalg.Epilogue) {
	col := l.buffer(e)
	l.groups(rows, func(lo, g int) {
		if grad != nil {
			l.groupCols(e, col, x, lo, g)
			l.addGrad(e, grad, s.dz, col, lo, g, first && lo == 0)
		}
		if dx != nil {
			l.inputGrad(e, dx, lo, g, weightOf(&l.affine, theta), s.dz, nil, nil, fin)
		}
	})
}

// rForward: R{z} = c·(V∗x + W∗R{x}) + R{b}, R{a} = σ'(z)·R{z}.
func (l *conv2d[T]) rForward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T]) {
	col := l.buffer(e)
	p := l.pixels()
	scale := T(l.scale)
	f := &s.fin
	l.groups(rows, func(lo, g int) {
		n := g * p
		l.groupCols(e, col, x, lo, g)
		if l.grouped() {
			zg, _ := l.groupBuffers(e)
			beta := fillChannels(zg, biasOf(&l.affine, v), n)
			e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, n, l.fanIn, scale, weightOf(&l.affine, v), l.fanIn, col, n, beta, zg, n, nil)
			if rx != nil {
				l.groupCols(e, col, operand[T]{x: rx}, lo, g)
				e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, n, l.fanIn, scale, weightOf(&l.affine, theta), l.fanIn, col, n, 1, zg, n, nil)
			}
			l.run(e, convPass[T]{kind: convScatter, lo: lo, g: g, zg: zg, blocks: r.rz, fk: finishRForward, d1: s.d1, ra: r.ra})
			return
		}
		for i := range g {
			z := l.exampleOf(r.rz, lo+i)
			beta := fillChannels(z, biasOf(&l.affine, v), p)
			e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, p, l.fanIn, scale, weightOf(&l.affine, v), l.fanIn, col[i*p:], n, beta, z, p, nil)
		}
		if rx != nil {
			l.groupCols(e, col, operand[T]{x: rx}, lo, g)
			for i := range g {
				e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, p, l.fanIn, scale, weightOf(&l.affine, theta), l.fanIn, col[i*p:], n, 1, l.exampleOf(r.rz, lo+i), p, nil)
			}
		}
		if l.act.f == nil {
			return
		}
		for i := lo; i < lo+g; i++ {
			*f = layerFinisher[T]{kind: finishRForward, z: l.exampleOf(r.rz, i), d1: l.exampleOf(s.d1, i), out: l.exampleOf(r.ra, i), ld: p}
			f.Finish(0, l.outs, 0, p)
		}
	})
	*f = layerFinisher[T]{}
}

// rBackward: R{dW} = c·(R{dz}·col(x)ᵀ + dz·col(R{x})ᵀ), R{db} = Σ R{dz},
// R{dx} = col2im(c·(Wᵀ·R{dz} + Vᵀ·dz)).
func (l *conv2d[T]) rBackward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T], hv []T, first bool, rdx []T, fin linalg.Epilogue) {
	col := l.buffer(e)
	p := l.pixels()
	l.groups(rows, func(lo, g int) {
		l.groupCols(e, col, x, lo, g)
		l.addGrad(e, hv, r.rdz, col, lo, g, first && lo == 0)
		if rx != nil {
			l.groupCols(e, col, operand[T]{x: rx}, lo, g)
			if l.grouped() {
				zg, _ := l.groupBuffers(e)
				l.run(e, convPass[T]{kind: convGather, lo: lo, g: g, zg: zg, blocks: s.dz})
				e.gemm(linalg.NoTrans, linalg.Trans, l.outs, l.fanIn, g*p, T(l.scale), zg, g*p, col, g*p, 1, weightOf(&l.affine, hv), l.fanIn, nil)
			} else {
				for i := range g {
					e.gemm(linalg.NoTrans, linalg.Trans, l.outs, l.fanIn, p, T(l.scale), l.exampleOf(s.dz, lo+i), p, col[i*p:], g*p, 1, weightOf(&l.affine, hv), l.fanIn, nil)
				}
			}
		}
		if rdx != nil {
			l.inputGrad(e, rdx, lo, g, weightOf(&l.affine, theta), r.rdz, weightOf(&l.affine, v), s.dz, fin)
		}
	})
}
