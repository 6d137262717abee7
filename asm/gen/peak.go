package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// emitPeak adds the FMA peak loops of asm/peak_amd64.s, declared in
// asm/peak_amd64.go.
func emitPeak(ctx *build.Context) {
	peak(ctx, avx512, 24, "AVX-512")
	peak(ctx, avx2, 12, "AVX2")
}

// peak emits a loop of acc independent float32 FMAs per round on registers
// only, into accumulators 0 to acc-1 from the registers acc and acc+1.
func peak(ctx *build.Context, x isa, acc int, rate string) {
	bits := 8 * x.bytes
	name := fmt.Sprint("peakFMA", bits)
	lanes := x.lanes(f32)
	function(ctx, name, "func(n int)",
		"",
		fmt.Sprintf("%s runs n rounds of %d independent %d-lane float32 FMAs on", name, acc, lanes),
		fmt.Sprintf("registers only (%d flops a round): the core's peak %s rate.", 2*acc*lanes, rate))
	load(ctx, "n", reg.RCX)
	for i := 0; i < acc+2; i++ {
		x.zero(ctx, x.vec(i), x.vec(i), x.vec(i))
	}
	loop := fmt.Sprintf("peak%d_loop", bits)
	ctx.Label(loop)
	for i := 0; i < acc; i++ {
		ctx.VFMADD231PS(x.vec(acc), x.vec(acc+1), x.vec(i))
	}
	ctx.DECQ(reg.RCX)
	ctx.JNZ(operand.LabelRef(loop))
	ctx.VZEROUPPER()
	ctx.RET()
}
