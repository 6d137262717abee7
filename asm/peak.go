package asm

import (
	"runtime"
	"sync"
	"time"
)

// PeakGFLOPS measures the float32 FMA peak of the selected level: its
// register-only loop (24 independent FMAs a round, no memory traffic) runs on
// threads goroutines at once for about d, and the rate is summed over them,
// in GFLOP/s. It is 0 for a level without such a loop (generic).
func PeakGFLOPS(threads int, d time.Duration) float64 {
	p, ok := peakFlops[Selected()]
	if !ok || threads < 1 {
		return 0
	}
	const rounds = 1 << 14
	var wg sync.WaitGroup
	counts := make([]int64, threads)
	start := time.Now()
	for t := range counts {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for time.Since(start) < d {
				p.run(rounds)
				counts[t]++
			}
		})
	}
	wg.Wait()
	took := time.Since(start).Seconds()
	var total int64
	for _, c := range counts {
		total += c
	}
	return float64(total) * rounds * float64(p.flops) / took / 1e9
}
