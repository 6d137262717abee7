package eos

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/edge-of-stability/eos/linalg"
	"github.com/edge-of-stability/eos/tensorfile"
)

// CheckpointName is the checkpoint file in a run directory.
const CheckpointName = "checkpoint.safetensors"

// checkpointFormat names the layout of a checkpoint's tensors and metadata.
const checkpointFormat = "eos-checkpoint-1"

// checkpoint is the state of a run at the top of its loop, before step (or
// tick) Step is measured: everything a resumed run needs to write the same
// files as an uninterrupted one.
type checkpoint struct {
	// step is the number of updates made (GD) or ticks recorded (flow).
	step int
	// lambda is the latest sharpness (NaN before the first); h the flow's RK4 step size.
	lambda, h float64
	// solves is the number of eigen-solves made (every coldEvery-th starts cold).
	solves int
	// elapsed is the run's wall time so far, in seconds.
	elapsed float64
	// metricsBytes and eigsBytes are the lengths of metrics.csv and eigs.csv, iterateRows the rows of iterates.npy.
	metricsBytes, eigsBytes int64
	iterateRows             int
	// theta are the weights, momentum the optimiser's buffer (nil for GD and flow); eigvecs and
	// olderEigvecs the eigen-solver's warm start (the latest two solves' eigenvectors, each nil
	// until that solve is made).
	theta, momentum       []float64
	eigvecs, olderEigvecs [][]float64
	// eigProjBytes is the length of eigproj.csv; eigProjBase the weights its rows are measured from
	// (nil before the first measurement or without --eig-proj), at step eigProjStep.
	eigProjBytes int64
	eigProjBase  []float64
	eigProjStep  int
}

// eigvecTensors names the checkpoint's eigenvector tensors, each [K, n] in
// float64.
var eigvecTensors = []struct {
	name string
	of   func(*checkpoint) *[][]float64
}{
	{"eigvecs", func(c *checkpoint) *[][]float64 { return &c.eigvecs }},
	{"eigvecs_older", func(c *checkpoint) *[][]float64 { return &c.olderEigvecs }},
}

// writeCheckpoint writes c to dir/checkpoint.safetensors atomically, the
// weights and momentum in dtype (F32 or F64, rounding c's slices in place),
// with a SHA-256 of its contents in the metadata.
func writeCheckpoint(dir, dtype string, c checkpoint) error {
	ts := []tensorfile.Tensor{{Name: "theta", DType: dtype, Shape: []int{len(c.theta)}, Data: c.theta}}
	if c.momentum != nil {
		ts = append(ts, tensorfile.Tensor{Name: "momentum", DType: dtype, Shape: []int{len(c.momentum)}, Data: c.momentum})
	}
	if c.eigProjBase != nil {
		ts = append(ts, tensorfile.Tensor{Name: "eigproj_base", DType: dtype, Shape: []int{len(c.eigProjBase)}, Data: c.eigProjBase})
	}
	for _, e := range eigvecTensors {
		if vs := *e.of(&c); len(vs) > 0 {
			ts = append(ts, tensorfile.Tensor{Name: e.name, DType: "F64", Shape: []int{len(vs), len(vs[0])}, Data: slices.Concat(vs...)})
		}
	}
	meta := map[string]string{
		"format":        checkpointFormat,
		"step":          strconv.Itoa(c.step),
		"lambda":        num(c.lambda),
		"h":             num(c.h),
		"solves":        strconv.Itoa(c.solves),
		"elapsed_s":     num(c.elapsed),
		"metrics_bytes": strconv.FormatInt(c.metricsBytes, 10),
		"eigs_bytes":    strconv.FormatInt(c.eigsBytes, 10),
		"iterate_rows":  strconv.Itoa(c.iterateRows),
		"eigproj_bytes": strconv.FormatInt(c.eigProjBytes, 10),
		"eigproj_step":  strconv.Itoa(c.eigProjStep),
		"program":       "eos " + ProgramVersion(),
	}
	for _, t := range ts {
		if t.DType == "F32" { // the checksum covers the values as stored
			for i, v := range t.Data {
				t.Data[i] = float64(float32(v))
			}
		}
	}
	meta["checksum"] = checkpointChecksum(ts, meta)
	if err := tensorfile.WriteSafetensors(filepath.Join(dir, CheckpointName), ts, meta); err != nil {
		return fmt.Errorf("writing checkpoint: %w", err)
	}
	return nil
}

// readCheckpoint reads dir/checkpoint.safetensors, checking its checksum,
// that its weights are n values of dtype, and that it holds a momentum
// buffer exactly when withMomentum.
func readCheckpoint(dir, dtype string, n int, withMomentum bool) (checkpoint, error) {
	path := filepath.Join(dir, CheckpointName)
	ts, meta, err := tensorfile.ReadSafetensors(path)
	if errors.Is(err, os.ErrNotExist) {
		return checkpoint{}, settingError{fmt.Errorf("--resume %s: no %s there (a run writes one when interrupted, or with --checkpoint-every / --checkpoint-minutes)", dir, CheckpointName)}
	}
	if err != nil {
		return checkpoint{}, fmt.Errorf("reading checkpoint: %w", err)
	}
	bad := func(format string, a ...any) (checkpoint, error) {
		return checkpoint{}, fmt.Errorf("checkpoint %s: %s", path, fmt.Sprintf(format, a...))
	}
	if meta["format"] != checkpointFormat {
		return bad("format %q, want %q", meta["format"], checkpointFormat)
	}
	if sum := checkpointChecksum(ts, meta); sum != meta["checksum"] {
		return bad("checksum mismatch (the file is damaged)")
	}
	var c checkpoint
	for _, t := range ts {
		switch t.Name {
		case "theta":
			c.theta = t.Data
		case "momentum":
			c.momentum = t.Data
		case "eigproj_base":
			c.eigProjBase = t.Data
		}
		isEigvecs := false
		for _, e := range eigvecTensors {
			if t.Name != e.name {
				continue
			}
			isEigvecs = true
			if len(t.Shape) != 2 || t.Shape[1] != n {
				return bad("%s has shape %v, want [K, %d]", t.Name, t.Shape, n)
			}
			vs := e.of(&c)
			for i := range t.Shape[0] {
				*vs = append(*vs, t.Data[i*n:(i+1)*n])
			}
		}
		if !isEigvecs && t.DType != dtype {
			return bad("tensor %s is %s, the run is %s", t.Name, t.DType, dtype)
		}
	}
	switch {
	case len(c.theta) != n:
		return bad("%d weights, the network has %d", len(c.theta), n)
	case withMomentum != (c.momentum != nil) || c.momentum != nil && len(c.momentum) != n:
		return bad("momentum buffer of %d values does not fit the optimiser", len(c.momentum))
	case c.eigProjBase != nil && len(c.eigProjBase) != n:
		return bad("eigproj_base of %d values, the network has %d parameters", len(c.eigProjBase), n)
	case len(c.olderEigvecs) > 0 && len(c.olderEigvecs) != len(c.eigvecs):
		return bad("%d older eigenvectors beside %d latest", len(c.olderEigvecs), len(c.eigvecs))
	}
	ints := map[string]*int{"step": &c.step, "solves": &c.solves, "iterate_rows": &c.iterateRows, "eigproj_step": &c.eigProjStep}
	for k, p := range ints {
		if _, ok := meta[k]; !ok && sinceEigProj[k] {
			continue
		}
		if *p, err = strconv.Atoi(meta[k]); err != nil || *p < 0 {
			return bad("metadata %s = %q", k, meta[k])
		}
	}
	sizes := map[string]*int64{"metrics_bytes": &c.metricsBytes, "eigs_bytes": &c.eigsBytes, "eigproj_bytes": &c.eigProjBytes}
	for k, p := range sizes {
		if _, ok := meta[k]; !ok && sinceEigProj[k] {
			continue
		}
		if *p, err = strconv.ParseInt(meta[k], 10, 64); err != nil || *p < 0 {
			return bad("metadata %s = %q", k, meta[k])
		}
	}
	floats := map[string]*float64{"lambda": &c.lambda, "h": &c.h, "elapsed_s": &c.elapsed}
	for k, p := range floats {
		if *p, err = strconv.ParseFloat(meta[k], 64); err != nil {
			return bad("metadata %s = %q", k, meta[k])
		}
	}
	return c, nil
}

// sinceEigProj are the metadata entries added with --eig-proj, absent from
// the checkpoints of earlier versions.
var sinceEigProj = map[string]bool{"eigproj_bytes": true, "eigproj_step": true}

// checkpointChecksum is the SHA-256 of the tensors' names, dtypes, shapes
// and values and of every metadata entry but the checksum itself.
func checkpointChecksum(ts []tensorfile.Tensor, meta map[string]string) string {
	h := sha256.New()
	for _, t := range ts {
		fmt.Fprintf(h, "%s %s %v\n", t.Name, t.DType, t.Shape)
		buf := make([]byte, 0, 8*len(t.Data))
		for _, v := range t.Data {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
		h.Write(buf)
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		if k != "checksum" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\n", k, meta[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// toFloat64 copies xs into a new float64 slice (nil stays nil).
func toFloat64[T linalg.Float](xs []T) []float64 {
	if xs == nil {
		return nil
	}
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// fromFloat64 copies src into dst, converting to T.
func fromFloat64[T linalg.Float](dst []T, src []float64) {
	for i, x := range src {
		dst[i] = T(x)
	}
}
