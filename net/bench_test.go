package net

import (
	"fmt"
	"testing"
	"time"

	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/linalg"
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

// BenchmarkConvGEMM times, in GFLOP/s on one thread, the three products of
// cnn-relu's second convolution (32→32 channels, 3×3, 16×16 images) on one
// group of examples: the forward product, the weight gradient and the patch
// gradient (compare with asm's BenchmarkPeakFMA in the same run).
func BenchmarkConvGEMM(b *testing.B) {
	off := 0
	l := newConv2d[float32](Shape{C: 32, H: 16, W: 16}, 32, 3, 1, 1, true, "", false, &off)
	n := l.group * l.pixels()
	k, m := l.fanIn, l.outs
	w, col, z := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range col {
		col[i] = float32(i%7) - 3
	}
	e := &env[float32]{threads: 1}
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"forward", func() {
			e.gemm(linalg.NoTrans, linalg.NoTrans, m, n, k, 1, w, k, col, n, 0, z, n, nil)
		}},
		{"weight-grad", func() {
			e.gemm(linalg.NoTrans, linalg.Trans, m, k, n, 1, z, n, col, n, 1, w, k, nil)
		}},
		{"patch-grad", func() {
			e.gemm(linalg.Trans, linalg.NoTrans, k, n, m, 1, w, k, z, n, 0, col, n, nil)
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.run()
			start := time.Now()
			for b.Loop() {
				c.run()
			}
			b.ReportMetric(float64(b.N)*2*float64(m*n*k)/time.Since(start).Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkDeepNets is one full-batch gradient and one HVP (recomputing the
// linearisation) of resnet32 and vgg11-bn on 500 CIFAR-shaped examples in
// ghost batches of 250 on 2 threads: `eos bench --arch` times them at scale.
func BenchmarkDeepNets(b *testing.B) {
	for _, arch := range []string{"resnet32", "vgg11-bn"} {
		b.Run(arch+"/grad", func(b *testing.B) { benchDeep(b, arch, false) })
		b.Run(arch+"/hvp", func(b *testing.B) { benchDeep(b, arch, true) })
	}
}

func benchDeep(b *testing.B, arch string, hvp bool) {
	set := pixelSet(99, 500, 3072, 10, 10)
	set.C, set.H, set.W = 3, 32, 32
	a, err := ParseArch(arch, nil, InputShape(set), 10, InitStandard)
	if err != nil {
		b.Fatal(err)
	}
	m := NewModel[float32](a)
	m.Initialize(1)
	o := mustObjective(b, m, set, "mse", 250, 2)
	o.SetCacheBudget(0)
	v, out := make([]float32, m.NumParams()), make([]float32, m.NumParams())
	for i, x := range randomVector(2, len(v)) {
		v[i] = float32(x)
	}
	o.Linearize(m.Params)
	b.ReportAllocs()
	for b.Loop() {
		if hvp {
			o.HVP(v, out)
		} else {
			o.Grad(m.Params, out)
		}
	}
}
