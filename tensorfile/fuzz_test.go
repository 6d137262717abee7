package tensorfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/edge-of-stability/eos/internal/fuzzseed"
)

// product is the number of elements of shape (1 for a scalar).
func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// written returns the bytes write puts into a file.
func written(f *testing.F, write func(path string) error) []byte {
	path := filepath.Join(f.TempDir(), "seed")
	if err := write(path); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzSafetensors feeds arbitrary bytes to the safetensors reader (header
// length, JSON header, dtypes, shapes and offsets): it may reject them but
// never panic, and every tensor it accepts holds as many values as its shape.
func FuzzSafetensors(f *testing.F) {
	good := written(f, func(p string) error {
		return WriteSafetensors(p, []Tensor{
			{Name: "1.weight", DType: "F32", Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}},
			{Name: "1.bias", DType: "F64", Shape: []int{2}, Data: []float64{-1, 0.5}},
			{Name: "scalar", DType: "F64", Shape: []int{}, Data: []float64{7}},
		}, map[string]string{"step": "3"})
	})
	fuzzseed.Add(f, good, good[:len(good)-4], []byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"),
		[]byte("\x30\x00\x00\x00\x00\x00\x00\x00{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}  \x00\x00\x80\x3f"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tensors, _, err := parseSafetensors(raw)
		if err != nil {
			return
		}
		for _, ts := range tensors {
			if len(ts.Data) != product(ts.Shape) {
				t.Fatalf("tensor %q of shape %v holds %d values", ts.Name, ts.Shape, len(ts.Data))
			}
		}
	})
}

// FuzzNPY feeds arbitrary bytes to the .npy reader (magic, version, header
// dict, dtype, shape, Fortran order): it may reject them but never panic, and
// the data it accepts has as many values as the shape.
func FuzzNPY(f *testing.F) {
	good := written(f, func(p string) error { return WriteNPY(p, "<f8", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6}) })
	f32 := written(f, func(p string) error { return WriteNPY(p, "<f4", []int{3}, []float64{1, 2, 3}) })
	fortran := []byte("\x93NUMPY\x01\x00\x36\x00{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }\n" +
		"\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40")
	fuzzseed.Add(f, good, f32, fortran, good[:20])
	f.Fuzz(func(t *testing.T, raw []byte) {
		shape, data, err := parseNPY(raw)
		if err != nil {
			return
		}
		if len(data) != product(shape) {
			t.Fatalf("shape %v with %d values", shape, len(data))
		}
	})
}
