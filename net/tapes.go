package net

import (
	"unsafe"

	"github.com/edge-of-stability/eos/linalg"
)

// tapeLevel is how much of its passes' state a worker's tape keeps. A pass
// reads a layer's buffers only while the layers next to it run, so the lower
// levels let layers two apart in a stack share memory.
type tapeLevel int

const (
	tapeNone tapeLevel = iota // nothing allocated yet
	// tapeEval serves the forward pass alone: a layer's output and σ'(z)
	// share memory with those of the layer two before it in its stack.
	tapeEval
	// tapeGrad serves the gradient: every output and σ'(z) is kept, while
	// ∂loss/∂z, which only the layer's own backward step reads, shares
	// memory with that of the layer two after it.
	tapeGrad
	// tapeFull keeps everything the R-passes read, σ″ terms included: the
	// linearisation of a chunk, or of every example in the cache.
	tapeFull
)

// sizer hands out a tape's buffers, or, when dry, only counts their bytes.
type sizer[T linalg.Float] struct {
	dry   bool
	bytes int64
}

// floats is a new buffer of n elements (nil when dry).
func (z *sizer[T]) floats(n int) []T {
	var zero T
	z.bytes += int64(n) * int64(unsafe.Sizeof(zero))
	if z.dry {
		return nil
	}
	return make([]T, n)
}

// float64s is a new buffer of n float64s (nil when dry).
func (z *sizer[T]) float64s(n int) []float64 {
	z.bytes += 8 * int64(n)
	if z.dry {
		return nil
	}
	return make([]float64, n)
}

// ints is a new buffer of n indices (nil when dry).
func (z *sizer[T]) ints(n int) []int32 {
	z.bytes += 4 * int64(n)
	if z.dry {
		return nil
	}
	return make([]int32, n)
}

// shared are buffers that layers share, one for each depth of nesting (0:
// the network's layers, 1: the parts of its composite layers, …) and parity
// of a layer's index in its list, each as large as the largest output of
// its layers. A list's layers two apart may share because a pass reads a
// layer's buffer only while its neighbours run, and the lists of two
// composite layers at one depth may share because they never run at once.
type shared[T linalg.Float] struct {
	span [][2]int
	buf  [][2][]T
	made [][2]bool
}

// newShared sizes the shared buffers of layers, with their parts', for rows
// rows.
func newShared[T linalg.Float](layers []layer[T], rows int) *shared[T] {
	sh := &shared[T]{}
	sh.plan(layers, rows, 0)
	sh.buf, sh.made = make([][2][]T, len(sh.span)), make([][2]bool, len(sh.span))
	return sh
}

func (sh *shared[T]) plan(layers []layer[T], rows, depth int) {
	if len(layers) == 0 {
		return
	}
	if depth == len(sh.span) {
		sh.span = append(sh.span, [2]int{})
	}
	for i, ly := range layers {
		sh.span[depth][i%2] = max(sh.span[depth][i%2], rows*ly.out().Size())
		sh.plan(ly.parts(), rows, depth+1)
	}
}

// take is the first n elements of the buffer of the layer at index i of a
// list at depth, allocated at its first use.
func (sh *shared[T]) take(z *sizer[T], depth, i, n int) []T {
	k := i % 2
	if !sh.made[depth][k] {
		sh.buf[depth][k], sh.made[depth][k] = z.floats(sh.span[depth][k]), true
	}
	if sh.buf[depth][k] == nil {
		return nil
	}
	return sh.buf[depth][k][:n]
}

// newSlabs allocates the tape slabs of the network's layers for rows rows
// at level lv, with their parts' slabs.
func newSlabs[T linalg.Float](z *sizer[T], layers []layer[T], rows int, lv tapeLevel) []slab[T] {
	if lv == tapeNone {
		return nil
	}
	act, d1, dz := newShared(layers, rows), newShared(layers, rows), newShared(layers, rows)
	var build func(layers []layer[T], depth int) []slab[T]
	build = func(layers []layer[T], depth int) []slab[T] {
		s := make([]slab[T], len(layers))
		for i, ly := range layers {
			n, sl := rows*ly.out().Size(), &s[i]
			if lv == tapeEval {
				sl.act = act.take(z, depth, i, n)
			} else {
				sl.act = z.floats(n)
			}
			if ly.activated() {
				if lv == tapeEval {
					sl.d1 = d1.take(z, depth, i, n)
				} else {
					sl.d1 = z.floats(n)
				}
				if lv == tapeFull {
					sl.d2 = z.floats(n)
				}
			}
			switch lv {
			case tapeGrad:
				sl.dz = dz.take(z, depth, i, n)
			case tapeFull:
				sl.dz = z.floats(n)
			}
			if ly.argmaxes() {
				sl.idx = z.ints(n)
			}
			if k := ly.statistics(); k > 0 {
				sl.stat = z.float64s(k)
			}
			sl.sub = build(ly.parts(), depth+1)
		}
		return s
	}
	return build(layers, 0)
}

// newRslabs allocates the R-operator buffers of the network's layers for
// rows rows, with their parts'. R{∂loss/∂z}, which only the layer's own
// R-backward step reads, is shared.
func newRslabs[T linalg.Float](z *sizer[T], layers []layer[T], rows int) []rslab[T] {
	rdz := newShared(layers, rows)
	var build func(layers []layer[T], depth int) []rslab[T]
	build = func(layers []layer[T], depth int) []rslab[T] {
		r := make([]rslab[T], len(layers))
		for i, ly := range layers {
			n := rows * ly.out().Size()
			r[i].rz = z.floats(n)
			r[i].ra = r[i].rz
			if ly.activated() {
				r[i].ra = z.floats(n)
			}
			r[i].rdz = rdz.take(z, depth, i, n)
			if k := ly.statistics(); k > 0 {
				r[i].stat = z.float64s(k)
			}
			r[i].sub = build(ly.parts(), depth+1)
		}
		return r
	}
	return build(layers, 0)
}
