package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// emitVec adds the AVX2 vector kernels of asm/vec_amd64.s, declared and
// registered in asm/vec_amd64.go.
func emitVec(ctx *build.Context) {
	for _, e := range []elem{f32, f64} {
		dot(ctx, e)
	}
	for _, e := range []elem{f32, f64} {
		axpy(ctx, e)
	}
	for _, e := range []elem{f32, f64} {
		scale(ctx, e)
	}
}

// Registers: x, y, n, the index, and the broadcast alpha.
var rvX, rvY, rvN, rvI, rvAlpha = reg.RSI, reg.RDI, reg.RCX, reg.RAX, reg.Y15

// dotAcc is the number of float64 accumulators of dot, each a vector.
const dotAcc = 4

// dot sums x[i]*y[i] in float64: four vectors of products (x in 0-3, y in
// 8-11 when converted) into the accumulators 4-7.
func dot(ctx *build.Context, e elem) {
	name := "dotAVX2" + e.suffix
	what, acc := "x[i]*y[i]", "accumulators"
	if e.size == 4 {
		what, acc = "float64(x[i])*float64(y[i])", "float64 accumulators"
	}
	lanes := avx2.lanes(f64)
	step := dotAcc * lanes
	function(ctx, name, fmt.Sprintf("func(x, y *%s, n int) float64", e.goType),
		"",
		fmt.Sprintf("%s returns Σ %s for i < n,", name, what),
		fmt.Sprintf("n a positive multiple of %d, in %d %s of %d lanes.", step, dotAcc, acc, lanes))
	load(ctx, "x", rvX)
	load(ctx, "y", rvY)
	load(ctx, "n", rvN)
	ctx.XORQ(rvI, rvI)
	y := func(n int) reg.Register { return vreg(32, n) }
	for a := 0; a < dotAcc; a++ {
		ctx.VXORPD(y(4+a), y(4+a), y(4+a))
	}
	ctx.Label(name + "_loop")
	// The x and y vectors of accumulator a, lanes float64 wide each.
	at := func(base reg.Register, a int) operand.Mem { return idx(base, a*lanes*e.size, rvI, e.size) }
	if e.size == 4 {
		for a := 0; a < dotAcc; a++ {
			ctx.VCVTPS2PD(at(rvX, a), y(a))
		}
		for a := 0; a < dotAcc; a++ {
			ctx.VCVTPS2PD(at(rvY, a), y(8+a))
		}
		for a := 0; a < dotAcc; a++ {
			ctx.VFMADD231PD(y(8+a), y(a), y(4+a))
		}
	} else {
		for a := 0; a < dotAcc; a++ {
			ctx.VMOVUPD(at(rvX, a), y(a))
		}
		for a := 0; a < dotAcc; a++ {
			ctx.VFMADD231PD(at(rvY, a), y(a), y(4+a))
		}
	}
	countUp(ctx, rvI, rvN, step, name+"_loop")
	ctx.Comment("the sum of the lanes of the four accumulators")
	ctx.VADDPD(y(5), y(4), y(4))
	ctx.VADDPD(y(7), y(6), y(6))
	ctx.VADDPD(y(6), y(4), y(4))
	ctx.VEXTRACTF128(imm(1), y(4), reg.X5)
	ctx.VADDPD(reg.X5, reg.X4, reg.X4)
	ctx.VHADDPD(reg.X4, reg.X4, reg.X4)
	ctx.VZEROUPPER()
	ctx.MOVSD(reg.X4, ret(ctx))
	ctx.RET()
}

// elementwise starts the kernel name, which computes y[i] for i < n (n a
// positive multiple of a vector of e) with alpha broadcast: it loads the
// arguments, then emits the loop around body.
func elementwise(ctx *build.Context, e elem, name, signature, y string, args []string, body func(at func(reg.Register) operand.Mem)) {
	lanes := avx2.lanes(e)
	function(ctx, name, fmt.Sprintf(signature, e.goType),
		"",
		fmt.Sprintf("%s computes %s for i < n, n a positive multiple of %d.", name, y, lanes))
	e.bcast(ctx, param(ctx, "alpha"), rvAlpha)
	for i, a := range args {
		load(ctx, a, []reg.Register{rvX, rvY}[i])
	}
	load(ctx, "n", rvN)
	ctx.XORQ(rvI, rvI)
	ctx.Label(name + "_loop")
	body(func(base reg.Register) operand.Mem { return idx(base, 0, rvI, e.size) })
	countUp(ctx, rvI, rvN, lanes, name+"_loop")
	ctx.VZEROUPPER()
	ctx.RET()
}

// axpy adds alpha*x to y.
func axpy(ctx *build.Context, e elem) {
	elementwise(ctx, e, "axpyAVX2"+e.suffix, "func(alpha %[1]s, x, y *%[1]s, n int)", "y[i] += alpha*x[i]",
		[]string{"x", "y"}, func(at func(reg.Register) operand.Mem) {
			e.mov(ctx, at(rvY), reg.Y0)
			e.fma(ctx, at(rvX), rvAlpha, reg.Y0)
			e.mov(ctx, reg.Y0, at(rvY))
		})
}

// scale multiplies x by alpha.
func scale(ctx *build.Context, e elem) {
	elementwise(ctx, e, "scaleAVX2"+e.suffix, "func(alpha %[1]s, x *%[1]s, n int)", "x[i] *= alpha",
		[]string{"x"}, func(at func(reg.Register) operand.Mem) {
			e.mul(ctx, at(rvX), rvAlpha, reg.Y0)
			e.mov(ctx, reg.Y0, at(rvX))
		})
}
