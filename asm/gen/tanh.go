package main

import (
	"fmt"
	"math"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// tanhConst is a float32 constant of tanh32 (asm/tanh_generic.go), given by
// its bits.
type tanhConst struct {
	name string
	bits uint32
}

func fconst(name string, x float64) tanhConst { return tanhConst{name, math.Float32bits(float32(x))} }

// tanhConsts are the constants of tanh32, in the order of the data section:
// the clamp, tiny, the masks, then the coefficients of the polynomials p (P6
// to P0, highest degree first) and q (Q3 to Q0) in x².
var tanhConsts = []tanhConst{
	fconst("CLAMP", 7.90531110763549805), // tanhClamp
	fconst("NEGCLAMP", -7.90531110763549805),
	fconst("TINY", 0.0004),  // tanhTiny
	{"ABSMASK", 0x7fffffff}, // all bits but the sign
	fconst("ONE", 1),
	fconst("MTWO", -2),
	fconst("P6", -2.76076847742355e-16),
	fconst("P5", 2.00018790482477e-13),
	fconst("P4", -8.60467152213735e-11),
	fconst("P3", 5.12229709037114e-08),
	fconst("P2", 1.48572235717979e-05),
	fconst("P1", 6.37261928875436e-04),
	fconst("P0", 4.89352455891786e-03),
	fconst("Q3", 1.19825839466702e-06),
	fconst("Q2", 1.18534705686654e-04),
	fconst("Q1", 2.26843463243900e-03),
	fconst("Q0", 4.89352518554385e-03),
}

// tanhSlot is the bytes of the data section per constant: one YMM vector.
const tanhSlot = 32

// tanhAt is the offset of the named constant in the data section.
func tanhAt(name string) int {
	for i, c := range tanhConsts {
		if c.name == name {
			return i * tanhSlot
		}
	}
	panic("no tanh constant " + name)
}

// tanhDataDoc is the comment above the data section.
func tanhDataDoc() []string {
	doc := []string{
		"tanhConsts holds the constants of tanh32 as float32 bit patterns, each",
		fmt.Sprintf("repeated across %d bytes (one YMM vector): name, offset, bits, value:", tanhSlot),
		"",
	}
	for i, c := range tanhConsts {
		value := fmt.Sprint(math.Float32frombits(c.bits))
		if c.name == "ABSMASK" {
			value = "all bits but the sign"
		}
		doc = append(doc, fmt.Sprintf("\t%-8s %3d  %#08x  %s", c.name, i*tanhSlot, c.bits, value))
	}
	return doc
}

// emitTanh adds the data and kernels of asm/tanh_amd64.s, declared and
// registered in asm/tanh_amd64.go.
func emitTanh(ctx *build.Context) {
	consts := ctx.StaticGlobal("tanhConsts")
	ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	for i, c := range tanhConsts {
		for b := 0; b < tanhSlot; b += 4 {
			ctx.AddDatum(i*tanhSlot+b, operand.U32(c.bits))
		}
	}
	tanh(ctx, avx2, consts)
	tanh(ctx, avx512, consts)
}

// Registers: the arguments, the constants and the index.
var rhZ, rhD1, rhD2, rhN, rhConsts, rhI = reg.RDI, reg.RSI, reg.RDX, reg.RCX, reg.R8, reg.RAX

// tanh emits the tanh kernel of x. The clamp, tiny, the masks (vector
// registers 15 down to 10 with AVX2, 31 down to 26 with AVX-512) and, with
// AVX-512, the coefficients (25 down to 15) stay in registers; AVX2 reads
// the coefficients from memory.
func tanh(ctx *build.Context, x isa, consts operand.Mem) {
	name := "tanh" + x.name
	lanes := x.lanes(f32)
	v := x.vec
	function(ctx, name, "func(z, d1, d2 *float32, n int)",
		"",
		fmt.Sprintf("%s computes, for n a positive multiple of %d and tanh32 evaluated", name, lanes),
		"with fused multiply-adds (the clamp by MIN/MAX keeps a NaN x, as x is their",
		"second source):",
		"",
		"\tfor i := 0; i < n; i++ {",
		"\t\tt := tanh32(z[i])",
		"\t\td := 1 - t*t",
		"\t\tz[i], d1[i] = t, d",
		"\t\tif d2 != nil {",
		"\t\t\td2[i] = -2 * t * d",
		"\t\t}",
		"\t}",
	)
	load(ctx, "z", rhZ)
	load(ctx, "d1", rhD1)
	load(ctx, "d2", rhD2)
	load(ctx, "n", rhN)
	ctx.LEAQ(consts, rhConsts)

	// c is the named constant: its register, or its vector in memory.
	// AVX-512 keeps all of them in registers and broadcasts them from the
	// first element; AVX2 keeps the first 6.
	wide := x.bytes == avx512.bytes
	inReg := 6
	if wide {
		inReg = len(tanhConsts)
	}
	c := func(name string) operand.Op {
		i := tanhAt(name) / tanhSlot
		if i < inReg {
			return v(x.regs - 1 - i)
		}
		return mem(rhConsts, i*tanhSlot)
	}
	for i := 0; i < inReg; i++ {
		at := mem(rhConsts, i*tanhSlot)
		if wide {
			ctx.VBROADCASTSS(at, v(x.regs-1-i))
		} else {
			ctx.VMOVUPS(at, v(x.regs-1-i))
		}
	}
	ctx.XORQ(rhI, rhI)

	at := func(base reg.Register) operand.Mem { return idx(base, 0, rhI, 4) }
	mov := func(src operand.Op, dst reg.Register) { // a constant to a register
		if operand.IsMem(src) {
			ctx.VMOVUPS(src, dst)
		} else {
			ctx.VMOVAPS(src, dst)
		}
	}
	ctx.Label(name + "_loop")
	ctx.Comment("x clamped to ±clamp in 1, x² in 2")
	ctx.VMOVUPS(at(rhZ), v(0))
	ctx.VMINPS(v(0), c("CLAMP"), v(1))
	ctx.VMAXPS(v(1), c("NEGCLAMP"), v(1))
	ctx.VMULPS(v(1), v(1), v(2))
	ctx.Comment("p(x²) in 3, q(x²) in 4, by Horner's rule")
	mov(c("P6"), v(3))
	mov(c("Q3"), v(4))
	for i := 5; i >= 0; i-- {
		ctx.VFMADD213PS(c(fmt.Sprint("P", i)), v(2), v(3))
		if i >= 3 {
			ctx.VFMADD213PS(c(fmt.Sprint("Q", i-3)), v(2), v(4))
		}
	}
	ctx.Comment("t = x·p/q in 3, or x where |x| < tiny")
	ctx.VMULPS(v(3), v(1), v(3))
	ctx.VDIVPS(v(4), v(3), v(3))
	if wide {
		ctx.VPANDD(v(0), c("ABSMASK"), v(5))
		ctx.VCMPPS(imm(1), c("TINY"), v(5), reg.K1)
		ctx.VMOVAPS(v(0), reg.K1, v(3))
	} else {
		ctx.VANDPS(v(0), c("ABSMASK"), v(5))
		ctx.VCMPPS(imm(1), c("TINY"), v(5), v(5))
		ctx.VBLENDVPS(v(5), v(0), v(3), v(3))
	}
	ctx.VMOVUPS(v(3), at(rhZ))
	ctx.Comment("d = 1 − t² in 6; −2t·d in 7 when d2 != nil")
	ctx.VMOVAPS(c("ONE"), v(6))
	ctx.VFNMADD231PS(v(3), v(3), v(6))
	ctx.VMOVUPS(v(6), at(rhD1))
	ctx.TESTQ(rhD2, rhD2)
	ctx.JZ(operand.LabelRef(name + "_next"))
	ctx.VMULPS(c("MTWO"), v(3), v(7))
	ctx.VMULPS(v(6), v(7), v(7))
	ctx.VMOVUPS(v(7), at(rhD2))
	ctx.Label(name + "_next")
	ctx.ADDQ(imm(lanes), rhI)
	ctx.CMPQ(rhI, rhN)
	ctx.JLT(operand.LabelRef(name + "_loop"))
	ctx.VZEROUPPER()
	ctx.RET()
}
