package randproj

import (
	"math"
	"sync"
)

// levels is the number of equiprobable levels of the quantised normal
// distribution the projector's entries are drawn from: one level per 16-bit
// piece of a hash.
const levels = 1 << 16

// normalTable maps a uniform 16-bit index to a standard normal value: level k
// is the mean of N(0,1) over its k-th equiprobable bin [Φ⁻¹(k/L), Φ⁻¹((k+1)/L)],
// and the levels are rescaled so that their variance is exactly 1 (the mean is
// exactly 0 by symmetry). A uniform index thus yields a Gaussian quantised to
// 2^16 levels, tails truncated beyond about 4.4σ.
var normalTable = sync.OnceValue(func() *[levels]float64 {
	// With a_k = Φ⁻¹(k/L), the bin mean is L·(φ(a_k) − φ(a_{k+1})).
	pdfAt := func(k int) float64 {
		if k == 0 {
			return 0
		}
		a := math.Sqrt2 * math.Erfinv(2*float64(k)/levels-1)
		return math.Exp(-a*a/2) / math.Sqrt(2*math.Pi)
	}
	var means [levels / 2]float64
	var sumSq float64
	for k := range means {
		means[k] = levels * (pdfAt(k) - pdfAt(k+1))
		sumSq += 2 * means[k] * means[k]
	}
	scale := 1 / math.Sqrt(sumSq/levels)
	t := new([levels]float64)
	for k, m := range means {
		t[k] = m * scale
		t[levels-1-k] = -t[k]
	}
	return t
})
