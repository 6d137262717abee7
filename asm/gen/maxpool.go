package main

import (
	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// emitMaxPool adds the data and kernel of asm/maxpool_amd64.s, declared and
// registered in asm/maxpool_amd64.go.
func emitMaxPool(ctx *build.Context) {
	consts := ctx.StaticGlobal("maxPoolConsts")
	ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	for i := range 8 { // 2·lane: the first window's index in each lane
		ctx.AddDatum(4*i, operand.U32(2*i))
	}
	ctx.AddDatum(32, operand.U32(1))
	ctx.AddDatum(36, operand.U32(16)) // the index step of one vector
	maxPoolAVX2(ctx, consts)
}

// maxPoolAVX2 emits the 8-lane 2×2 max-pooling kernel. Vectors: 0–3 the
// window elements in order, 4–5 loads then masks, 6 the chosen offsets;
// 8 twice w, 9 the row's first indices, 10 the index step, 11 the vector's
// indices, 12–14 the offsets w+1, w and 1.
func maxPoolAVX2(ctx *build.Context, consts operand.Mem) {
	name := "maxPoolAVX2"
	x, w, y, ix := reg.RDI, reg.RSI, reg.RDX, reg.RCX
	ldy, rows, n, p0, p1, o := reg.R8, reg.R9, reg.R10, reg.R11, reg.R12, reg.RAX
	v := avx2.vec
	function(ctx, name, "func(x *float32, w int, y *float32, idx *int32, ldy, rows, n, base int)",
		"",
		"maxPoolAVX2 pools rows ≥ 1 output rows of n outputs, n a positive multiple",
		"of 8, as maxPoolGo32 does, output row r at y[r·ldy:] and idx[r·ldy:]: a",
		"window element is taken when it is greater than the best so far (GT_OQ)",
		"or NaN (UNORD_Q), in window order.",
	)
	load(ctx, "x", x)
	load(ctx, "w", w)
	load(ctx, "y", y)
	load(ctx, "idx", ix)
	load(ctx, "ldy", ldy)
	load(ctx, "rows", rows)
	load(ctx, "n", n)
	// broadcast puts the int32 value of the general register r in every lane of vector d.
	broadcast := func(r reg.Register, d int) {
		ctx.VMOVQ(r, zmm[d].AsX())
		ctx.VPBROADCASTD(zmm[d].AsX(), v(d))
	}
	broadcast(w, 13)
	ctx.LEAQ(mem(w, 1), p0)
	broadcast(p0, 12)
	ctx.LEAQ(idx(w, 0, w, 1), p0)
	broadcast(p0, 8)
	load(ctx, "base", p0)
	broadcast(p0, 9)
	ctx.VPADDD(consts, v(9), v(9))
	ctx.VPBROADCASTD(consts.Offset(32), v(14))
	ctx.VPBROADCASTD(consts.Offset(36), v(10))
	ctx.Label(name + "_row")
	ctx.MOVQ(x, p0)
	ctx.LEAQ(idx(x, 0, w, 4), p1)
	ctx.VMOVDQU(v(9), v(11))
	ctx.XORQ(o, o)
	ctx.Label(name + "_col")
	// deinterleave loads 16 elements at p and puts the even ones in
	// vector e and the odd ones in e+1.
	deinterleave := func(p reg.Register, e int) {
		ctx.VMOVUPS(idx(p, 0, o, 8), v(4))
		ctx.VMOVUPS(idx(p, 32, o, 8), v(5))
		ctx.VSHUFPS(imm(0x88), v(5), v(4), v(e))
		ctx.VSHUFPS(imm(0xdd), v(5), v(4), v(e+1))
		ctx.VPERMPD(imm(0xd8), v(e), v(e))
		ctx.VPERMPD(imm(0xd8), v(e+1), v(e+1))
	}
	ctx.Comment("the window elements (0,0), (0,1), (1,0), (1,1) of 8 outputs in 0–3")
	deinterleave(p0, 0)
	deinterleave(p1, 2)
	ctx.VPXOR(v(6), v(6), v(6))
	for i, off := range []int{14, 13, 12} {
		e := i + 1
		ctx.VCMPPS(imm(0x1e), v(0), v(e), v(4)) // e > best
		ctx.VCMPPS(imm(3), v(e), v(e), v(5))    // e is NaN
		ctx.VORPS(v(4), v(5), v(4))
		ctx.VBLENDVPS(v(4), v(e), v(0), v(0))
		ctx.VBLENDVPS(v(4), v(off), v(6), v(6))
	}
	ctx.VMOVUPS(v(0), idx(y, 0, o, 4))
	ctx.VPADDD(v(11), v(6), v(6))
	ctx.VMOVDQU(v(6), idx(ix, 0, o, 4))
	ctx.VPADDD(v(10), v(11), v(11))
	countUp(ctx, o, n, 8, name+"_col")
	ctx.LEAQ(idx(x, 0, w, 8), x)
	ctx.LEAQ(idx(y, 0, ldy, 4), y)
	ctx.LEAQ(idx(ix, 0, ldy, 4), ix)
	ctx.VPADDD(v(8), v(9), v(9))
	ctx.DECQ(rows)
	ctx.JNZ(operand.LabelRef(name + "_row"))
	ctx.VZEROUPPER()
	ctx.RET()
}
