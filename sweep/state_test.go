package sweep

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testSpec is a run of a tiny grid.
func testSpec(t *testing.T) Spec {
	t.Helper()
	g, err := Parse([]byte("[axes]\nlr = [0.1, 0.2]\n"), knownKeys)
	if err != nil {
		t.Fatal(err)
	}
	return g.Specs[1]
}

// fakeRun writes a result tree like eos run's: config.json and metrics.csv
// with rows rows, under dir/res.
func fakeRun(rows int) Runner {
	return func(ctx context.Context, s Spec, dir string) (string, error) {
		res := filepath.Join(dir, "res")
		if err := os.MkdirAll(res, 0o755); err != nil {
			return "", err
		}
		var b strings.Builder
		b.WriteString("step,train_loss\n")
		for i := range rows {
			fmt.Fprintf(&b, "%d,%g\n", i, 1/float64(i+1))
		}
		if err := os.WriteFile(filepath.Join(res, "metrics.csv"), []byte(b.String()), 0o644); err != nil {
			return "", err
		}
		return res, os.WriteFile(filepath.Join(res, "config.json"), []byte(`{"id":"`+s.ID+`"}`), 0o644)
	}
}

func TestDoRunsOnceThenSkips(t *testing.T) {
	out, spec := t.TempDir(), testSpec(t)
	if st := State(out, spec.ID); st != "pending" {
		t.Errorf("state before: %s", st)
	}
	if o, err := Do(context.Background(), out, spec, fakeRun(5)); err != nil || o != Ran {
		t.Fatalf("first Do: %v, %v", o, err)
	}
	res, ok := Done(RunDir(out, spec.ID))
	if !ok || filepath.Base(res) != "res" || State(out, spec.ID) != "done" {
		t.Fatalf("not done after a run: %q %v %s", res, ok, State(out, spec.ID))
	}
	called := false
	o, err := Do(context.Background(), out, spec, func(context.Context, Spec, string) (string, error) {
		called = true
		return "", nil
	})
	if err != nil || o != Skipped || called {
		t.Errorf("second Do: %v, %v, runner called %v", o, err, called)
	}
	if _, err := os.Stat(filepath.Join(RunDir(out, spec.ID), specFile)); err != nil {
		t.Errorf("no spec.json: %v", err)
	}
}

func TestHalfDoneAndTamperedRunsAreRedone(t *testing.T) {
	out, spec := t.TempDir(), testSpec(t)
	boom := errors.New("boom")
	_, err := Do(context.Background(), out, spec, func(ctx context.Context, s Spec, dir string) (string, error) {
		os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("left by a dead task"), 0o644)
		return "", boom
	})
	if !errors.Is(err, boom) || State(out, spec.ID) != "started" {
		t.Fatalf("failed run: %v, state %s", err, State(out, spec.ID))
	}
	if _, err := os.Stat(filepath.Join(RunDir(out, spec.ID), doneFile)); err == nil {
		t.Fatal("a failed run has a DONE marker")
	}
	if o, err := Do(context.Background(), out, spec, fakeRun(3)); err != nil || o != Redone {
		t.Fatalf("redo: %v, %v", o, err)
	}
	if _, err := os.Stat(filepath.Join(RunDir(out, spec.ID), "stale.txt")); err == nil {
		t.Error("the half-done run's files survived the redo")
	}
	// metrics changed after DONE (a task killed while rewriting it, or a hand edit): not done.
	res, _ := Done(RunDir(out, spec.ID))
	if err := os.WriteFile(filepath.Join(res, "metrics.csv"), []byte("step,train_loss\n0,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if State(out, spec.ID) != "started" {
		t.Errorf("metrics differing from DONE's checksum count as %s", State(out, spec.ID))
	}
	if o, err := Do(context.Background(), out, spec, fakeRun(4)); err != nil || o != Redone {
		t.Fatalf("redo after tampering: %v, %v", o, err)
	}
	if State(out, spec.ID) != "done" {
		t.Error("not done after the redo")
	}
}

func TestTwoTasksOnTheSameRunNeverBothRunIt(t *testing.T) {
	out, spec := t.TempDir(), testSpec(t)
	var running atomic.Int32
	release := make(chan struct{})
	first := make(chan struct{})
	slow := func(ctx context.Context, s Spec, dir string) (string, error) {
		if running.Add(1) != 1 {
			return "", errors.New("two tasks inside the same run")
		}
		close(first)
		<-release
		defer running.Add(-1)
		return fakeRun(7)(ctx, s, dir)
	}
	const tasks = 8
	outcomes := make([]Outcome, tasks)
	errs := make([]error, tasks)
	var wg sync.WaitGroup
	wg.Go(func() { outcomes[0], errs[0] = Do(context.Background(), out, spec, slow) })
	<-first
	for i := 1; i < tasks; i++ {
		wg.Go(func() { outcomes[i], errs[i] = Do(context.Background(), out, spec, slow) })
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	ran := 0
	for i := range tasks {
		if errs[i] != nil {
			t.Errorf("task %d: %v", i, errs[i])
		}
		switch outcomes[i] {
		case Ran:
			ran++
		case Busy, Skipped:
		default:
			t.Errorf("task %d: %v", i, outcomes[i])
		}
	}
	if ran != 1 || outcomes[0] != Ran {
		t.Errorf("outcomes %v: want the first task to run and no other", outcomes)
	}
	res, ok := Done(RunDir(out, spec.ID))
	if !ok {
		t.Fatal("not done")
	}
	if b, _ := os.ReadFile(filepath.Join(res, "metrics.csv")); strings.Count(string(b), "\n") != 8 {
		t.Errorf("metrics.csv has %d lines, want 8", strings.Count(string(b), "\n"))
	}
}

// TestMain lets the test binary act as a task that dies mid-run.
func TestMain(m *testing.M) {
	if dir := os.Getenv("EOS_SWEEP_TEST_TASK"); dir != "" {
		g, _ := Parse([]byte("[axes]\nlr = [0.1, 0.2]\n"), knownKeys)
		Do(context.Background(), dir, g.Specs[1], func(ctx context.Context, s Spec, dir string) (string, error) {
			fakeRun(2)(ctx, s, dir)
			fmt.Println("running")
			time.Sleep(time.Hour) // until killed
			return "", errors.New("not killed within an hour")
		})
		os.Exit(3)
	}
	os.Exit(m.Run())
}

func TestAKilledTaskLeavesNoLockAndItsRunIsRedone(t *testing.T) {
	out, spec := t.TempDir(), testSpec(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "EOS_SWEEP_TEST_TASK="+out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // whatever happens below
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "running\n" {
		t.Fatalf("task said %q, %v", line, err)
	}
	if o, err := Do(context.Background(), out, spec, fakeRun(3)); err != nil || o != Busy {
		t.Errorf("while the other task runs: %v, %v; want Busy", o, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if st := State(out, spec.ID); st != "started" {
		t.Errorf("killed run's state: %s", st)
	}
	if o, err := Do(context.Background(), out, spec, fakeRun(3)); err != nil || o != Redone {
		t.Fatalf("after the kill: %v, %v; want Redone", o, err)
	}
	if State(out, spec.ID) != "done" {
		t.Error("not done after the redo")
	}
}
