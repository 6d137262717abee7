package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"text/tabwriter"
	"time"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/asm"
	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/linalg"
	"github.com/edge-of-stability/eos/net"
)

// benchTiming is one kernel level's timing of the two full-batch passes,
// their GEMM work (2·m·n·k per product) and the level's measured FMA peak in
// the bench's element type (0 for a level without a peak loop).
type benchTiming struct {
	level               string
	grad, hvp           time.Duration
	gradFlops, hvpFlops int64
	peak                float64
	hvpMode             string // how the HVP held its linearisation
}

// peakTime is how long the register-only FMA loop runs to measure a level's
// peak.
const peakTime = 300 * time.Millisecond

func cmdBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "eos bench [options]", stdout, stderr)
	n := fs.Int("n", 5000, "examples (random CIFAR-shaped bytes: no data files needed)")
	arch := fs.String("arch", "fc-tanh", "architecture")
	dtype := fs.String("dtype", "float32", "float32 or float64")
	batch := fs.Int("physical-batch", 0, "examples per chunk, the ghost batch of BatchNorm nets (0: 1000 for nets with BatchNorm, 250 otherwise)")
	threads := fs.Int("threads", defaultThreads(), "worker goroutines")
	reps := fs.Int("reps", 5, "timed repetitions of each pass (the fastest is reported)")
	kernel := fs.String("kernel", "all", "kernel level to time, or all supported levels")
	maxMemory := eos.DefaultMaxMemory()
	fs.Var(byteSize{&maxMemory}, "max-memory", "memory budget as in eos run: the HVP caches its linearisation only if it fits, and runs one chunk at a time if two workers' tapes do not (default 60% of RAM)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *n < 1 || *batch < 0 || *threads < 1 || *reps < 1 {
		return fs.fail("--n, --threads and --reps must be positive, --physical-batch positive or 0")
	}
	var levels []string
	for _, l := range asm.Levels() {
		if l.Supported && (*kernel == "all" || *kernel == l.Name) {
			levels = append(levels, l.Name)
		}
	}
	if len(levels) == 0 {
		return fs.fail("--kernel %q is not a supported level on this CPU", *kernel)
	}
	set := randomImages(*n)
	a, err := net.ParseArch(*arch, nil, net.InputShape(set), set.Outputs, "standard")
	if err != nil {
		return fs.fail("%v", err)
	}
	if *batch == 0 {
		*batch = max(a.DefaultGhostBatch(), 250)
	}
	var timings []benchTiming
	for _, level := range levels {
		if err := asm.Select(level); err != nil {
			return err
		}
		var t benchTiming
		switch *dtype {
		case "float32":
			t, err = timePasses[float32](a, set, *batch, *threads, *reps, maxMemory)
		case "float64":
			t, err = timePasses[float64](a, set, *batch, *threads, *reps, maxMemory)
		default:
			return fs.fail("--dtype %q: want float32 or float64", *dtype)
		}
		if err != nil {
			return err
		}
		t.level = level
		// The peak loop is float32; float64 vectors hold half the lanes.
		t.peak = asm.PeakGFLOPS(*threads, peakTime)
		if *dtype == "float64" {
			t.peak /= 2
		}
		timings = append(timings, t)
	}
	fmt.Fprintf(stdout, "%s %s on %d random CIFAR-shaped examples, %d threads, chunks of %d (best of %d); HVP: %s\n",
		*arch, *dtype, *n, *threads, *batch, *reps, timings[0].hvpMode)
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "kernel\tGD step (ms)\tHVP (ms)\tHVP/step\tstep speed-up vs generic\tGD GFLOP/s\tHVP GFLOP/s\tFMA peak GFLOP/s\tGD % of peak\tHVP % of peak\t")
	base := timings[0].grad
	for _, t := range timings {
		if t.level == "generic" {
			base = t.grad
		}
	}
	for _, t := range timings {
		gradRate, hvpRate := gflops(t.gradFlops, t.grad), gflops(t.hvpFlops, t.hvp)
		peak, gradShare, hvpShare := "–", "–", "–"
		if t.peak > 0 {
			peak = fmt.Sprintf("%.0f", t.peak)
			gradShare, hvpShare = fmt.Sprintf("%.0f%%", 100*gradRate/t.peak), fmt.Sprintf("%.0f%%", 100*hvpRate/t.peak)
		}
		fmt.Fprintf(w, "%s\t%.1f\t%.1f\t%.2f\t%.2f×\t%.0f\t%.0f\t%s\t%s\t%s\t\n", t.level, ms(t.grad), ms(t.hvp),
			float64(t.hvp)/float64(t.grad), float64(base)/float64(t.grad), gradRate, hvpRate, peak, gradShare, hvpShare)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "GFLOP/s: the GEMM work of one pass (2·m·n·k per product) over its time; FMA peak: the level's register-only FMA loop on %d threads for %v\n", *threads, peakTime)
	return err
}

// gflops is a rate in GFLOP/s.
func gflops(flops int64, d time.Duration) float64 { return float64(flops) / d.Seconds() / 1e9 }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// timePasses times the fused gradient pass and the Hessian-vector product.
func timePasses[T linalg.Float](a net.Arch, set *data.Set, batch, threads, reps int, budget int64) (benchTiming, error) {
	m := net.NewModel[T](a)
	m.Initialize(0)
	obj, err := net.NewObjective(m, set, "mse", batch, threads)
	if err != nil {
		return benchTiming{}, err
	}
	// The HVP keeps its linearisation as a run would within budget: cached
	// when it fits, and with one worker's tape when two do not.
	var t benchTiming
	hvpUse := net.UseGrad | net.UseHVP
	cached := obj.WorkBytes(hvpUse, true)+obj.CacheBytes() <= budget
	t.hvpMode = "linearisation cached"
	if !cached {
		obj.SetCacheBudget(0)
		t.hvpMode = "linearisation recomputed per chunk"
	} else {
		obj.SetCacheBudget(obj.CacheBytes())
	}
	grad := make([]T, m.NumParams())
	v := make([]T, m.NumParams())
	for i := range v {
		v[i] = T(rand.NormFloat64())
	}
	best := func(f func()) time.Duration {
		f() // warm-up
		var b time.Duration
		for i := 0; i < reps; i++ {
			start := time.Now()
			f()
			if d := time.Since(start); i == 0 || d < b {
				b = d
			}
		}
		return b
	}
	// flopsOf is the GEMM work of one call of f.
	flopsOf := func(f func()) int64 {
		before := linalg.GemmFlops()
		f()
		return linalg.GemmFlops() - before
	}
	t.gradFlops = flopsOf(func() { obj.Grad(m.Params, grad) })
	t.grad = best(func() { obj.Grad(m.Params, grad) })
	if obj.Workers() > 1 && obj.WorkBytes(hvpUse, cached) > budget {
		obj.SingleWorker()
		t.hvpMode += ", chunks one at a time"
	}
	obj.Linearize(m.Params)
	t.hvpFlops = flopsOf(func() { obj.HVP(v, grad) })
	t.hvp = best(func() { obj.HVP(v, grad) })
	return t, nil
}

// randomImages is a CIFAR-shaped set of random bytes with 10 classes.
func randomImages(n int) *data.Set {
	const d, classes = 3072, 10
	r := rand.New(rand.NewPCG(1, 2))
	s := &data.Set{Name: "random", N: n, D: d, C: 3, H: 32, W: 32, Classes: classes, Outputs: classes,
		Pixels: make([]uint8, n*d), Scale: make([]float64, d), Shift: make([]float64, d), Labels: make([]int32, n)}
	for i := range s.Pixels {
		s.Pixels[i] = uint8(r.IntN(256))
	}
	for j := range s.Scale {
		s.Scale[j], s.Shift[j] = 1/(255*0.29), -0.5/0.29
	}
	for i := range s.Labels {
		s.Labels[i] = int32(r.IntN(classes))
	}
	return s
}
