package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// emitReLU adds the data and kernels of asm/relu_amd64.s, declared and
// registered in asm/relu_amd64.go.
func emitReLU(ctx *build.Context) {
	one := ctx.StaticGlobal("reluOne")
	ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	ctx.AddDatum(0, operand.U32(0x3f800000))
	relu(ctx, avx2, one)
	relu(ctx, avx512, one)
}

// Registers of the ReLU kernels: the arguments and the index.
var rrZ, rrD1, rrN, rrI = reg.RDI, reg.RSI, reg.RCX, reg.RAX

// relu emits the ReLU kernel of x: vector 0 is x, 1 zero, 2 one, 3 and 4 the
// masks x > 0 and x unordered (K1, K2 with AVX-512), 5 the results, 6 the
// bias.
func relu(ctx *build.Context, x isa, one operand.Mem) {
	name := "relu" + x.name
	lanes := x.lanes(f32)
	v := x.vec
	function(ctx, name, "func(z, d1 *float32, n int, bias float32)",
		"",
		fmt.Sprintf("%s computes, for n a positive multiple of %d, what reluGo32 does:", name, lanes),
		"",
		"\tfor i := 0; i < n; i++ {",
		"\t\tswitch x := z[i] + bias; {",
		"\t\tcase x > 0:",
		"\t\t\td1[i] = 1",
		"\t\tcase x != x: // NaN stays, σ' = NaN",
		"\t\t\td1[i] = x",
		"\t\tdefault:",
		"\t\t\tx, d1[i] = 0, 0",
		"\t\t}",
		"\t\tz[i] = x",
		"\t}",
	)
	load(ctx, "z", rrZ)
	load(ctx, "d1", rrD1)
	load(ctx, "n", rrN)
	ctx.VBROADCASTSS(one, v(2))
	ctx.VBROADCASTSS(param(ctx, "bias"), v(6))
	x.zero(ctx, v(1), v(1), v(1))
	ctx.XORQ(rrI, rrI)
	at := func(base reg.Register) operand.Mem { return idx(base, 0, rrI, 4) }
	ctx.Label(name + "_loop")
	ctx.VADDPS(at(rrZ), v(6), v(0))
	if x.bytes == avx512.bytes {
		ctx.Comment("K1: x > 0, K2: x is NaN, K3: either (x stays)")
		ctx.VCMPPS(imm(0x1e), v(1), v(0), reg.K1) // GT_OQ
		ctx.VCMPPS(imm(3), v(0), v(0), reg.K2)    // UNORD_Q
		ctx.KORW(reg.K1, reg.K2, reg.K3)
		ctx.VMOVAPS_Z(v(0), reg.K3, v(5))
		ctx.VMOVUPS(v(5), at(rrZ))
		ctx.VMOVAPS_Z(v(2), reg.K1, v(5))
		ctx.VMOVAPS(v(0), reg.K2, v(5))
		ctx.VMOVUPS(v(5), at(rrD1))
	} else {
		ctx.Comment("3: x > 0, 4: x is NaN, 5 = x where either, else +0")
		ctx.VCMPPS(imm(0x1e), v(1), v(0), v(3))
		ctx.VCMPPS(imm(3), v(0), v(0), v(4))
		ctx.VORPS(v(3), v(4), v(5))
		ctx.VANDPS(v(0), v(5), v(5))
		ctx.VMOVUPS(v(5), at(rrZ))
		ctx.VANDPS(v(2), v(3), v(5))
		ctx.VBLENDVPS(v(4), v(0), v(5), v(5))
		ctx.VMOVUPS(v(5), at(rrD1))
	}
	countUp(ctx, rrI, rrN, lanes, name+"_loop")
	ctx.VZEROUPPER()
	ctx.RET()
}
