package net

import (
	"fmt"
	"testing"

	"github.com/edge-of-stability/eos/data"
)

// cifarShaped is a 5,000×3072 uint8 set of random bytes with 10 classes.
func cifarShaped() *data.Set { return pixelSet(99, 5000, 3072, 10, 10) }

// benchChunks are the chunk sizes benchmarked: five chunks, and one.
var benchChunks = []int{1000, 5000}

// benchObjective is arch (fc-tanh [200, 200] or cnn-relu [32, 32]) with mse
// on a CIFAR-shaped set, in chunks of chunk examples on 2 threads.
func benchObjective[T float32 | float64](b *testing.B, arch string, chunk int) (*Model[T], *Objective[T]) {
	set := cifarShaped()
	set.C, set.H, set.W = 3, 32, 32
	a, err := ParseArch(arch, nil, InputShape(set), 10, InitStandard)
	if err != nil {
		b.Fatal(err)
	}
	m := NewModel[T](a)
	m.Initialize(1)
	return m, mustObjective(b, m, set, "mse", chunk, 2)
}

func benchGrad[T float32 | float64](b *testing.B, arch string, chunk int) {
	m, o := benchObjective[T](b, arch, chunk)
	grad := make([]T, m.NumParams())
	b.ReportAllocs()
	for b.Loop() {
		o.Grad(m.Params, grad)
	}
}

func benchHVP[T float32 | float64](b *testing.B, arch string, chunk int, budget int64) {
	m, o := benchObjective[T](b, arch, chunk)
	o.SetCacheBudget(budget)
	o.Linearize(m.Params)
	v, hv := make([]T, m.NumParams()), make([]T, m.NumParams())
	for i, x := range randomVector(2, len(v)) {
		v[i] = T(x)
	}
	b.ReportAllocs()
	for b.Loop() {
		o.HVP(v, hv)
	}
}

// BenchmarkGrad is one full-batch gradient of fc-tanh on 5,000 CIFAR-shaped examples.
func BenchmarkGrad(b *testing.B) {
	for _, chunk := range benchChunks {
		b.Run(fmt.Sprintf("float32/chunk%d", chunk), func(b *testing.B) { benchGrad[float32](b, "fc-tanh", chunk) })
		b.Run(fmt.Sprintf("float64/chunk%d", chunk), func(b *testing.B) { benchGrad[float64](b, "fc-tanh", chunk) })
	}
}

// BenchmarkCNNGrad is one full-batch gradient of cnn-relu on 5,000 CIFAR-shaped examples.
func BenchmarkCNNGrad(b *testing.B) { benchGrad[float32](b, "cnn-relu", 250) }

// BenchmarkCNNHVP is one Hessian-vector product of the same objective, with
// its linearisation cached (3.9 GB) and recomputed per chunk.
func BenchmarkCNNHVP(b *testing.B) {
	b.Run("cached", func(b *testing.B) { benchHVP[float32](b, "cnn-relu", 250, 1<<40) })
	b.Run("recomputed", func(b *testing.B) { benchHVP[float32](b, "cnn-relu", 250, 0) })
}

// BenchmarkHVP is one Hessian-vector product of the same objective.
func BenchmarkHVP(b *testing.B) {
	for _, chunk := range benchChunks {
		b.Run(fmt.Sprintf("float32/chunk%d", chunk), func(b *testing.B) { benchHVP[float32](b, "fc-tanh", chunk, DefaultCacheBudget) })
		b.Run(fmt.Sprintf("float64/chunk%d", chunk), func(b *testing.B) { benchHVP[float64](b, "fc-tanh", chunk, DefaultCacheBudget) })
	}
}
