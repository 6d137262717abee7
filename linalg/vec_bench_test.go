package linalg

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edge-of-stability/eos/asm"

	"github.com/viterin/vek/vek32"
)

// BenchmarkVec compares the vector ops with vek32's on a parameter-sized
// vector (the MLP's 656,810 weights).
func BenchmarkVec(b *testing.B) {
	const n = 656810
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := randVec[float32](rng, n), randVec[float32](rng, n)
	b.Run("Dot/eos", func(b *testing.B) {
		for b.Loop() {
			Dot(x, y)
		}
	})
	b.Run("Dot/vek32", func(b *testing.B) {
		for b.Loop() {
			vek32.Dot(x, y)
		}
	})
	b.Run("Axpy/eos", func(b *testing.B) {
		for b.Loop() {
			Axpy(1e-3, x, y)
		}
	})
	b.Run("Axpy/vek32", func(b *testing.B) {
		tmp := make([]float32, n)
		for b.Loop() {
			vek32.MulNumber_Into(tmp, x, 1e-3) // vek32 has no axpy: scale, then add
			vek32.Add_Inplace(y, tmp)
		}
	})
	b.Run("Scale/eos", func(b *testing.B) {
		for b.Loop() {
			Scale(1, x)
		}
	})
	b.Run("Scale/vek32", func(b *testing.B) {
		for b.Loop() {
			vek32.MulNumber_Inplace(x, 1)
		}
	})
}

// BenchmarkStandardizeRows measures each level's Standardize kernel, in GB/s
// of pixels, on the shapes of GEMM packing from a 3072-pixel image matrix: a
// 32-wide B panel of 256 rows (avx512's float32 NR), and 8 whole rows. The
// rowcalls variant converts the panel with one call per row, as before the
// kernels took rows.
func BenchmarkStandardizeRows(b *testing.B) {
	b.Run("f32", func(b *testing.B) { benchStandardizeRows(b, asm.Standardize32Kernels()) })
	b.Run("f64", func(b *testing.B) { benchStandardizeRows(b, asm.Standardize64Kernels()) })
}

func benchStandardizeRows[E asm.Elem](b *testing.B, kernels map[string]asm.Standardize[E]) {
	const ld = 3072
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]uint8, 256*ld)
	for i := range src {
		src[i] = uint8(rng.IntN(256))
	}
	scale, shift := randVec[E](rng, ld), randVec[E](rng, ld)
	for _, level := range slices.Sorted(maps.Keys(kernels)) {
		kern := kernels[level]
		for _, shape := range []struct {
			width, rows int
			rowCalls    bool
		}{{32, 256, false}, {32, 256, true}, {3072, 8, false}} {
			name := fmt.Sprintf("%s/%dx%d", level, shape.width, shape.rows)
			if shape.rowCalls {
				name += "/rowcalls"
			}
			w, rows := shape.width, shape.rows
			dst := make([]E, w*rows)
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(w * rows))
				for b.Loop() {
					if !shape.rowCalls {
						kern(dst, w, src, ld, rows, scale[:w], shift)
						continue
					}
					for l := range rows {
						kern(dst[l*w:], w, src[l*ld:], ld, 1, scale[:w], shift)
					}
				}
			})
		}
	}
}
