package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// runCLI runs the command line args and returns its exit status and output.
func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestBadInputIsOneLineAndStatus2(t *testing.T) {
	cases := [][]string{
		{"frobnicate"},
		{"run", "--no-such-flag"},
		{"run", "--lr", "-1"},
		{"run", "--lr", "abc"},
		{"run", "--dataset", "nope"},
		{"run", "--arch", "fc-nope"},
		{"run", "--widths", "200,x"},
		{"run", "--lr-drop", "100"},
		{"run", "--kernel", "sse9"},
		{"run", "extra-arg"},
		{"flow", "--tick", "0"},
		{"plot"},
		{"compare", "onlyone"},
		{"data", "fetch"},
		{"data", "fetch", "cifar100"},
		{"plot", "--format", "pdf", "somewhere"},
		{"compare", "--format", "pdf", "a", "b"},
		{"run", "--checkpoint-every", "-1"},
		{"run", "--resume", "/nonexistent/run"},
		{"run", "--kernel", foreignKernel()},
		{"run", "--beta", "0.9"},
		{"run", "--tick", "0.5"},
	}
	for _, args := range cases {
		dir := t.TempDir()
		args = append(args, "--results", dir)
		if args[0] != "run" && args[0] != "flow" {
			args = args[:len(args)-2]
		}
		code, _, stderr := runCLI(args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 2 || len(lines) != 1 || lines[0] == "" {
			t.Errorf("eos %v: status %d, stderr %q; want status 2 and one line", args, code, stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("eos %v wrote %d entries into the results directory", args, len(entries))
		}
	}
}

// foreignKernel is a kernel level of another architecture.
func foreignKernel() string {
	if runtime.GOARCH == "arm64" {
		return "avx2"
	}
	return "neon"
}

func TestForeignKernelIsNotSupportedRatherThanUnknown(t *testing.T) {
	code, _, stderr := runCLI("run", "--kernel", foreignKernel())
	if code != 2 || !strings.Contains(stderr, "not supported by this CPU") {
		t.Errorf("--kernel %s: status %d, stderr %q", foreignKernel(), code, stderr)
	}
}

func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"run", "--help"}, {"flow", "-h"}, {"plot", "--help"}} {
		code, stdout, stderr := runCLI(args...)
		if code != 0 || !strings.Contains(stdout+stderr, "Usage") && !strings.Contains(stdout, "eos run") {
			t.Errorf("eos %v: status %d, output %q", args, code, stdout+stderr)
		}
	}
	if _, stdout, _ := runCLI("run", "--help"); !strings.Contains(stdout, "--max-steps") || !strings.Contains(stdout, "--physical-batch") {
		t.Errorf("run --help lacks the reference's option names on stdout: %s", stdout)
	}
}

func TestRunFlowCompareAndPlotEndToEnd(t *testing.T) {
	results := t.TempDir()
	common := []string{"--results", results, "--widths", "16", "--neigs", "1", "--eig-freq", "5", "--test-freq", "0",
		"--nproj", "4", "--iterate-freq", "1"}
	code, stdout, stderr := runCLI(append([]string{"run", "--lr", "0.1", "--max-steps", "10", "--plot"}, common...)...)
	if code != 0 {
		t.Fatalf("run: status %d: %s", code, stderr)
	}
	gdDir := filepath.Join(results, "synth-cifar", "fc-tanh", "seed_0", "mse", "gd", "lr_0.1")
	for _, f := range []string{"config.json", "metrics.csv", "eigs.csv", "iterates.npy", "weights_final.safetensors", "plot.png", "plot.svg"} {
		if _, err := os.Stat(filepath.Join(gdDir, f)); err != nil {
			t.Errorf("run wrote no %s (stdout %q): %v", f, stdout, err)
		}
	}
	code, _, stderr = runCLI(append([]string{"flow", "--tick", "0.5", "--max-time", "1"}, common...)...)
	if code != 0 {
		t.Fatalf("flow: status %d: %s", code, stderr)
	}
	flowDir := filepath.Join(results, "synth-cifar", "fc-tanh", "seed_0", "mse", "flow", "tick_0.5")
	code, stdout, stderr = runCLI("compare", gdDir, flowDir)
	if code != 0 {
		t.Fatalf("compare: status %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(gdDir, "compare.csv")); err != nil || !strings.Contains(stdout, "compare.png") {
		t.Errorf("compare wrote no compare.csv/png: %v, stdout %q", err, stdout)
	}
	out := filepath.Join(t.TempDir(), "both")
	if code, _, stderr = runCLI("plot", gdDir, "--out", out, flowDir, "--format", "png"); code != 0 { // options may follow the directories
		t.Fatalf("plot: status %d: %s", code, stderr)
	}
	if _, err := os.Stat(out + ".png"); err != nil {
		t.Errorf("plot of two runs: %v", err)
	}
}

func TestInfoNamesTheChosenKernels(t *testing.T) {
	code, stdout, stderr := runCLI("info", "--kernel", "generic")
	if code != 0 || !strings.Contains(stdout, "generic") || !strings.Contains(stdout, "sgemm") || !strings.Contains(stdout, "peak:") {
		t.Fatalf("info: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, _ := runCLI("info", "--kernel", "auto"); code != 0 {
		t.Fatalf("info --kernel auto: status %d", code)
	}
}

func TestBenchReportsEveryLevel(t *testing.T) {
	code, stdout, stderr := runCLI("bench", "--n", "64", "--reps", "1", "--arch", "fc-tanh-depth1")
	if code != 0 || !strings.Contains(stdout, "generic") || !strings.Contains(stdout, "HVP/step") {
		t.Fatalf("bench: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// Each level's row ends with its FMA peak and the two passes' shares of
	// it: none for generic, a positive percentage for a SIMD level.
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) != 10 || f[0] == "kernel" {
			continue
		}
		if f[0] == "generic" {
			if f[7] != "–" || f[9] != "–" {
				t.Errorf("generic row %q gives a peak", line)
			}
			continue
		}
		for _, share := range f[8:] {
			pc, err := strconv.ParseFloat(strings.TrimSuffix(share, "%"), 64)
			if !strings.HasSuffix(share, "%") || err != nil || pc <= 0 {
				t.Errorf("%s row %q: share of peak %q, want a positive percentage", f[0], line, share)
			}
		}
	}
}

func TestProfilesAreWritten(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []string{"--cpuprofile", "--memprofile"} {
		prof := filepath.Join(dir, strings.TrimPrefix(kind, "--")+".pprof")
		code, _, stderr := runCLI("run", "--results", dir, "--overwrite", "--widths", "8", "--max-steps", "3", "--neigs", "0", kind, prof)
		if code != 0 {
			t.Fatalf("%s: status %d: %s", kind, code, stderr)
		}
		if st, err := os.Stat(prof); err != nil || st.Size() == 0 {
			t.Fatalf("%s wrote no profile: %v", kind, err)
		}
	}
	if code, _, _ := runCLI("run", "--results", dir, "--cpuprofile", "a", "--memprofile", "b"); code == 0 {
		t.Fatal("--cpuprofile with --memprofile accepted")
	}
}

func TestDivergedRunSaysSoAndIsPlotted(t *testing.T) {
	results := t.TempDir()
	code, stdout, stderr := runCLI("run", "--results", results, "--widths", "16", "--lr", "1e12", "--max-steps", "50", "--neigs", "0", "--plot")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || !strings.HasPrefix(lines[len(lines)-1], "eos run: diverged at step ") || !strings.Contains(lines[len(lines)-1], "(loss ") {
		t.Fatalf("status %d, stderr %q; want status 1 and a line saying where it diverged", code, stderr)
	}
	dir := filepath.Join(results, "synth-cifar", "fc-tanh", "seed_0", "mse", "gd", "lr_1000000000000.0")
	if _, err := os.Stat(filepath.Join(dir, "plot.png")); err != nil || !strings.Contains(stdout, "plot.png") {
		t.Fatalf("no plot of the diverged run: %v (stdout %q)", err, stdout)
	}
}
