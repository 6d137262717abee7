package eos

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/edge-of-stability/eos/internal/fuzzseed"
)

// FuzzCheckpoint feeds arbitrary bytes as checkpoint.safetensors to the
// checkpoint reader: it may reject them but never panic, and what it accepts
// fits the network it was asked for.
func FuzzCheckpoint(f *testing.F) {
	dir := f.TempDir()
	c := checkpoint{step: 4, lambda: 2.5, h: 0.1, solves: 1, metricsBytes: 100, eigsBytes: 50, iterateRows: 2,
		theta: []float64{1, 2, 3}, eigvecs: [][]float64{{1, 0, 0}}}
	if err := writeCheckpoint(dir, "F32", c); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, CheckpointName))
	if err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f, good, good[:len(good)-1], []byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, CheckpointName), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := readCheckpoint(dir, "F32", 3, false)
		if err != nil {
			return
		}
		if len(c.theta) != 3 || c.momentum != nil || len(c.eigvecs) > 0 && len(c.eigvecs[0]) != 3 || c.step < 0 {
			t.Fatalf("accepted a checkpoint that does not fit: %+v", c)
		}
	})
}
