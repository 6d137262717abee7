package net

import (
	"math/rand/v2"

	"github.com/edge-of-stability/eos/asm"

	"github.com/edge-of-stability/eos/linalg"
)

// pool2d is nn.MaxPool2d or nn.AvgPool2d with a kh×kw window and stride
// sh×sw (PyTorch's default is the window), no padding, dropping the rows and
// columns that do not fill a window; a window of the whole input is global
// average pooling, and AvgPool2d(1, stride 2) subsamples.
// It has no parameters. Max pooling keeps, per output, the index of the
// input it took (the first largest in the window, or its last NaN, as PyTorch),
// and its derivatives and R-passes follow that choice, as autograd does.
type pool2d[T linalg.Float] struct {
	max               bool
	kh, kw, sh, sw    int
	inShape, outShape Shape
}

// newPool2d is a pooling layer over kh×kw windows at strides sh×sw of input shape in.
func newPool2d[T linalg.Float](in Shape, kh, kw, sh, sw int, max bool) *pool2d[T] {
	out := Shape{C: in.C, H: windows(in.H, kh, sh), W: windows(in.W, kw, sw)}
	return &pool2d[T]{max: max, kh: kh, kw: kw, sh: sh, sw: sw, inShape: in, outShape: out}
}

// windows is the number of windows of k at stride s that fit in n.
func windows(n, k, s int) int {
	if n < k {
		return 0
	}
	return (n-k)/s + 1
}

func (l *pool2d[T]) in() Shape                            { return l.inShape }
func (l *pool2d[T]) out() Shape                           { return l.outShape }
func (l *pool2d[T]) tensors() []Tensor                    { return nil }
func (l *pool2d[T]) initialize(*rand.Rand, []T, initRule) {}
func (l *pool2d[T]) activated() bool                      { return false }
func (l *pool2d[T]) argmaxes() bool                       { return l.max }
func (l *pool2d[T]) statistics() int                      { return 0 }
func (l *pool2d[T]) scratch(int) int                      { return 0 }
func (l *pool2d[T]) parts() []layer[T]                    { return nil }

// apply writes the pooling of each example of x (rows of in values) into y,
// recording the argmax in idx for max pooling.
func (l *pool2d[T]) apply(x []T, rows int, y []T, idx []int32) {
	in, out := l.inShape, l.outShape
	inv := T(1) / T(l.kh*l.kw)
	for r := range rows {
		xe := x[r*in.Size() : (r+1)*in.Size()]
		ye := y[r*out.Size() : (r+1)*out.Size()]
		var ie []int32
		if l.max {
			ie = idx[r*out.Size() : (r+1)*out.Size()]
		}
		if l.max && l.kh == 2 && l.kw == 2 && l.sh == 2 && l.sw == 2 {
			maxPool2x2(xe, in, out, ye, ie)
			continue
		}
		for c := range out.C {
			for oh := range out.H {
				o0 := (c*out.H + oh) * out.W
				for ow := range out.W {
					base := (c*in.H+oh*l.sh)*in.W + ow*l.sw
					if l.max {
						best, at := xe[base], base
						for i := range l.kh {
							row := base + i*in.W
							for j, v := range xe[row : row+l.kw] {
								if v > best || v != v {
									best, at = v, row+j
								}
							}
						}
						ye[o0+ow], ie[o0+ow] = best, int32(at)
						continue
					}
					var sum T
					for i := range l.kh {
						row := base + i*in.W
						for _, v := range xe[row : row+l.kw] {
							sum += v
						}
					}
					ye[o0+ow] = sum * inv
				}
			}
		}
	}
}

// maxPool2x2 is apply's max pooling of one example over 2×2 windows: the
// float32 kernel asm selected (one call for the whole example when every
// channel's rows pair up, else one per channel), the general loop for
// float64.
func maxPool2x2[T linalg.Float](x []T, in, out Shape, y []T, idx []int32) {
	x32, ok := any(x).([]float32)
	if !ok {
		maxPoolRows(x, in, out, y, idx)
		return
	}
	y32 := any(y).([]float32)
	pool := asm.MaxPool2x2Kernel()
	if in.H == 2*out.H {
		pool(x32, in.W, y32, idx, out.W, out.C*out.H, 0)
		return
	}
	plane, opl := in.H*in.W, out.H*out.W
	for c := range out.C {
		pool(x32[c*plane:(c+1)*plane], in.W, y32[c*opl:(c+1)*opl], idx[c*opl:(c+1)*opl], out.W, out.H, c*plane)
	}
}

// maxPoolRows is maxPool2x2 with branches, for any element type.
func maxPoolRows[T linalg.Float](x []T, in, out Shape, y []T, idx []int32) {
	for c := range out.C {
		for oh := range out.H {
			at0 := (c*in.H + 2*oh) * in.W
			r0, r1 := x[at0:at0+2*out.W], x[at0+in.W:at0+in.W+2*out.W]
			o0 := (c*out.H + oh) * out.W
			ys, is := y[o0:o0+out.W], idx[o0:o0+out.W]
			for ow := range ys {
				j := 2 * ow
				best, at := r0[j], at0+j
				if v := r0[j+1]; v > best || v != v {
					best, at = v, at0+j+1
				}
				if v := r1[j]; v > best || v != v {
					best, at = v, at0+in.W+j
				}
				if v := r1[j+1]; v > best || v != v {
					best, at = v, at0+in.W+j+1
				}
				ys[ow], is[ow] = best, int32(at)
			}
		}
	}
}

// spread writes into dx the transpose of the pooling applied to dy (using the
// argmaxes in idx for max pooling), then hands dx to fin when it is not nil.
func (l *pool2d[T]) spread(dy []T, idx []int32, rows int, dx []T, fin linalg.Epilogue) {
	in, out := l.inShape, l.outShape
	dx = dx[:rows*in.Size()]
	clear(dx)
	inv := T(1) / T(l.kh*l.kw)
	for r := range rows {
		de := dx[r*in.Size() : (r+1)*in.Size()]
		ge := dy[r*out.Size() : (r+1)*out.Size()]
		if l.max {
			for o, j := range idx[r*out.Size() : (r+1)*out.Size()] {
				de[j] += ge[o]
			}
			continue
		}
		for c := range out.C {
			for oh := range out.H {
				o0 := (c*out.H + oh) * out.W
				for ow, g := range ge[o0 : o0+out.W] {
					g *= inv
					base := (c*in.H+oh*l.sh)*in.W + ow*l.sw
					for i := range l.kh {
						row := de[base+i*in.W : base+i*in.W+l.kw]
						for j := range row {
							row[j] += g
						}
					}
				}
			}
		}
	}
	if fin != nil {
		fin.Finish(0, rows, 0, in.Size())
	}
}

// gather is the R-forward of max pooling: y[o] = x[idx[o]].
func (l *pool2d[T]) gather(x []T, idx []int32, rows int, y []T) {
	in, size := l.inShape.Size(), l.outShape.Size()
	for r := range rows {
		xe, ye := x[r*in:(r+1)*in], y[r*size:(r+1)*size]
		for o, j := range idx[r*size : (r+1)*size] {
			ye[o] = xe[j]
		}
	}
}

func (l *pool2d[T]) forward(_ *env[T], _ []T, x operand[T], rows int, s *slab[T], _ bool) {
	l.apply(x.x, rows, s.act, s.idx)
}

func (l *pool2d[T]) backward(_ *env[T], _ []T, _ operand[T], rows int, s *slab[T], _ []T, _ bool, dx []T, fin linalg.Epilogue) {
	if dx != nil {
		l.spread(s.dz, s.idx, rows, dx, fin)
	}
}

func (l *pool2d[T]) rForward(_ *env[T], _, _ []T, _ operand[T], rx []T, rows int, s *slab[T], r *rslab[T]) {
	rz := r.rz[:rows*l.outShape.Size()]
	switch {
	case rx == nil:
		clear(rz)
	case l.max:
		l.gather(rx, s.idx, rows, rz)
	default:
		l.apply(rx, rows, rz, nil)
	}
}

func (l *pool2d[T]) rBackward(_ *env[T], _, _ []T, _ operand[T], _ []T, rows int, s *slab[T], r *rslab[T], _ []T, _ bool, rdx []T, fin linalg.Epilogue) {
	if rdx != nil {
		l.spread(r.rdz, s.idx, rows, rdx, fin)
	}
}
