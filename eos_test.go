package eos

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/flow"
	"github.com/edge-of-stability/eos/tensorfile"
)

// quickConfig is a small, fast experiment on the embedded dataset.
func quickConfig(t *testing.T) Config {
	t.Helper()
	c := DefaultConfig()
	c.Results = t.TempDir()
	c.Widths = []int{16, 16}
	c.MaxSteps = 12
	c.EigFreq = 5
	c.TestFreq = 3
	c.Threads = 2
	return c
}

// readCSV reads a results CSV into its header and rows.
func readCSV(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs[0], recs[1:]
}

func column(t *testing.T, header []string, rows [][]string, name string) []float64 {
	t.Helper()
	for j, h := range header {
		if h != name {
			continue
		}
		out := make([]float64, len(rows))
		for i, r := range rows {
			if r[j] == "" {
				out[i] = math.NaN()
				continue
			}
			v, err := strconv.ParseFloat(r[j], 64)
			if err != nil {
				t.Fatalf("column %s row %d: %v", name, i, err)
			}
			out[i] = v
		}
		return out
	}
	t.Fatalf("no column %q in %v", name, header)
	return nil
}

func TestRunWritesResultDirectory(t *testing.T) {
	cfg := quickConfig(t)
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Dir != RunDir(cfg) || res.Stop != "max-steps" || res.Steps != cfg.MaxSteps {
		t.Fatalf("result %+v, want dir %s stopped by max-steps after %d", res, RunDir(cfg), cfg.MaxSteps)
	}
	header, rows := readCSV(t, filepath.Join(res.Dir, "metrics.csv"))
	if got := strings.Join(header, ","); got != "step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold" {
		t.Fatalf("metrics header %q", got)
	}
	if len(rows) != cfg.MaxSteps+1 {
		t.Fatalf("%d metrics rows, want %d (steps 0..%d)", len(rows), cfg.MaxSteps+1, cfg.MaxSteps)
	}
	steps := column(t, header, rows, "step")
	testLoss := column(t, header, rows, "test_loss")
	thr := column(t, header, rows, "threshold")
	for i := range rows {
		if steps[i] != float64(i) {
			t.Fatalf("row %d has step %v", i, steps[i])
		}
		if measured := !math.IsNaN(testLoss[i]); measured != (i%cfg.TestFreq == 0) {
			t.Fatalf("row %d: test loss measured=%v with --test-freq %d", i, measured, cfg.TestFreq)
		}
		if math.Abs(thr[i]-2/cfg.LR) > 1e-9 {
			t.Fatalf("row %d: threshold %v, want 2/η = %v", i, thr[i], 2/cfg.LR)
		}
	}
	eh, erows := readCSV(t, filepath.Join(res.Dir, "eigs.csv"))
	if got := strings.Join(eh, ","); got != "step,lambda1,lambda2,eta_lambda1,hvps,seconds" {
		t.Fatalf("eigs header %q", got)
	}
	estep := column(t, eh, erows, "step")
	l1, l2 := column(t, eh, erows, "lambda1"), column(t, eh, erows, "lambda2")
	eta := column(t, eh, erows, "eta_lambda1")
	if len(erows) != 3 || estep[0] != 0 || estep[1] != 5 || estep[2] != 10 {
		t.Fatalf("eigs steps %v, want 0 5 10", estep)
	}
	for i := range erows {
		if !(l1[i] >= l2[i]) || !(l1[i] > 0) || math.Abs(eta[i]-cfg.LR*l1[i]) > 1e-9*l1[i] {
			t.Fatalf("eigs row %d: λ1 %v λ2 %v ηλ1 %v", i, l1[i], l2[i], eta[i])
		}
	}
	var rec map[string]any
	b, err := os.ReadFile(filepath.Join(res.Dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"dataset", "arch", "lr", "threshold", "data_checksum", "program_version", "kernel", "cpu_features", "num_params"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("config.json lacks %q", k)
		}
	}
	if rec["threshold"].(float64) != 2/cfg.LR || rec["kind"] != "gd" {
		t.Errorf("config.json threshold %v kind %v", rec["threshold"], rec["kind"])
	}
	ts, _, err := tensorfile.ReadSafetensors(filepath.Join(res.Dir, "weights_final.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if ts[0].Name != "1.weight" || ts[0].DType != "F32" {
		t.Errorf("first tensor %s %s, want 1.weight F32", ts[0].Name, ts[0].DType)
	}
}

func TestRunIsReproducibleAcrossThreads(t *testing.T) {
	losses := make([][]float64, 2)
	for i, threads := range []int{1, 3} {
		cfg := quickConfig(t)
		cfg.Threads = threads
		cfg.NEigs = 0
		res, err := Run(context.Background(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, rows := readCSV(t, filepath.Join(res.Dir, "metrics.csv"))
		losses[i] = column(t, h, rows, "train_loss")
	}
	for i := range losses[0] {
		if losses[0][i] != losses[1][i] {
			t.Fatalf("step %d: loss %v with 1 thread, %v with 3", i, losses[0][i], losses[1][i])
		}
	}
}

func TestRunRefusesToOverwrite(t *testing.T) {
	cfg := quickConfig(t)
	cfg.MaxSteps, cfg.NEigs = 1, 0
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(RunDir(cfg), "metrics.csv")
	before, _ := os.ReadFile(path)
	cfg.MaxSteps = 3
	if _, err := Run(context.Background(), cfg, nil); err == nil || !strings.Contains(err.Error(), "--overwrite") {
		t.Fatalf("second run into the same directory: err %v, want a refusal naming --overwrite", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("refused run changed the earlier metrics.csv")
	}
	cfg.Overwrite = true
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	if _, rows := readCSV(t, path); len(rows) != 4 {
		t.Fatalf("overwritten run has %d rows, want 4", len(rows))
	}
}

func TestRunStopsOnDivergenceKeepingRows(t *testing.T) {
	cfg := quickConfig(t)
	cfg.LR = 1e12
	cfg.MaxSteps = 50
	cfg.NEigs = 0
	_, err := Run(context.Background(), cfg, nil)
	var div *DivergedError
	if !errors.As(err, &div) || !strings.HasPrefix(err.Error(), fmt.Sprintf("diverged at step %d (loss ", div.Step)) {
		t.Fatalf("err %v, want a divergence naming the step and the loss", err)
	}
	_, rows := readCSV(t, filepath.Join(RunDir(cfg), "metrics.csv"))
	if len(rows) < 2 || len(rows) > cfg.MaxSteps || len(rows) != div.Step+1 {
		t.Fatalf("%d rows kept after divergence at step %d", len(rows), div.Step)
	}
	if st := readStatus(t, RunDir(cfg)); st.State != "diverged" || st.Step != div.Step || st.Loss != num(div.Loss) {
		t.Fatalf("status.json %+v after divergence at step %d (loss %v)", st, div.Step, div.Loss)
	}
}

// readStatus reads a run directory's status.json.
func readStatus(t *testing.T, dir string) status {
	t.Helper()
	var st status
	if err := readJSON(filepath.Join(dir, "status.json"), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestRunStopsAtGoalsAndOnCancel(t *testing.T) {
	cfg := quickConfig(t)
	cfg.NEigs = 0
	cfg.MaxSteps = 1000
	cfg.LossGoal = 1e9 // met at step 0
	res, err := Run(context.Background(), cfg, nil)
	if err != nil || res.Stop != "loss-goal" || res.Steps != 0 {
		t.Fatalf("loss goal: %+v, %v", res, err)
	}
	cfg = quickConfig(t)
	cfg.NEigs = 0
	cfg.MaxSteps = 1000
	ctx, cancel := context.WithCancel(context.Background())
	res, err = Run(ctx, cfg, func(e Event) {
		if e.Step == 4 {
			cancel()
		}
	})
	// Step 4 is finished, its update made: the checkpoint is the state before step 5.
	if err != nil || res.Stop != "interrupted" || res.Steps != 5 || res.Checkpoint != filepath.Join(res.Dir, CheckpointName) {
		t.Fatalf("cancel: %+v, %v", res, err)
	}
	if st := readStatus(t, res.Dir); st.State != "interrupted" || st.Reason != "cancelled" || st.Step != 5 || st.Checkpoint != CheckpointName {
		t.Fatalf("status.json after cancel: %+v", st)
	}
	if _, rows := readCSV(t, filepath.Join(res.Dir, "metrics.csv")); len(rows) != 5 {
		t.Fatalf("interrupted run kept %d rows, want 5", len(rows))
	}
	if st := readStatus(t, RunDir(quickConfigRun(t, cfg))); st.State != "finished" || st.Reason != "max-steps" || st.Checkpoint != "" {
		t.Fatalf("status.json of a finished run: %+v", st)
	}
}

// quickConfigRun runs cfg (with 3 steps, into a new results tree) to its end and returns it.
func quickConfigRun(t *testing.T, cfg Config) Config {
	t.Helper()
	cfg.Results, cfg.MaxSteps, cfg.CheckpointEvery = t.TempDir(), 3, 1
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(RunDir(cfg), CheckpointName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a finished run left its checkpoint: %v", err)
	}
	return cfg
}

func TestInitFromRestoresWeights(t *testing.T) {
	cfg := quickConfig(t)
	cfg.NEigs, cfg.MaxSteps = 0, 3
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, rows := readCSV(t, filepath.Join(res.Dir, "metrics.csv"))
	last := column(t, h, rows, "train_loss")[3]

	cfg2 := cfg
	cfg2.Results = t.TempDir()
	cfg2.Dtype = "float64"
	cfg2.InitFrom = filepath.Join(res.Dir, "weights_final.safetensors")
	cfg2.Seed = 99
	cfg2.MaxSteps = 0
	res2, err := Run(context.Background(), cfg2, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, rows = readCSV(t, filepath.Join(res2.Dir, "metrics.csv"))
	if first := column(t, h, rows, "train_loss")[0]; math.Abs(first-last) > 1e-5*last {
		t.Fatalf("loss from restored weights %v, want the saved run's final loss %v", first, last)
	}

	cfg3 := cfg2
	cfg3.Results = t.TempDir()
	cfg3.Widths = []int{16, 17}
	if _, err := Run(context.Background(), cfg3, nil); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Fatalf("mismatched widths: err %v, want a shape error", err)
	}
}

func TestValidateNamesTheBadSetting(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"loss", func(c *Config) { c.Loss = "l1" }, "--loss"},
		{"lr", func(c *Config) { c.LR = -1 }, "--lr"},
		{"opt", func(c *Config) { c.Opt = "adam" }, "--opt"},
		{"beta", func(c *Config) { c.Opt, c.Beta = "polyak", 1 }, "--beta"},
		{"beta ignored", func(c *Config) { c.Beta = 0.9 }, "--beta 0.9 has no effect with --opt gd"},
		{"checkpoint", func(c *Config) { c.CheckpointMinutes = -1 }, "--checkpoint-minutes"},
		{"dtype", func(c *Config) { c.Dtype = "float16" }, "--dtype"},
		{"neigs", func(c *Config) { c.EigFreq = 0 }, "--eig-freq"},
		{"nproj", func(c *Config) { c.NProj = 10 }, "--iterate-freq"},
		{"batch", func(c *Config) { c.PhysicalBatch = -1 }, "--physical-batch"},
		{"memory", func(c *Config) { c.MaxMemory = -5 }, "--max-memory"},
		{"tick", func(c *Config) { c.Opt, c.Tick = "flow", 0 }, "--tick"},
		{"adaptive", func(c *Config) { c.LRAdaptive, c.NEigs = 1, 0 }, "--lr-adaptive"},
	}
	for _, tc := range cases {
		c := DefaultConfig()
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want it to name %s", tc.name, err, tc.want)
		}
	}
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
}

func TestRunDirFollowsTheReference(t *testing.T) {
	c := DefaultConfig()
	c.Results, c.Dataset, c.Arch, c.Seed, c.Loss = "r", "cifar10-5k", "fc-tanh", 3, "mse"
	c.LR = 0.04
	if got, want := RunDir(c), filepath.FromSlash("r/cifar10-5k/fc-tanh/seed_3/mse/gd/lr_0.04"); got != want {
		t.Errorf("gd: %s, want %s", got, want)
	}
	c.Opt, c.LR, c.Beta = "polyak", 1, 0.9
	if got, want := RunDir(c), filepath.FromSlash("r/cifar10-5k/fc-tanh/seed_3/mse/polyak/lr_1.0_beta_0.9"); got != want {
		t.Errorf("polyak: %s, want %s", got, want)
	}
	c.Opt, c.Tick = "flow", 2
	if got, want := RunDir(c), filepath.FromSlash("r/cifar10-5k/fc-tanh/seed_3/mse/flow/tick_2.0"); got != want {
		t.Errorf("flow: %s, want %s", got, want)
	}
	// Python's str(float) for the values a user may type, from python3 -c 'print([str(x) for x in ...])'.
	for x, want := range map[float64]string{0.04: "0.04", 1: "1.0", 1e12: "1000000000000.0", 1e-5: "1e-05", 0.0001: "0.0001",
		2.5e16: "2.5e+16", 1e16: "1e+16", 123.456: "123.456"} {
		if got := pyFloat(x); got != want {
			t.Errorf("pyFloat(%v) = %q, Python says %q", x, got, want)
		}
	}
}

func TestFlowRunRecordsTicks(t *testing.T) {
	cfg := quickConfig(t)
	cfg.Opt = "flow"
	cfg.Tick, cfg.MaxTime = 0.5, 2
	cfg.EigFreq = 2
	cfg.NProj, cfg.IterateFreq = 8, 1
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, rows := readCSV(t, filepath.Join(res.Dir, "metrics.csv"))
	if got := strings.Join(h, ","); got != "tick,time,train_loss,train_acc,test_loss,test_acc,elapsed_s,h" {
		t.Fatalf("flow metrics header %q", got)
	}
	times := column(t, h, rows, "time")
	loss := column(t, h, rows, "train_loss")
	hs := column(t, h, rows, "h")
	if len(rows) != 5 || times[4] != 2 {
		t.Fatalf("flow rows %d, times %v; want 5 ticks up to time 2", len(rows), times)
	}
	for i := 1; i < len(loss); i++ {
		if !(loss[i] < loss[i-1]) {
			t.Fatalf("gradient flow must decrease the loss: %v", loss)
		}
	}
	eh, erows := readCSV(t, filepath.Join(res.Dir, "eigs.csv"))
	l1 := column(t, eh, erows, "lambda1")
	if len(erows) != 3 || math.Abs(hs[0]-math.Min(cfg.Alpha/l1[0], cfg.MaxStep)) > 1e-12 {
		t.Fatalf("eigs rows %d; h %v with λ1 %v", len(erows), hs[0], l1[0])
	}
	shape, _, err := tensorfile.ReadNPY(filepath.Join(res.Dir, "iterates.npy"))
	if err != nil || len(shape) != 2 || shape[0] != 5 || shape[1] != 8 {
		t.Fatalf("iterates.npy shape %v, %v; want [5 8]", shape, err)
	}
}

func TestScheduleAndMomentumThresholdsPerStep(t *testing.T) {
	cfg := quickConfig(t)
	cfg.NEigs = 0
	cfg.Opt, cfg.Beta = "polyak", 0.5
	cfg.LRDrops = []flow.Drop{{Step: 5, Factor: 0.5}}
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, rows := readCSV(t, filepath.Join(res.Dir, "metrics.csv"))
	lr, thr := column(t, h, rows, "lr"), column(t, h, rows, "threshold")
	for i := range rows {
		want := cfg.LR
		if i >= 5 {
			want *= 0.5
		}
		if math.Abs(lr[i]-want) > 1e-15 || math.Abs(thr[i]-(2+2*cfg.Beta)/want) > 1e-9 {
			t.Fatalf("step %d: lr %v threshold %v, want %v and (2+2β)/η = %v", i, lr[i], thr[i], want, (2+2*cfg.Beta)/want)
		}
	}

	cfg = quickConfig(t)
	cfg.LRAdaptive = 1
	res, err = Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, rows = readCSV(t, filepath.Join(res.Dir, "metrics.csv"))
	lr = column(t, h, rows, "lr")
	eh, erows := readCSV(t, filepath.Join(res.Dir, "eigs.csv"))
	l1 := column(t, eh, erows, "lambda1")
	for i := range rows {
		if want := 1 / l1[i/cfg.EigFreq]; math.Abs(lr[i]-want) > 1e-12*want {
			t.Fatalf("step %d: lr %v, want 1/λ1 = %v from the latest measurement", i, lr[i], want)
		}
	}
}

func TestSaveEigvecsWritesUnitEigenvectors(t *testing.T) {
	cfg := quickConfig(t)
	cfg.MaxSteps = 5
	cfg.SaveEigvecs = true
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts, _, err := tensorfile.ReadSafetensors(filepath.Join(res.Dir, "eigvecs", "step_0000005.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]tensorfile.Tensor{}
	for _, x := range ts {
		byName[x.Name] = x
	}
	vecs, vals := byName["eigenvectors"], byName["eigenvalues"]
	if len(vecs.Shape) != 2 || vecs.Shape[0] != cfg.NEigs || len(vals.Data) != cfg.NEigs {
		t.Fatalf("eigenvectors shape %v, eigenvalues %v", vecs.Shape, vals.Data)
	}
	n := vecs.Shape[1]
	for k := 0; k < cfg.NEigs; k++ {
		norm := 0.0
		for _, v := range vecs.Data[k*n : (k+1)*n] {
			norm += v * v
		}
		if math.Abs(norm-1) > 1e-5 {
			t.Errorf("eigenvector %d has squared norm %v", k, norm)
		}
	}
	eh, erows := readCSV(t, filepath.Join(res.Dir, "eigs.csv"))
	if l1 := column(t, eh, erows, "lambda1"); l1[1] != vals.Data[0] {
		t.Errorf("saved eigenvalue %v, eigs.csv has %v", vals.Data[0], l1[1])
	}
}
