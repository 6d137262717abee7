package net

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCIFARShapedNet checks gradients and HVPs of the full-size fc-tanh on
// CIFAR-shaped uint8 inputs: sampled coordinates against central differences
// of the loss, H·v against differences of gradients, and float32 against float64.
func TestCIFARShapedNet(t *testing.T) {
	s := pixelSet(40, 200, 3072, 10, 10)
	for _, loss := range []string{"mse", "ce"} {
		a := mustArch(t, "fc-tanh", nil, 3072, 10, InitStandard)
		m := NewModel[float64](a)
		m.Initialize(11)
		o := mustObjective(t, m, s, loss, 64, 2)
		grad := make([]float64, m.NumParams())
		o.Grad(m.Params, grad)
		r := rand.New(rand.NewPCG(12, 0))
		const h = 1e-5
		for range 40 {
			i := r.IntN(m.NumParams())
			old := m.Params[i]
			m.Params[i] = old + h
			up := o.Eval(m.Params).Loss
			m.Params[i] = old - h
			down := o.Eval(m.Params).Loss
			m.Params[i] = old
			if fd := (up - down) / (2 * h); math.Abs(fd-grad[i]) > 1e-7*(1+math.Abs(fd)) {
				t.Errorf("%s: grad[%d] = %v, central difference %v", loss, i, grad[i], fd)
			}
		}
		o.Linearize(m.Params)
		f := hvpFixture{m, o}
		v := randomVector(13, m.NumParams())
		hv := f.hvp(v)
		checkClose(t, loss+" hvp", hv, f.fdHVP(v, 1e-5), 1e-6)

		m32 := NewModel[float32](a)
		m32.Initialize(11)
		o32 := mustObjective(t, m32, s, loss, 64, 2)
		grad32 := make([]float32, m32.NumParams())
		o32.Grad(m32.Params, grad32)
		g := make([]float64, len(grad32))
		for i, x := range grad32 {
			g[i] = float64(x)
		}
		checkClose(t, loss+" float32 grad", g, grad, 1e-5)
		o32.Linearize(m32.Params)
		hv32 := make([]float64, len(v))
		o32.HVP64(v, hv32)
		checkClose(t, loss+" float32 hvp", hv32, hv, 1e-4)
	}
}
