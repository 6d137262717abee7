package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// emitStandardize adds the kernels of asm/standardize_amd64.s, declared and
// registered in asm/standardize_amd64.go: rows of uint8 pixels to float32 or
// float64, times scale plus shift, per column.
func emitStandardize(ctx *build.Context) {
	for _, x := range []isa{avx512, avx2} {
		for _, e := range []elem{f32, f64} {
			standardize{e, x}.emit(ctx)
		}
	}
}

type standardize struct {
	elem elem
	isa  isa
}

// stdBlock is the number of vectors of the main loop of a row, and the
// widest row whose scale and shift stay in registers.
const stdBlock = 4

// Registers: the arguments, the row stride of dst in bytes, the column in
// the main loops and its end there (the whole blocks).
var (
	rsDst, rsDstStride, rsSrc, rsLd, rsRows = reg.RDI, reg.RDX, reg.RSI, reg.R10, reg.RBX
	rsScale, rsShift, rsN, rsCol, rsEnd     = reg.R8, reg.R9, reg.RCX, reg.RAX, reg.R11
)

// Vector registers: converted pixels from 0, results of the main loop from
// 4, scale from 8 and shift from 12.
const vsPix, vsOut, vsScale, vsShift = 0, 4, 8, 12

func (k standardize) name() string { return "standardize" + k.isa.name + k.elem.suffix }

func (k standardize) doc() []string {
	w := k.isa.lanes(k.elem)
	return []string{
		"",
		fmt.Sprintf("%s converts rows ≥ 1 rows of n pixels, n a positive multiple of %d:", k.name(), w),
		"",
		"\tfor l := 0; l < rows; l++ {",
		"\t\tfor j := 0; j < n; j++ {",
		fmt.Sprintf("\t\t\tdst[l*dstStride+j] = %s(src[l*ld+j])*scale[j] + shift[j]", k.elem.goType),
		"\t\t}",
		"\t}",
		"",
		fmt.Sprintf("Rows of %d, %d, %d or %d pixels keep scale and shift in registers;", w, 2*w, 3*w, 4*w),
		fmt.Sprintf("wider rows go %d pixels at a time, then %d, reading scale and shift as", stdBlock*w, w),
		"they go.",
	}
}

// convert loads the pixels of nv vectors at src (+ col) as int32 lanes and
// converts them to elements in registers vsPix+v.
func (k standardize) convert(ctx *build.Context, nv int, col reg.Register) {
	e, x, w := k.elem, k.isa, k.isa.lanes(k.elem)
	dword := w * 4 // bytes of the int32 lanes
	for v := 0; v < nv; v++ {
		src := mem(rsSrc, v*w)
		if col != nil {
			src = idx(rsSrc, v*w, col, 1)
		}
		ctx.VPMOVZXBD(src, vreg(dword, vsPix+v))
	}
	for v := 0; v < nv; v++ {
		e.cvtDQ(ctx, vreg(dword, vsPix+v), x.vec(vsPix+v))
	}
}

// nextRow advances src and dst by a row and loops to label while rows are
// left; then returns.
func (k standardize) nextRow(ctx *build.Context, label string) {
	ctx.ADDQ(rsLd, rsSrc)
	ctx.ADDQ(rsDstStride, rsDst)
	ctx.DECQ(rsRows)
	ctx.JNZ(operand.LabelRef(label))
	ctx.VZEROUPPER()
	ctx.RET()
}

func (k standardize) emit(ctx *build.Context) {
	e, x, w := k.elem, k.isa, k.isa.lanes(k.elem)
	name := k.name()
	label := func(s string) string { return name + "_" + s }
	function(ctx, name, fmt.Sprintf(
		"func(dst *%[1]s, dstStride int, src *uint8, ld, rows int, scale, shift *%[1]s, n int)", e.goType), k.doc()...)

	load(ctx, "dst", rsDst)
	load(ctx, "dstStride", rsDstStride)
	ctx.SHLQ(imm(int(e.log2())), rsDstStride)
	load(ctx, "src", rsSrc)
	load(ctx, "ld", rsLd)
	load(ctx, "rows", rsRows)
	load(ctx, "scale", rsScale)
	load(ctx, "shift", rsShift)
	load(ctx, "n", rsN)
	for nv := 1; nv <= stdBlock; nv++ {
		ctx.CMPQ(rsN, imm(nv*w))
		ctx.JEQ(operand.LabelRef(label(fmt.Sprint("vec", nv))))
	}
	ctx.MOVQ(rsN, rsEnd)
	ctx.ANDQ(imm(-stdBlock*w), rsEnd)

	// Wider rows: whole blocks, then single vectors, scale and shift read
	// from memory.
	at := func(base reg.Register, v int) operand.Mem { return idx(base, v*x.bytes, rsCol, e.size) }
	ctx.Label(label("row"))
	ctx.XORQ(rsCol, rsCol)
	ctx.Label(label("block"))
	k.convert(ctx, stdBlock, rsCol)
	for v := 0; v < stdBlock; v++ {
		e.mov(ctx, at(rsShift, v), x.vec(vsOut+v))
	}
	for v := 0; v < stdBlock; v++ {
		e.fma(ctx, at(rsScale, v), x.vec(vsPix+v), x.vec(vsOut+v))
	}
	for v := 0; v < stdBlock; v++ {
		e.mov(ctx, x.vec(vsOut+v), at(rsDst, v))
	}
	ctx.ADDQ(imm(stdBlock*w), rsCol)
	ctx.CMPQ(rsCol, rsEnd)
	ctx.JLT(operand.LabelRef(label("block")))
	ctx.CMPQ(rsCol, rsN)
	ctx.JGE(operand.LabelRef(label("next")))
	ctx.Label(label("tail"))
	k.convert(ctx, 1, rsCol)
	e.mov(ctx, at(rsShift, 0), x.vec(vsOut))
	e.fma(ctx, at(rsScale, 0), x.vec(vsPix), x.vec(vsOut))
	e.mov(ctx, x.vec(vsOut), at(rsDst, 0))
	ctx.ADDQ(imm(w), rsCol)
	ctx.CMPQ(rsCol, rsN)
	ctx.JLT(operand.LabelRef(label("tail")))
	ctx.Label(label("next"))
	k.nextRow(ctx, label("row"))

	// Rows of nv vectors: scale and shift in registers.
	for nv := 1; nv <= stdBlock; nv++ {
		vec := label(fmt.Sprint("vec", nv))
		ctx.Label(vec)
		for v := 0; v < nv; v++ {
			e.mov(ctx, mem(rsScale, v*x.bytes), x.vec(vsScale+v))
		}
		for v := 0; v < nv; v++ {
			e.mov(ctx, mem(rsShift, v*x.bytes), x.vec(vsShift+v))
		}
		ctx.Label(vec + "_row")
		k.convert(ctx, nv, nil)
		for v := 0; v < nv; v++ {
			e.fma213(ctx, x.vec(vsShift+v), x.vec(vsScale+v), x.vec(vsPix+v))
		}
		for v := 0; v < nv; v++ {
			e.mov(ctx, x.vec(vsPix+v), mem(rsDst, v*x.bytes))
		}
		k.nextRow(ctx, vec+"_row")
	}
}
