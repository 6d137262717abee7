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

// TestPeakGFLOPS checks that every level with a peak loop reports a positive
// rate for one and two threads, and the generic level none.
func TestPeakGFLOPS(t *testing.T) {
	defer func(l string) { _ = Select(l) }(Selected())
	for _, l := range Levels() {
		if !l.Supported {
			continue
		}
		if err := Select(l.Name); err != nil {
			t.Fatal(err)
		}
		_, hasLoop := peakFlops[l.Name]
		for _, threads := range []int{1, 2} {
			g := PeakGFLOPS(threads, 20*time.Millisecond)
			if hasLoop && !(g > 0 && g < 1e5) {
				t.Errorf("%s, %d threads: peak %v GFLOP/s, want a positive rate", l.Name, threads, g)
			}
			if !hasLoop && g != 0 {
				t.Errorf("%s has no peak loop but reports %v GFLOP/s", l.Name, g)
			}
		}
	}
	if g := PeakGFLOPS(0, time.Millisecond); g != 0 {
		t.Errorf("0 threads: %v GFLOP/s, want 0", g)
	}
}
