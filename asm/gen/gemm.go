package main

import (
	"fmt"
	"math/bits"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// emitGEMM adds the micro-kernels of asm/gemm_amd64.s.
func emitGEMM(ctx *build.Context) {
	for _, k := range kernels {
		k.emit(ctx)
	}
}

// kernels are the micro-kernels of asm/gemm_amd64.s, in file order. Their
// names, tiles and signatures are those declared and registered in
// asm/gemm_amd64.go (MR×NR = 8×32 / 8×16 for AVX-512, 6×16 / 6×8 for AVX2).
var kernels = []kernel{
	{name: "sgemmAVX512", elem: f32, isa: avx512, mr: 8, vecs: 2, prefetch: true},
	{name: "sgemmAVX512Half", elem: f32, isa: avx512, mr: 8, vecs: 2, half: true},
	{name: "dgemmAVX512", elem: f64, isa: avx512, mr: 8, vecs: 2},
	{name: "dgemmAVX512Half", elem: f64, isa: avx512, mr: 8, vecs: 2, half: true},
	{name: "sgemmAVX2", elem: f32, isa: avx2, mr: 6, vecs: 2},
	{name: "sgemmAVX2Half", elem: f32, isa: avx2, mr: 6, vecs: 2, half: true},
	{name: "dgemmAVX2", elem: f64, isa: avx2, mr: 6, vecs: 2},
	{name: "dgemmAVX2Half", elem: f64, isa: avx2, mr: 6, vecs: 2, half: true},
}

// unroll is the number of k steps in the main loop; a one-step loop does the
// remaining k mod unroll.
const unroll = 4

// prefetchA is how far ahead of the current A element (in bytes) the main loop
// of a prefetching kernel asks for the A panel: 4 iterations of sgemmAVX512.
const prefetchA = 512

// General registers: the arguments k, a, b, c and ldc (scaled to bytes), and
// a scratch register for the C prefetches and the test of beta.
var (
	rK, rA, rB, rC, rLDC = reg.RCX, reg.RSI, reg.RDI, reg.RDX, reg.R8
	rTmp64, rTmp32       = reg.RAX, reg.EAX
)

// kernel describes one micro-kernel: C = alpha·A·B + beta·C on an MR×NR
// tile, NR = vecs vectors of elem, from packed panels (see asm.Kernel).
type kernel struct {
	name string
	elem elem
	isa  isa
	mr   int  // rows of the tile (MR)
	vecs int  // vectors per row of the full tile: NR = vecs·lanes
	half bool // compute only the first vecs/2 vectors of each row (RunHalf)
	// prefetch, as the hand-tuned sgemmAVX512 did: the rows of the C tile
	// before the k loop, and the A panel prefetchA bytes ahead in the main
	// loop, once per 64-byte line.
	prefetch bool
}

// nr is the width of the full tile, and of the packed rows of B, in elements.
func (k kernel) nr() int { return k.vecs * k.isa.bytes / k.elem.size }

// nv is the number of vectors computed per row.
func (k kernel) nv() int {
	if k.half {
		return k.vecs / 2
	}
	return k.vecs
}

// acc is the accumulator of row i, vector v.
func (k kernel) acc(i, v int) reg.Register { return k.isa.vec(i*k.nv() + v) }

// doc is the comment above the kernel: what it computes, as a Go loop.
func (k kernel) doc() []string {
	cols, what := k.nr(), "one"
	perRow := map[int]string{1: "one vector", 2: "two vectors"}[k.nv()]
	if k.half {
		cols = k.nr() / 2
		what = fmt.Sprintf("columns j < %d of one", cols)
	}
	return []string{
		"",
		fmt.Sprintf("%s computes %s %d×%d tile (%s per row, one broadcast of A per row and k step):",
			k.name, what, k.mr, k.nr(), perRow),
		"",
		fmt.Sprintf("\tfor i := 0; i < %d; i++ {", k.mr),
		fmt.Sprintf("\t\tfor j := 0; j < %d; j++ {", cols),
		fmt.Sprintf("\t\t\tvar s %s", k.elem.goType),
		"\t\t\tfor l := 0; l < k; l++ {",
		fmt.Sprintf("\t\t\t\ts += a[l*%d+i] * b[l*%d+j]", k.mr, k.nr()),
		"\t\t\t}",
		"\t\t\tc[i*ldc+j] = alpha*s + beta*c[i*ldc+j] // c not read when beta == 0",
		"\t\t}",
		"\t}",
	}
}

// emit adds the kernel to ctx.
func (k kernel) emit(ctx *build.Context) {
	e, x, nv := k.elem, k.isa, k.nv()
	rowB := k.nr() * e.size // bytes per packed row of B (per k step)
	stepA := k.mr * e.size  // bytes of A per k step
	label := func(s string) string { return k.name + "_" + s }

	function(ctx, k.name, fmt.Sprintf("func(k int, a, b, c *%[1]s, ldc int, alpha, beta %[1]s)", e.goType), k.doc()...)

	ctx.Load(ctx.Param("k"), rK)
	ctx.Load(ctx.Param("a"), rA)
	ctx.Load(ctx.Param("b"), rB)
	ctx.Load(ctx.Param("c"), rC)
	ctx.Load(ctx.Param("ldc"), rLDC)
	ctx.SHLQ(operand.U8(bits.TrailingZeros(uint(e.size))), rLDC)

	if k.prefetch {
		ctx.Comment("prefetch the tile of C, to be ready when it is updated")
		ctx.MOVQ(rC, rTmp64)
		for i := 0; i < k.mr; i++ {
			if i > 0 {
				ctx.ADDQ(rLDC, rTmp64)
			}
			ctx.PREFETCHT0(mem(rTmp64, 0))
			ctx.PREFETCHT0(mem(rTmp64, nv*x.bytes-e.size)) // the row's last element
		}
	}

	for i := 0; i < k.mr; i++ {
		for v := 0; v < nv; v++ {
			x.zero(ctx, k.acc(i, v), k.acc(i, v), k.acc(i, v))
		}
	}
	ctx.CMPQ(rK, operand.U8(unroll))
	ctx.JLT(operand.LabelRef(label("tail")))

	// step accumulates k step s of the unrolled loop, A and B read at
	// offsets from SI and DI.
	step := func(s int, prefetch bool) {
		if prefetch && s*stepA%64 == 0 {
			ctx.PREFETCHT0(mem(rA, prefetchA+s*stepA))
		}
		for v := 0; v < nv; v++ {
			e.mov(ctx, mem(rB, s*rowB+v*x.bytes), x.vec(x.b+v))
		}
		for i := 0; i < k.mr; i++ {
			e.bcast(ctx, mem(rA, (s*k.mr+i)*e.size), x.vec(x.a))
			for v := 0; v < nv; v++ {
				e.fma(ctx, x.vec(x.b+v), x.vec(x.a), k.acc(i, v))
			}
		}
	}

	ctx.Label(label("loop4"))
	for s := 0; s < unroll; s++ {
		step(s, k.prefetch)
	}
	ctx.ADDQ(operand.U32(unroll*stepA), rA)
	ctx.ADDQ(operand.U32(unroll*rowB), rB)
	ctx.SUBQ(operand.U8(unroll), rK)
	ctx.CMPQ(rK, operand.U8(unroll))
	ctx.JGE(operand.LabelRef(label("loop4")))

	ctx.Label(label("tail"))
	ctx.TESTQ(rK, rK)
	ctx.JZ(operand.LabelRef(label("store")))
	ctx.Label(label("loop1"))
	step(0, false)
	ctx.ADDQ(operand.U8(stepA), rA)
	ctx.ADDQ(operand.U32(rowB), rB)
	ctx.DECQ(rK)
	ctx.JNZ(operand.LabelRef(label("loop1")))

	// acc *= alpha; then C = acc + beta·C, or C = acc without reading C when
	// beta == ±0 (its bits shifted left by one are zero).
	ctx.Label(label("store"))
	e.bcast(ctx, param(ctx, "alpha"), x.vec(x.alpha))
	for i := 0; i < k.mr; i++ {
		for v := 0; v < nv; v++ {
			e.mul(ctx, x.vec(x.alpha), k.acc(i, v), k.acc(i, v))
		}
	}
	tmp := reg.Register(rTmp64)
	if e.size == 4 {
		tmp = rTmp32
	}
	e.movGP(ctx, param(ctx, "beta"), tmp)
	e.shlGP(ctx, operand.U8(1), tmp)
	ctx.JZ(operand.LabelRef(label("beta0")))
	e.bcast(ctx, param(ctx, "beta"), x.vec(x.beta))
	for i := 0; i < k.mr; i++ {
		if i > 0 {
			ctx.ADDQ(rLDC, rC)
		}
		for v := 0; v < nv; v++ {
			e.fma(ctx, mem(rC, v*x.bytes), x.vec(x.beta), k.acc(i, v))
		}
		for v := 0; v < nv; v++ {
			e.mov(ctx, k.acc(i, v), mem(rC, v*x.bytes))
		}
	}
	ctx.VZEROUPPER()
	ctx.RET()

	ctx.Label(label("beta0"))
	for i := 0; i < k.mr; i++ {
		if i > 0 {
			ctx.ADDQ(rLDC, rC)
		}
		for v := 0; v < nv; v++ {
			e.mov(ctx, k.acc(i, v), mem(rC, v*x.bytes))
		}
	}
	ctx.VZEROUPPER()
	ctx.RET()
}
