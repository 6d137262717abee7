package eos

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

// edgeOfStability checks the edge-of-stability signature in a finished GD
// run: the sharpness rises past 0.9·2/η, and over the window of steps that
// follows, its mean stays within band of 2/η (relative, above or below) while
// the training loss at the end of the window is below its value at the start.
func edgeOfStability(t *testing.T, dir string, lr float64, window int, band float64) {
	t.Helper()
	eh, erows := readCSV(t, filepath.Join(dir, "eigs.csv"))
	steps, l1 := column(t, eh, erows, "step"), column(t, eh, erows, "lambda1")
	mh, mrows := readCSV(t, filepath.Join(dir, "metrics.csv"))
	loss := column(t, mh, mrows, "train_loss")
	edge := 2 / lr
	start := -1
	for i := range l1 {
		if l1[i] > 0.9*edge {
			start = i
			break
		}
	}
	if start < 0 {
		t.Fatalf("sharpness never passed 0.9·2/η = %.3g: %v", 0.9*edge, l1)
	}
	s0 := int(steps[start])
	if s0+window >= len(loss) {
		t.Fatalf("sharpness passed 0.9·2/η only at step %d, leaving no %d-step window in %d steps", s0, window, len(loss)-1)
	}
	sum, n := 0.0, 0
	for i := start; i < len(l1) && int(steps[i]) <= s0+window; i++ {
		sum += l1[i]
		n++
	}
	mean := sum / float64(n)
	if math.Abs(mean-edge) > band*edge {
		t.Errorf("mean sharpness %.4g over steps %d..%d is not within %.0f%% of 2/η = %.4g", mean, s0, s0+window, 100*band, edge)
	}
	if !(loss[s0+window] < loss[s0]) {
		t.Errorf("training loss did not fall over the window: %.4g at step %d, %.4g at step %d", loss[s0], s0, loss[s0+window], s0+window)
	}
	t.Logf("λ1 passed 0.9·2/η at step %d; mean λ1 over the next %d steps %.4g (2/η = %.4g, %+.1f%%); loss %.4g -> %.4g",
		s0, window, mean, edge, 100*(mean-edge)/edge, loss[s0], loss[s0+window])
}

// TestEdgeOfStabilityOnEmbeddedDefault runs the default experiment (shortened
// to the window the check needs) and checks the edge-of-stability signature
// with a 10% band: on this dataset the sharpness hovers within a few percent
// of 2/η.
func TestEdgeOfStabilityOnEmbeddedDefault(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Results = t.TempDir()
	cfg.MaxSteps = 1000
	cfg.TestFreq = 0
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	edgeOfStability(t, res.Dir, cfg.LR, 500, 0.10)
}
