package eos

import (
	"fmt"
	"math"
	"slices"

	"github.com/edge-of-stability/eos/linalg"
	"github.com/edge-of-stability/eos/net"
	"github.com/edge-of-stability/eos/tensorfile"
)

// dtypeName is the safetensors dtype of T.
func dtypeName[T linalg.Float]() string {
	var z T
	if _, ok := any(z).(float32); ok {
		return "F32"
	}
	return "F64"
}

// saveWeights writes the model's parameters theta to path in safetensors
// with PyTorch state_dict names, so PyTorch can load them.
func saveWeights[T linalg.Float](path string, m *net.Model[T], theta []T, meta map[string]string) error {
	var ts []tensorfile.Tensor
	for _, t := range m.Tensors() {
		d := toFloat64(theta[t.Offset : t.Offset+t.Len])
		ts = append(ts, tensorfile.Tensor{Name: t.Name, DType: dtypeName[T](), Shape: t.Shape, Data: d})
	}
	for _, b := range m.Buffers() {
		n := 1
		for _, d := range b.Shape {
			n *= d
		}
		d := make([]float64, n)
		for i := range d {
			d[i] = b.Value
		}
		dtype := dtypeName[T]()
		if b.Int {
			dtype = "I64"
		}
		ts = append(ts, tensorfile.Tensor{Name: b.Name, DType: dtype, Shape: b.Shape, Data: d})
	}
	if err := tensorfile.WriteSafetensors(path, ts, meta); err != nil {
		return fmt.Errorf("saving weights: %w", err)
	}
	return nil
}

// loadWeights fills theta from a safetensors file whose names, shapes and
// dtypes must match the model exactly (F32 or F64, cast to T), and whose
// values must all be finite. BatchNorm buffers (running statistics) may be
// present and are ignored.
func loadWeights[T linalg.Float](path string, m *net.Model[T], theta []T) error {
	ts, _, err := tensorfile.ReadSafetensors(path)
	if err != nil {
		return fmt.Errorf("--init-from: %w", err)
	}
	byName := make(map[string]tensorfile.Tensor, len(ts))
	for _, t := range ts {
		byName[t.Name] = t
	}
	want := m.Tensors()
	for _, w := range want {
		t, ok := byName[w.Name]
		if !ok {
			return fmt.Errorf("--init-from %s: tensor %q is missing (the %s net needs %s)", path, w.Name, m.Arch.Name, tensorNames(want))
		}
		if !slices.Equal(t.Shape, w.Shape) {
			return fmt.Errorf("--init-from %s: tensor %q has shape %v, the %s net needs %v", path, w.Name, t.Shape, m.Arch.Name, w.Shape)
		}
		for i, v := range t.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("--init-from %s: tensor %q holds %v at index %d", path, w.Name, v, i)
			}
		}
		fromFloat64(theta[w.Offset:w.Offset+w.Len], t.Data)
		delete(byName, w.Name)
	}
	for _, b := range m.Buffers() {
		delete(byName, b.Name)
	}
	for name := range byName {
		return fmt.Errorf("--init-from %s: unexpected tensor %q (the %s net has %s)", path, name, m.Arch.Name, tensorNames(want))
	}
	return nil
}

func tensorNames(ts []net.Tensor) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return names
}
