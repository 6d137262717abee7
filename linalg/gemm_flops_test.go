package linalg

import (
	"testing"

	"github.com/edge-of-stability/eos/asm"
)

// TestGemmFlops checks that every product adds exactly 2·m·n·k to the count,
// once, whether it runs straight, swapped (a tall-thin product the driver
// transposes), threaded, or with pixels as an operand, and that an empty
// product adds nothing. No other test in this package runs in parallel, so
// the count moves only by this test's products.
func TestGemmFlops(t *testing.T) {
	defer func(l string) { _ = asm.Select(l) }(asm.Selected())
	shapes := []struct{ m, n, k int }{{7, 5, 3}, {2, 500, 64}, {500, 2, 64}, {64, 64, 64}, {3, 4, 0}, {0, 9, 9}}
	for _, level := range asm.Levels() {
		if !level.Supported {
			continue
		}
		if err := asm.Select(level.Name); err != nil {
			t.Fatal(err)
		}
		for _, s := range shapes {
			for _, threads := range []int{1, 2} {
				a := make([]float32, max(1, s.m*s.k))
				b := make([]float32, max(1, s.k*s.n))
				c := make([]float32, max(1, s.m*s.n))
				want := 2 * int64(s.m) * int64(s.n) * int64(s.k)
				before := GemmFlops()
				ParallelGemm(threads, NoTrans, NoTrans, s.m, s.n, s.k, 1, a, max(1, s.k), b, max(1, s.n), 0, c, max(1, s.n))
				if got := GemmFlops() - before; got != want {
					t.Errorf("%s, %d×%d×%d, %d threads: counted %d flops, want %d", level.Name, s.m, s.n, s.k, threads, got, want)
				}
				if s.k == 0 || s.m == 0 {
					continue
				}
				u := make([]uint8, s.m*s.k)
				scale, shift := make([]float32, s.k), make([]float32, s.k)
				before = GemmFlops()
				GemmPixelsA(threads, NoTrans, s.m, s.n, s.k, 1, Pixels[float32]{U: u, Ld: s.k, Scale: scale, Shift: shift}, b, max(1, s.n), 0, c, max(1, s.n), nil)
				if got := GemmFlops() - before; got != want {
					t.Errorf("%s, pixels %d×%d×%d, %d threads: counted %d flops, want %d", level.Name, s.m, s.n, s.k, threads, got, want)
				}
			}
		}
	}
}
