package linalg

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/edge-of-stability/eos/asm"
)

// gemmArgs holds one GEMM call's operands (see Gemm).
type gemmArgs[E asm.Elem] struct {
	tA, tB  Transpose
	m, n, k int
	alpha   E
	a       []E
	lda     int
	b       []E
	ldb     int
	beta    E
	c       []E
	ldc     int
}

// argPools recycle gemmArgs (one pool per element size): the workers hold a
// pointer to them, so a fresh one per call would be a heap allocation.
var argPools = [2]sync.Pool{
	{New: func() any { return new(gemmArgs[float32]) }},
	{New: func() any { return new(gemmArgs[float64]) }},
}

// newGemmArgs returns pooled GEMM operands, to be handed back with freeGemmArgs.
func newGemmArgs[E asm.Elem]() *gemmArgs[E] {
	if unsafe.Sizeof(E(0)) == 4 {
		return argPools[0].Get().(*gemmArgs[E])
	}
	return argPools[1].Get().(*gemmArgs[E])
}

// freeGemmArgs clears g (dropping its references to the caller's slices) and pools it.
func freeGemmArgs[E asm.Elem](g *gemmArgs[E]) {
	*g = gemmArgs[E]{}
	if unsafe.Sizeof(E(0)) == 4 {
		argPools[0].Put(g)
		return
	}
	argPools[1].Put(g)
}

// runGemm is the Goto/BLIS loop nest around the micro-kernel kern: for each
// NC-wide block of columns and KC-deep block of the sum, B is packed into
// NR-wide panels; MC-row blocks of A are packed into MR-row panels and the
// micro-kernel runs over the tiles. With several threads, each packs its
// share of the B panels of the block (between two barriers) and then its own
// rows of A, and computes its own tiles. Every tile sums the same KC blocks
// in the same order with the same kernel whatever the thread count, so the
// result does not depend on it.
func runGemm[E asm.Elem](threads int, kern asm.Kernel[E], g *gemmArgs[E]) {
	if g.m == 0 || g.n == 0 {
		return
	}
	if g.k == 0 || g.alpha == 0 {
		scaleC(g)
		return
	}
	mTiles := ceilDiv(g.m, kern.MR)
	nTiles := ceilDiv(g.n, kern.NR)
	// Below about a million flops per thread, starting goroutines costs
	// more than it saves.
	threads = min(threads, max(1, 2*g.m*g.n*g.k/minFlopsPerThread))
	tm, tn := splitThreads(threads, mTiles, nTiles)
	bs := chooseBlocks[E](kern.MR, kern.NR, g.m, g.n, g.k)
	bBuf := getBuffer[E](bs.kc * roundUp(min(bs.nc, g.n), kern.NR))
	defer putBuffer(bBuf)
	if tm*tn == 1 {
		w := worker[E]{kern: kern, g: g, bs: bs, bPacked: *bBuf, iLo: 0, iHi: g.m, jTileLo: 0, jTileHi: nTiles}
		w.run(nil, 0, 1)
		return
	}
	runTeam(tm, tn, kern, g, bs, *bBuf)
}

// runTeam runs a GEMM on tm×tn workers, worker 0 on the calling goroutine.
func runTeam[E asm.Elem](tm, tn int, kern asm.Kernel[E], g *gemmArgs[E], bs blocks, bPacked []E) {
	mTiles, nTiles := ceilDiv(g.m, kern.MR), ceilDiv(g.n, kern.NR)
	bar := &barrier{n: int32(tm * tn)}
	var wg sync.WaitGroup
	for t := tm*tn - 1; t >= 0; t-- { // worker 0 runs on the calling goroutine
		ti, tj := t/tn, t%tn
		w := worker[E]{
			kern: kern, g: g, bs: bs, bPacked: bPacked,
			iLo: min(g.m, partStart(mTiles, tm, ti)*kern.MR), iHi: min(g.m, partStart(mTiles, tm, ti+1)*kern.MR),
			jTileLo: partStart(nTiles, tn, tj), jTileHi: partStart(nTiles, tn, tj+1),
		}
		if t == 0 {
			w.run(bar, t, tm*tn)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(bar, t, tm*tn)
		}()
	}
	wg.Wait()
}

// worker is one thread's share of a GEMM: rows [iLo, iHi) of C and the NR-wide
// column tiles [jTileLo, jTileHi) of every NC block (tile indices are global).
type worker[E asm.Elem] struct {
	kern             asm.Kernel[E]
	g                *gemmArgs[E]
	bs               blocks
	bPacked          []E
	iLo, iHi         int
	jTileLo, jTileHi int
}

// run executes the worker's share. In a team (bar != nil) it packs only the
// B panels whose index is ≡ id mod parts, and waits for the others before
// using the block and before overwriting it.
func (w *worker[E]) run(bar *barrier, id, parts int) {
	g, bs, mr, nr := w.g, w.bs, w.kern.MR, w.kern.NR
	// One pooled buffer holds the packed A block and the edge-tile scratch
	// (a local array would escape to the heap through the kernel's pointer).
	aBuf := getBuffer[E](bs.kc*bs.mc + maxTile)
	defer putBuffer(aBuf)
	aPacked, edge := (*aBuf)[:bs.kc*bs.mc], (*aBuf)[bs.kc*bs.mc:]
	for jc := 0; jc < g.n; jc += bs.nc {
		nb := min(bs.nc, g.n-jc)
		panels := ceilDiv(nb, nr)
		// The tiles of this NC block this worker computes, as panel indices.
		jLo := max(w.jTileLo-jc/nr, 0)
		jHi := min(w.jTileHi-jc/nr, panels)
		for pc := 0; pc < g.k; pc += bs.kc {
			kb := min(bs.kc, g.k-pc)
			beta := g.beta
			if pc > 0 {
				beta = 1
			}
			if bar != nil && (jc > 0 || pc > 0) {
				bar.wait() // every worker is done with the previous block of B
			}
			w.packBBlock(w.bPacked, pc, kb, jc, panels, id, parts)
			if bar != nil {
				bar.wait() // the block of B is complete
			}
			if jLo >= jHi {
				continue
			}
			for ic := w.iLo; ic < w.iHi; ic += bs.mc {
				mb := min(bs.mc, w.iHi-ic)
				rowPanels := ceilDiv(mb, mr)
				for q := 0; q < rowPanels; q++ {
					i0 := ic + q*mr
					packA(g, &w.kern, aPacked[q*mr*kb:(q+1)*mr*kb], i0, min(mr, g.m-i0), pc, kb)
				}
				for p := jLo; p < jHi; p++ {
					j0 := jc + p*nr
					cols := min(nr, g.n-j0)
					bp := &w.bPacked[p*nr*kb]
					for q := 0; q < rowPanels; q++ {
						i0 := ic + q*mr
						rows := min(mr, g.m-i0)
						ap := &aPacked[q*mr*kb]
						run, width := w.kern.Run, nr
						if cols <= nr/2 && w.kern.RunHalf != nil {
							run, width = w.kern.RunHalf, nr/2
						}
						if rows == mr && cols == width {
							run(kb, ap, bp, &g.c[i0*g.ldc+j0], g.ldc, g.alpha, beta)
							continue
						}
						run(kb, ap, bp, &edge[0], nr, g.alpha, 0)
						storeEdge(g.c[i0*g.ldc+j0:], g.ldc, edge[:], nr, rows, cols, beta)
					}
				}
			}
		}
	}
}

// packBBlock packs the panels p ≡ id mod parts of the kb×NC block of op(B)
// at row pc and column jc into dst, panel p at dst[p*nr*kb:].
func (w *worker[E]) packBBlock(dst []E, pc, kb, jc, panels, id, parts int) {
	nr := w.kern.NR
	for p := id; p < panels; p += parts {
		j0 := jc + p*nr
		packB(w.g, &w.kern, dst[p*nr*kb:(p+1)*nr*kb], pc, kb, j0, min(nr, w.g.n-j0))
	}
}

// minFlopsPerThread is the least work worth another thread.
const minFlopsPerThread = 1 << 20

// maxTile bounds MR·NR of every micro-kernel (the edge-tile scratch size).
const maxTile = 1024

// storeEdge writes the rows×cols corner of the nr-wide tile t into c:
// c[i*ldc+j] = t[i*nr+j] + beta*c[i*ldc+j], not reading c when beta == 0.
func storeEdge[E asm.Elem](c []E, ldc int, t []E, nr, rows, cols int, beta E) {
	for i := 0; i < rows; i++ {
		row := c[i*ldc : i*ldc+cols]
		src := t[i*nr : i*nr+cols]
		if beta == 0 {
			copy(row, src)
			continue
		}
		for j := range row {
			row[j] = src[j] + beta*row[j]
		}
	}
}

// scaleC computes C = beta·C, the whole product when k == 0 or alpha == 0.
func scaleC[E asm.Elem](g *gemmArgs[E]) {
	for i := 0; i < g.m; i++ {
		row := g.c[i*g.ldc : i*g.ldc+g.n]
		if g.beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= g.beta
		}
	}
}

// splitThreads factors up to threads workers into tm row groups × tn column
// groups, minimising the tiles per worker and preferring row groups (which
// share the packed B) on ties.
func splitThreads(threads, mTiles, nTiles int) (tm, tn int) {
	tm, tn = 1, 1
	best := mTiles * nTiles
	for a := 1; a <= threads; a++ {
		for bb := 1; a*bb <= threads; bb++ {
			if a > mTiles || bb > nTiles {
				continue
			}
			cost := ceilDiv(mTiles, a) * ceilDiv(nTiles, bb)
			if cost < best || (cost == best && a*bb < tm*tn) || (cost == best && a*bb == tm*tn && a > tm) {
				tm, tn, best = a, bb, cost
			}
		}
	}
	return tm, tn
}

// partStart is the first of count items in part p of parts near-equal parts.
func partStart(count, parts, p int) int { return count * p / parts }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }

// barrier makes n goroutines wait for each other, repeatedly. Waiters spin
// briefly (the phases it separates are short and the threads few), then yield.
type barrier struct {
	n     int32
	count atomic.Int32
	gen   atomic.Uint32
}

// spinsBeforeYield is how many times a waiter polls before yielding its P.
const spinsBeforeYield = 1 << 12

// wait blocks until all n goroutines have called wait.
func (b *barrier) wait() {
	gen := b.gen.Load()
	if b.count.Add(1) == b.n {
		b.count.Store(0)
		b.gen.Add(1)
		return
	}
	for i := 0; b.gen.Load() == gen; i++ {
		if i >= spinsBeforeYield {
			runtime.Gosched()
		}
	}
}
