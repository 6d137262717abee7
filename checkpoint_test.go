package eos

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/tensorfile"
)

func TestCheckpointRoundTripAndChecksum(t *testing.T) {
	dir := t.TempDir()
	c := checkpoint{step: 41, lambda: 7.25, h: 0.125, solves: 5, elapsed: 3.5, metricsBytes: 1234, eigsBytes: 77, iterateRows: 14,
		theta: []float64{1, -2.5, 0.1}, momentum: []float64{0.5, 0, -1e-3}, eigvecs: [][]float64{{1, 0, 0}, {0, 0.6, 0.8}},
		olderEigvecs: [][]float64{{0.8, 0.6, 0}, {0, 0, -1}},
		eigProjBytes: 321, eigProjBase: []float64{0.5, -2, 0.25}, eigProjStep: 40}
	if err := writeCheckpoint(dir, "F64", c); err != nil {
		t.Fatal(err)
	}
	got, err := readCheckpoint(dir, "F64", 3, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("read back %+v, wrote %+v", got, c)
	}
	c.lambda, c.momentum = math.NaN(), nil // before the first measurement, plain GD
	if err := writeCheckpoint(dir, "F32", c); err != nil {
		t.Fatal(err)
	}
	if got, err = readCheckpoint(dir, "F32", 3, false); err != nil || !math.IsNaN(got.lambda) || got.theta[2] != float64(float32(0.1)) {
		t.Fatalf("float32 checkpoint: %+v, %v", got, err)
	}
	for _, bad := range []struct {
		dtype        string
		n            int
		withMomentum bool
	}{{"F64", 3, false}, {"F32", 4, false}, {"F32", 3, true}} {
		if _, err := readCheckpoint(dir, bad.dtype, bad.n, bad.withMomentum); err == nil {
			t.Errorf("checkpoint of 3 F32 weights read as %+v", bad)
		}
	}
	path := filepath.Join(dir, CheckpointName)
	raw, _ := os.ReadFile(path)
	raw[len(raw)-1] ^= 1 // one bit of the last weight
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readCheckpoint(dir, "F32", 3, false); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("damaged checkpoint: err %v, want a checksum mismatch", err)
	}
	if _, err := readCheckpoint(t.TempDir(), "F32", 3, false); !errors.Is(err, ErrSetting) || !strings.Contains(err.Error(), "no "+CheckpointName) {
		t.Fatalf("missing checkpoint: err %v", err)
	}
}

func TestOverwriteKeepsTheInitFromFile(t *testing.T) {
	cfg := quickConfig(t)
	cfg.NEigs, cfg.MaxSteps, cfg.SaveFreq = 0, 2, 1
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.InitFrom = filepath.Join(res.Dir, "weights_step_0000001.safetensors")
	cfg.Overwrite = true
	if _, err := Run(context.Background(), cfg, nil); !errors.Is(err, ErrSetting) || !strings.Contains(err.Error(), "--init-from") {
		t.Fatalf("--overwrite of the directory holding --init-from: err %v", err)
	}
	if _, err := os.Stat(cfg.InitFrom); err != nil {
		t.Fatalf("the --init-from file is gone: %v", err)
	}
	cfg.Resume = res.Dir
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("--overwrite with --resume: err %v", err)
	}
}

func TestSettingsThatCanOnlyFailLaterLeaveNoDirectory(t *testing.T) {
	cfg := quickConfig(t)
	cfg.Widths = []int{2}
	cfg.NEigs = 1000
	if _, err := Run(context.Background(), cfg, nil); !errors.Is(err, ErrSetting) || !strings.Contains(err.Error(), "--neigs") {
		t.Fatalf("--neigs above the parameter count: err %v", err)
	}
	if entries, _ := os.ReadDir(cfg.Results); len(entries) != 0 {
		t.Fatalf("a refused run left %d entries in the results tree", len(entries))
	}
}

func TestInitFromRejectsNonFiniteWeights(t *testing.T) {
	cfg := quickConfig(t)
	cfg.NEigs, cfg.MaxSteps = 0, 0
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(res.Dir, "weights_final.safetensors")
	ts, meta, err := tensorfile.ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	ts[1].Data[3] = math.Inf(-1)
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := tensorfile.WriteSafetensors(bad, ts, meta); err != nil {
		t.Fatal(err)
	}
	cfg.Results, cfg.InitFrom = t.TempDir(), bad
	if _, err := Run(context.Background(), cfg, nil); !errors.Is(err, ErrSetting) || !strings.Contains(err.Error(), ts[1].Name) {
		t.Fatalf("weights with -Inf in %s: err %v, want a setting error naming the tensor", ts[1].Name, err)
	}
}

func TestEmptyTestSplitNeedsTestFreqZero(t *testing.T) {
	data := t.TempDir()
	folder := filepath.Join(data, "cifar-10-batches-bin")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	records := make([]byte, 1000*3073) // 1,000 records: label byte then 3,072 pixels
	for i := range records {
		records[i] = byte(i*7 + i/3073)
	}
	for i := 0; i < len(records); i += 3073 {
		records[i] %= 10
	}
	if err := os.WriteFile(filepath.Join(folder, "data_batch_1.bin"), records, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "test_batch.bin"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := quickConfig(t)
	cfg.DataDir, cfg.Dataset, cfg.NEigs, cfg.MaxSteps, cfg.Widths = data, "cifar10-1k", 0, 1, []int{4}
	if _, err := Run(context.Background(), cfg, nil); !errors.Is(err, ErrSetting) || !strings.Contains(err.Error(), "--test-freq 0") {
		t.Fatalf("empty test_batch.bin: err %v, want a setting error pointing at --test-freq 0", err)
	}
	if entries, _ := os.ReadDir(cfg.Results); len(entries) != 0 {
		t.Fatal("the refused run created its directory")
	}
	cfg.TestFreq = 0
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatalf("empty test_batch.bin with --test-freq 0: %v", err)
	}
}
