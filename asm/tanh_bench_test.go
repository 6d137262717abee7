package asm

import (
	"math"
	"testing"
)

// BenchmarkTanh32 times every supported level's tanh kernel on one layer's
// pre-activations for the cifar10-5k workload (5000 examples × 200 units),
// writing σ' only (as a gradient pass does) and σ' and σ″ (as a
// Hessian-vector product does), in ns per element.
func BenchmarkTanh32(b *testing.B) {
	const n = 5000 * 200
	z := make([]float32, n)
	d1, d2 := make([]float32, n), make([]float32, n)
	kernels := Tanh32Kernels()
	for _, l := range Levels() {
		level, kern := l.Name, kernels[l.Name]
		if kern == nil {
			continue
		}
		for _, withD2 := range []bool{false, true} {
			name := level
			var out2 []float32
			if withD2 {
				name, out2 = level+"+d2", d2
			}
			b.Run(name, func(b *testing.B) {
				for i := range z {
					z[i] = float32(math.Sin(float64(i))) * 3
				}
				b.SetBytes(4 * n)
				for b.Loop() {
					kern(z, d1, out2) // z converges towards 0 only very slowly
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/element")
			})
		}
	}
}
