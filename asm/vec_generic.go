package asm

// VecOps are the vector kernels of one level, on slices of equal length.
type VecOps[E Elem] struct {
	// Axpy computes y[i] += alpha*x[i].
	Axpy func(alpha E, x, y []E)
	// Dot returns Σ x[i]*y[i], accumulated in float64.
	Dot func(x, y []E) float64
	// Scale computes x[i] *= alpha.
	Scale func(alpha E, x []E)
}

var (
	_ = vec32.register("generic", VecOps[float32]{Axpy: axpyGo[float32], Dot: dotGo[float32], Scale: scaleGo[float32]})
	_ = vec64.register("generic", VecOps[float64]{Axpy: axpyGo[float64], Dot: dotGo[float64], Scale: scaleGo[float64]})
)

// axpyGo computes y[i] += alpha*x[i] for i < len(x).
func axpyGo[E Elem](alpha E, x, y []E) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// dotGo returns Σ x[i]*y[i] for i < len(x), accumulated in float64.
func dotGo[E Elem](x, y []E) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i]) * float64(y[i])
		s1 += float64(x[i+1]) * float64(y[i+1])
		s2 += float64(x[i+2]) * float64(y[i+2])
		s3 += float64(x[i+3]) * float64(y[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// scaleGo computes x[i] *= alpha.
func scaleGo[E Elem](alpha E, x []E) {
	for i := range x {
		x[i] *= alpha
	}
}
