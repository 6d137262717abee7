package net

import (
	"math"

	"github.com/edge-of-stability/eos/linalg"
)

// pass runs one sweep of mode m over all chunks with input vector src and
// result vector dst (nil for Eval and Linearize).
func (o *Objective[T]) pass(m mode, src, dst []T) Metrics {
	o.prepare(m)
	o.mode, o.src, o.dst = m, src, dst
	if dst != nil && o.acc == nil {
		// Eval-only objectives (the test set) never hold the slot accumulators.
		for range o.slots - 1 {
			o.acc = append(o.acc, make([]T, o.numParams))
		}
	}
	o.next.Store(0)
	o.pool.run(o.helpers+1, o.task)
	if dst != nil && o.slots > 1 {
		o.mode = modeReduce
		o.pool.run(o.helpers+1, o.task)
	}
	o.src, o.dst = nil, nil
	var loss float64
	correct := 0
	for s := range o.slots {
		loss += o.loss64[s]
		correct += o.correct[s]
	}
	acc := math.NaN()
	if o.labels != nil {
		acc = float64(correct) / float64(o.n)
	}
	return Metrics{Loss: loss / float64(o.n), Acc: acc}
}

// work is worker id's share of the pass in progress.
func (o *Objective[T]) work(id int) {
	if o.mode == modeReduce {
		o.reduce(id)
		return
	}
	for {
		s := int(o.next.Add(1)) - 1
		if s >= o.slots {
			return
		}
		o.runSlot(o.scratch[id], s)
	}
}

// runSlot processes the chunks of slot s in order.
func (o *Objective[T]) runSlot(w *scratch[T], s int) {
	acc := o.dst
	if s > 0 && acc != nil {
		acc = o.acc[s-1]
	}
	var loss float64
	correct := 0
	for c := s; c < o.chunks; c += o.slots {
		lo := c * o.chunk
		rows := min(o.chunk, o.n-lo)
		x := o.input(lo, rows)
		var l float64
		var k int
		switch o.mode {
		case modeEval:
			l, k = o.evalChunk(w, x, lo, rows)
		case modeGrad:
			l, k = o.gradChunk(w, x, lo, rows, acc, c == s)
		case modeLinearize:
			l, k = o.linearizeChunk(w, o.src, x, lo, rows, o.view(&w.view, lo, rows))
		case modeHVP:
			o.hvpChunk(w, x, lo, rows, acc, c == s)
		}
		loss += l
		correct += k
	}
	o.loss64[s], o.correct[s] = loss, correct
}

// reduce adds slots 1 … S−1 into the result, in slot order, over worker
// id's share of the parameters.
func (o *Objective[T]) reduce(id int) {
	workers := o.helpers + 1
	lo, hi := id*o.numParams/workers, (id+1)*o.numParams/workers
	dst := o.dst[lo:hi]
	for _, acc := range o.acc {
		linalg.Axpy(1, acc[lo:hi], dst)
	}
}
