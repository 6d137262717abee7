package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
)

// chebyshev returns the reference's chebyshev-K-N task: n points evenly
// spaced on [-1, 1] (as torch.linspace computes them in float32) labelled by
// T_k (evaluated by numpy's Clenshaw recurrence in float64, then rounded to
// float32 as the reference's .float() does). Inputs and targets are stored as
// float64 holding those float32 values. The test set is the training set.
func chebyshev(name string, k, n int) Split {
	xs := linspace32(-1, 1, n)
	s := &Set{Name: name, N: n, D: 1, Outputs: 1, X: make([]float64, n), Targets: make([]float64, n), Source: "generated"}
	for i, x := range xs {
		s.X[i] = float64(x)
		s.Targets[i] = float64(float32(chebyshevT(k, float64(x))))
	}
	s.Checksum = floatsChecksum(s.X, s.Targets)
	return Split{Train: s, Test: s}
}

// linspace32 returns n ≥ 2 evenly spaced float32 values from start to end,
// computed as torch.linspace does: the first half counting up from start,
// the second half counting down from end.
func linspace32(start, end float32, n int) []float32 {
	step := (end - start) / float32(n-1)
	out := make([]float32, n)
	for i := range out {
		if i < n/2 {
			out[i] = start + float32(step*float32(i))
		} else {
			out[i] = end - float32(step*float32(n-1-i))
		}
	}
	return out
}

// chebyshevT evaluates the Chebyshev polynomial T_k at x by Clenshaw's
// recurrence on the coefficient vector e_k, in numpy's chebval order.
func chebyshevT(k int, x float64) float64 {
	c := make([]float64, k+1)
	c[k] = 1
	var c0, c1 float64
	switch len(c) {
	case 1:
		c0 = c[0]
	case 2:
		c0, c1 = c[0], c[1]
	default:
		x2 := 2 * x
		c0, c1 = c[k-1], c[k]
		for i := 3; i <= k+1; i++ {
			tmp := c0
			c0 = c[k+1-i] - c1
			c1 = tmp + float64(c1*x2)
		}
	}
	return c0 + float64(c1*x)
}

// linear returns the reference's deep-linear-network task linear-N-D: X
// (n×d) has orthogonal columns of norm sqrt(n) (the Q factor of a Gaussian
// n×d matrix, scaled), and targets Y = X·Aᵀ for a Gaussian d×d matrix A.
// The Gaussians come from a PCG stream seeded by seed, so they cannot match
// the reference's torch draws; only the construction is the same. The test
// set is the training set.
func linear(name string, n, d int, seed uint64) Split {
	r := rand.New(rand.NewPCG(seed, streamLinear))
	g := gaussians(r, n*d)
	a := gaussians(r, d*d)
	x := orthonormalColumns(g, n, d)
	scale := math.Sqrt(float64(n))
	for i := range x {
		x[i] *= scale
	}
	y := make([]float64, n*d)
	for i := range n {
		for k := range d {
			var sum float64
			for j := range d {
				sum += float64(x[i*d+j] * a[k*d+j])
			}
			y[i*d+k] = sum
		}
	}
	s := &Set{Name: name, N: n, D: d, Outputs: d, X: x, Targets: y, Source: "generated", Checksum: floatsChecksum(x, y)}
	return Split{Train: s, Test: s}
}

// gaussians returns n standard normal draws from r.
func gaussians(r *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = r.NormFloat64()
	}
	return out
}

// orthonormalColumns returns the n×d (row-major, n ≥ d) factor Q of the
// thin QR decomposition of the full-rank n×d matrix g, by Gram–Schmidt with
// one full re-orthogonalisation pass (accurate to rounding).
func orthonormalColumns(g []float64, n, d int) []float64 {
	cols := make([][]float64, d)
	for j := range cols {
		v := make([]float64, n)
		for i := range v {
			v[i] = g[i*d+j]
		}
		for range 2 {
			for _, q := range cols[:j] {
				dot := dotProduct(q, v)
				for i := range v {
					v[i] -= float64(dot * q[i])
				}
			}
		}
		norm := math.Sqrt(dotProduct(v, v))
		for i := range v {
			v[i] /= norm
		}
		cols[j] = v
	}
	q := make([]float64, n*d)
	for j, v := range cols {
		for i, e := range v {
			q[i*d+j] = e
		}
	}
	return q
}

// dotProduct returns Σ a[i]·b[i], accumulated in order.
func dotProduct(a, b []float64) float64 {
	var sum float64
	for i := range a {
		sum += float64(a[i] * b[i])
	}
	return sum
}

// floatsChecksum is the SHA-256 (hex) of the little-endian float64 bytes of
// each slice in turn.
func floatsChecksum(slices ...[]float64) string {
	h := sha256.New()
	var buf [8]byte
	for _, s := range slices {
		for _, v := range s {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			h.Write(buf[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
