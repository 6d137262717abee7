package report

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Synthetic trajectories with a known distance: the flow moves in a straight
// line, θ_flow(t) = a + b·t, and GD follows it plus a drift along the first
// axis growing with the step, θ_GD(k) = a + b·t_k + c·k·e₁, so that
// ‖θ_GD(k) − θ_flow(t_k)‖ = c·k exactly (linear interpolation between flow
// rows is exact on a straight line).
var (
	lineA = []float64{1, 2, 3}
	lineB = []float64{0.5, -1, 2}
)

const (
	driftC   = 0.01
	gdLR     = 0.05
	gdEvery  = 2 // GD iterate_freq
	flowTick = 0.03
)

// syntheticPair writes and loads the GD run (steps 0…gdSteps) and the flow
// run (ticks 0…100, time 0…3) described above.
func syntheticPair(t *testing.T, gdSteps int) (*Run, *Run) {
	var gdIter [][]float64
	for k := 0; k <= gdSteps; k += gdEvery {
		tk := float64(k) * gdLR
		row := make([]float64, len(lineA))
		for j := range row {
			row[j] = lineA[j] + lineB[j]*tk
		}
		row[0] += driftC * float64(k)
		gdIter = append(gdIter, row)
	}
	var flowIter [][]float64
	for i := 0; i <= 100; i++ {
		ti := float64(i) * flowTick
		row := make([]float64, len(lineA))
		for j := range row {
			row[j] = lineA[j] + lineB[j]*ti
		}
		flowIter = append(flowIter, row)
	}
	var m, e strings.Builder
	m.WriteString("step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n")
	e.WriteString("step,lambda1,eta_lambda1,hvps,seconds\n")
	for k := 0; k <= gdSteps; k++ {
		fmt.Fprintf(&m, "%d,%g,,,,0,%g,%g\n", k, 1/(1+float64(k)), gdLR, 2/gdLR)
		if k%3 == 0 { // λ1 = 10 + k against a threshold of 2/0.05 = 40
			fmt.Fprintf(&e, "%d,%d,,40,0.1\n", k, 10+k)
		}
	}
	cfg := gdConfig(gdLR)
	cfg["iterate_freq"] = gdEvery
	gd := mustLoad(t, writeRun(t, cfg, m.String(), e.String(), gdIter))
	flow := mustLoad(t, writeRun(t, flowConfig(flowTick), flowMetrics(flowTick, 100), flowEigs(flowTick, 100, 5), flowIter))
	return gd, flow
}

func TestCompareKnownDistance(t *testing.T) {
	gd, flow := syntheticPair(t, 70) // GD runs past the flow's end at t = 3 (step 60)
	c, err := Compare(gd, flow)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 61 {
		t.Fatalf("%d rows, want steps 0…60", len(c.Rows))
	}
	for k, r := range c.Rows {
		tk := float64(k) * gdLR
		if r.Step != k || math.Abs(r.Time-tk) > 1e-12 {
			t.Fatalf("row %d: step %d time %v, want %d %v", k, r.Step, r.Time, k, tk)
		}
		if k%gdEvery == 0 {
			if want := driftC * float64(k); math.Abs(r.Distance-want) > 1e-9 {
				t.Errorf("step %d: distance %v, want %v", k, r.Distance, want)
			}
		} else if !math.IsNaN(r.Distance) {
			t.Errorf("step %d has no GD iterate but distance %v", k, r.Distance)
		}
		near(t, fmt.Sprintf("step %d GD loss", k), r.GDLoss, 1/(1+float64(k)))
		near(t, fmt.Sprintf("step %d flow loss", k), r.FlowLoss, 2-tk/2)
		near(t, fmt.Sprintf("step %d flow λ1", k), r.FlowSharpness, 3+4*tk)
		near(t, fmt.Sprintf("step %d threshold", k), r.GDThreshold, 40)
		if k%3 == 0 {
			near(t, fmt.Sprintf("step %d GD λ1", k), r.GDSharpness, float64(10+k))
		} else if !math.IsNaN(r.GDSharpness) {
			t.Errorf("step %d: GD λ1 %v where none was measured", k, r.GDSharpness)
		}
	}
	// λ1 = 10 + k first exceeds 40 at the first multiple of 3 above 30.
	if c.FirstEdgeStep != 33 || math.Abs(c.FirstEdgeTime-33*gdLR) > 1e-12 {
		t.Errorf("first edge at step %d time %v, want 33 and %v", c.FirstEdgeStep, c.FirstEdgeTime, 33*gdLR)
	}
}

// near checks got against want to 1e-9 relative.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestBracket(t *testing.T) {
	ts := []float64{0, 0.1, 0.2, 0.30000000000000004}
	cases := []struct {
		t    float64
		i    int
		frac float64
	}{
		{0, 0, 0}, {0.1, 1, 0}, {0.3, 3, 0}, {0.1 + 0.2, 3, 0}, {0.15, 1, 0.5}, {0.125, 1, 0.25},
		{-0.01, -1, 0}, {0.31, -1, 0},
	}
	for _, c := range cases {
		i, w := bracket(ts, c.t)
		if i != c.i || math.Abs(w-c.frac) > 1e-12 {
			t.Errorf("bracket(%v) = %d, %v; want %d, %v", c.t, i, w, c.i, c.frac)
		}
	}
}

// TestCompareThresholdChange checks the first edge against a threshold
// that drops when η doubles: λ1 = 25 exceeds 2/0.1 = 20 but not 2/0.05 = 40.
func TestCompareThresholdChange(t *testing.T) {
	var m, e strings.Builder
	m.WriteString("step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n")
	e.WriteString("step,lambda1\n")
	for k := 0; k <= 30; k++ {
		lr := 0.05
		if k >= 20 {
			lr = 0.1
		}
		fmt.Fprintf(&m, "%d,1,,,,0,%g,%g\n", k, lr, 2/lr)
		if k%5 == 0 {
			fmt.Fprintf(&e, "%d,%d\n", k, 15+10*min(k/10, 1))
		}
	}
	gd := mustLoad(t, writeRun(t, gdConfig(0.05), m.String(), e.String(), nil))
	flow := mustLoad(t, writeRun(t, flowConfig(0.1), flowMetrics(0.1, 30), "", nil))
	c, err := Compare(gd, flow)
	if err != nil {
		t.Fatal(err)
	}
	if c.FirstEdgeStep != 20 || math.Abs(c.FirstEdgeTime-20*0.05) > 1e-12 {
		t.Errorf("first edge at step %d time %v, want 20 and 1", c.FirstEdgeStep, c.FirstEdgeTime)
	}
	for _, r := range c.Rows {
		if !math.IsNaN(r.Distance) || !math.IsNaN(r.FlowSharpness) {
			t.Fatalf("step %d: distance %v, flow λ1 %v without iterates or flow eigs", r.Step, r.Distance, r.FlowSharpness)
		}
	}
	// The flow ends at t = 3; GD's 30 steps reach t = 20·0.05 + 10·0.1 = 2.
	if last := c.Rows[len(c.Rows)-1]; last.Step != 30 || math.Abs(last.Time-2) > 1e-12 {
		t.Errorf("last row step %d time %v, want 30 and 2", last.Step, last.Time)
	}
}

func TestCompareCSV(t *testing.T) {
	gd, flow := syntheticPair(t, 60)
	c, err := Compare(gd, flow)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "compare.csv")
	if err := c.WriteCSV(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "time,step,distance,gd_train_loss,flow_train_loss,gd_lambda1,flow_lambda1,gd_threshold" {
		t.Errorf("header %q", got)
	}
	if len(recs) != 62 {
		t.Fatalf("%d records, want header + 61", len(recs))
	}
	for k, rec := range recs[1:] {
		if rec[1] != strconv.Itoa(k) {
			t.Fatalf("record %d has step %s", k, rec[1])
		}
		if (k%gdEvery == 0) == (rec[2] == "") {
			t.Errorf("step %d: distance cell %q", k, rec[2])
		}
		if rec[2] != "" {
			d, _ := strconv.ParseFloat(rec[2], 64)
			near(t, fmt.Sprintf("CSV distance at step %d", k), d, driftC*float64(k))
		}
	}
	// Read back through the package's own CSV reader too.
	tab, err := readTable(path)
	if err != nil || len(tab.Rows) != 61 {
		t.Errorf("readTable: %d rows, %v", len(tab.Rows), err)
	}
}

func TestComparePlot(t *testing.T) {
	gd, flow := syntheticPair(t, 60)
	c, err := Compare(gd, flow)
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(t.TempDir(), "cmp")
	paths, err := c.Plot(prefix, []string{"svg", "png"})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || paths[0] != prefix+".svg" || paths[1] != prefix+".png" {
		t.Fatalf("paths %v", paths)
	}
	checkPNG(t, paths[1], runColor(0), runColor(1))
	checkSVG(t, paths[0], "GD vs gradient flow", "threshold (step 33)", "gradient flow", "GD η=0.05")
}

func TestCompareErrors(t *testing.T) {
	gd, flow := syntheticPair(t, 10)
	if _, err := Compare(flow, gd); err == nil || !strings.Contains(err.Error(), "want a gd run and a flow run") {
		t.Errorf("swapped runs: error = %v", err)
	}
	narrow := *flow
	narrow.Iterates = [][]float64{{1, 2}, {3, 4}}
	if _, err := Compare(gd, &narrow); err == nil || !strings.Contains(err.Error(), "projections differ in width") {
		t.Errorf("width mismatch: error = %v", err)
	}
	noTick := *flow
	noTick.Config = map[string]any{"kind": "flow"}
	if _, err := Compare(gd, &noTick); err == nil || !strings.Contains(err.Error(), "tick") {
		t.Errorf("flow without tick: error = %v", err)
	}
	late := mustLoad(t, writeRun(t, flowConfig(0.1), "tick,time,train_loss\n", "", nil))
	if _, err := Compare(gd, late); err == nil || !strings.Contains(err.Error(), "no GD step") {
		t.Errorf("empty flow: error = %v", err)
	}
}
