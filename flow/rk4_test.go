package flow

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// quadGrad is the GradFunc of L = ½θᵀAθ.
func quadGrad(a *mat.SymDense) GradFunc[float64] {
	n := a.SymmetricDim()
	return func(theta, grad []float64) float64 {
		var loss float64
		for i := range n {
			var s float64
			for j := range n {
				s += a.At(i, j) * theta[j]
			}
			grad[i] = s
			loss += 0.5 * theta[i] * s
		}
		return loss
	}
}

// exactFlow is exp(−tA)·θ0 through the eigendecomposition A = VΛVᵀ.
func exactFlow(t *testing.T, a *mat.SymDense, theta0 []float64, time float64) []float64 {
	t.Helper()
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		t.Fatal("eigendecomposition failed")
	}
	var v mat.Dense
	eig.VectorsTo(&v)
	vals := eig.Values(nil)
	var c mat.VecDense
	c.MulVec(v.T(), mat.NewVecDense(len(theta0), theta0))
	for i, l := range vals {
		c.SetVec(i, c.AtVec(i)*math.Exp(-time*l))
	}
	var out mat.VecDense
	out.MulVec(&v, &c)
	return out.RawVector().Data
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

func TestRK4MatchesExactFlowWithFourthOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := quadratic(rng, []float64{0.2, 0.7, 1.5, 3, 5})
	theta0 := []float64{1, -0.5, 2, 0.3, -1.2}
	const T = 1.0
	want := exactFlow(t, a, theta0, T)
	var errs []float64
	for _, h := range []float64{0.025, 0.0125, 0.00625} {
		theta := append([]float64(nil), theta0...)
		r := NewRK4[float64](len(theta))
		if n := r.Advance(theta, T, h, quadGrad(a)); n != int(math.Round(T/h)) {
			t.Fatalf("h=%v: %d steps, want %v", h, n, T/h)
		}
		errs = append(errs, dist(theta, want))
	}
	t.Logf("errors at T=1 for h = 0.025, 0.0125, 0.00625: %v", errs)
	if errs[2] > 1e-8 {
		t.Errorf("error at h=0.00625 is %v, want ≤ 1e-8", errs[2])
	}
	for k := 1; k < len(errs); k++ {
		ratio := errs[k-1] / errs[k]
		if ratio < 14 || ratio > 18 {
			t.Errorf("error ratio when halving h: %v (errors %v), want 14–18", ratio, errs)
		}
	}
}

func TestRK4StepReportsStartLossAndGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a := quadratic(rng, []float64{1, 2, 3})
	theta := []float64{0.5, -1, 2}
	// L and ∇L at θ computed independently through gonum.
	tv := mat.NewVecDense(3, append([]float64(nil), theta...))
	var g mat.VecDense
	g.MulVec(a, tv)
	wantLoss := 0.5 * mat.Dot(tv, &g)

	calls := 0
	f := quadGrad(a)
	counted := func(th, gr []float64) float64 { calls++; return f(th, gr) }
	r := NewRK4[float64](3)
	loss := r.Step(theta, 0.01, counted)
	if calls != 4 {
		t.Errorf("one Step called f %d times, want 4", calls)
	}
	if math.Abs(loss-wantLoss) > 1e-12 {
		t.Errorf("Step returned loss %v, want L(θ0) = %v", loss, wantLoss)
	}
	if d := dist(r.Grad(), g.RawVector().Data); d > 1e-12 {
		t.Errorf("Grad() is %v away from ∇L(θ0)", d)
	}
}

func TestRK4StepAllocatesNothing(t *testing.T) {
	const n = 1000
	theta := make([]float64, n)
	for i := range theta {
		theta[i] = 1
	}
	f := diagGrad(n)
	r := NewRK4[float64](n)
	if a := testing.AllocsPerRun(50, func() { r.Step(theta, 1e-3, f) }); a != 0 {
		t.Errorf("%v allocations per Step", a)
	}
	r32 := NewRK4[float32](n)
	theta32 := make([]float32, n)
	f32 := func(th, g []float32) float64 { copy(g, th); return 0 }
	if a := testing.AllocsPerRun(50, func() { r32.Step(theta32, 1e-3, f32) }); a != 0 {
		t.Errorf("float32: %v allocations per Step", a)
	}
}

func TestAdvanceLandsExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := quadratic(rng, []float64{0.5, 2})
	f := quadGrad(a)
	for _, c := range []struct {
		dt, h float64
		sizes []float64 // the RK4 steps Advance must take
	}{
		{1, 0.3, []float64{0.3, 0.3, 0.3, 1 - 3*0.3}},
		{0.3, 0.1, []float64{0.1, 0.1, 0.3 - 2*0.1}},                       // 0.3/0.1 rounds just below 3
		{0.1 + 0.1 + 0.1, 0.1, []float64{0.1, 0.1, 0.1 + 0.1 + 0.1 - 0.2}}, // just above 3: no vanishing 4th step
		{0.05, 1, []float64{0.05}},
		{0.5, math.Inf(1), []float64{0.5}},
		{2.5, 999, []float64{2.5}}, // the reference's default maximum step
		{0, 0.1, nil},
		{-1, 0.1, nil},
		{math.Nextafter(1, 2), 0.5, []float64{0.5, math.Nextafter(1, 2) - 0.5}},
	} {
		theta, manual := []float64{1, -1}, []float64{1, -1}
		calls := 0
		counted := func(th, gr []float64) float64 { calls++; return f(th, gr) }
		n := NewRK4[float64](2).Advance(theta, c.dt, c.h, counted)
		r := NewRK4[float64](2)
		for _, h := range c.sizes {
			r.Step(manual, h, f)
		}
		if n != len(c.sizes) || calls != 4*len(c.sizes) {
			t.Errorf("Advance(dt=%v, h=%v): %d steps, %d calls, want %d steps", c.dt, c.h, n, calls, len(c.sizes))
		}
		if theta[0] != manual[0] || theta[1] != manual[1] {
			t.Errorf("Advance(dt=%v, h=%v) = %v, steps %v give %v", c.dt, c.h, theta, c.sizes, manual)
		}
	}
	// Many steps land on the exact flow at time dt.
	theta := []float64{1, -1}
	NewRK4[float64](2).Advance(theta, 1, 0.07, f)
	if d := dist(theta, exactFlow(t, a, []float64{1, -1}, 1)); d > 1e-5 {
		t.Errorf("Advance(1, 0.07) ends %v from the exact flow at time 1", d)
	}
}

func TestStepSize(t *testing.T) {
	for _, c := range []struct{ alpha, lambda, max, want float64 }{
		{1, 10, 999, 0.1},
		{1, 0.0001, 999, 999},
		{2, math.NaN(), 5, 5},
		{2, 0, 5, 5},
		{2, -3, 5, 5},
		{2, math.Inf(1), 5, 5},
	} {
		if got := StepSize(c.alpha, c.lambda, c.max); got != c.want {
			t.Errorf("StepSize(%v, %v, %v) = %v, want %v", c.alpha, c.lambda, c.max, got, c.want)
		}
	}
}

// diagGrad is the GradFunc of the cheap quadratic L = ½Σ d_i θ_i² with
// d_i spread over [0.5, 1.5].
func diagGrad(n int) GradFunc[float64] {
	d := make([]float64, n)
	for i := range d {
		d[i] = 0.5 + float64(i%1000)/1000
	}
	return func(theta, grad []float64) float64 {
		var loss float64
		for i, t := range theta {
			g := d[i] * t
			grad[i] = g
			loss += t * g
		}
		return loss / 2
	}
}

const benchDim = 100_000

func BenchmarkRK4Step(b *testing.B) {
	theta := make([]float64, benchDim)
	for i := range theta {
		theta[i] = 1
	}
	f := diagGrad(benchDim)
	r := NewRK4[float64](benchDim)
	b.ReportAllocs()
	for b.Loop() {
		r.Step(theta, 1e-6, f)
	}
}

// BenchmarkFourGradients is the cost of the four gradient evaluations inside
// one RK4 step, to read BenchmarkRK4Step against.
func BenchmarkFourGradients(b *testing.B) {
	theta := make([]float64, benchDim)
	for i := range theta {
		theta[i] = 1
	}
	grad := make([]float64, benchDim)
	f := diagGrad(benchDim)
	b.ReportAllocs()
	for b.Loop() {
		for range 4 {
			f(theta, grad)
		}
	}
}
