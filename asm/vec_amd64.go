//go:build !purego

package asm

var (
	_ = vec32.register("avx2", VecOps[float32]{
		Axpy:  simdAxpy(8, axpyAVX2F32),
		Dot:   simdDot(16, dotAVX2F32),
		Scale: simdScale(8, scaleAVX2F32),
	})
	_ = vec64.register("avx2", VecOps[float64]{
		Axpy:  simdAxpy(4, axpyAVX2F64),
		Dot:   simdDot(16, dotAVX2F64),
		Scale: simdScale(4, scaleAVX2F64),
	})
)

// dotAVX2F32 returns Σ x[i]*y[i] in float64, n a multiple of 16 (see VecOps.Dot).
//
//go:noescape
func dotAVX2F32(x, y *float32, n int) float64

// dotAVX2F64 returns Σ x[i]*y[i], n a multiple of 16 (see VecOps.Dot).
//
//go:noescape
func dotAVX2F64(x, y *float64, n int) float64

// axpyAVX2F32 computes y += alpha*x, n a multiple of 8 (see VecOps.Axpy).
//
//go:noescape
func axpyAVX2F32(alpha float32, x, y *float32, n int)

// axpyAVX2F64 computes y += alpha*x, n a multiple of 4 (see VecOps.Axpy).
//
//go:noescape
func axpyAVX2F64(alpha float64, x, y *float64, n int)

// scaleAVX2F32 computes x *= alpha, n a multiple of 8 (see VecOps.Scale).
//
//go:noescape
func scaleAVX2F32(alpha float32, x *float32, n int)

// scaleAVX2F64 computes x *= alpha, n a multiple of 4 (see VecOps.Scale).
//
//go:noescape
func scaleAVX2F64(alpha float64, x *float64, n int)

// simdAxpy wraps a kernel for multiples of width elements into an Axpy that
// finishes the rest in Go.
func simdAxpy[E Elem](width int, kern func(alpha E, x, y *E, n int)) func(alpha E, x, y []E) {
	return func(alpha E, x, y []E) {
		y = y[:len(x)]
		body := len(x) - len(x)%width
		if body > 0 {
			kern(alpha, &x[0], &y[0], body)
		}
		axpyGo(alpha, x[body:], y[body:])
	}
}

// simdDot wraps a kernel for multiples of width elements into a Dot that
// finishes the rest in Go.
func simdDot[E Elem](width int, kern func(x, y *E, n int) float64) func(x, y []E) float64 {
	return func(x, y []E) float64 {
		y = y[:len(x)]
		body := len(x) - len(x)%width
		s := 0.0
		if body > 0 {
			s = kern(&x[0], &y[0], body)
		}
		return s + dotGo(x[body:], y[body:])
	}
}

// simdScale wraps a kernel for multiples of width elements into a Scale that
// finishes the rest in Go.
func simdScale[E Elem](width int, kern func(alpha E, x *E, n int)) func(alpha E, x []E) {
	return func(alpha E, x []E) {
		body := len(x) - len(x)%width
		if body > 0 {
			kern(alpha, &x[0], body)
		}
		scaleGo(alpha, x[body:])
	}
}
