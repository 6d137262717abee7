package randproj

import "github.com/edge-of-stability/eos/linalg"

// block is the number of columns processed for all rows of a chunk before
// moving on, so the slice of x being used stays in the L1 cache. A multiple
// of 4 (entries per hash word).
const block = 2048

// compute writes out[i] for the chunk's rows.
func (c chunk) compute() {
	if c.x32 != nil {
		project(c.pr, c.x32, c.out, c.lo, c.hi)
	} else {
		project(c.pr, c.x64, c.out, c.lo, c.hi)
	}
}

// project computes rows [lo, hi) of the projection of x into out, column
// block by column block.
func project[T linalg.Float](pr *Projector, x []T, out []float64, lo, hi int) {
	out = out[lo:hi]
	keys := pr.keys[lo:hi]
	clear(out)
	for j0 := 0; j0 < len(x); j0 += block {
		xb := x[j0:min(j0+block, len(x))]
		for i, key := range keys {
			out[i] += rowBlock(pr.table, key, j0/4, xb)
		}
	}
	for i := range out {
		out[i] *= pr.scale
	}
}

// rowBlock is Σ_j N_j·xb[j], where N_j is the table value of entry j of the
// row with SplitMix64 state key, counting from word w0 (entry 4·w0).
func rowBlock[T linalg.Float](table *[levels]float64, key uint64, w0 int, xb []T) float64 {
	var s0, s1, s2, s3 float64
	ctr := key + uint64(w0)*golden
	n4 := len(xb) &^ 3
	for j := 0; j < n4; j += 4 {
		ctr += golden
		z := mix64(ctr)
		x4 := xb[j : j+4 : j+4]
		s0 += table[uint16(z)] * float64(x4[0])
		s1 += table[uint16(z>>16)] * float64(x4[1])
		s2 += table[uint16(z>>32)] * float64(x4[2])
		s3 += table[uint16(z>>48)] * float64(x4[3])
	}
	if n4 < len(xb) {
		z := mix64(ctr + golden)
		for k, v := range xb[n4:] {
			s0 += table[uint16(z>>(16*k))] * float64(v)
		}
	}
	return (s0 + s1) + (s2 + s3)
}
