package net

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"unsafe"

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
// same whatever the thread count. The passes run the model's layers one after
// another and know no layer kinds. An Objective is used from one goroutine at
// a time.
type Objective[T linalg.Float] struct {
	net  stack[T] // the model's layers
	loss string

	n, in, out   int
	chunk        int // examples per chunk
	chunks       int // number of chunks
	slots        int // partial-sum slots S
	helpers      int // helper goroutines per pass
	threads      int // the threads the objective was built with
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
	acc     [][]T         // accumulators of slots 1 … S−1 (slot 0 uses the result), allocated by the first pass with a result
	loss64  []float64     // per-slot loss sums
	correct []int         // per-slot correct predictions
	next    atomic.Int64  // next slot to claim

	// the pass in progress
	mode     mode
	src, dst []T

	cache     bool // the linearisation is cached for every example (else recomputed per chunk)
	lin       *linearization[T]
	v64, hv64 []T // HVP64's conversion buffers, allocated by its first call
}

// scratch is one worker's buffers, sized for one chunk. The tape and the
// R-buffers are allocated by the first pass that needs them, the tape anew
// when a pass needs a higher level than it has.
type scratch[T linalg.Float] struct {
	tape  tape[T]    // Eval and Grad (and, uncached, the linearisation) of one chunk
	level tapeLevel  // what tape keeps
	view  tape[T]    // views of the linearisation cache for one chunk
	r     []rslab[T] // R-operator buffers of each layer (nil until the first HVP)
	env   env[T]
}

// tape holds one pass's per-layer state for a block of rows.
type tape[T linalg.Float] struct {
	s []slab[T] // one per layer
	p []T       // softmax of the logits (ce linearisation only)
}

// DefaultCacheBudget is the default bound, in bytes, on the HVP's
// linearisation cache: over it, each HVP recomputes the forward and backward
// pass chunk by chunk instead (about twice the cost).
const DefaultCacheBudget = 2 << 30

// NewObjective binds a model to a dataset and loss ("mse" or "ce"); chunk = examples per chunk
// (the CLI's --physical-batch), threads = chunk workers (≥1).
func NewObjective[T linalg.Float](m *Model[T], set *data.Set, loss string, chunk, threads int) (*Objective[T], error) {
	if err := checkBinding(m.Arch, set, loss, chunk, threads); err != nil {
		return nil, err
	}
	o := &Objective[T]{
		net: newStack(m.layers), loss: loss,
		n: set.N, in: set.D, out: set.Outputs, chunk: min(chunk, set.N),
		numParams: m.NumParams(), invN: T(1 / float64(set.N)), threads: threads,
	}
	o.cache = o.CacheBytes() <= DefaultCacheBudget
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
	o.loss64, o.correct = make([]float64, o.slots), make([]int, o.slots)
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
	case set.D != a.Input.Size() || set.Outputs != a.Out:
		return fmt.Errorf("architecture %s has %d inputs and %d outputs, dataset %s has %d and %d", a.Name, a.Input.Size(), a.Out, set.Name, set.D, set.Outputs)
	case a.images() && a.Input != InputShape(set):
		return fmt.Errorf("architecture %s takes %s images, dataset %s has %s", a.Name, a.Input, set.Name, InputShape(set))
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

// newScratch allocates one worker's scratch and views; its tape and
// R-buffers come with the first pass that needs them.
func (o *Objective[T]) newScratch() *scratch[T] {
	s := &scratch[T]{}
	need := 0
	for _, ly := range o.net.layers {
		s.view.s = append(s.view.s, newViewSlab(ly))
		need = max(need, ly.scratch(o.chunk))
	}
	s.env = env[T]{threads: o.gemmThreads, scratch: make([]T, need)}
	s.env.newParts(partScratch(o.net.layers))
	return s
}

// newTape allocates (or, when z is dry, counts) a tape for rows rows at
// level lv (none: an empty tape), with the softmax of a full ce tape.
func (o *Objective[T]) newTape(z *sizer[T], rows int, lv tapeLevel) tape[T] {
	t := tape[T]{s: newSlabs(z, o.net.layers, rows, lv)}
	if lv == tapeFull && o.loss == lossCE {
		t.p = z.floats(rows * o.out)
	}
	return t
}

// needs is the tape level and whether the R-buffers are wanted by a pass
// of mode m.
func (o *Objective[T]) needs(m mode) (tapeLevel, bool) {
	switch m {
	case modeEval:
		return tapeEval, false
	case modeGrad:
		return tapeGrad, false
	case modeHVP:
		if o.cache {
			return tapeNone, true
		}
		return tapeFull, true
	}
	return tapeNone, false // the cached Linearize writes the cache; the reduction needs no tape
}

// prepare gives every worker what a pass of mode m needs and it lacks.
func (o *Objective[T]) prepare(m mode) {
	lv, rbufs := o.needs(m)
	for _, w := range o.scratch {
		if w.level < lv {
			w.tape, w.level = tape[T]{}, tapeNone // let the old tape go first
			w.tape, w.level = o.newTape(&sizer[T]{}, o.chunk, lv), lv
		}
		if rbufs && w.r == nil {
			w.r = newRslabs(&sizer[T]{}, o.net.layers, o.chunk)
		}
	}
}

// CacheBytes is the size of the linearisation cache an HVP at a fixed
// theta would keep for every example.
func (o *Objective[T]) CacheBytes() int64 {
	z := &sizer[T]{dry: true}
	o.newTape(z, o.n, tapeFull)
	return z.bytes
}

// SetCacheBudget bounds the linearisation cache by bytes: the HVPs cache it
// for every example when it fits and recompute it chunk by chunk otherwise.
// It takes effect at the next Linearize.
func (o *Objective[T]) SetCacheBudget(bytes int64) {
	cache := o.CacheBytes() <= bytes
	if cache == o.cache {
		return
	}
	o.cache, o.lin = cache, nil
	for _, w := range o.scratch {
		w.tape, w.level = tape[T]{}, tapeNone
	}
}

// Workers is the number of chunks the objective's passes run at once.
func (o *Objective[T]) Workers() int { return o.helpers + 1 }

// SingleWorker makes the passes run their chunks one at a time with all the
// objective's threads on each (its GEMMs, and the layers' work split between
// threads), so that one worker's tape is held rather than one per thread.
// The results stay bitwise the same.
func (o *Objective[T]) SingleWorker() {
	o.helpers, o.gemmThreads = 0, o.threads
	o.scratch = o.scratch[:1]
	o.scratch[0].env.threads = o.threads
	o.scratch[0].env.newParts(partScratch(o.net.layers))
}

// CachesLinearization says whether the HVPs use a cached linearisation (true)
// or recompute it per chunk (false).
func (o *Objective[T]) CachesLinearization() bool { return o.cache }

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

// Use is a set of the passes a caller runs on an objective, which decides
// what its workers hold.
type Use int

// The passes of a Use.
const (
	UseEval Use = 1 << iota // Eval
	UseGrad                 // Grad
	UseHVP                  // Linearize and HVP
)

// WorkBytes is the memory the objective holds for the passes of use, with
// the HVPs' linearisation cached or not, besides the dataset and the cache
// itself: its workers' tapes, R-buffers and scratch, and the slots' partial
// sums (counted before the passes that allocate them).
func (o *Objective[T]) WorkBytes(use Use, cached bool) int64 {
	var zero T
	elem := int64(unsafe.Sizeof(zero))
	lv := tapeNone
	if use&UseEval != 0 {
		lv = tapeEval
	}
	if use&UseGrad != 0 {
		lv = tapeGrad
	}
	z := &sizer[T]{dry: true}
	if use&UseHVP != 0 {
		if !cached {
			lv = tapeFull
		}
		newRslabs(z, o.net.layers, o.chunk)
	}
	o.newTape(z, o.chunk, lv)
	e := &o.scratch[0].env
	worker := z.bytes + elem*int64(len(e.scratch)+len(e.parts)*len(e.parts[0].scratch))
	sums := int64(0)
	if use&(UseGrad|UseHVP) != 0 {
		sums = elem * int64(o.numParams) * int64(o.slots+1)
	}
	return worker*int64(len(o.scratch)) + sums
}
