package net

import (
	"math/rand/v2"

	"github.com/edge-of-stability/eos/linalg"
)

// residual is a residual block: z = body(x) + shortcut(x), then an
// activation, a = σ(z). The shortcut is a stack of layers (empty: the
// identity); when its output has fewer channels than the body's, it fills
// the first ones and the rest get zeros (the reference ResNet's
// torch.cat((identity, zeros), 1)). Its parts (the body's layers, then the
// shortcut's, PyTorch's registration order) keep their tape in its slab's
// sub slabs; their gradients with respect to x add up.
type residual[T linalg.Float] struct {
	inShape, outShape Shape
	body, short       stack[T]
	all               []layer[T] // body then shortcut
	names             []string   // module names of all, e.g. "conv1", "downsample.1"
	rules             []initRule // initialisation of all
	act               actKernel
}

// newResidual builds the block s describes, its parameters placed at *off.
func newResidual[T linalg.Float](s layerSpec, ntk bool, off *int) *residual[T] {
	l := &residual[T]{inShape: s.in, act: kernelOf(s.act)}
	build := func(specs []layerSpec) []layer[T] {
		var ls []layer[T]
		for _, p := range specs {
			ly := newLayer[T](p, ntk, off)
			ls = append(ls, ly)
			l.names, l.rules = append(l.names, p.name), append(l.rules, p.init)
		}
		return ls
	}
	body := build(s.body)
	short := build(s.shortcut)
	l.body, l.short = newStack(body), newStack(short)
	l.all = append(append([]layer[T]{}, body...), short...)
	l.outShape = body[len(body)-1].out()
	return l
}

func (l *residual[T]) in() Shape         { return l.inShape }
func (l *residual[T]) out() Shape        { return l.outShape }
func (l *residual[T]) activated() bool   { return l.act.f != nil }
func (l *residual[T]) argmaxes() bool    { return false }
func (l *residual[T]) statistics() int   { return 0 }
func (l *residual[T]) parts() []layer[T] { return l.all }

// scratch: the parts' scratch, then the shortcut's ∂loss/∂x for rows examples.
func (l *residual[T]) scratch(rows int) int {
	need := 0
	for _, p := range l.all {
		need = max(need, p.scratch(rows))
	}
	return need + rows*l.inShape.Size()
}

// tensors are the parts' tensors, named under the parts' module names.
func (l *residual[T]) tensors() []Tensor {
	var ts []Tensor
	for i, p := range l.all {
		for _, t := range p.tensors() {
			t.Name = l.names[i] + "." + t.Name
			ts = append(ts, t)
		}
	}
	return ts
}

func (l *residual[T]) initialize(r *rand.Rand, theta []T, _ initRule) {
	for i, p := range l.all {
		p.initialize(r, theta, l.rules[i])
	}
}

// nb is the number of the body's layers.
func (l *residual[T]) nb() int { return len(l.body.layers) }

// shortOut is the shortcut's output for rows examples: its last slab's (or
// R-slab's) values, or the block's input for the identity.
func (l *residual[T]) shortOut(x []T, last []T, rows int) ([]T, int) {
	if len(l.short.layers) == 0 {
		return x[:rows*l.inShape.Size()], l.inShape.Size()
	}
	size := l.short.sizes[len(l.short.sizes)-1]
	return last[:rows*size], size
}

// addInto adds each of rows rows of src (size values) into the first size
// values of the matching row of dst (ld values).
func addInto[T linalg.Float](dst []T, ld int, src []T, size, rows int) {
	for r := range rows {
		d, s := dst[r*ld:r*ld+size], src[r*size:(r+1)*size]
		for i, v := range s {
			d[i] += v
		}
	}
}

// takeFrom copies the first size values of each of rows rows of src (ld
// values) into dst.
func takeFrom[T linalg.Float](dst []T, size int, src []T, ld, rows int) {
	for r := range rows {
		copy(dst[r*size:(r+1)*size], src[r*ld:r*ld+size])
	}
}

func (l *residual[T]) forward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], second bool) {
	nb, size := l.nb(), l.outShape.Size()
	l.body.forward(e, theta, x, rows, s.sub[:nb], second)
	z := s.act[:rows*size]
	copy(z, s.sub[nb-1].act[:rows*size])
	var last []T
	if len(l.short.layers) > 0 {
		l.short.forward(e, theta, x, rows, s.sub[nb:], second)
		last = s.sub[len(s.sub)-1].act
	}
	sc, ssize := l.shortOut(x.x, last, rows)
	addInto(z, size, sc, ssize, rows)
	if l.act.f != nil {
		var d2 []T
		if second {
			d2 = s.d2[:len(z)]
		}
		activate(l.act, z, s.d1[:len(z)], d2)
	}
}

// tail is the scratch's last rows·in values: the shortcut's ∂loss/∂x.
func (l *residual[T]) tail(e *env[T], rows int) []T {
	n := rows * l.inShape.Size()
	return e.scratch[len(e.scratch)-n:]
}

func (l *residual[T]) backward(e *env[T], theta []T, x operand[T], rows int, s *slab[T], grad []T, first bool, dx []T, fin linalg.Epilogue) {
	nb, g := l.nb(), s.dz[:rows*l.outShape.Size()]
	copy(s.sub[nb-1].dz, g)
	l.body.backward(e, theta, x, rows, s.sub[:nb], grad, first, dx, nil)
	l.throughShortcut(e, rows, g, s.sub[len(s.sub)-1].dz, dx, fin, func(sdx []T) {
		l.short.backward(e, theta, x, rows, s.sub[nb:], grad, first, sdx, nil)
	})
}

// throughShortcut adds the shortcut's share of the block's input gradient
// into dx (unless dx is nil), g being the gradient (or its R-value) at the
// block's pre-activation and the body's share already in dx, then hands dx
// to fin. The identity adds g itself; otherwise g's first channels go into
// last, the shortcut's last ∂loss/∂z (or its R-value), and pass runs the
// shortcut's backward pass (or R-pass), writing its ∂loss/∂x into sdx (nil
// when dx is nil).
func (l *residual[T]) throughShortcut(e *env[T], rows int, g, last, dx []T, fin linalg.Epilogue, pass func(sdx []T)) {
	size, in := l.outShape.Size(), l.inShape.Size()
	if len(l.short.layers) == 0 {
		if dx != nil {
			addInto(dx, size, g, size, rows)
		}
	} else {
		takeFrom(last, l.short.sizes[len(l.short.sizes)-1], g, size, rows)
		var sdx []T
		if dx != nil {
			sdx = l.tail(e, rows)
		}
		pass(sdx)
		if dx != nil {
			addInto(dx, in, sdx, in, rows)
		}
	}
	if fin != nil && dx != nil {
		fin.Finish(0, rows, 0, in)
	}
}

func (l *residual[T]) rForward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T]) {
	nb, size := l.nb(), l.outShape.Size()
	l.body.rForward(e, theta, v, x, rx, rows, s.sub[:nb], r.sub[:nb])
	rz := r.rz[:rows*size]
	copy(rz, r.sub[nb-1].ra[:rows*size])
	if len(l.short.layers) > 0 {
		l.short.rForward(e, theta, v, x, rx, rows, s.sub[nb:], r.sub[nb:])
		sc, ssize := l.shortOut(nil, r.sub[len(r.sub)-1].ra, rows)
		addInto(rz, size, sc, ssize, rows)
	} else if rx != nil {
		addInto(rz, size, rx, size, rows)
	}
	if l.act.f != nil {
		d1, ra := s.d1[:len(rz)], r.ra[:len(rz)]
		for i, z := range rz {
			ra[i] = d1[i] * z
		}
	}
}

func (l *residual[T]) rBackward(e *env[T], theta, v []T, x operand[T], rx []T, rows int, s *slab[T], r *rslab[T], hv []T, first bool, rdx []T, fin linalg.Epilogue) {
	nb, rg := l.nb(), r.rdz[:rows*l.outShape.Size()]
	copy(r.sub[nb-1].rdz, rg)
	l.body.rBackward(e, theta, v, x, rx, rows, s.sub[:nb], r.sub[:nb], hv, first, rdx, nil)
	l.throughShortcut(e, rows, rg, r.sub[len(r.sub)-1].rdz, rdx, fin, func(sdx []T) {
		l.short.rBackward(e, theta, v, x, rx, rows, s.sub[nb:], r.sub[nb:], hv, first, sdx, nil)
	})
}

// buffers are the parts' buffers, named under the parts' module names.
func (l *residual[T]) buffers() []Buffer {
	var bs []Buffer
	for i, p := range l.all {
		if b, ok := p.(buffered); ok {
			for _, x := range b.buffers() {
				x.Name = l.names[i] + "." + x.Name
				bs = append(bs, x)
			}
		}
	}
	return bs
}
