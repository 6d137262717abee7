//go:build unix

package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv makes this test binary act as the eos command (see TestMain), so
// that tests can signal and kill a real eos process.
const childEnv = "EOS_TEST_AS_CLI"

// fsizeEnv limits the size of the files the child writes (RLIMIT_FSIZE), as a full disk would.
const fsizeEnv = "EOS_TEST_FILE_LIMIT"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if limit, err := strconv.ParseUint(os.Getenv(fsizeEnv), 10, 64); err == nil {
			signal.Ignore(syscall.SIGXFSZ) // a write past the limit then fails with EFBIG, as on a full disk with ENOSPC
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
				panic(err)
			}
		}
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// startEOS starts eos args in a child process.
func startEOS(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	return startEOSWith(t, nil, args...)
}

// startEOSWith starts eos args in a child process with env added to its environment.
func startEOSWith(t *testing.T, env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// exitCode waits for cmd and returns its exit status (-1 when a signal killed it).
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return 0
}

// rowsOf counts the data rows in a CSV file (0 when it does not exist yet).
func rowsOf(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return max(bytes.Count(b, []byte{'\n'})-1, 0)
}

// stopAt waits until the run writing dir has at least rows metrics rows,
// then sends it sig; it fails the test if the run ends first.
func stopAt(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer, dir string, rows int, sig os.Signal) {
	t.Helper()
	ended := make(chan struct{})
	go func() {
		for rowsOf(filepath.Join(dir, "metrics.csv")) < rows {
			time.Sleep(2 * time.Millisecond)
		}
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the run did not reach %d rows: %s", rows, out)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signalling the run at %d rows: %v (%s)", rows, err, out)
	}
}

// readStatusJSON decodes dir/status.json.
func readStatusJSON(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "status.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// checkpointStep reads the step in the metadata of dir/checkpoint.safetensors.
func checkpointStep(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "checkpoint.safetensors"))
	if err != nil || len(b) < 8 {
		t.Fatalf("reading the checkpoint: %v", err)
	}
	n := binary.LittleEndian.Uint64(b)
	var header struct {
		Meta map[string]string `json:"__metadata__"`
	}
	if n > uint64(len(b)-8) || json.Unmarshal(b[8:8+n], &header) != nil {
		t.Fatal("the checkpoint's header does not parse")
	}
	step, err := strconv.Atoi(header.Meta["step"])
	if err != nil {
		t.Fatalf("checkpoint step %q", header.Meta["step"])
	}
	return step
}

// timingColumns are the CSV columns that hold wall times, which differ between any two runs.
var timingColumns = []string{"elapsed_s", "seconds"}

// withoutTimings drops the timing columns of a CSV file's text.
func withoutTimings(text string) string {
	lines := strings.Split(text, "\n")
	header := strings.Split(lines[0], ",")
	var out []string
	for _, line := range lines {
		cells := strings.Split(line, ",")
		var kept []string
		for i, c := range cells {
			if i >= len(header) || !slices.Contains(timingColumns, header[i]) {
				kept = append(kept, c)
			}
		}
		out = append(out, strings.Join(kept, ","))
	}
	return strings.Join(out, "\n")
}

// runFiles reads every file of a run directory but config.json and
// status.json (which record times), CSV files without their timing columns.
func runFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "config.json" || rel == "status.json" {
			return nil
		}
		b, err := os.ReadFile(path)
		files[rel] = string(b)
		if strings.HasSuffix(rel, ".csv") {
			files[rel] = withoutTimings(string(b))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestResumeIsBitwiseIdentical stops runs at random steps (a signal, then
// kill -9 between checkpoints), resumes them, and checks that every file they
// write equals an uninterrupted run's, elapsed times aside: GD with a step-size
// drop, saved weights, eigenvectors and eigproj.csv; Polyak momentum with an adaptive step
// size; gradient flow with time-based checkpoints.
func TestResumeIsBitwiseIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: three interrupted runs and their references (≈ 20 s)")
	}
	common := []string{"--threads", "2", "--test-freq", "4", "--nproj", "5"}
	cases := []struct {
		name, cmd, dir string
		args, ckpt     []string
		rows           int
		sig            syscall.Signal
		status         int
	}{
		{"gd", "run", "gd/lr_0.25", []string{"--max-steps", "150", "--eig-freq", "10", "--iterate-freq", "3", "--save-freq", "50",
			"--save-eigvecs", "--eig-proj", "--lr-drop", "60:0.5"}, []string{"--checkpoint-every", "20"}, 151, syscall.SIGTERM, exitTempFail},
		{"polyak", "run", "polyak/lr_0.25_beta_0.5", []string{"--opt", "polyak", "--beta", "0.5", "--max-steps", "150", "--eig-freq", "7",
			"--iterate-freq", "2", "--lr-adaptive", "1.5"}, []string{"--checkpoint-every", "15"}, 151, syscall.SIGUSR1, exitTempFail},
		{"flow", "flow", "flow/tick_0.5", []string{"--tick", "0.5", "--max-time", "20", "--eig-freq", "3", "--iterate-freq", "1", "--eig-proj"},
			[]string{"--checkpoint-minutes", "0.004"}, 41, syscall.SIGINT, exitInterrupt},
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("stop points from seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 13))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref, got := t.TempDir(), t.TempDir()
			args := append(append([]string{c.cmd}, common...), c.args...)
			if code, _, stderr := runCLI(append(args, "--results", ref)...); code != 0 {
				t.Fatalf("uninterrupted run: status %d: %s", code, stderr)
			}
			dir := filepath.Join(got, "synth-cifar", "fc-tanh", "seed_0", "mse", c.dir)

			// A signal at a random row: the run finishes its step, writes a checkpoint and exits.
			first := 1 + rng.IntN(c.rows/3)
			cmd, out := startEOS(t, append(append(args, c.ckpt...), "--results", got)...)
			stopAt(t, cmd, out, dir, first, c.sig)
			if code := exitCode(t, cmd); code != c.status {
				t.Fatalf("after %v: status %d, want %d: %s", c.sig, code, c.status, out)
			}
			st := readStatusJSON(t, dir)
			name := stopSignals[c.sig]
			if st["state"] != "interrupted" || st["reason"] != name || st["checkpoint"] != "checkpoint.safetensors" {
				t.Fatalf("status.json after %s: %v", name, st)
			}
			if !strings.Contains(out.String(), "--resume "+dir) {
				t.Errorf("the interrupted run does not say how to resume: %s", out)
			}
			stopped := int(st["step"].(float64))
			if rows := rowsOf(filepath.Join(dir, "metrics.csv")); rows != stopped || stopped < first {
				t.Fatalf("stopped at %d with %d rows, signalled at row %d", stopped, rows, first)
			}

			// kill -9 at a later random row, past a periodic checkpoint: rows beyond it are cut off on resume.
			second := stopped + c.rows/4 + rng.IntN(c.rows/3)
			cmd, out = startEOS(t, "run", "--resume", dir)
			stopAt(t, cmd, out, dir, second, os.Kill)
			if code := exitCode(t, cmd); code != -1 {
				t.Fatalf("kill -9: status %d: %s", code, out)
			}
			if st := readStatusJSON(t, dir); st["state"] != "running" {
				t.Fatalf("status.json after kill -9: %v", st)
			}
			// The latest checkpoint is a periodic one past the signal's, not after the kill: rows after it get cut off.
			if at := checkpointStep(t, dir); at <= stopped || at > rowsOf(filepath.Join(dir, "metrics.csv")) {
				t.Fatalf("after kill -9 at row %d the checkpoint is at step %d (the signal stopped at %d)", second, at, stopped)
			}

			code, stdout, stderr := runCLI(c.cmd, "--resume", dir)
			if code != 0 || !strings.Contains(stdout, "finished: ") {
				t.Fatalf("resumed run: status %d: %s%s", code, stdout, stderr)
			}
			if st := readStatusJSON(t, dir); st["state"] != "finished" || st["checkpoint"] != nil {
				t.Fatalf("status.json at the end: %v", st)
			}
			want := runFiles(t, filepath.Join(ref, "synth-cifar", "fc-tanh", "seed_0", "mse", c.dir))
			have := runFiles(t, dir)
			for name, w := range want {
				if h, ok := have[name]; !ok {
					t.Errorf("%s is missing after resuming", name)
				} else if h != w {
					t.Errorf("%s differs from the uninterrupted run's (stops at rows %d and %d)", name, first, second)
				}
			}
			for name := range have {
				if _, ok := want[name]; !ok {
					t.Errorf("%s is left after resuming; the uninterrupted run has none", name)
				}
			}
			if len(want) < 4 {
				t.Errorf("the run wrote only %d files", len(want))
			}
		})
	}
}

func TestResumeRefusesWhatItCannotDo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a 400-step run (≈ 1 s natively, a minute on the pure-Go kernels)")
	}
	results := t.TempDir()
	dir := filepath.Join(results, "synth-cifar", "fc-tanh", "seed_0", "mse", "gd", "lr_0.25")
	base := []string{"run", "--results", results, "--widths", "64,64", "--max-steps", "400", "--neigs", "0", "--test-freq", "0"}
	cmd, out := startEOS(t, base...)
	stopAt(t, cmd, out, dir, 3, syscall.SIGHUP)
	if code := exitCode(t, cmd); code != exitTempFail {
		t.Fatalf("SIGHUP: status %d, want %d: %s", code, exitTempFail, out)
	}
	if st := readStatusJSON(t, dir); st["reason"] != "SIGHUP" {
		t.Fatalf("status.json after SIGHUP: %v", st)
	}
	for _, c := range []struct {
		args    []string
		mention string
	}{
		{[]string{"run", "--resume", dir, "--lr", "0.1", "--max-steps", "5"}, "--lr, --max-steps cannot be given with --resume"},
		{[]string{"run", "--resume", dir, "--overwrite"}, "--overwrite cannot be given"},
		{[]string{"run", "--resume", filepath.Join(results, "nowhere")}, "--resume"},
		{base, "--resume " + dir + " continues"},
	} {
		code, _, stderr := runCLI(c.args...)
		if lines := strings.Split(strings.TrimSpace(stderr), "\n"); code != 2 || len(lines) != 1 || !strings.Contains(stderr, c.mention) {
			t.Errorf("eos %v: status %d, stderr %q; want status 2 and one line with %q", c.args, code, stderr, c.mention)
		}
	}
	// The run goes on with another thread count (results are identical for any) and ends on its own.
	code, stdout, stderr := runCLI("run", "--resume", dir, "--threads", "1")
	if code != 0 || !strings.Contains(stdout, "finished: 400 steps (max-steps)") {
		t.Fatalf("resume with --threads 1: status %d: %s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.safetensors")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the finished run kept its checkpoint: %v", err)
	}
	if code, _, stderr := runCLI("run", "--resume", dir); code != 2 || !strings.Contains(stderr, "no checkpoint.safetensors") {
		t.Errorf("resuming a finished run: status %d, stderr %q", code, stderr)
	}
}

func TestFullDiskLeavesWholeRows(t *testing.T) {
	results := t.TempDir()
	dir := filepath.Join(results, "synth-cifar", "fc-tanh", "seed_0", "mse", "gd", "lr_0.25")
	cmd, out := startEOSWith(t, []string{fsizeEnv + "=5000"},
		"run", "--results", results, "--widths", "16", "--max-steps", "1000", "--neigs", "0", "--test-freq", "0")
	if code := exitCode(t, cmd); code != 1 {
		t.Fatalf("status %d, want 1: %s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "eos run: writing ") || strings.Count(last, "metrics.csv") != 1 {
		t.Errorf("last line %q does not name metrics.csv", last)
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 1000 || b[len(b)-1] != '\n' {
		t.Fatalf("metrics.csv (%d bytes) ends in a torn row: %q", len(b), b[max(len(b)-80, 0):])
	}
	if st := readStatusJSON(t, dir); st["state"] != "failed" || !strings.Contains(st["error"].(string), "metrics.csv") {
		t.Errorf("status.json: %v", st)
	}
}
