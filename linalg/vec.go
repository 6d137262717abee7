package linalg

import (
	"fmt"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// StandardizeU8 writes dst[i] = T(src[i])*scale[i] + shift[i] for i < len(dst):
// a row of uint8 pixels into standardised floats, with a scale and shift per
// feature. It panics if src, scale or shift is shorter than dst.
func StandardizeU8[T Float](dst []T, src []uint8, scale, shift []T) {
	if len(src) < len(dst) || len(scale) < len(dst) || len(shift) < len(dst) {
		panic(fmt.Sprintf("linalg: StandardizeU8 of %d values from %d pixels, %d scales, %d shifts",
			len(dst), len(src), len(scale), len(shift)))
	}
	if len(dst) == 0 {
		return
	}
	n := len(dst)
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		asm.Standardize32()(as[float32](dst), n, src, n, 1, as[float32](scale[:n]), as[float32](shift))
		return
	}
	asm.Standardize64()(as[float64](dst), n, src, n, 1, as[float64](scale[:n]), as[float64](shift))
}

// Axpy computes y += alpha*x. It panics if len(x) != len(y).
func Axpy[T Float](alpha T, x, y []T) {
	checkSameLen("Axpy", len(x), len(y))
	if unsafe.Sizeof(alpha) == 4 {
		asm.Vec32().Axpy(float32(alpha), as[float32](x), as[float32](y))
		return
	}
	asm.Vec64().Axpy(float64(alpha), as[float64](x), as[float64](y))
}

// Dot returns Σ x[i]*y[i], accumulated in float64. It panics if
// len(x) != len(y).
func Dot[T Float](x, y []T) T {
	checkSameLen("Dot", len(x), len(y))
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		return T(asm.Vec32().Dot(as[float32](x), as[float32](y)))
	}
	return T(asm.Vec64().Dot(as[float64](x), as[float64](y)))
}

// Scale computes x *= alpha.
func Scale[T Float](alpha T, x []T) {
	if unsafe.Sizeof(alpha) == 4 {
		asm.Vec32().Scale(float32(alpha), as[float32](x))
		return
	}
	asm.Vec64().Scale(float64(alpha), as[float64](x))
}

func checkSameLen(op string, nx, ny int) {
	if nx != ny {
		panic(fmt.Sprintf("linalg: %s of vectors of lengths %d and %d", op, nx, ny))
	}
}
