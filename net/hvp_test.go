package net

import (
	"fmt"
	"math"
	"testing"

	"github.com/edge-of-stability/eos/data"
)

// hvpFixture is a linearised objective with its model.
type hvpFixture struct {
	m *Model[float64]
	o *Objective[float64]
}

func newHVPFixture(t *testing.T, a Arch, s *data.Set, loss string, seed uint64) hvpFixture {
	t.Helper()
	m := NewModel[float64](a)
	m.Initialize(seed)
	o := mustObjective(t, m, s, loss, 4, 2)
	o.Linearize(m.Params)
	return hvpFixture{m, o}
}

// fdHVP is (∇L(θ+hv) − ∇L(θ−hv))/2h from exact gradients.
func (f hvpFixture) fdHVP(v []float64, h float64) []float64 {
	n := len(v)
	up, down, theta := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range theta {
		theta[i] = f.m.Params[i] + h*v[i]
	}
	f.o.Grad(theta, up)
	for i := range theta {
		theta[i] = f.m.Params[i] - h*v[i]
	}
	f.o.Grad(theta, down)
	for i := range up {
		up[i] = (up[i] - down[i]) / (2 * h)
	}
	return up
}

func (f hvpFixture) hvp(v []float64) []float64 {
	hv := make([]float64, len(v))
	f.o.HVP(v, hv)
	return hv
}

// TestHVPMatchesGradientDifferences checks H·v against central differences
// of exact gradients for every activation × loss × bias × init.
func TestHVPMatchesGradientDifferences(t *testing.T) {
	set := floatSet(5, 11, 5, 3, 3)
	for _, act := range activationNames {
		for _, loss := range []string{"mse", "ce"} {
			for _, suffix := range []string{"", "-nobias"} {
				for _, init := range []string{InitStandard, InitNTK} {
					name := fmt.Sprintf("fc-%s%s/%s/%s", act, suffix, loss, init)
					f := newHVPFixture(t, mustArch(t, "fc-"+act+suffix, []int{4, 7}, 5, 3, init), set, loss, 3)
					v := randomVector(9, f.m.NumParams())
					checkClose(t, name, f.hvp(v), f.fdHVP(v, 1e-5), 1e-6)
				}
			}
		}
	}
}

// TestHVPSpecialNets checks the regression and deep linear nets' HVPs.
func TestHVPSpecialNets(t *testing.T) {
	f := newHVPFixture(t, mustArch(t, "regression", nil, 1, 1, InitStandard), floatSet(6, 9, 1, 1, 0), "mse", 4)
	v := randomVector(10, f.m.NumParams())
	checkClose(t, "regression", f.hvp(v), f.fdHVP(v, 1e-5), 1e-6)
	f = newHVPFixture(t, mustArch(t, "deeplinear", nil, 50, 50, InitStandard), floatSet(7, 6, 50, 50, 0), "mse", 5)
	v = randomVector(11, f.m.NumParams())
	checkClose(t, "deeplinear", f.hvp(v), f.fdHVP(v, 1e-4), 1e-5)
}

// TestHVPMatchesExplicitHessian builds the Hessian column by column from
// differences of gradients and compares it with HVPs of basis vectors and a
// random vector, and checks that the HVP is symmetric.
func TestHVPMatchesExplicitHessian(t *testing.T) {
	cases := []struct {
		arch, loss, init string
		classes          int
	}{
		{"fc-tanh", "ce", InitStandard, 3},
		{"fc-softplus", "mse", InitNTK, 3},
		{"fc-elu", "mse", InitStandard, 0},
	}
	for _, c := range cases {
		f := newHVPFixture(t, mustArch(t, c.arch, []int{4, 3}, 3, 3, c.init), floatSet(8, 11, 3, 3, c.classes), c.loss, 6)
		n := f.m.NumParams()
		hess := make([][]float64, n)
		e := make([]float64, n)
		for i := range n {
			e[i] = 1
			hess[i] = f.fdHVP(e, 1e-5)
			checkClose(t, fmt.Sprintf("%s column %d", c.arch, i), f.hvp(e), hess[i], 1e-6)
			e[i] = 0
		}
		for i := range n {
			for j := range i {
				if d := math.Abs(hess[i][j] - hess[j][i]); d > 1e-6 {
					t.Errorf("%s: explicit Hessian not symmetric at (%d,%d): %v vs %v", c.arch, i, j, hess[i][j], hess[j][i])
				}
			}
		}
		v := randomVector(12, n)
		hv := make([]float64, n)
		for i := range n {
			for j := range n {
				hv[j] += hess[i][j] * v[i]
			}
		}
		checkClose(t, c.arch+" H·v", f.hvp(v), hv, 1e-6)
		u := randomVector(13, n)
		uHv, vHu := dot(u, f.hvp(v)), dot(v, f.hvp(u))
		if math.Abs(uHv-vHu) > 1e-12*(math.Abs(uHv)+1) {
			t.Errorf("%s: u·Hv = %v but v·Hu = %v", c.arch, uHv, vHu)
		}
	}
}

// TestHVPOnPixels checks ce and mse HVPs on uint8 inputs.
func TestHVPOnPixels(t *testing.T) {
	set := pixelSet(9, 13, 8, 4, 4)
	for _, loss := range []string{"mse", "ce"} {
		f := newHVPFixture(t, mustArch(t, "fc-tanh", []int{6, 5}, 8, 4, InitStandard), set, loss, 7)
		v := randomVector(14, f.m.NumParams())
		checkClose(t, "pixels/"+loss, f.hvp(v), f.fdHVP(v, 1e-5), 1e-6)
	}
}

// TestHVP64 checks that HVP64 agrees with HVP, also for float32 models.
func TestHVP64(t *testing.T) {
	f := newHVPFixture(t, mustArch(t, "fc-tanh", []int{4}, 5, 3, InitStandard), floatSet(10, 11, 5, 3, 3), "ce", 8)
	v := randomVector(15, f.m.NumParams())
	hv := make([]float64, len(v))
	f.o.HVP64(v, hv)
	checkClose(t, "HVP64", hv, f.hvp(v), 0)

	m := NewModel[float32](f.m.Arch)
	for i, p := range f.m.Params {
		m.Params[i] = float32(p)
	}
	o := mustObjective(t, m, floatSet(10, 11, 5, 3, 3), "ce", 4, 2)
	o.Linearize(m.Params)
	o.HVP64(v, hv)
	checkClose(t, "HVP64 float32", hv, f.hvp(v), 1e-5)
}

// checkClose fails unless |got−want| ≤ tol·(1+max|want|) elementwise.
func checkClose(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	diff, scale := maxAbsDiff(got, want)
	if !(diff <= tol*(1+scale)) {
		t.Errorf("%s: max difference %g (scale %g, tolerance %g)", name, diff, scale, tol)
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
