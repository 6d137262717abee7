package linalg

import (
	"sync"
	"sync/atomic"

	"github.com/edge-of-stability/eos/asm"
)

// swapPays reports whether C is better computed as Cᵀ = op(B)ᵀ·op(A)ᵀ:
// when the transposed product computes fewer padded tile elements (C's
// columns leave a partial NR-wide panel that the transposed product avoids
// or shrinks, as for the first layer's 256×200 output on the 8×32 AVX-512
// kernel) and the multiply-adds saved outweigh transposing the result back.
// It depends only on the shape and the kernel, so results stay independent
// of the thread count.
func swapPays[E asm.Elem](kern *asm.Kernel[E], g *gemmArgs[E]) bool {
	saved := paddedWork(kern, g.m, g.n) - paddedWork(kern, g.n, g.m)
	return saved > 0 && saved*g.k > swapCost*g.m*g.n
}

// paddedWork is the number of C elements the micro-kernel computes for an
// m×n product, edge tiles counted at their full (or half) width.
func paddedWork[E asm.Elem](kern *asm.Kernel[E], m, n int) int {
	cols := n / kern.NR * kern.NR
	switch rem := n % kern.NR; {
	case rem == 0:
	case rem <= kern.NR/2 && kern.RunHalf != nil:
		cols += kern.NR / 2
	default:
		cols += kern.NR
	}
	return roundUp(m, kern.MR) * cols
}

// swapCost is what transposing one element of C back costs, in
// multiply-adds of the micro-kernel (the write-back streams C through memory).
const swapCost = 32

// runSwapped computes Cᵀ = alpha·op(B)ᵀ·op(A)ᵀ into scratch, then C = Cᵀᵀ +
// beta·C and the epilogue, both split by rows of C over the threads.
func runSwapped[E asm.Elem](threads int, kern asm.Kernel[E], g *gemmArgs[E]) {
	t := getBuffer[E](g.m * g.n)
	defer putBuffer(t)
	s := newGemmArgs[E]()
	*s = gemmArgs[E]{
		tA: !g.tB, tB: !g.tA, m: g.n, n: g.m, k: g.k, alpha: g.alpha,
		a: g.b, lda: g.ldb, aPix: g.bPix, b: g.a, ldb: g.lda, bPix: g.aPix,
		c: *t, ldc: g.m,
	}
	runGemm(threads, kern, s)
	freeGemmArgs(s)
	job := fromPool[writeBack[E]](poolOf[E](&writeBackPools))
	*job = writeBack[E]{g: g, t: *t, kern: kern, parts: max(1, min(threads, g.m*g.n/minWriteBackPerThread))}
	job.pending.Store(int32(job.parts - 1))
	for p := 1; p < job.parts; p++ {
		startPart(job, p, &job.pending)
	}
	job.runPart(0)
	awaitZero(&job.pending)
	freeWriteBack(job)
}

// minWriteBackPerThread is the least number of elements of C worth another
// thread in the write-back.
const minWriteBackPerThread = 1 << 14

// writeBack is the second half of a swapped GEMM: C = Tᵀ + beta·C and the
// epilogue, by near-equal blocks of rows of C (whole transpose blocks).
type writeBack[E asm.Elem] struct {
	g       *gemmArgs[E]
	t       []E // Cᵀ, n×m
	kern    asm.Kernel[E]
	parts   int
	pending atomic.Int32
}

// writeBackPools recycle writeBack jobs (one pool per element size): the
// helpers hold a pointer to them, so a fresh one per call would be a heap
// allocation.
var writeBackPools [2]sync.Pool

// freeWriteBack clears j (dropping its references to the caller's slices)
// and pools it.
func freeWriteBack[E asm.Elem](j *writeBack[E]) {
	j.g, j.t, j.kern = nil, nil, asm.Kernel[E]{}
	poolOf[E](&writeBackPools).Put(j)
}

// runPart writes back and finishes part p of C's rows.
func (j *writeBack[E]) runPart(p int) {
	g := j.g
	tr := max(1, j.kern.TransposeRows)
	blocks := ceilDiv(g.m, tr)
	i0, i1 := min(g.m, partStart(blocks, j.parts, p)*tr), min(g.m, partStart(blocks, j.parts, p+1)*tr)
	if i0 == i1 {
		return
	}
	addTransposed(g.c[i0*g.ldc:], g.ldc, j.t[i0:], g.m, i1-i0, g.n, g.beta, &j.kern)
	if g.ep != nil {
		g.ep.Finish(i0, i1-i0, 0, g.n)
	}
}

// addTransposed writes c[i*ldc+j] = t[j*ldt+i] + beta*c[i*ldc+j] for the m×n
// matrix c and the n×m matrix t, not reading c when beta == 0; whole square
// blocks go through the kernel's Transpose then.
func addTransposed[E asm.Elem](c []E, ldc int, t []E, ldt, m, n int, beta E, kern *asm.Kernel[E]) {
	j := 0
	if tr := kern.TransposeRows; beta == 0 && kern.Transpose != nil && m >= tr {
		for ; j+tr <= n; j += tr {
			kern.Transpose(&c[j], ldc, &t[j*ldt], ldt, m/tr)
		}
		for i := m - m%tr; i < m; i++ { // rows below the last whole block
			for jj := 0; jj < j; jj++ {
				c[i*ldc+jj] = t[jj*ldt+i]
			}
		}
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc+j : i*ldc+n]
		for jj := range row {
			v := t[(j+jj)*ldt+i]
			if beta != 0 {
				v += beta * row[jj]
			}
			row[jj] = v
		}
	}
}
