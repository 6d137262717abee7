// Package tensorfile reads and writes arrays of floats in the two interchange
// formats the rest of the ecosystem understands: safetensors (named tensors
// with string metadata, as used for model weights) and NumPy's .npy (single
// arrays, including a growing row-appended form for long runs).
package tensorfile

import (
	"fmt"
	"math"
)

// Tensor is a named n-dimensional array. Data is row-major and always held as
// float64 in memory (F32 values are exact in float64); DType is "F32", "F64"
// or "I64" (integers, such as BatchNorm's num_batches_tracked; exact up to
// 2⁵³), the dtype it was read as or is to be written as.
type Tensor struct {
	Name  string
	DType string
	Shape []int
	Data  []float64
}

// dtypeSize returns the byte size of one element of a safetensors dtype.
func dtypeSize(dtype string) (int, error) {
	switch dtype {
	case "F32":
		return 4, nil
	case "F64", "I64":
		return 8, nil
	}
	return 0, fmt.Errorf("unsupported dtype %q (want F32, F64 or I64)", dtype)
}

// numElements returns the product of shape's dimensions, rejecting negative
// dimensions and products that overflow int or exceed limit.
func numElements(shape []int, limit int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > limit/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, limit)
		}
		n *= d
	}
	return n, nil
}

// maxElements bounds the element count of any one array; it keeps byte sizes
// (elements × 8) inside int64.
const maxElements = math.MaxInt64 / 16
