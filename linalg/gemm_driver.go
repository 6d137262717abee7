package linalg

import (
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
	// aPix and bPix, when they hold pixels, replace a and b: the operand
	// is uint8 pixels standardised while it is packed.
	aPix, bPix pixels[E]
	// ep, when not nil, finishes each block of C once it is complete.
	ep Epilogue
}

// argPools recycle gemmArgs (one pool per element size): the workers hold a
// pointer to them, so a fresh one per call would be a heap allocation.
var argPools [2]sync.Pool

// newGemmArgs returns pooled GEMM operands, to be handed back with freeGemmArgs.
func newGemmArgs[E asm.Elem]() *gemmArgs[E] { return fromPool[gemmArgs[E]](poolOf[E](&argPools)) }

// freeGemmArgs clears g (dropping its references to the caller's slices) and pools it.
func freeGemmArgs[E asm.Elem](g *gemmArgs[E]) {
	*g = gemmArgs[E]{}
	poolOf[E](&argPools).Put(g)
}

// poolOf is the pool of pools for E's element size.
func poolOf[E asm.Elem](pools *[2]sync.Pool) *sync.Pool {
	if unsafe.Sizeof(E(0)) == 4 {
		return &pools[0]
	}
	return &pools[1]
}

// fromPool takes a *V from pool, or a new one when it is empty.
func fromPool[V any](pool *sync.Pool) *V {
	if v, ok := pool.Get().(*V); ok {
		return v
	}
	return new(V)
}

// runGemm is the Goto/BLIS loop nest around the micro-kernel kern: for each
// NC-wide block of columns and KC-deep block of the sum, B is packed into
// NR-wide panels; MC-row blocks of A are packed into MR-row panels and the
// micro-kernel runs over the tiles, handing each finished block of C to the
// epilogue. A shape that pads less transposed runs as Cᵀ = op(B)ᵀ·op(A)ᵀ
// (see swapPays). A worker that owns its B panels packs each just before
// the micro-kernel sweeps it. With several threads that split only the
// rows, when a block of B is small, each worker packs all of B for itself
// and runs independently. Otherwise the packed blocks of B are shared and
// alternate between two buffers: each worker packs its share of the B
// panels of a block and its first block of A, waits at one barrier for the
// others' shares, and computes its own tiles (the barrier also tells it
// that every worker is done with the block packed two steps before in the
// same buffer). Every tile sums the same KC blocks in the same order with
// the same kernel whatever the thread count, so the result does not depend
// on it.
func runGemm[E asm.Elem](threads int, kern asm.Kernel[E], g *gemmArgs[E]) {
	if g.m == 0 || g.n == 0 {
		return
	}
	if g.k == 0 || g.alpha == 0 {
		scaleC(g)
		if g.ep != nil {
			g.ep.Finish(0, g.m, 0, g.n)
		}
		return
	}
	if swapPays(&kern, g) {
		runSwapped(threads, kern, g)
		return
	}
	gemmFlops.Add(2 * int64(g.m) * int64(g.n) * int64(g.k))
	mTiles := ceilDiv(g.m, kern.MR)
	nTiles := ceilDiv(g.n, kern.NR)
	// Below about a million flops per thread, starting goroutines costs
	// more than it saves.
	threads = min(threads, max(1, 2*g.m*g.n*g.k/minFlopsPerThread))
	tm, tn := splitThreads(threads, mTiles, nTiles)
	bs := chooseBlocks[E](kern.MR, kern.NR, g.m, g.n, g.k)
	bSize := bs.kc * roundUp(min(bs.nc, g.n), kern.NR)
	if tm*tn == 1 {
		bBuf := getBuffer[E](bSize)
		defer putBuffer(bBuf)
		w := worker[E]{kern: kern, g: g, bs: bs, bPacked: [2][]E{*bBuf, *bBuf}, iLo: 0, iHi: g.m, jTileLo: 0, jTileHi: nTiles}
		w.run(nil, 0, 1)
		return
	}
	// When the threads split the rows only and a block of B is small, each
	// packs all of B for itself: re-packing a small B costs less than the
	// barriers and the cross-core reads of sharing it.
	if _, l2, _ := cacheSizes(); tn == 1 && bSize*int(unsafe.Sizeof(E(0))) <= l2/2 {
		runTeam(tm, tn, kern, g, bs, [2][]E{})
		return
	}
	bBuf := getBuffer[E](2 * bSize)
	defer putBuffer(bBuf)
	runTeam(tm, tn, kern, g, bs, [2][]E{(*bBuf)[:bSize], (*bBuf)[bSize:]})
}

// team is one parallel GEMM: its workers, their barrier and the count of
// shares still running on helpers.
type team[E asm.Elem] struct {
	workers []worker[E]
	alone   bool // the workers share no panel of B and never wait
	bar     barrier
	pending atomic.Int32
}

// teamPools recycle teams (one pool per element size), so that parallel
// calls allocate nothing in the steady state.
var teamPools [2]sync.Pool

// runPart runs worker p of the team. A worker without a shared B buffer
// packs B into a buffer of its own; in a team that splits only the columns,
// each packs just the panels of its own tiles. Neither waits for the others.
func (t *team[E]) runPart(p int) {
	w := &t.workers[p]
	switch {
	case w.bPacked[0] == nil:
		bBuf := getBuffer[E](w.bs.kc * roundUp(min(w.bs.nc, w.g.n), w.kern.NR))
		w.bPacked = [2][]E{*bBuf, *bBuf}
		w.run(nil, 0, 1)
		putBuffer(bBuf)
	case t.alone:
		w.run(nil, 0, 1)
	default:
		w.run(&t.bar, p, len(t.workers))
	}
}

// runTeam runs a GEMM on tm×tn workers, worker 0 on the calling goroutine
// and the others on helpers; bPacked are the shared B buffers, or nil for
// workers that pack B each for themselves.
func runTeam[E asm.Elem](tm, tn int, kern asm.Kernel[E], g *gemmArgs[E], bs blocks, bPacked [2][]E) {
	mTiles, nTiles := ceilDiv(g.m, kern.MR), ceilDiv(g.n, kern.NR)
	pool := poolOf[E](&teamPools)
	t := fromPool[team[E]](pool)
	n := tm * tn
	t.workers = t.workers[:0]
	for i := 0; i < n; i++ {
		ti, tj := i/tn, i%tn
		t.workers = append(t.workers, worker[E]{
			kern: kern, g: g, bs: bs, bPacked: bPacked,
			iLo: min(g.m, partStart(mTiles, tm, ti)*kern.MR), iHi: min(g.m, partStart(mTiles, tm, ti+1)*kern.MR),
			jTileLo: partStart(nTiles, tn, tj), jTileHi: partStart(nTiles, tn, tj+1),
		})
	}
	t.bar.n = int32(n)
	// With a single NC block and the columns split, the workers' panels
	// occupy disjoint parts of the buffers (with several NC blocks, panel
	// indices restart at each block, and workers at different blocks would
	// overwrite each other's panels).
	t.alone = tm == 1 && g.n <= bs.nc
	t.pending.Store(int32(n - 1))
	for i := 1; i < n; i++ {
		startPart(t, i, &t.pending)
	}
	t.runPart(0)
	awaitZero(&t.pending)
	clear(t.workers) // drop the references to the caller's matrices
	pool.Put(t)
}

// worker is one thread's share of a GEMM: rows [iLo, iHi) of C and the NR-wide
// column tiles [jTileLo, jTileHi) of every NC block (tile indices are global).
// Successive packed blocks of B go to bPacked[0], bPacked[1], bPacked[0]…
// (the same buffer twice when the worker is alone).
type worker[E asm.Elem] struct {
	kern             asm.Kernel[E]
	g                *gemmArgs[E]
	bs               blocks
	bPacked          [2][]E
	iLo, iHi         int
	jTileLo, jTileHi int
	// Scratch of one run: the packed A block, an edge tile, converted pixels.
	aPacked, edge, conv []E
}

// run executes the worker's share. Alone (bar == nil) it packs each B panel
// of its own tiles just before the panel's first use, so that the panel is
// still in L1 for the micro-kernel, and waits for no one; in a team sharing
// B (bar != nil) it packs the panels whose index is ≡ id mod parts and waits
// for the others' before using the block. Panel p of a block lives at
// p·NR·KC in its buffer whatever the block's depth, so that workers at
// different depths never write over each other's panels.
func (w *worker[E]) run(bar *barrier, id, parts int) {
	g, bs, nr := w.g, w.bs, w.kern.NR
	// One pooled buffer holds the packed A block, the edge-tile scratch and
	// the rows of pixels converted before a transposing pack (a local array
	// would escape to the heap through the kernel's pointer).
	convLen := 0
	if g.aPix.u != nil || g.bPix.u != nil {
		convLen = bs.kc * max(w.kern.TransposeRows, 1)
	}
	buf := getBuffer[E](bs.kc*bs.mc + maxTile + convLen)
	defer putBuffer(buf)
	w.aPacked = (*buf)[:bs.kc*bs.mc]
	w.edge = (*buf)[bs.kc*bs.mc : bs.kc*bs.mc+maxTile]
	w.conv = (*buf)[bs.kc*bs.mc+maxTile:]
	step := 0
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
			bPacked := w.bPacked[step%2]
			step++
			if bar != nil {
				for p := id; p < panels; p += parts {
					w.packPanelB(bPacked, p, pc, kb, jc)
				}
			}
			mine := jLo < jHi
			if mine && w.iLo < w.iHi {
				w.packABlock(w.iLo, pc, kb)
			}
			if bar != nil {
				bar.wait() // the block of B is complete
			}
			if !mine {
				continue
			}
			for ic := w.iLo; ic < w.iHi; ic += bs.mc {
				if ic > w.iLo {
					w.packABlock(ic, pc, kb)
				}
				packB := bar == nil && ic == w.iLo
				w.computeBlock(bPacked, ic, jc, jLo, jHi, pc, kb, beta, packB)
			}
		}
	}
	w.aPacked, w.edge, w.conv = nil, nil, nil
}

// packABlock packs the MC-row block of op(A) at row ic and column pc, kb
// deep (rows up to the worker's iHi), into MR-row panels.
func (w *worker[E]) packABlock(ic, pc, kb int) {
	mr := w.kern.MR
	mb := min(w.bs.mc, w.iHi-ic)
	for q := 0; q < ceilDiv(mb, mr); q++ {
		i0 := ic + q*mr
		packA(w.g, &w.kern, w.aPacked[q*mr*kb:(q+1)*mr*kb], i0, min(mr, w.g.m-i0), pc, kb, w.conv)
	}
}

// packPanelB packs panel p of the kb×NC block of op(B) at row pc and column
// jc into its place in bPacked.
func (w *worker[E]) packPanelB(bPacked []E, p, pc, kb, jc int) {
	nr := w.kern.NR
	j0 := jc + p*nr
	at := p * nr * w.bs.kc
	packB(w.g, &w.kern, bPacked[at:at+nr*kb], pc, kb, j0, min(nr, w.g.n-j0), w.conv)
}

// computeBlock runs the micro-kernel over the tiles of the packed A block at
// row ic and the B panels [jLo, jHi) of the NC block at column jc, packing
// each panel first when packB is set: C = alpha·A·B + beta·C on those
// tiles. After the last block of the sum, it hands each finished mc×NR block
// of C, still in cache, to the epilogue.
func (w *worker[E]) computeBlock(bPacked []E, ic, jc, jLo, jHi, pc, kb int, beta E, packB bool) {
	g, mr, nr := w.g, w.kern.MR, w.kern.NR
	mb := min(w.bs.mc, w.iHi-ic)
	rowPanels := ceilDiv(mb, mr)
	last := pc+kb == g.k
	for p := jLo; p < jHi; p++ {
		if packB {
			w.packPanelB(bPacked, p, pc, kb, jc)
		}
		j0 := jc + p*nr
		cols := min(nr, g.n-j0)
		bp := &bPacked[p*nr*w.bs.kc]
		run, width := w.kern.Run, nr
		if cols <= nr/2 && w.kern.RunHalf != nil {
			run, width = w.kern.RunHalf, nr/2
		}
		for q := 0; q < rowPanels; q++ {
			i0 := ic + q*mr
			rows := min(mr, g.m-i0)
			ap := &w.aPacked[q*mr*kb]
			if rows == mr && cols == width {
				run(kb, ap, bp, &g.c[i0*g.ldc+j0], g.ldc, g.alpha, beta)
				continue
			}
			run(kb, ap, bp, &w.edge[0], nr, g.alpha, 0)
			storeEdge(g.c[i0*g.ldc+j0:], g.ldc, w.edge, nr, rows, cols, beta)
		}
		if last && g.ep != nil {
			g.ep.Finish(ic, mb, j0, cols)
		}
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

// gemmFlops counts the floating-point operations of every matrix product run
// (2·m·n·k each, whatever the path).
var gemmFlops atomic.Int64

// GemmFlops is the number of floating-point operations, 2·m·n·k per product,
// of the matrix products this process has run: a pass's arithmetic is the
// difference across it (the epilogues' and pointwise work not included).
func GemmFlops() int64 { return gemmFlops.Load() }
