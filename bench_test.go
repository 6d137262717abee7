package eos

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/flow"
	"github.com/edge-of-stability/eos/linalg"
	"github.com/edge-of-stability/eos/net"
)

// cifar5k loads cifar10-5k from $EOS_DATA, skipping where it is absent.
func cifar5k(tb testing.TB) *data.Set {
	tb.Helper()
	dir := os.Getenv("EOS_DATA")
	if dir == "" {
		tb.Skip("EOS_DATA is not set: no CIFAR-10 to benchmark on (make sets it to ../shared/data)")
	}
	split, err := data.Load("cifar10-5k", dir, 0)
	if err != nil {
		tb.Skipf("cifar10-5k not available in %s: %v", dir, err)
	}
	return split.Train
}

// gdSetup builds fc-tanh on set with the PyTorch-default init and its objective.
func gdSetup[T linalg.Float](tb testing.TB, set *data.Set) (*net.Model[T], *net.Objective[T]) {
	tb.Helper()
	a, err := net.ParseArch("fc-tanh", nil, net.InputShape(set), set.Outputs, "standard")
	if err != nil {
		tb.Fatal(err)
	}
	m := net.NewModel[T](a)
	m.Initialize(0)
	cfg := DefaultConfig()
	obj, err := net.NewObjective(m, set, "mse", cfg.PhysicalBatch, cfg.Threads)
	if err != nil {
		tb.Fatal(err)
	}
	return m, obj
}

// BenchmarkGDStep is one full-batch GD step (fused loss, accuracy and
// gradient pass plus the update) on cifar10-5k fc-tanh mse.
func BenchmarkGDStep(b *testing.B) {
	set := cifar5k(b)
	b.Run("float32", func(b *testing.B) { benchGDStep[float32](b, set) })
	b.Run("float64", func(b *testing.B) { benchGDStep[float64](b, set) })
}

func benchGDStep[T linalg.Float](b *testing.B, set *data.Set) {
	m, obj := gdSetup[T](b, set)
	grad := make([]T, m.NumParams())
	opt, err := flow.NewOptimizer[T]("gd", 0, m.NumParams())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		obj.Grad(m.Params, grad)
		opt.Step(m.Params, grad, 0.01)
	}
}

// BenchmarkSharpness measures eigen-solves along a GD trajectory on
// cifar10-5k fc-tanh (η = 0.04, a solve every 10 steps): HVPs per solve for
// K = 1, 2, 6 at two tolerances, warm-started and cold, for Lanczos and
// LOBPCG, and the wall time per solve.
func BenchmarkSharpness(b *testing.B) {
	set := cifar5k(b)
	for _, method := range []string{"lanczos", "lobpcg"} {
		for _, k := range []int{1, 2, 6} {
			for _, tol := range []float64{1e-3, 1e-6} {
				for _, warm := range []bool{true, false} {
					name := fmt.Sprintf("%s/K=%d/tol=%g/warm=%v", method, k, tol, warm)
					b.Run(name, func(b *testing.B) { benchSharpness(b, set, method, k, tol, warm) })
				}
			}
		}
	}
}

func benchSharpness(b *testing.B, set *data.Set, method string, k int, tol float64, warm bool) {
	const solves, every, lr = 4, 10, 0.04
	solve := map[string]func(int, linalg.Operator, linalg.EigOptions) (linalg.EigResult, error){
		"lanczos": linalg.Lanczos, "lobpcg": linalg.LOBPCG,
	}[method]
	for b.Loop() {
		m, obj := gdSetup[float32](b, set)
		grad := make([]float32, m.NumParams())
		var prev [][]float64
		var spent time.Duration
		hvps, measured := 0, 0
		for step := 0; step < solves*every; step++ {
			obj.Grad(m.Params, grad)
			if step%every == 0 {
				start := time.Now()
				obj.Linearize(m.Params)
				opts := linalg.EigOptions{K: k, Tol: tol, Seed: 1}
				if warm {
					opts.Start = prev
				}
				res, err := solve(m.NumParams(), obj.HVP64, opts)
				if err != nil {
					b.Fatal(err)
				}
				prev = res.Vectors
				if step > 0 { // the first solve is cold either way
					spent += time.Since(start)
					hvps += res.MatVecs
					measured++
				}
			}
			linalg.Axpy(-lr, grad, m.Params)
		}
		b.ReportMetric(float64(hvps)/float64(measured), "hvps/solve")
		b.ReportMetric(spent.Seconds()/float64(measured), "s/solve")
	}
}

// BenchmarkRK4Step is one RK4 step of the gradient flow on cifar10-5k
// fc-tanh against four plain gradient passes (its cost floor), with -benchmem.
func BenchmarkRK4Step(b *testing.B) {
	set := cifar5k(b)
	m, obj := gdSetup[float32](b, set)
	grad := make([]float32, m.NumParams())
	f := func(theta, g []float32) float64 { return obj.Grad(theta, g).Loss }
	b.Run("rk4", func(b *testing.B) {
		rk := flow.NewRK4[float32](m.NumParams())
		b.ReportAllocs()
		for b.Loop() {
			rk.Step(m.Params, 1e-3, f)
		}
	})
	b.Run("4grads", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for range 4 {
				obj.Grad(m.Params, grad)
			}
		}
	})
}
