package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/edge-of-stability/eos/report"
)

// gdRun writes a minimal GD result directory into dir/res.
func gdRun(ctx context.Context, s Spec, dir string) (string, error) {
	res := filepath.Join(dir, "res")
	if err := os.MkdirAll(res, 0o755); err != nil {
		return "", err
	}
	lr, _ := s.Value("lr")
	cfg := `{"kind": "gd", "lr": ` + lr + `, "widths": [8, 8], "opt": "gd", "threshold": 10}`
	if err := os.WriteFile(filepath.Join(res, "config.json"), []byte(cfg), 0o644); err != nil {
		return "", err
	}
	metrics := "step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n0,1,0.1,,,0,0.2,10\n1,0.5,0.3,,,0,0.2,10\n"
	return res, os.WriteFile(filepath.Join(res, "metrics.csv"), []byte(metrics), 0o644)
}

func TestCollectJoinsFinishedRunsOnly(t *testing.T) {
	out := t.TempDir()
	g, err := Parse([]byte("[axes]\nlr = [0.1, 0.2]\n"), knownKeys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Do(context.Background(), out, g.Specs[0], gdRun); err != nil {
		t.Fatal(err)
	}
	// Run 1 is left half-done: its result files exist, its DONE does not.
	boom := errors.New("killed")
	Do(context.Background(), out, g.Specs[1], func(ctx context.Context, s Spec, dir string) (string, error) {
		gdRun(ctx, s, dir)
		return "", boom
	})
	// A run made by eos run, outside any sweep.
	plain, err := gdRun(context.Background(), g.Specs[1], t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c, err := Collect([]string{out, plain, out}, []string{"lr", "nope", "widths"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rows) != 2 || len(c.Unfinished) != 1 {
		t.Fatalf("%d rows, unfinished %v; want the done run and the plain one, run 1 left out", len(c.Rows), c.Unfinished)
	}
	if !slices.Equal(c.Columns[:4], []string{"run_id", "dir", "lr", "widths"}) || len(c.Columns) != 4+len(report.SummaryColumns) {
		t.Errorf("columns %v", c.Columns)
	}
	ids := map[string]string{}
	for _, r := range c.Rows {
		ids[r[0]] = r[2] + " " + r[3]
	}
	if ids[g.Specs[0].ID] != "0.1 8,8" || ids[""] != "0.2 8,8" {
		t.Errorf("rows %v", c.Rows)
	}
}
