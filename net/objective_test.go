package net

import (
	"math"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/edge-of-stability/eos/data"
)

// passes runs Eval, Grad and HVP (at theta, direction v) on a fresh objective.
func passes(t *testing.T, m *Model[float64], s *data.Set, loss string, chunk, threads int, v []float64) (Metrics, []float64, []float64) {
	t.Helper()
	o := mustObjective(t, m, s, loss, chunk, threads)
	grad, hv := make([]float64, m.NumParams()), make([]float64, m.NumParams())
	met := o.Grad(m.Params, grad)
	if e := o.Eval(m.Params); e.Loss != met.Loss || e.Acc != met.Acc {
		t.Errorf("chunk %d threads %d: Eval %+v differs from Grad %+v", chunk, threads, e, met)
	}
	o.Linearize(m.Params)
	o.HVP(v, hv)
	return met, grad, hv
}

// TestThreadsBitwise checks that Eval, Grad and HVP are bitwise the same for
// every thread count, with fewer and with more chunks than slots.
func TestThreadsBitwise(t *testing.T) {
	for _, c := range []struct{ n, chunk int }{{11, 4}, {70, 3}, {9, 9}} {
		s := floatSet(20, c.n, 6, 4, 4)
		m := NewModel[float64](mustArch(t, "fc-tanh", []int{7, 5}, 6, 4, InitStandard))
		m.Initialize(1)
		v := randomVector(21, m.NumParams())
		met1, grad1, hv1 := passes(t, m, s, "ce", c.chunk, 1, v)
		for _, threads := range []int{2, 3, 8} {
			met, grad, hv := passes(t, m, s, "ce", c.chunk, threads, v)
			if met != met1 || !slices.Equal(grad, grad1) || !slices.Equal(hv, hv1) {
				t.Errorf("n=%d chunk=%d: threads %d differ from threads 1", c.n, c.chunk, threads)
			}
		}
	}
}

// TestStaleAccumulatorsIgnored checks that a pass writes, not adds to, the
// slot accumulators and the result: with every one of them poisoned with NaN
// beforehand, Grad and HVP give bitwise what they gave on fresh buffers.
func TestStaleAccumulatorsIgnored(t *testing.T) {
	s := pixelSet(22, 70, 6, 4, 4)
	m := NewModel[float64](mustArch(t, "fc-tanh", []int{7, 5}, 6, 4, InitStandard))
	m.Initialize(2)
	o := mustObjective(t, m, s, "mse", 3, 2)
	grad, hv := make([]float64, m.NumParams()), make([]float64, m.NumParams())
	o.Grad(m.Params, grad)
	o.Linearize(m.Params)
	v := randomVector(23, m.NumParams())
	o.HVP(v, hv)
	poison := func(dst []float64) {
		for _, acc := range o.acc {
			for i := range acc {
				acc[i] = math.NaN()
			}
		}
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
	grad2, hv2 := make([]float64, len(grad)), make([]float64, len(hv))
	poison(grad2)
	o.Grad(m.Params, grad2)
	poison(hv2)
	o.HVP(v, hv2)
	if !slices.Equal(grad2, grad) || !slices.Equal(hv2, hv) {
		t.Errorf("passes over NaN-filled accumulators differ from passes over fresh ones")
	}
}

// TestChunkSizesAgree checks that the chunking changes results only by rounding.
func TestChunkSizesAgree(t *testing.T) {
	s := floatSet(22, 37, 6, 4, 4)
	m := NewModel[float64](mustArch(t, "fc-softplus", []int{7, 5}, 6, 4, InitNTK))
	m.Initialize(2)
	v := randomVector(23, m.NumParams())
	met0, grad0, hv0 := passes(t, m, s, "mse", 37, 2, v)
	for _, chunk := range []int{1, 2, 5, 16, 100} {
		met, grad, hv := passes(t, m, s, "mse", chunk, 2, v)
		if math.Abs(met.Loss-met0.Loss) > 1e-14*met0.Loss || met.Acc != met0.Acc {
			t.Errorf("chunk %d: %+v, one chunk gives %+v", chunk, met, met0)
		}
		checkClose(t, "grad", grad, grad0, 1e-14)
		checkClose(t, "hvp", hv, hv0, 1e-14)
	}
}

// TestPixelsEqualFloatInputs checks the streaming uint8 path against the same
// inputs given as floats.
func TestPixelsEqualFloatInputs(t *testing.T) {
	px := pixelSet(24, 23, 12, 5, 5)
	fl := asFloat(px)
	m := NewModel[float64](mustArch(t, "fc-relu", []int{8}, 12, 5, InitStandard))
	m.Initialize(3)
	v := randomVector(25, m.NumParams())
	for _, loss := range []string{"mse", "ce"} {
		metP, gradP, hvP := passes(t, m, px, loss, 5, 2, v)
		metF, gradF, hvF := passes(t, m, fl, loss, 5, 2, v)
		if math.Abs(metP.Loss-metF.Loss) > 1e-14*metF.Loss || metP.Acc != metF.Acc {
			t.Errorf("%s: pixels give %+v, floats %+v", loss, metP, metF)
		}
		checkClose(t, loss+" grad", gradP, gradF, 1e-14)
		checkClose(t, loss+" hvp", hvP, hvF, 1e-14)
	}
}

// TestNaNPropagates checks that a NaN parameter gives a NaN loss, without panicking.
func TestNaNPropagates(t *testing.T) {
	s := floatSet(26, 11, 5, 3, 3)
	for _, act := range activationNames {
		for _, loss := range []string{"mse", "ce"} {
			for _, at := range []string{"first", "last"} {
				m := NewModel[float64](mustArch(t, "fc-"+act, []int{4, 4}, 5, 3, InitStandard))
				m.Initialize(4)
				i := 0
				if at == "last" {
					i = m.NumParams() - 1
				}
				m.Params[i] = math.NaN()
				o := mustObjective(t, m, s, loss, 4, 2)
				grad := make([]float64, m.NumParams())
				if e, g := o.Eval(m.Params), o.Grad(m.Params, grad); !math.IsNaN(e.Loss) || !math.IsNaN(g.Loss) {
					t.Errorf("fc-%s %s NaN %s parameter: Eval loss %v, Grad loss %v", act, loss, at, e.Loss, g.Loss)
				}
				o.Linearize(m.Params)
				o.HVP(randomVector(1, m.NumParams()), grad)
			}
		}
	}
}

// TestNoAllocations checks that steady-state passes, whatever the chunking,
// allocate nothing: the GEMMs draw their buffers from pools and the forward
// epilogue lives in the worker's tape.
func TestNoAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under -race")
	}
	s := pixelSet(27, 40, 10, 4, 4)
	m := NewModel[float32](mustArch(t, "fc-tanh", []int{8, 8}, 10, 4, InitStandard))
	m.Initialize(5)
	for _, c := range []struct{ chunk, threads int }{{7, 2}, {7, 3}, {40, 1}, {40, 2}} {
		o := mustObjective(t, m, s, "ce", c.chunk, c.threads)
		grad, hv := make([]float32, m.NumParams()), make([]float32, m.NumParams())
		o.Linearize(m.Params)
		v64, hv64 := randomVector(1, m.NumParams()), make([]float64, m.NumParams())
		calls := map[string]func(){
			"Eval":  func() { o.Eval(m.Params) },
			"Grad":  func() { o.Grad(m.Params, grad) },
			"HVP":   func() { o.HVP(grad, hv) },
			"HVP64": func() { o.HVP64(v64, hv64) },
		}
		for name, f := range calls {
			f() // fill the pools
			if n := testing.AllocsPerRun(5, f); n != 0 {
				t.Errorf("chunk %d threads %d: %s allocates %v times per call", c.chunk, c.threads, name, n)
			}
		}
	}
}

// TestFloat32MatchesFloat64 compares the two precisions on a moderate net.
func TestFloat32MatchesFloat64(t *testing.T) {
	s := pixelSet(28, 200, 64, 10, 10)
	a := mustArch(t, "fc-tanh", []int{32, 32}, 64, 10, InitStandard)
	m64, m32 := NewModel[float64](a), NewModel[float32](a)
	m64.Initialize(6)
	m32.Initialize(6)
	v := randomVector(29, m64.NumParams())
	met64, grad64, hv64 := passes(t, m64, s, "ce", 50, 2, v)
	o := mustObjective(t, m32, s, "ce", 50, 2)
	grad32 := make([]float32, m32.NumParams())
	met32 := o.Grad(m32.Params, grad32)
	o.Linearize(m32.Params)
	hv32 := make([]float64, len(v))
	o.HVP64(v, hv32)
	if math.Abs(met32.Loss-met64.Loss) > 1e-5*met64.Loss || met32.Acc != met64.Acc {
		t.Errorf("float32 gives %+v, float64 %+v", met32, met64)
	}
	g := make([]float64, len(grad32))
	for i, x := range grad32 {
		g[i] = float64(x)
	}
	checkClose(t, "float32 grad", g, grad64, 1e-5)
	checkClose(t, "float32 hvp", hv32, hv64, 1e-4)
}

// TestNewObjectiveErrors checks that bad bindings are refused.
func TestNewObjectiveErrors(t *testing.T) {
	m := NewModel[float64](mustArch(t, "fc-tanh", []int{4}, 5, 3, InitStandard))
	good := floatSet(30, 11, 5, 3, 3)
	badLabel := floatSet(30, 11, 5, 3, 3)
	badLabel.Labels[4] = 3
	cases := map[string]struct {
		s             *data.Set
		loss          string
		chunk, thread int
	}{
		"inputs":     {floatSet(31, 11, 4, 3, 3), "mse", 4, 1},
		"outputs":    {floatSet(31, 11, 5, 2, 2), "mse", 4, 1},
		"loss":       {good, "hinge", 4, 1},
		"ce on regr": {floatSet(32, 11, 5, 3, 0), "ce", 4, 1},
		"chunk":      {good, "mse", 0, 1},
		"threads":    {good, "mse", 4, 0},
		"label":      {badLabel, "ce", 4, 1},
		"empty":      {good.Head(0), "mse", 4, 1},
	}
	for name, c := range cases {
		if _, err := NewObjective(m, c.s, c.loss, c.chunk, c.thread); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if o := mustObjective(t, m, good, "mse", 4, 1); o.Examples() != 11 {
		t.Errorf("Examples() = %d, want 11", o.Examples())
	}
}

// TestWorkersStopWithObjective checks that an unreachable objective's helper
// goroutines end.
func TestWorkersStopWithObjective(t *testing.T) {
	before := runtime.NumGoroutine()
	m := NewModel[float64](mustArch(t, "fc-tanh", []int{4}, 5, 3, InitStandard))
	s := floatSet(33, 20, 5, 3, 3)
	for range 5 {
		mustObjective(t, m, s, "ce", 2, 4).Eval(m.Params)
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines remain, %d before", runtime.NumGoroutine(), before)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
