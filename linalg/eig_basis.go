package linalg

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// norm2 is the Euclidean norm of v.
func norm2(v []float64) float64 { return math.Sqrt(floats.Dot(v, v)) }

// orthogonalize removes from w its components along the orthonormal vectors
// of basis by two passes of classical Gram–Schmidt ("twice is enough"). It
// adds the removed coefficients to coef[:len(basis)] when coef is not nil and
// returns the norm of w before and after.
func orthogonalize(w []float64, basis [][]float64, coef []float64) (before, after float64) {
	before = norm2(w)
	dots := make([]float64, len(basis))
	for pass := 0; pass < 2; pass++ {
		for i, b := range basis {
			dots[i] = floats.Dot(b, w)
		}
		for i, b := range basis {
			floats.AddScaled(w, -dots[i], b)
		}
		if coef != nil {
			floats.Add(coef[:len(basis)], dots)
		}
	}
	return before, norm2(w)
}

// combineChunk is how many coordinates combine handles at a time.
const combineChunk = 256

// combine sets dst[j] = Σ_i src[i]·c(i, j) for every column j of the
// len(src)×len(dst) matrix c. It works a block of coordinates at a time
// through a small buffer, so dst may alias any of the src vectors and the
// combination needs no extra vector of full length.
func combine(dst, src [][]float64, c *mat.Dense) {
	if len(dst) == 0 || len(src) == 0 {
		return
	}
	raw := c.RawMatrix()
	n := len(src[0])
	buf := make([][]float64, len(src))
	for i := range buf {
		buf[i] = make([]float64, combineChunk)
	}
	for lo := 0; lo < n; lo += combineChunk {
		hi := min(lo+combineChunk, n)
		for i, s := range src {
			copy(buf[i], s[lo:hi])
		}
		for j, d := range dst {
			out := d[lo:hi]
			clear(out)
			for i := range src {
				if cij := raw.Data[i*raw.Stride+j]; cij != 0 {
					floats.AddScaled(out, cij, buf[i][:hi-lo])
				}
			}
		}
	}
}

// randomUnit fills v with a random direction orthogonal to the orthonormal
// vectors of basis and reports whether it found one; it fails only when basis
// (numerically) spans the whole space.
func randomUnit(v []float64, basis [][]float64, rng *rand.Rand) bool {
	for try := 0; try < 3; try++ {
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		before, after := orthogonalize(v, basis, nil)
		if after > 1e-8*before {
			floats.Scale(1/after, v)
			return true
		}
	}
	return false
}

// newRand returns the deterministic generator a solve draws its random
// vectors from.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x5eed_e165))
}

// symmetricEigen returns the eigenvalues of the symmetric part of the leading
// d×d block of a and the matching eigenvectors as the columns of a d×d matrix.
func symmetricEigen(a *mat.Dense, d int) ([]float64, *mat.Dense) {
	sym := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, 0.5*(a.At(i, j)+a.At(j, i)))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, true) {
		// The symmetric tridiagonal QR iteration essentially never fails;
		// if it does, fall back to the diagonal (a Rayleigh–Ritz step on
		// the current basis as is), which keeps the solve going.
		vals := make([]float64, d)
		vecs := mat.NewDense(d, d, nil)
		for i := range vals {
			vals[i] = sym.At(i, i)
			vecs.Set(i, i, 1)
		}
		return vals, vecs
	}
	vecs := mat.NewDense(d, d, nil)
	es.VectorsTo(vecs)
	return es.Values(nil), vecs
}

// pickColumns returns the matrix of the columns idx of v.
func pickColumns(v *mat.Dense, idx []int) *mat.Dense {
	r, _ := v.Dims()
	out := mat.NewDense(r, len(idx), nil)
	for j, c := range idx {
		for i := 0; i < r; i++ {
			out.Set(i, j, v.At(i, c))
		}
	}
	return out
}
