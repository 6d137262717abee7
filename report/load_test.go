package report

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadGD(t *testing.T) {
	metrics := "step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n" +
		"0,2.5,0.1,2.6,0.1,0.5,0.01,200\n" +
		"1,2.4,0.12,,,0.9,0.01,200\r\n" + // CRLF and empty test cells
		"2,2.3,0.13,,,1.3,0.01,200\n"
	eigs := "step,lambda1,lambda2,eta_lambda1,hvps,seconds\n0,5,3,0.05,40,0.2\n2,7,4,0.07,40,0.2\n"
	iterates := [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}}
	r := mustLoad(t, writeRun(t, gdConfig(0.01), metrics, eigs, iterates))
	if r.Kind != "gd" || r.Str("dataset") != "cifar10-5k" || r.Num("lr") != 0.01 || !math.IsNaN(r.Num("nothing")) {
		t.Errorf("config read as kind %q dataset %q lr %v", r.Kind, r.Str("dataset"), r.Num("lr"))
	}
	if got := r.Metrics.Column("train_loss"); !reflect.DeepEqual(got, []float64{2.5, 2.4, 2.3}) {
		t.Errorf("train_loss = %v, want the 3 complete lines", got)
	}
	if tl := r.Metrics.Column("test_loss"); tl[0] != 2.6 || !math.IsNaN(tl[1]) || !math.IsNaN(tl[2]) {
		t.Errorf("test_loss = %v, want [2.6 NaN NaN]", tl)
	}
	if th := r.Metrics.Column("threshold"); th[1] != 200 {
		t.Errorf("threshold on CRLF line = %v", th[1])
	}
	if r.Metrics.Column("nothing") != nil || r.Metrics.Index("nothing") != -1 {
		t.Error("absent column not reported as absent")
	}
	if got := r.Eigs.Column("lambda1"); !reflect.DeepEqual(got, []float64{5, 7}) {
		t.Errorf("lambda1 = %v", got)
	}
	if !reflect.DeepEqual(r.Iterates, iterates) {
		t.Errorf("iterates = %v, want %v", r.Iterates, iterates)
	}
}

func TestLoadFlowOptionalFiles(t *testing.T) {
	r := mustLoad(t, writeRun(t, flowConfig(0.1), flowMetrics(0.1, 4), "", nil))
	if r.Kind != "flow" || len(r.Metrics.Rows) != 5 || len(r.Eigs.Rows) != 0 || r.Iterates != nil {
		t.Errorf("loaded kind %q, %d metrics rows, %d eigs rows, %d iterates", r.Kind, len(r.Metrics.Rows), len(r.Eigs.Rows), len(r.Iterates))
	}
	if got := r.Metrics.Column("time"); got[3] != 0.30000000000000004 && got[3] != 0.3 {
		t.Errorf("time[3] = %v", got[3])
	}
	if !math.IsNaN(r.TimeAtStep(3)) {
		t.Error("TimeAtStep on a flow run is not NaN")
	}
}

// TestTimeAtStep checks GD time against a direct sum of per-step learning
// rates, with the rate halving at step 8 and metrics logged every step or
// every 4 steps.
func TestTimeAtStep(t *testing.T) {
	lrAt := func(j int) float64 {
		if j < 8 {
			return 0.1
		}
		return 0.05
	}
	for _, every := range []int{1, 4} {
		var b strings.Builder
		b.WriteString("step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n")
		for k := 0; k <= 20; k += every {
			b.WriteString(strings.Join([]string{itoa(k), "1", "", "", "", "0", ftoa(lrAt(k)), ftoa(2 / lrAt(k))}, ",") + "\n")
		}
		r := mustLoad(t, writeRun(t, gdConfig(0.1), b.String(), "", nil))
		for k := 0; k <= 30; k++ {
			want := 0.0
			for j := range k {
				want += lrAt(j)
			}
			if got := r.TimeAtStep(float64(k)); math.Abs(got-want) > 1e-12 {
				t.Errorf("logged every %d: TimeAtStep(%d) = %v, want %v", every, k, got, want)
			}
		}
	}
	// Without an lr column the config's η applies: time = k·η.
	r := mustLoad(t, writeRun(t, gdConfig(0.25), "step,train_loss\n0,1\n1,0.9\n", "", nil))
	if got := r.TimeAtStep(6); got != 1.5 {
		t.Errorf("constant lr: TimeAtStep(6) = %v, want 1.5", got)
	}
}

func TestLoadErrors(t *testing.T) {
	good := gdMetrics(0.01, 3)
	cases := []struct {
		name    string
		setup   func(dir string)
		file    string // the path the error must name
		message string
	}{
		{"missing config", func(d string) { os.Remove(filepath.Join(d, "config.json")) }, "config.json", "no such file"},
		{"bad config", func(d string) { write(d, "config.json", "{kind: gd}") }, "config.json", "parsing"},
		{"bad kind", func(d string) { write(d, "config.json", `{"kind":"sgd"}`) }, "config.json", `kind is "sgd"`},
		{"missing metrics", func(d string) { os.Remove(filepath.Join(d, "metrics.csv")) }, "metrics.csv", "no such file"},
		{"empty metrics", func(d string) { write(d, "metrics.csv", "step,train_lo") }, "metrics.csv", "no complete header line"},
		{"metrics without step", func(d string) { write(d, "metrics.csv", "tick,train_loss\n0,1\n") }, "metrics.csv", `no "step" column`},
		{"bad number", func(d string) { write(d, "metrics.csv", "step,train_loss\n0,1\n1,x\n2,3\n") }, "metrics.csv", `line 3, column train_loss: "x" is not a number`},
		{"torn row", func(d string) { write(d, "metrics.csv", "step,train_loss\n0,1\n1,0.") }, "metrics.csv", "line 3 is torn"},
		{"short line", func(d string) { write(d, "metrics.csv", "step,train_loss\n0\n1,3\n") }, "metrics.csv", "line 2 has 1 cells, header has 2"},
		{"eigs without lambda1", func(d string) { write(d, "eigs.csv", "step,lambda\n0,1\n") }, "eigs.csv", `no "lambda1" column`},
		{"bad iterates", func(d string) { write(d, "iterates.npy", "not numpy") }, "iterates.npy", "magic"},
	}
	for _, c := range cases {
		dir := writeRun(t, gdConfig(0.01), good, gdEigs(0.01, 3, 1), nil)
		c.setup(dir)
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, c.file)) || !strings.Contains(err.Error(), c.message) {
			t.Errorf("%s: error = %v, want one naming %s and containing %q", c.name, err, c.file, c.message)
		}
	}
}

// write replaces dir/name with text.
func write(dir, name, text string) {
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		panic(err)
	}
}

func TestWindowsSplitEigProjByBase(t *testing.T) {
	dir := writeRun(t, gdConfig(0.01), "step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n0,1,,,,0,0.01,200\n", "", nil)
	eigproj := "step,base_step,proj1,proj2,rest\n" +
		"0,0,0,0,0\n1,0,-1,0.5,0.1\n2,0,1,0.25,0.2\n3,0,-1,0,0.3\n" +
		"4,4,0,0,0\n5,4,2,1,0.5\n"
	if err := os.WriteFile(filepath.Join(dir, "eigproj.csv"), []byte(eigproj), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := mustLoad(t, dir).Windows()
	if len(ws) != 2 || ws[0].Base != 0 || ws[1].Base != 4 || len(ws[0].Proj) != 2 {
		t.Fatalf("windows %+v, want bases 0 and 4 with two eigenvectors", ws)
	}
	if !reflect.DeepEqual(ws[0].Steps, []float64{0, 1, 2, 3}) || !reflect.DeepEqual(ws[1].Proj[1], []float64{0, 1}) ||
		!reflect.DeepEqual(ws[0].Rest, []float64{0, 0.1, 0.2, 0.3}) {
		t.Errorf("window rows %+v", ws)
	}
	c := ws[0].Centred(0) // mean −0.25
	if !reflect.DeepEqual(c, []float64{0.25, -0.75, 1.25, -0.75}) {
		t.Errorf("centred %v", c)
	}
	if f := Reversals(ws[0].Proj[0]); f != 1 {
		t.Errorf("reversals of a back-and-forth swing %v: %v, want 1", ws[0].Proj[0], f)
	}
	if f := Reversals([]float64{0, 2, 1.5, 3.5, 3, 5, 4.5}); f != 1 {
		t.Errorf("reversals of a swing about a drifting centre: %v, want 1", f)
	}
	if f := Reversals([]float64{0, 1, 1.5, 1, 3}); f != 2.0/3 {
		t.Errorf("reversals of up, up, down, up: %v, want 2/3", f)
	}
	if f := Reversals(ws[0].Rest); f != 0 {
		t.Errorf("reversals of a steady drift: %v, want 0", f)
	}
	if j := Jumpiness(c); j != 1 {
		t.Errorf("jumpiness of an end-to-end swing %v: %v, want 1", c, j)
	}
	if j := Jumpiness(ws[0].Rest); math.Abs(j-1.0/3) > 1e-12 {
		t.Errorf("jumpiness of a steady drift: %v, want 1/3", j)
	}
	if ws := mustLoad(t, writeRun(t, gdConfig(0.01), "step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n0,1,,,,0,0.01,200\n", "", nil)).Windows(); ws != nil {
		t.Errorf("windows without eigproj.csv: %v", ws)
	}
}
