package asm

import (
	"testing"
	"time"
)

// BenchmarkPeakFMA reports each supported level's register-only float32 FMA
// rate, the core's peak against which GEMM throughput is judged.
func BenchmarkPeakFMA(b *testing.B) {
	for _, l := range Levels() {
		p, ok := peakFlops[l.Name]
		if !ok || !l.Supported {
			continue
		}
		b.Run(l.Name, func(b *testing.B) {
			const rounds = 1 << 16
			start := time.Now()
			for b.Loop() {
				p.run(rounds)
			}
			b.ReportMetric(float64(b.N)*rounds*float64(p.flops)/time.Since(start).Seconds()/1e9, "GFLOP/s")
		})
	}
}
