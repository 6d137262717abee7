package eos

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/linalg"
	"github.com/edge-of-stability/eos/net"
	"github.com/edge-of-stability/eos/tensorfile"
)

// sharpness measures the top Hessian eigenvalues of the loss on the first
// Abridged training examples, warm-starting each solve from the previous
// two solves' eigenvectors extrapolated one interval ahead.
type sharpness[T linalg.Float] struct {
	obj  *net.Objective[T]
	opts linalg.EigOptions
	n    int
	// prev are the eigenvectors of the latest solve, older those of the
	// one before (nil until two solves are made).
	prev, older [][]float64
	// solves counts the measurements made.
	solves int
}

// coldEvery makes every coldEvery-th solve start from a random vector: a warm
// start from the previous eigenvectors can miss an eigenvalue that rises into
// the top K from below, and a periodic cold solve bounds how long it is missed.
const coldEvery = 10

// newSharpness measures on the first cfg.Abridged examples of train, or on
// all of them through trainObj, the training objective itself: its passes
// and a solve's never overlap, so the two share one set of buffers.
func newSharpness[T linalg.Float](m *net.Model[T], train *data.Set, trainObj *net.Objective[T], cfg Config) (*sharpness[T], error) {
	obj := trainObj
	if cfg.Abridged > 0 && cfg.Abridged < train.N {
		var err error
		if obj, err = net.NewObjective(m, train.Head(cfg.Abridged), cfg.Loss, cfg.PhysicalBatch, cfg.Threads); err != nil {
			return nil, fmt.Errorf("sharpness objective: %w", err)
		}
	}
	which := map[string]linalg.Which{
		"largest":   linalg.LargestAlgebraic,
		"magnitude": linalg.LargestMagnitude,
		"smallest":  linalg.SmallestAlgebraic,
	}[cfg.EigWhich]
	return &sharpness[T]{
		obj:  obj,
		n:    m.NumParams(),
		opts: linalg.EigOptions{K: cfg.NEigs, Which: which, Tol: cfg.EigTol, Seed: cfg.Seed, Threads: cfg.Threads, Work: &linalg.Workspace{}},
	}, nil
}

// measure solves for the top eigenpairs at theta, adding the time of its
// linearisation, HVPs and solver arithmetic to ph.
func (s *sharpness[T]) measure(theta []T, ph *Phases) (linalg.EigResult, time.Duration, error) {
	start := time.Now()
	s.obj.Linearize(theta)
	linearized := time.Now()
	opts := s.opts
	switch {
	case s.solves%coldEvery == 0:
		// A cold solve needs no start: the older vectors' memory can go to
		// its basis.
		s.opts.Work.Recycle(s.older)
		s.older = nil
	case len(s.older) == len(s.prev):
		linalg.Extrapolate(s.older, s.prev)
		opts.Start = s.older
	default:
		opts.Start = s.prev
	}
	s.solves++
	var hvp time.Duration
	op := func(v, hv []float64) {
		t := time.Now()
		s.obj.HVP64(v, hv)
		hvp += time.Since(t)
	}
	res, err := linalg.Eigs(s.n, op, opts)
	if err != nil {
		return res, 0, fmt.Errorf("sharpness: %w", err)
	}
	// The older eigenvectors (or their extrapolation) have served: their
	// memory goes to the next solve.
	s.opts.Work.Recycle(s.older)
	s.older, s.prev = s.prev, res.Vectors
	took := time.Since(start)
	ph.Linearize += linearized.Sub(start).Seconds()
	ph.HVP += hvp.Seconds()
	ph.Solver += (took - linearized.Sub(start) - hvp).Seconds()
	ph.HVPs += res.MatVecs
	ph.Solves++
	return res, took, nil
}

// eigHeader is the header of eigs.csv after the index columns.
func eigHeader(k int) []string {
	h := make([]string, 0, k)
	for i := 1; i <= k; i++ {
		h = append(h, "lambda"+strconv.Itoa(i))
	}
	return h
}

// saveEigvecs writes the eigenvectors of one measurement to
// eigvecs/<label>.safetensors as one [K, numParams] tensor.
func saveEigvecs(dir, label string, res linalg.EigResult) error {
	if len(res.Vectors) == 0 {
		return nil
	}
	n := len(res.Vectors[0])
	flat := make([]float64, 0, len(res.Vectors)*n)
	for _, v := range res.Vectors {
		flat = append(flat, v...)
	}
	vals := make([]float64, len(res.Values))
	copy(vals, res.Values)
	ts := []tensorfile.Tensor{
		{Name: "eigenvectors", DType: "F32", Shape: []int{len(res.Vectors), n}, Data: flat},
		{Name: "eigenvalues", DType: "F64", Shape: []int{len(vals)}, Data: vals},
	}
	sub := filepath.Join(dir, "eigvecs")
	if err := mkdir(sub); err != nil {
		return err
	}
	return tensorfile.WriteSafetensors(filepath.Join(sub, label+".safetensors"), ts, nil)
}
