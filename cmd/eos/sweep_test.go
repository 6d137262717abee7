package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeGrid writes a grid file of four tiny runs into dir.
func writeGrid(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "tiny.toml")
	grid := `# four tiny runs on the embedded dataset
[base]
widths = "8"
max_steps = 12
neigs = 1
eig_freq = 4
test_freq = 4
[axes]
lr = [0.5, 1.0]
seed = [0, 1]
`
	if err := os.WriteFile(path, []byte(grid), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSweepRunLocallyTwiceThenCollect(t *testing.T) {
	dir := t.TempDir()
	grid, out := writeGrid(t, dir), filepath.Join(dir, "out")
	code, stdout, stderr := runCLI("sweep", "plan", grid)
	if code != 0 || !strings.Contains(stdout, "4 runs") || !strings.Contains(stdout, "lr=1  seed=1") {
		t.Fatalf("plan: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI("sweep", "run", grid, "--out", out, "--jobs", "2")
	if code != 0 || strings.Count(stdout, ": ran (") != 4 {
		t.Fatalf("run: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI("sweep", "list", grid, "--out", out)
	if code != 0 || strings.Count(stdout, "done") != 4 {
		t.Errorf("list after the run: %q", stdout)
	}
	// Again: nothing is run twice.
	code, stdout, _ = runCLI("sweep", "run", grid, "--out", out)
	if code != 0 || strings.Count(stdout, "already done") != 4 {
		t.Errorf("second run: status %d, %q", code, stdout)
	}
	csvPath := filepath.Join(dir, "runs.csv")
	if code, _, stderr = runCLI("collect", "--out", csvPath, out); code != 0 {
		t.Fatalf("collect: status %d: %s", code, stderr)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("collect wrote %d lines (%v), want a header and 4 runs", len(rows), err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	ids := map[string]bool{}
	for _, r := range rows[1:] {
		ids[r[col["run_id"]]] = true
		if r[col["widths"]] != "8" || r[col["max_steps"]] != "12" || r[col["final_step"]] != "12" || r[col["final_train_loss"]] == "" {
			t.Errorf("row %v", r)
		}
	}
	if len(ids) != 4 {
		t.Errorf("run ids %v, want 4 distinct", ids)
	}
	fig := filepath.Join(dir, "fig")
	code, stdout, stderr = runCLI("plot", "--sweep", csvPath, "--y", "final_train_loss", "--out", fig, "--format", "png")
	if code != 0 || strings.TrimSpace(stdout) != fig+".png" {
		t.Fatalf("plot --sweep: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if st, err := os.Stat(fig + ".png"); err != nil || st.Size() == 0 {
		t.Errorf("no sweep figure: %v", err)
	}
	if code, _, stderr = runCLI("plot", "--sweep", out, "--x", "nope", "--out", fig); code != 2 || !strings.Contains(stderr, `"nope"`) {
		t.Errorf("plot --sweep --x nope: status %d, %q", code, stderr)
	}
}

func TestSweepRunPicksTheArrayTasksRun(t *testing.T) {
	dir := t.TempDir()
	grid, out := writeGrid(t, dir), filepath.Join(dir, "out")
	t.Setenv("SLURM_ARRAY_TASK_ID", "7")
	t.Setenv("SLURM_ARRAY_TASK_MIN", "5")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "4")
	code, stdout, stderr := runCLI("sweep", "run", grid, "--out", out)
	if code != 0 || !strings.Contains(stdout, "run 2 ") || strings.Count(stdout, ": ran (") != 1 {
		t.Fatalf("array task 7 of 5-8: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI("sweep", "list", grid, "--out", out)
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); code != 0 || len(lines) != 4 || !strings.Contains(lines[2], "done") || strings.Count(stdout, "pending") != 3 {
		t.Errorf("list: %q", stdout)
	}
	// --index wins over the environment, and --plan guards against a changed grid.
	if code, stdout, _ = runCLI("sweep", "run", grid, "--out", out, "--index", "0", "--plan", "0123456789ab"); code != 1 {
		t.Errorf("a stale --plan: status %d, %q", code, stdout)
	}
}

func TestSweepBadInputIsOneLineAndStatus2(t *testing.T) {
	dir := t.TempDir()
	grid := writeGrid(t, dir)
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[axes]\nlr = [0.1]\nmax_stepz = [1]\n"), 0o644)
	badValue := filepath.Join(dir, "badvalue.toml")
	os.WriteFile(badValue, []byte("[axes]\nlr = [0.1, -1]\n"), 0o644)
	for _, args := range [][]string{
		{"sweep"}, {"sweep", "frob"}, {"sweep", "plan"}, {"sweep", "plan", filepath.Join(dir, "missing.toml")},
		{"sweep", "plan", bad}, {"sweep", "plan", badValue}, {"sweep", "run", grid, "--index", "4"},
		{"sweep", "run", grid, "--shard", "2/2"}, {"sweep", "run", grid, "--index", "1", "--shard", "0/2"},
		{"sweep", "slurm", grid, "--mem", "lots"}, {"sweep", "k8s", grid}, {"collect"}, {"collect", filepath.Join(dir, "nope")},
	} {
		code, stdout, stderr := runCLI(args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if args[0] == "sweep" && len(args) == 1 {
			lines = []string{"usage"} // the sweep usage goes to stdout
		}
		if code != 2 || len(lines) != 1 || lines[0] == "" {
			t.Errorf("eos %v: status %d, stderr %q, stdout %q; want status 2 and one line", args, code, stderr, stdout)
		}
	}
	if _, _, stderr := runCLI("sweep", "plan", bad); !strings.Contains(stderr, `"max_stepz"`) {
		t.Errorf("the unknown key is not named: %s", stderr)
	}
	if _, _, stderr := runCLI("sweep", "plan", badValue); !strings.Contains(stderr, "run 1") || !strings.Contains(stderr, "--lr") {
		t.Errorf("the bad run and value are not named: %s", stderr)
	}
}

func TestSweepSlurmAndK8sFiles(t *testing.T) {
	dir := t.TempDir()
	grid, out := writeGrid(t, dir), filepath.Join(dir, "out")
	code, stdout, stderr := runCLI("sweep", "slurm", grid, "--out", out, "--eos", "/opt/eos", "--cpus-per-task", "3", "--max-parallel", "2", "--partition", "cpu")
	if code != 0 {
		t.Fatalf("slurm: status %d: %s", code, stderr)
	}
	script, err := os.ReadFile(strings.TrimSpace(stdout))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--array=0-3%2", "--partition=cpu", "--cpus-per-task=3", "exec /opt/eos sweep run " + grid, "--threads 3"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("script lacks %q:\n%s", want, script)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "slurm")); err != nil {
		t.Errorf("no log directory: %v", err)
	}
	code, stdout, stderr = runCLI("sweep", "k8s", grid, "--image", "eos:test", "--parallelism", "2")
	if code != 0 || !strings.Contains(stdout, `"completionMode": "Indexed"`) || !strings.Contains(stdout, `"completions": 4`) {
		t.Errorf("k8s: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestDeployExampleIsCurrent checks that deploy/k8s/lr-seeds.json is what
// eos sweep k8s writes for deploy/k8s/lr-seeds.toml (the command in
// deploy/k8s/README.md).
func TestDeployExampleIsCurrent(t *testing.T) {
	grid := filepath.Join("..", "..", "deploy", "k8s", "lr-seeds.toml")
	code, stdout, stderr := runCLI("sweep", "k8s", grid, "--image", "ghcr.io/edge-of-stability/eos:latest",
		"--parallelism", "4", "--cpus-per-task", "2", "--mem", "1G")
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "deploy", "k8s", "lr-seeds.json"))
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Error("deploy/k8s/lr-seeds.json is stale: regenerate it with the command in deploy/k8s/README.md")
	}
}
