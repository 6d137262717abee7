package linalg

import (
	"math/rand/v2"
	"testing"

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
