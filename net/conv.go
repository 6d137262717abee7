package net

import (
	"math/rand/v2"

	"github.com/edge-of-stability/eos/linalg"
)

// conv2d is nn.Conv2d (square k×k kernel, stride, zero padding, groups 1),
// optionally followed by a pointwise activation applied in its GEMMs'
// epilogue. Each example's convolution is one GEMM over its im2col matrix:
// z (C_out × P) = c·W (C_out × C_in·k·k) · col(x) (C_in·k·k × P), P the
// output pixels, c the NTK factor.
type conv2d[T linalg.Float] struct {
	affine
	inShape, outShape Shape
	k, stride, pad    int
	act               actKernel
}

// newConv2d is a Conv2d from input shape in to outs channels, placed at *off.
func newConv2d[T linalg.Float](in Shape, outs, k, stride, pad int, bias bool, act string, ntk bool, off *int) *conv2d[T] {
	fan := in.C * k * k
	l := &conv2d[T]{
		affine:  affine{outs: outs, fanIn: fan, fanOut: outs * k * k, shape: []int{outs, in.C, k, k}},
		inShape: in, k: k, stride: stride, pad: pad,
		outShape: Shape{C: outs, H: (in.H+2*pad-k)/stride + 1, W: (in.W+2*pad-k)/stride + 1},
	}
	l.act = kernelOf(act)
	l.place(off, bias, ntk)
	return l
}

func (l *conv2d[T]) in() Shape       { return l.inShape }
func (l *conv2d[T]) out() Shape      { return l.outShape }
func (l *conv2d[T]) activated() bool { return l.act.f != nil }
func (l *conv2d[T]) argmaxes() bool  { return false }
func (l *conv2d[T]) initialize(r *rand.Rand, theta []T, rule initRule) {
	initializeAffine(&l.affine, r, theta, rule)
}

// pixels is the number of output positions P of one example.
func (l *conv2d[T]) pixels() int { return l.outShape.H * l.outShape.W }

// scratch: two im2col-sized matrices (col and its gradient) and, for pixel
// input, one standardised example.
func (l *conv2d[T]) scratch() int { return 2*l.fanIn*l.pixels() + l.inShape.Size() }

// buffers splits the worker scratch into col, dcol and the example buffer.
func (l *conv2d[T]) buffers(e *env[T]) (col, dcol, ex []T) {
	n := l.fanIn * l.pixels()
	s := e.scratch
	return s[:n], s[n : 2*n], s[2*n : 2*n+l.inShape.Size()]
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

// im2col writes the C_in·k·k × P patch matrix of the example src into col:
// row (c·k+i)·k+j, column p holds the input at channel c, offset (i, j) of
// output position p's window (zero in the padding).
func (l *conv2d[T]) im2col(col, src []T) {
	in, o, k, s, pad := l.inShape, l.outShape, l.k, l.stride, l.pad
	p := o.H * o.W
	for c := range in.C {
		plane := src[c*in.H*in.W : (c+1)*in.H*in.W]
		for i := range k {
			for j := range k {
				row := col[((c*k+i)*k+j)*p:][:p]
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

// col2im adds the patch-matrix gradient col back onto the example dst (the
// transpose of im2col).
func (l *conv2d[T]) col2im(dst, col []T) {
	in, o, k, s, pad := l.inShape, l.outShape, l.k, l.stride, l.pad
	p := o.H * o.W
	for c := range in.C {
		plane := dst[c*in.H*in.W : (c+1)*in.H*in.W]
		for i := range k {
			for j := range k {
				row := col[((c*k+i)*k+j)*p:][:p]
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

// fillChannels sets each of z's channel planes (p values each) to its value
// in b and returns the GEMM beta that keeps it (0 when b is nil).
func fillChannels[T linalg.Float](z, b []T, p int) T {
	if b == nil {
		return 0
	}
	for c, v := range b {
		plane := z[c*p : (c+1)*p]
		for i := range plane {
			plane[i] = v
		}
	}
	return 1
}

// addChannelSums adds the sum of each channel plane of m (p values each) into
// sum, or writes it there when overwrite is set.
func addChannelSums[T linalg.Float](sum, m []T, p int, overwrite bool) {
	for c := range sum {
		var t T
		for _, v := range m[c*p : (c+1)*p] {
			t += v
		}
		if overwrite {
			sum[c] = t
		} else {
			sum[c] += t
		}
	}
}

// addGrad adds one example's weight and bias gradient for output errors dz
// and input patches col into out (writes it when overwrite).
func (l *conv2d[T]) addGrad(e *env[T], out, dz, col []T, overwrite bool) {
	beta := T(1)
	if overwrite {
		beta = 0
	}
	p := l.pixels()
	e.gemm(linalg.NoTrans, linalg.Trans, l.outs, l.fanIn, p, T(l.scale), dz, p, col, p, beta, weightOf(&l.affine, out), l.fanIn, nil)
	if b := biasOf(&l.affine, out); b != nil {
		addChannelSums(b, dz, p, overwrite)
	}
}

func (l *conv2d[T]) forward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], second bool) {
	col, _, buf := l.buffers(e)
	p, size := l.pixels(), l.outShape.Size()
	f := &s.fin
	for i := range rows {
		a, b := i*size, (i+1)*size
		l.im2col(col, l.example(x, i, buf))
		*f = layerFinisher[T]{kind: finishForward, z: s.act[a:b], ld: p, bias: biasOf(&l.affine, theta), biasRows: true}
		if l.act.f != nil {
			f.act, f.d1 = l.act, s.d1[a:b]
			if second {
				f.d2 = s.d2[a:b]
			}
		}
		e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, p, l.fanIn, T(l.scale), weightOf(&l.affine, theta), l.fanIn, col, p, 0, s.act[a:b], p, f)
	}
	*f = layerFinisher[T]{}
}

// inputGrad writes into dx (one example) the input gradient c·Wᵀ·dz + c·Vᵀ·dz2
// (the second term only when w2 is not nil), by col2im of the patch gradient.
func (l *conv2d[T]) inputGrad(e *env[T], dx, w, dz, w2, dz2, dcol []T) {
	p := l.pixels()
	scale := T(l.scale)
	e.gemm(linalg.Trans, linalg.NoTrans, l.fanIn, p, l.outs, scale, w, l.fanIn, dz, p, 0, dcol, p, nil)
	if w2 != nil {
		e.gemm(linalg.Trans, linalg.NoTrans, l.fanIn, p, l.outs, scale, w2, l.fanIn, dz2, p, 1, dcol, p, nil)
	}
	clear(dx)
	l.col2im(dx, dcol)
}

func (l *conv2d[T]) backward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], grad []T, first bool, dx []T, fin linalg.Epilogue) {
	col, dcol, buf := l.buffers(e)
	size, in := l.outShape.Size(), l.inShape.Size()
	for i := range rows {
		dz := s.dz[i*size : (i+1)*size]
		if grad != nil {
			l.im2col(col, l.example(x, i, buf))
			l.addGrad(e, grad, dz, col, first && i == 0)
		}
		if dx != nil {
			l.inputGrad(e, dx[i*in:(i+1)*in], weightOf(&l.affine, theta), dz, nil, nil, dcol)
			if fin != nil {
				fin.Finish(i, 1, 0, in)
			}
		}
	}
}

// rForward: R{z} = c·(V∗x + W∗R{x}) + R{b}, R{a} = σ'(z)·R{z}.
func (l *conv2d[T]) rForward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T]) {
	col, _, buf := l.buffers(e)
	p, size, in := l.pixels(), l.outShape.Size(), l.inShape.Size()
	scale := T(l.scale)
	f := &s.fin
	for i := range rows {
		a, b := i*size, (i+1)*size
		rz := r.rz[a:b]
		var ep linalg.Epilogue
		if l.act.f != nil {
			*f = layerFinisher[T]{kind: finishRForward, z: rz, d1: s.d1[a:b], out: r.ra[a:b], ld: p}
			ep = f
		}
		beta := fillChannels(rz, biasOf(&l.affine, v), p)
		l.im2col(col, l.example(x, i, buf))
		last := ep
		if rx != nil {
			last = nil
		}
		e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, p, l.fanIn, scale, weightOf(&l.affine, v), l.fanIn, col, p, beta, rz, p, last)
		if rx != nil {
			l.im2col(col, rx[i*in:(i+1)*in])
			e.gemm(linalg.NoTrans, linalg.NoTrans, l.outs, p, l.fanIn, scale, weightOf(&l.affine, theta), l.fanIn, col, p, 1, rz, p, ep)
		}
	}
	*f = layerFinisher[T]{}
}

// rBackward: R{dW} = c·(R{dz}·col(x)ᵀ + dz·col(R{x})ᵀ), R{db} = Σ R{dz},
// R{dx} = col2im(c·(Wᵀ·R{dz} + Vᵀ·dz)).
func (l *conv2d[T]) rBackward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T], hv []T, first bool, rdx []T, fin linalg.Epilogue) {
	col, dcol, buf := l.buffers(e)
	p, size, in := l.pixels(), l.outShape.Size(), l.inShape.Size()
	for i := range rows {
		rdz, dz := r.rdz[i*size:(i+1)*size], s.dz[i*size:(i+1)*size]
		l.im2col(col, l.example(x, i, buf))
		l.addGrad(e, hv, rdz, col, first && i == 0)
		if rx != nil {
			l.im2col(col, rx[i*in:(i+1)*in])
			e.gemm(linalg.NoTrans, linalg.Trans, l.outs, l.fanIn, p, T(l.scale), dz, p, col, p, 1, weightOf(&l.affine, hv), l.fanIn, nil)
		}
		if rdx != nil {
			l.inputGrad(e, rdx[i*in:(i+1)*in], weightOf(&l.affine, theta), rdz, weightOf(&l.affine, v), dz, dcol)
			if fin != nil {
				fin.Finish(i, 1, 0, in)
			}
		}
	}
}
