package flow

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/linalg"
	"gonum.org/v1/gonum/mat"
)

// twoSteps runs two optimiser steps from θ0 = (1, −2) with gradients
// g1 = (0.5, 1) then g2 = (−1, 2), η = 0.1, β = 0.9.
func twoSteps[T linalg.Float](t *testing.T, name string) []T {
	t.Helper()
	opt, err := NewOptimizer[T](name, 0.9, 2)
	if err != nil {
		t.Fatal(err)
	}
	theta := []T{1, -2}
	opt.Step(theta, []T{0.5, 1}, 0.1)
	opt.Step(theta, []T{-1, 2}, 0.1)
	return theta
}

func TestOptimizersTwoStepsByHand(t *testing.T) {
	// Worked by hand:
	// gd:       θ1 = (0.95, −2.1);  θ2 = θ1 − 0.1·(−1, 2) = (1.05, −2.3).
	// polyak:   buf1 = g1, θ1 = (0.95, −2.1); buf2 = 0.9·(0.5, 1) + (−1, 2) = (−0.55, 2.9);
	//           θ2 = θ1 − 0.1·buf2 = (1.005, −2.39).
	// nesterov: θ1 = θ0 − 0.1·(g1 + 0.9·g1) = (0.905, −2.19); buf2 = (−0.55, 2.9);
	//           θ2 = θ1 − 0.1·((−1, 2) + 0.9·buf2) = θ1 − 0.1·(−1.495, 4.61) = (1.0545, −2.651).
	want := map[string][2]float64{
		"gd":       {1.05, -2.3},
		"polyak":   {1.005, -2.39},
		"nesterov": {1.0545, -2.651},
	}
	for name, w := range want {
		got64 := twoSteps[float64](t, name)
		got32 := twoSteps[float32](t, name)
		for i := range w {
			if math.Abs(got64[i]-w[i]) > 1e-12 {
				t.Errorf("%s float64: θ2[%d] = %v, want %v", name, i, got64[i], w[i])
			}
			if math.Abs(float64(got32[i])-w[i]) > 1e-5 {
				t.Errorf("%s float32: θ2[%d] = %v, want %v", name, i, got32[i], w[i])
			}
		}
	}
}

func TestResetForgetsMomentum(t *testing.T) {
	for _, name := range []string{"polyak", "nesterov"} {
		opt, err := NewOptimizer[float64](name, 0.9, 2)
		if err != nil {
			t.Fatal(err)
		}
		theta := []float64{1, -2}
		opt.Step(theta, []float64{3, 4}, 0.1)
		opt.Reset()
		// After Reset the next step must behave as a first step from θ.
		fresh, _ := NewOptimizer[float64](name, 0.9, 2)
		a := []float64{1, -2}
		b := []float64{1, -2}
		opt.Step(a, []float64{0.5, 1}, 0.1)
		fresh.Step(b, []float64{0.5, 1}, 0.1)
		if a[0] != b[0] || a[1] != b[1] {
			t.Errorf("%s: step after Reset gives %v, fresh optimiser gives %v", name, a, b)
		}
	}
}

func TestNewOptimizerRejectsBadInput(t *testing.T) {
	cases := []struct {
		name    string
		beta    float64
		n       int
		mention string
	}{
		{"adam", 0, 3, `"adam"`},
		{"polyak", 1, 3, "1"},
		{"nesterov", -0.1, 3, "-0.1"},
		{"polyak", math.NaN(), 3, "NaN"},
		{"gd", 0, -1, "-1"},
	}
	for _, c := range cases {
		_, err := NewOptimizer[float64](c.name, c.beta, c.n)
		if err == nil {
			t.Errorf("NewOptimizer(%q, %v, %d): no error", c.name, c.beta, c.n)
			continue
		}
		if !strings.Contains(err.Error(), c.mention) {
			t.Errorf("NewOptimizer(%q, %v, %d) error %q does not name %s", c.name, c.beta, c.n, err, c.mention)
		}
	}
	if _, err := NewOptimizer[float32]("gd", 7, 3); err != nil {
		t.Errorf("gd must ignore beta, got %v", err)
	}
}

func TestOptimizerAllocatesNothing(t *testing.T) {
	for _, name := range []string{"gd", "polyak", "nesterov"} {
		opt, _ := NewOptimizer[float32](name, 0.5, 100)
		theta, grad := make([]float32, 100), make([]float32, 100)
		if a := testing.AllocsPerRun(20, func() { opt.Step(theta, grad, 0.01) }); a != 0 {
			t.Errorf("%s: %v allocations per Step", name, a)
		}
	}
}

// quadratic returns A = Q·diag(eigs)·Qᵀ for a random orthogonal Q.
func quadratic(rng *rand.Rand, eigs []float64) *mat.SymDense {
	n := len(eigs)
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	a := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			var s float64
			for k := range n {
				s += q.At(i, k) * eigs[k] * q.At(j, k)
			}
			a.SetSym(i, j, s)
		}
	}
	return a
}

// runOnQuadratic iterates the optimiser on L = ½θᵀAθ and returns ‖θ_K‖/‖θ_0‖.
func runOnQuadratic(t *testing.T, a *mat.SymDense, name string, beta, lr float64, steps int, rng *rand.Rand) float64 {
	t.Helper()
	n := a.SymmetricDim()
	opt, err := NewOptimizer[float64](name, beta, n)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float64, n)
	for i := range theta {
		theta[i] = rng.NormFloat64()
	}
	norm0 := mat.Norm(mat.NewVecDense(n, theta), 2)
	grad := make([]float64, n)
	gv := mat.NewVecDense(n, grad)
	for range steps {
		gv.MulVec(a, mat.NewVecDense(n, theta))
		opt.Step(theta, grad, lr)
		if mat.Norm(mat.NewVecDense(n, theta), 2) > 1e12*norm0 {
			break
		}
	}
	return mat.Norm(mat.NewVecDense(n, theta), 2) / norm0
}

func TestThresholdSeparatesConvergenceFromDivergence(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lmax := 4.0
	a := quadratic(rng, []float64{0.3, 1, 2.5, 3.9, lmax})
	for _, c := range []struct {
		name string
		beta float64
	}{{"gd", 0}, {"polyak", 0.5}, {"polyak", 0.9}, {"nesterov", 0.5}, {"nesterov", 0.9}} {
		// Threshold is proportional to 1/lr, so lrCrit puts it exactly at λmax.
		lrCrit := Threshold(c.name, 1, c.beta) / lmax
		if r := runOnQuadratic(t, a, c.name, c.beta, 0.98*lrCrit, 20000, rng); !(r < 1e-6) {
			t.Errorf("%s β=%v at 0.98× threshold step size: ‖θ‖ ratio %v, want convergence", c.name, c.beta, r)
		}
		if r := runOnQuadratic(t, a, c.name, c.beta, 1.02*lrCrit, 20000, rng); !(r > 1e6) {
			t.Errorf("%s β=%v at 1.02× threshold step size: ‖θ‖ ratio %v, want divergence", c.name, c.beta, r)
		}
	}
}

func TestThresholdFormulas(t *testing.T) {
	if got := Threshold("gd", 0.01, 0.9); got != 200 {
		t.Errorf("gd threshold = %v, want 200", got)
	}
	if got := Threshold("polyak", 0.1, 0.5); math.Abs(got-30) > 1e-12 {
		t.Errorf("polyak threshold = %v, want 30", got)
	}
	if got := Threshold("nesterov", 0.1, 0.5); math.Abs(got-15) > 1e-12 {
		t.Errorf("nesterov threshold = %v, want 15", got)
	}
	if got := Threshold("sgd", 0.1, 0); !math.IsNaN(got) {
		t.Errorf("unknown optimiser threshold = %v, want NaN", got)
	}
}

func TestStateRestoresAnOptimizer(t *testing.T) {
	grads := [][]float64{{3, 4}, {-1, 0.5}, {0.25, -2}}
	for _, name := range []string{"gd", "polyak", "nesterov"} {
		// One optimiser takes three steps; a second is restored from the first's state after one.
		a, _ := NewOptimizer[float64](name, 0.9, 2)
		b, _ := NewOptimizer[float64](name, 0.9, 2)
		ta := []float64{1, -2}
		a.Step(ta, grads[0], 0.1)
		tb := append([]float64(nil), ta...)
		if (a.State() == nil) != (name == "gd") {
			t.Fatalf("%s: State() = %v", name, a.State())
		}
		copy(b.State(), a.State())
		for _, g := range grads[1:] {
			a.Step(ta, g, 0.1)
			b.Step(tb, g, 0.1)
		}
		if ta[0] != tb[0] || ta[1] != tb[1] {
			t.Errorf("%s: restored optimiser reaches %v, the original %v", name, tb, ta)
		}
		if name != "gd" {
			fresh, _ := NewOptimizer[float64](name, 0.9, 2)
			tf := append([]float64(nil), tb...)
			fresh.Step(tf, grads[0], 0.1)
			b.Step(tb, grads[0], 0.1)
			if tf[0] == tb[0] {
				t.Errorf("%s: the state makes no difference to a step", name)
			}
		}
	}
}
