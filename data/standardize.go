package data

import "math"

// pixelStats accumulates exact per-feature sums of bytes and of squared bytes
// over a training source, from which the reference's standardisation (x/255,
// minus the per-feature mean, over the per-feature population standard
// deviation) is derived. Integer sums are exact and order independent, so
// the resulting Scale/Shift are the same on every platform.
type pixelStats struct {
	n          int64
	sum, sumSq []int64
}

// newPixelStats returns empty statistics for d features.
func newPixelStats(d int) *pixelStats {
	return &pixelStats{sum: make([]int64, d), sumSq: make([]int64, d)}
}

// add accumulates one example of len(sum) bytes.
func (s *pixelStats) add(p []uint8) {
	sum, sumSq := s.sum[:len(p)], s.sumSq[:len(p)]
	for j, v := range p {
		x := int64(v)
		sum[j] += x
		sumSq[j] += x * x
	}
	s.n++
}

// merge adds the statistics of o (over the same features) to s.
func (s *pixelStats) merge(o *pixelStats) {
	for j := range s.sum {
		s.sum[j] += o.sum[j]
		s.sumSq[j] += o.sumSq[j]
	}
	s.n += o.n
}

// scaleShift returns the per-feature standardisation such that
// p*Scale[j] + Shift[j] = (p/255 − μ_j)/σ_j, with μ and σ the mean and
// population standard deviation of x/255. With S1, S2 the sums of p and p²
// over n examples, σ_j·255·n = sqrt(n·S2 − S1²), so Scale = n/sqrt(n·S2 − S1²)
// and Shift = −S1/sqrt(n·S2 − S1²), computed from an exact integer. A constant
// feature (σ = 0) is only centred (σ taken as 1), where the reference would
// divide by zero.
func (s *pixelStats) scaleShift() (scale, shift []float64) {
	scale = make([]float64, len(s.sum))
	shift = make([]float64, len(s.sum))
	for j := range s.sum {
		num := s.n*s.sumSq[j] - s.sum[j]*s.sum[j]
		if num <= 0 || s.n == 0 {
			scale[j] = 1.0 / 255
			if s.n > 0 {
				shift[j] = -float64(s.sum[j]) / float64(255*s.n)
			}
			continue
		}
		root := math.Sqrt(float64(num))
		scale[j] = float64(s.n) / root
		shift[j] = -float64(s.sum[j]) / root
	}
	return scale, shift
}
