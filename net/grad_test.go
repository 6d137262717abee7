package net

import (
	"fmt"
	"github.com/edge-of-stability/eos/data"
	"math"
	"testing"
)

// tinyWidths are the hidden widths of the tiny test nets by depth.
var tinyWidths = [][]int{{6}, {4, 7}, {5, 4, 6}}

// TestGradMatchesFiniteDifferences checks the loss, accuracy and gradient of
// every activation × loss × bias × depth × init on tiny nets against plain
// loops and central differences of them.
func TestGradMatchesFiniteDifferences(t *testing.T) {
	const h = 1e-5
	set := floatSet(1, 11, 5, 3, 3)
	for _, act := range activationNames {
		for _, loss := range []string{"mse", "ce"} {
			for _, suffix := range []string{"", "-nobias"} {
				for depth, widths := range tinyWidths {
					for _, init := range []string{InitStandard, InitNTK} {
						name := fmt.Sprintf("fc-%s%s/%s/depth%d/%s", act, suffix, loss, depth+1, init)
						a := mustArch(t, "fc-"+act+suffix, widths, 5, 3, init)
						checkGrad(t, name, a, set, loss, h)
					}
				}
			}
		}
	}
}

// TestGradRegression checks the special nets' gradients the same way.
func TestGradRegression(t *testing.T) {
	checkGrad(t, "regression", mustArch(t, "regression", nil, 1, 1, InitStandard), floatSet(2, 9, 1, 1, 0), "mse", 1e-5)
	checkGrad(t, "regression-2d", mustArch(t, "regression", nil, 3, 2, InitNTK), floatSet(3, 9, 3, 2, 0), "mse", 1e-5)
	checkGrad(t, "fc-regression", mustArch(t, "fc-elu", []int{5}, 3, 2, InitStandard), floatSet(4, 9, 3, 2, 0), "mse", 1e-5)
}

func checkGrad(t *testing.T, name string, a Arch, s *data.Set, loss string, h float64) {
	t.Helper()
	m := NewModel[float64](a)
	m.Initialize(7)
	o := mustObjective(t, m, s, loss, 4, 2)
	grad := make([]float64, m.NumParams())
	got := o.Grad(m.Params, grad)
	wantLoss, wantAcc := refMetrics(a, m.Params, s, loss)
	if math.Abs(got.Loss-wantLoss) > 1e-12*(1+wantLoss) {
		t.Errorf("%s: loss %v, plain loop gives %v", name, got.Loss, wantLoss)
	}
	if s.Classes > 0 && got.Acc != wantAcc || s.Classes == 0 && !math.IsNaN(got.Acc) {
		t.Errorf("%s: accuracy %v, want %v", name, got.Acc, wantAcc)
	}
	if e := o.Eval(m.Params); e.Loss != got.Loss || !sameFloat(e.Acc, got.Acc) {
		t.Errorf("%s: Eval %+v differs from Grad %+v", name, e, got)
	}
	theta := append([]float64(nil), m.Params...)
	for i := range theta {
		old := theta[i]
		theta[i] = old + h
		up, _ := refMetrics(a, theta, s, loss)
		theta[i] = old - h
		down, _ := refMetrics(a, theta, s, loss)
		theta[i] = old
		fd := (up - down) / (2 * h)
		if math.Abs(grad[i]-fd) > 1e-7*(1+math.Abs(fd)) {
			t.Errorf("%s: grad[%d] = %v, central difference %v", name, i, grad[i], fd)
		}
	}
}

// sameFloat is a == b, with NaN equal to NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
