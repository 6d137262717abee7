package report

import (
	"math"
	"strconv"
	"testing"
)

// TestLinearTicks checks labelled ticks are evenly spaced round numbers
// covering the range in 3 to 6 intervals, and that no label reads "-0".
func TestLinearTicks(t *testing.T) {
	for _, r := range [][2]float64{{0, 3}, {0, 110}, {-0.0004, 0.0123}, {2.1, 2.2}, {-5e6, 7e6}, {0, 1}} {
		var labelled []float64
		for _, tk := range (linearTicks{}).Ticks(r[0], r[1]) {
			if tk.Value < r[0]-1e-9*math.Abs(r[1]-r[0]) || tk.Value > r[1]+1e-9*math.Abs(r[1]-r[0]) {
				t.Errorf("range %v: tick %v outside", r, tk.Value)
			}
			if tk.Label == "" {
				continue
			}
			if tk.Label == "-0" || tk.Label[0] == '-' && tk.Value == 0 {
				t.Errorf("range %v: label %q for zero", r, tk.Label)
			}
			v, err := strconv.ParseFloat(tk.Label, 64)
			if err != nil || math.Abs(v-tk.Value) > 1e-9*math.Abs(r[1]-r[0]) {
				t.Errorf("range %v: label %q for tick %v", r, tk.Label, tk.Value)
			}
			labelled = append(labelled, tk.Value)
		}
		if n := len(labelled) - 1; n < 2 || n > 6 {
			t.Errorf("range %v: %d labelled intervals %v", r, n, labelled)
			continue
		}
		step := labelled[1] - labelled[0]
		m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
		if math.Abs(m-1) > 1e-6 && math.Abs(m-2) > 1e-6 && math.Abs(m-5) > 1e-6 {
			t.Errorf("range %v: step %v is not 1, 2 or 5 × 10^k", r, step)
		}
		for i := 1; i < len(labelled); i++ {
			if math.Abs(labelled[i]-labelled[i-1]-step) > 1e-9*step {
				t.Errorf("range %v: uneven labels %v", r, labelled)
			}
		}
	}
}

// TestLogTicks checks every labelled tick of a log axis lies in range and at
// least three are labelled (two in a range narrower than one step of the
// first digit), even within one decade.
func TestLogTicks(t *testing.T) {
	for _, r := range [][2]float64{{1e-4, 10}, {0.3, 0.9}, {0.31, 0.39}, {2, 2000}, {0.105, 0.7}} {
		n := 0
		for _, tk := range (logTicks{}).Ticks(r[0], r[1]) {
			if tk.Value < r[0]*(1-1e-9) || tk.Value > r[1]*(1+1e-9) {
				t.Errorf("range %v: tick %v outside", r, tk.Value)
			}
			if tk.Label != "" {
				n++
			}
		}
		if want := map[bool]int{true: 2, false: 3}[r[1]/r[0] < 1.5]; n < want {
			t.Errorf("range %v: %d labelled ticks, want %d", r, n, want)
		}
	}
}
