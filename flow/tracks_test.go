package flow

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tanhNet is a tiny two-layer tanh regression, L = 1/(2m) Σ (w2·tanh(W1 x) − y)²,
// with θ = (W1 row-major, w2): a non-quadratic loss for the flow tests.
type tanhNet struct {
	in, hidden int
	x          [][]float64
	y          []float64
}

func newTanhNet(rng *rand.Rand, in, hidden, m int) *tanhNet {
	n := &tanhNet{in: in, hidden: hidden}
	for range m {
		x := make([]float64, in)
		for l := range x {
			x[l] = rng.NormFloat64()
		}
		n.x = append(n.x, x)
		n.y = append(n.y, math.Sin(x[0])+0.5*x[1])
	}
	return n
}

func (n *tanhNet) params() int { return n.hidden*n.in + n.hidden }

func (n *tanhNet) grad(theta, grad []float64) float64 {
	w1, w2 := theta[:n.hidden*n.in], theta[n.hidden*n.in:]
	clear(grad)
	g1, g2 := grad[:n.hidden*n.in], grad[n.hidden*n.in:]
	m := float64(len(n.x))
	var loss float64
	act := make([]float64, n.hidden)
	for s, x := range n.x {
		out := 0.0
		for k := range n.hidden {
			z := 0.0
			for l := range n.in {
				z += w1[k*n.in+l] * x[l]
			}
			act[k] = math.Tanh(z)
			out += w2[k] * act[k]
		}
		r := out - n.y[s]
		loss += r * r / (2 * m)
		for k := range n.hidden {
			g2[k] += r * act[k] / m
			back := r * w2[k] * (1 - act[k]*act[k]) / m
			for l := range n.in {
				g1[k*n.in+l] += back * x[l]
			}
		}
	}
	return loss
}

func TestTanhNetGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	net := newTanhNet(rng, 3, 4, 8)
	theta := make([]float64, net.params())
	for i := range theta {
		theta[i] = rng.NormFloat64()
	}
	grad := make([]float64, len(theta))
	net.grad(theta, grad)
	scratch := make([]float64, len(theta))
	const eps = 1e-6
	for i := range theta {
		orig := theta[i]
		theta[i] = orig + eps
		lp := net.grad(theta, scratch)
		theta[i] = orig - eps
		lm := net.grad(theta, scratch)
		theta[i] = orig
		if fd := (lp - lm) / (2 * eps); math.Abs(fd-grad[i]) > 1e-7 {
			t.Errorf("∂L/∂θ[%d] = %v, central difference %v", i, grad[i], fd)
		}
	}
}

// maxGapGDFlow runs GD with step lr for time T and returns the largest
// distance between GD's k-th iterate and the flow (RK4 with steps lr/4) at time k·lr.
func maxGapGDFlow(net *tanhNet, theta0 []float64, lr, T float64) float64 {
	gdTheta := append([]float64(nil), theta0...)
	flowTheta := append([]float64(nil), theta0...)
	opt, _ := NewOptimizer[float64]("gd", 0, len(theta0))
	rk := NewRK4[float64](len(theta0))
	grad := make([]float64, len(theta0))
	gap := 0.0
	for range int(math.Round(T / lr)) {
		net.grad(gdTheta, grad)
		opt.Step(gdTheta, grad, lr)
		rk.Advance(flowTheta, lr, lr/4, net.grad)
		gap = max(gap, dist(gdTheta, flowTheta))
	}
	return gap
}

func TestGDTracksFlowToFirstOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	net := newTanhNet(rng, 3, 4, 8)
	theta0 := make([]float64, net.params())
	for i := range theta0 {
		theta0[i] = rng.NormFloat64()
	}
	const T = 2.0
	coarse := maxGapGDFlow(net, theta0, 0.02, T)
	fine := maxGapGDFlow(net, theta0, 0.01, T)
	if coarse < 1e-6 {
		t.Fatalf("GD and flow barely differ (%v): the test function is too flat to tell anything", coarse)
	}
	t.Logf("max GD–flow gap: %v at η=0.02, %v at η=0.01", coarse, fine)
	if ratio := coarse / fine; ratio < 1.8 || ratio > 2.2 {
		t.Errorf("max GD–flow gap %v at η=0.02 and %v at η=0.01: ratio %v, want ≈2 (O(η))", coarse, fine, ratio)
	}
}
