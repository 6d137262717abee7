package net

import (
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/linalg"
)

// maxSlots bounds the partial-sum slots of a pass; the slot count depends
// only on the number of chunks, so results do not depend on the thread count.
const maxSlots = 16

// Metrics are a pass's mean loss and accuracy (NaN for regression) over the examples it covered.
type Metrics struct{ Loss, Acc float64 }

// mode is the kind of sweep a pass makes.
type mode int

const (
	modeEval      mode = iota // loss and accuracy
	modeGrad                  // loss, accuracy and gradient
	modeLinearize             // cache the direction-independent HVP state
	modeHVP                   // Hessian-vector product
	modeReduce                // sum the slot accumulators into the result
)

// Objective is a model's mean loss over a dataset, with the fused passes
// that evaluate it, its gradient and its Hessian-vector products. Examples
// are processed in chunks by parallel workers; chunk c is accumulated in slot
// c mod S and the slots are summed in order, so every result is bitwise the
// same whatever the thread count. An Objective is used from one goroutine at a time.
type Objective[T linalg.Float] struct {
	layers []layout
	act    activation
	act32  func(z, d1, d2 []float32) // float32 slice kernel of act, or nil
	loss   string

	n, in, out   int
	chunk        int // examples per chunk
	chunks       int // number of chunks
	slots        int // partial-sum slots S
	helpers      int // helper goroutines per pass
	numParams    int
	invN         T
	pixels       []uint8
	scale, shift []T
	x            []T
	labels       []int32
	targets      []float64

	// gemmThreads is the goroutines per GEMM: 1, or all threads when the
	// pass has a single chunk (and so a single worker).
	gemmThreads int

	pool    *workers
	task    func(id int)
	scratch []*scratch[T] // one per worker
	acc     [][]T         // accumulators of slots 1 … S−1 (slot 0 uses the result)
	loss64  []float64     // per-slot loss sums
	correct []int         // per-slot correct predictions
	next    atomic.Int64  // next slot to claim

	// the pass in progress
	mode     mode
	src, dst []T

	lin       *linearization[T]
	v64, hv64 []T // HVP64's conversion buffers
}

// scratch is one worker's buffers, sized for one chunk.
type scratch[T linalg.Float] struct {
	tape        tape[T] // Eval and Grad activations
	view        tape[T] // views of the linearisation cache for one chunk
	rz, ra, rdz [][]T   // R{z}, R{a} and R{dz} of each layer
}

// tape holds one pass's per-layer state for a block of rows.
type tape[T linalg.Float] struct {
	act [][]T // layer outputs: σ(z) for hidden layers, logits for the last
	d1  [][]T // σ'(z) (hidden layers)
	d2  [][]T // σ″(z)·∂loss/∂a (hidden layers, linearisation only)
	dz  [][]T // ∂loss/∂z of each layer
	p   []T   // softmax of the logits (ce linearisation only)

	finish layerFinisher[T] // the GEMM epilogue of the pass in progress
}

// NewObjective binds a model to a dataset and loss ("mse" or "ce"); chunk = examples per chunk
// (the CLI's --physical-batch), threads = chunk workers (≥1).
func NewObjective[T linalg.Float](m *Model[T], set *data.Set, loss string, chunk, threads int) (*Objective[T], error) {
	if err := checkBinding(m.Arch, set, loss, chunk, threads); err != nil {
		return nil, err
	}
	o := &Objective[T]{
		layers: m.layers, act: activations[m.Arch.Activation], act32: fastActivations32[m.Arch.Activation], loss: loss,
		n: set.N, in: set.D, out: set.Outputs, chunk: min(chunk, set.N),
		numParams: m.NumParams(), invN: T(1 / float64(set.N)),
	}
	o.chunks = (o.n + o.chunk - 1) / o.chunk
	o.slots = min(o.chunks, maxSlots)
	o.gemmThreads = 1
	if o.chunks > 1 {
		o.helpers = min(threads, o.slots) - 1
	} else {
		o.gemmThreads = threads
	}
	if set.Classes > 0 {
		o.labels = set.Labels[:o.n]
	} else {
		o.targets = set.Targets[:o.n*o.out]
	}
	if set.Pixels != nil {
		o.pixels = set.Pixels[:o.n*o.in]
		o.scale, o.shift = convert[T](set.Scale), convert[T](set.Shift)
	} else {
		o.x = convert[T](set.X[:o.n*o.in])
	}
	for range o.helpers + 1 {
		o.scratch = append(o.scratch, o.newScratch())
	}
	for range o.slots - 1 {
		o.acc = append(o.acc, make([]T, o.numParams))
	}
	o.loss64, o.correct = make([]float64, o.slots), make([]int, o.slots)
	o.v64, o.hv64 = make([]T, o.numParams), make([]T, o.numParams)
	o.task = o.work
	o.pool = newWorkers(o.helpers)
	runtime.AddCleanup(o, (*workers).stop, o.pool)
	return o, nil
}

// checkBinding reports why a model, set and settings cannot form an objective.
func checkBinding(a Arch, set *data.Set, loss string, chunk, threads int) error {
	switch {
	case set.N < 1:
		return fmt.Errorf("dataset %s has no examples", set.Name)
	case set.D != a.In || set.Outputs != a.Out:
		return fmt.Errorf("architecture %s has %d inputs and %d outputs, dataset %s has %d and %d", a.Name, a.In, a.Out, set.Name, set.D, set.Outputs)
	case activations[a.Activation] == nil:
		return fmt.Errorf("architecture %s has unknown activation %q", a.Name, a.Activation)
	case loss != lossMSE && loss != lossCE:
		return fmt.Errorf("unknown loss %q (want mse or ce)", loss)
	case loss == lossCE && set.Classes == 0:
		return fmt.Errorf("loss ce needs a classification set, %s is a regression set", set.Name)
	case chunk < 1:
		return fmt.Errorf("chunk size %d is not positive", chunk)
	case threads < 1:
		return fmt.Errorf("thread count %d is not positive", threads)
	case set.Pixels != nil && (len(set.Pixels) < set.N*set.D || len(set.Scale) != set.D || len(set.Shift) != set.D):
		return fmt.Errorf("dataset %s: pixels or standardisation do not match %d×%d", set.Name, set.N, set.D)
	case set.Pixels == nil && len(set.X) < set.N*set.D:
		return fmt.Errorf("dataset %s: inputs do not match %d×%d", set.Name, set.N, set.D)
	case set.Classes == 0 && len(set.Targets) < set.N*set.Outputs:
		return fmt.Errorf("dataset %s: targets do not match %d×%d", set.Name, set.N, set.Outputs)
	case set.Classes > 0 && len(set.Labels) < set.N:
		return fmt.Errorf("dataset %s: %d labels for %d examples", set.Name, len(set.Labels), set.N)
	}
	for i, y := range set.Labels[:min(len(set.Labels), set.N)] {
		if y < 0 || int(y) >= set.Outputs {
			return fmt.Errorf("dataset %s: example %d has label %d outside [0, %d)", set.Name, i, y, set.Outputs)
		}
	}
	return nil
}

// convert copies x into a new []T.
func convert[T linalg.Float](x []float64) []T {
	y := make([]T, len(x))
	for i, v := range x {
		y[i] = T(v)
	}
	return y
}

// newScratch allocates one worker's buffers.
func (o *Objective[T]) newScratch() *scratch[T] {
	s := &scratch[T]{tape: o.newTape(o.chunk, false), view: o.newTape(0, true)}
	for _, lo := range o.layers {
		s.rz = append(s.rz, make([]T, o.chunk*lo.Out))
		s.ra = append(s.ra, make([]T, o.chunk*lo.Out))
		s.rdz = append(s.rdz, make([]T, o.chunk*lo.Out))
	}
	return s
}

// newTape allocates a tape for rows rows (second: with σ″ terms and softmax).
func (o *Objective[T]) newTape(rows int, second bool) tape[T] {
	var t tape[T]
	for _, lo := range o.layers {
		t.act = append(t.act, make([]T, rows*lo.Out))
		t.d1 = append(t.d1, make([]T, rows*lo.Out))
		t.dz = append(t.dz, make([]T, rows*lo.Out))
		if second {
			t.d2 = append(t.d2, make([]T, rows*lo.Out))
		}
	}
	if second && o.loss == lossCE {
		t.p = make([]T, rows*o.out)
	}
	return t
}

// Examples is the number of examples the objective averages over.
func (o *Objective[T]) Examples() int { return o.n }

// Eval is the mean loss and accuracy at theta (forward only).
func (o *Objective[T]) Eval(theta []T) Metrics {
	o.checkLen("theta", theta)
	return o.pass(modeEval, theta, nil)
}

// Grad writes the gradient of the mean loss at theta into grad and returns
// the loss and accuracy, all in one sweep over the data. theta and grad must
// not overlap.
func (o *Objective[T]) Grad(theta, grad []T) Metrics {
	o.checkLen("theta", theta)
	o.checkLen("grad", grad)
	return o.pass(modeGrad, theta, grad)
}

// checkLen panics unless x is a parameter vector.
func (o *Objective[T]) checkLen(name string, x []T) {
	if len(x) != o.numParams {
		panic(fmt.Sprintf("net: %s has %d elements, the model has %d parameters", name, len(x), o.numParams))
	}
}
