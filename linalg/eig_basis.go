package linalg

import (
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// norm2 is the Euclidean norm of v.
func norm2(v []float64) float64 { return math.Sqrt(floats.Dot(v, v)) }

// gramBlock is how many coordinates orthogonalize handles at a time: a
// block of w (16 KiB) stays in the L1 cache while the basis streams past it.
const gramBlock = 2048

// orthogonalize removes from w its components along the orthonormal vectors
// of basis by two passes of classical Gram–Schmidt ("twice is enough"). It
// adds the removed coefficients to coef[:len(basis)] when coef is not nil and
// returns the norm of w before and after.
//
// It sweeps the coordinates in blocks of gramBlock: the first sweep takes the
// dot products of the first pass, the second subtracts them and takes those
// of the second pass, the third subtracts those, so the basis is read three
// times in all. Every dot product is summed block by block in a fixed order,
// and threads goroutines share the blocks, so the result does not depend on
// threads.
func orthogonalize(w []float64, basis [][]float64, coef []float64, threads int) (before, after float64) {
	nb := len(basis)
	blocks := ceilDiv(len(w), gramBlock)
	// partial[b*(nb+1)+i] is block b's share of the i-th dot product; the
	// last of each row is the block's squared norm of w.
	partial := make([]float64, blocks*(nb+1))
	sums := func() []float64 {
		total := make([]float64, nb+1)
		for b := range blocks {
			floats.Add(total, partial[b*(nb+1):(b+1)*(nb+1)])
		}
		return total
	}
	sweep := func(sub []float64, dots, norm bool) {
		forBlocks(blocks, threads, func(b int) {
			lo, hi := b*gramBlock, min((b+1)*gramBlock, len(w))
			wb, row := w[lo:hi], partial[b*(nb+1):(b+1)*(nb+1)]
			if sub != nil {
				for i, v := range basis {
					floats.AddScaled(wb, -sub[i], v[lo:hi])
				}
			}
			if dots {
				for i, v := range basis {
					row[i] = floats.Dot(v[lo:hi], wb)
				}
			}
			if norm {
				row[nb] = floats.Dot(wb, wb)
			}
		})
	}
	sweep(nil, true, true)
	first := sums()
	before = math.Sqrt(first[nb])
	sweep(first[:nb], true, false)
	second := sums()
	sweep(second[:nb], false, true)
	after = math.Sqrt(sums()[nb])
	if coef != nil {
		floats.Add(coef[:nb], first[:nb])
		floats.Add(coef[:nb], second[:nb])
	}
	return before, after
}

// gramMinBlocks is the fewest blocks per goroutine worth starting one for.
const gramMinBlocks = 16

// forBlocks calls f on every block index in [0, blocks), sharing them in
// contiguous runs among up to threads goroutines.
func forBlocks(blocks, threads int, f func(b int)) {
	threads = max(1, min(threads, blocks/gramMinBlocks))
	if threads == 1 {
		for b := range blocks {
			f(b)
		}
		return
	}
	var wg sync.WaitGroup
	for t := range threads {
		wg.Go(func() {
			for b := partStart(blocks, threads, t); b < partStart(blocks, threads, t+1); b++ {
				f(b)
			}
		})
	}
	wg.Wait()
}

// combineChunk is how many coordinates combine handles at a time.
const combineChunk = 256

// combine sets dst[j] = Σ_i src[i]·c(i, j) for every column j of the
// len(src)×len(dst) matrix c. dst may alias any of the src vectors.
func combine(dst, src [][]float64, c *mat.Dense) {
	if len(dst) == 0 {
		return
	}
	combineChunks(src, c, func(lo, hi int, out [][]float64) {
		for j, d := range dst {
			copy(d[lo:hi], out[j])
		}
	})
}

// combineChunks calls f(lo, hi, out) on every block of combineChunk
// coordinates in turn, with out[j] = Σ_i src[i][lo:hi]·c(i, j) for every
// column j of the len(src)-row matrix c, in buffers of its own. The whole
// combination needs no vector of full length, and f may overwrite src[·][lo:hi]:
// later blocks do not read it.
func combineChunks(src [][]float64, c *mat.Dense, f func(lo, hi int, out [][]float64)) {
	if len(src) == 0 {
		return
	}
	raw := c.RawMatrix()
	n := len(src[0])
	bufs, out := make([][]float64, raw.Cols), make([][]float64, raw.Cols)
	for j := range bufs {
		bufs[j] = make([]float64, combineChunk)
	}
	for lo := 0; lo < n; lo += combineChunk {
		hi := min(lo+combineChunk, n)
		for j := range out {
			o := bufs[j][:hi-lo]
			out[j] = o
			clear(o)
			for i, s := range src {
				if cij := raw.Data[i*raw.Stride+j]; cij != 0 {
					floats.AddScaled(o, cij, s[lo:hi])
				}
			}
		}
		f(lo, hi, out)
	}
}

// randomUnit fills v with a random direction orthogonal to the orthonormal
// vectors of basis and reports whether it found one; it fails only when basis
// (numerically) spans the whole space.
func randomUnit(v []float64, basis [][]float64, rng *rand.Rand, threads int) bool {
	for try := 0; try < 3; try++ {
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		before, after := orthogonalize(v, basis, nil, threads)
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
