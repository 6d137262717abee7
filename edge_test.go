package eos

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// edgeOfStability checks the edge-of-stability signature in a finished GD
// run: the sharpness rises past 0.9·2/η (from below: a start above the edge
// does not count), and over the window of steps that follows its mean stays
// in [(1−below)·2/η, (1+above)·2/η] while the training loss at the end of the
// window is below its value at the start.
func edgeOfStability(t *testing.T, dir string, lr float64, window int, below, above float64) {
	t.Helper()
	eh, erows := readCSV(t, filepath.Join(dir, "eigs.csv"))
	steps, l1 := column(t, eh, erows, "step"), column(t, eh, erows, "lambda1")
	mh, mrows := readCSV(t, filepath.Join(dir, "metrics.csv"))
	loss := column(t, mh, mrows, "train_loss")
	edge := 2 / lr
	start, wasBelow := -1, false
	for i := range l1 {
		if wasBelow && l1[i] > 0.9*edge {
			start = i
			break
		}
		wasBelow = wasBelow || l1[i] <= 0.9*edge
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
	if mean < (1-below)*edge || mean > (1+above)*edge {
		t.Errorf("mean sharpness %.4g over steps %d..%d is outside [-%.0f%%, +%.0f%%] of 2/η = %.4g",
			mean, s0, s0+window, 100*below, 100*above, edge)
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
// of 2/η. About 15 seconds on 2 cores; skipped by -short.
func TestEdgeOfStabilityOnEmbeddedDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 15-second edge-of-stability run")
	}
	cfg := DefaultConfig()
	cfg.Results = t.TempDir()
	cfg.MaxSteps = 1000
	cfg.TestFreq = 0
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	edgeOfStability(t, res.Dir, cfg.LR, 500, 0.10, 0.10)
}

// TestEdgeOfStabilityOnEmbeddedCNN checks the signature on a convnet: the
// reference's cnn-relu (3×3 convs, ReLU, 2×2 max pooling) at 16,16 channels on
// the embedded 8×8 images, squared loss, η = 0.1 (2/η = 20). From λ1 ≈ 25
// GD throws itself down to ≈ 17, sharpens back past 18 by step 40 and then
// hovers within a few percent of 20. About 20 seconds on 2 cores; skipped by
// -short.
func TestEdgeOfStabilityOnEmbeddedCNN(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 20-second convnet edge-of-stability run")
	}
	cfg := DefaultConfig()
	cfg.Arch = "cnn-relu"
	cfg.Widths = []int{16, 16}
	cfg.LR = 0.1
	cfg.MaxSteps = 200
	cfg.TestFreq = 0
	cfg.Results = t.TempDir()
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	edgeOfStability(t, res.Dir, cfg.LR, 150, 0.10, 0.15)
}

// TestEdgeOfStabilityOnCIFAR5k is the paper's classic run: cifar10-5k,
// fc-tanh, squared loss, η = 0.04 (2/η = 50), from the PyTorch-default init
// (where λ1 ≈ 80, above the edge: GD first throws itself down to λ1 ≈ 44,
// then sharpens back). The band is −10%/+20%: on real data with the squared
// loss the sharpness settles a little above 2/η (the paper's figures; here
// about +5–15%, with λ2 joining λ1), and the +20% is that known
// overshoot, not slack. About 1.5 minutes on 2 cores; skipped by -short.
func TestEdgeOfStabilityOnCIFAR5k(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 1.5-minute CIFAR-10 edge-of-stability run")
	}
	cifar5k(t)
	cfg := DefaultConfig()
	cfg.DataDir = os.Getenv("EOS_DATA")
	cfg.Dataset = "cifar10-5k"
	cfg.LR = 0.04
	cfg.MaxSteps = 700
	cfg.EigFreq = 25
	cfg.TestFreq = 0
	cfg.Results = t.TempDir()
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	edgeOfStability(t, res.Dir, cfg.LR, 500, 0.10, 0.20)
}
