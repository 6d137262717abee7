package linalg

import (
	"testing"

	"github.com/edge-of-stability/eos/asm"
)

// TestGemmAllocs checks that steady-state GEMM calls, on one thread and on a
// team, allocate nothing (their buffers and teams come from pools).
func TestGemmAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under -race")
	}
	const m, n, k = 64, 96, 300
	a32, b32, c32 := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	a64, b64, c64 := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
	// The first layer's forward shape, which the AVX-512 kernel computes
	// transposed (see swapPays), with a write-back split over the threads.
	// Checked only where the kernel in use takes that path: with a slow
	// kernel the shares end far apart, the idle helper goroutine retires
	// (after 200 µs) and the next call starts a new one.
	const sm, sn, sk = 256, 200, 1000
	sa, sb, sc := make([]float32, sm*sk), make([]float32, sn*sk), make([]float32, sm*sn)
	kern := asm.Sgemm()
	swapped := swapPays(&kern, &gemmArgs[float32]{m: sm, n: sn, k: sk})
	for _, threads := range []int{1, 2} {
		if got := testing.AllocsPerRun(50, func() {
			ParallelGemm(threads, NoTrans, Trans, m, n, k, 1, a32, k, b32, k, 0, c32, n)
		}); got > 0 {
			t.Errorf("float32 ParallelGemm with %d threads: %v allocations per call, want 0", threads, got)
		}
		if got := testing.AllocsPerRun(10, func() {
			ParallelGemm(threads, NoTrans, Trans, sm, sn, sk, 1, sa, sk, sb, sk, 0, sc, sn)
		}); swapped && got > 0 {
			t.Errorf("float32 %d×%d×%d ParallelGemm with %d threads: %v allocations per call, want 0", sm, sk, sn, threads, got)
		}
		if got := testing.AllocsPerRun(50, func() {
			ParallelGemm(threads, Trans, NoTrans, m, n, k, 1, a64, m, b64, n, 0.5, c64, n)
		}); got > 0 {
			t.Errorf("float64 ParallelGemm with %d threads: %v allocations per call, want 0", threads, got)
		}
	}
}
