package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// emitPack adds the kernels of asm/pack_amd64.s, which pack the GEMM panels;
// they are declared in asm/gemm_amd64.go.
func emitPack(ctx *build.Context) {
	transpose4(ctx, f32)
	transpose4(ctx, f64)
	copyRows(ctx, 64)
	copyRows(ctx, 128)
	transpose8F32(ctx)
}

// Registers of the transposes: dst, its stride in bytes and 3, 5, 6 and 7
// strides; src, ld in bytes, 3 ld and src row 4; the block count.
var (
	rtDst, rtSrc, rtBlocks = reg.RDI, reg.RSI, reg.RCX
	rtStride               = []reg.Register{1: reg.R10, 3: reg.R11, 5: reg.R12, 6: reg.R13, 7: reg.R14}
	rtLd, rtLd3, rtSrc4    = reg.R8, reg.R9, reg.RBX
)

// dstRow is the address of row r < 8 of the dst block.
func dstRow(r int) operand.Mem {
	switch r {
	case 0:
		return mem(rtDst, 0)
	case 2, 4:
		return idx(rtDst, 0, rtStride[1], r)
	}
	return idx(rtDst, 0, rtStride[r], 1)
}

// srcRow is the address of row r < 8 of the src block, disp bytes in.
func srcRow(r, disp int) operand.Mem {
	base := reg.Register(rtSrc)
	if r >= 4 {
		base, r = rtSrc4, r-4
	}
	switch r {
	case 0:
		return mem(base, disp)
	case 3:
		return idx(base, disp, rtLd3, 1)
	}
	return idx(base, disp, rtLd, r)
}

func transposeDoc(name string, rows int, what string) []string {
	return []string{
		"",
		fmt.Sprintf("%s transposes a strip of %d rows into columns, %[2]d×%[2]d blocks at a", name, rows),
		fmt.Sprintf("time (%s):", what),
		"",
		fmt.Sprintf("\tfor l := 0; l < %d*blocks; l++ {", rows),
		fmt.Sprintf("\t\tfor r := 0; r < %d; r++ {", rows),
		"\t\t\tdst[l*dstStride+r] = src[r*ld+l]",
		"\t\t}",
		"\t}",
	}
}

// transposeStart starts a transpose of rows rows of e: it loads the
// arguments and the row offsets.
func transposeStart(ctx *build.Context, name string, e elem, rows int, what string) {
	function(ctx, name, fmt.Sprintf("func(dst *%[1]s, dstStride int, src *%[1]s, ld int, blocks int)", e.goType),
		transposeDoc(name, rows, what)...)
	s1, s3 := rtStride[1], rtStride[3]
	load(ctx, "dst", rtDst)
	load(ctx, "dstStride", s1)
	ctx.SHLQ(imm(int(e.log2())), s1)
	ctx.LEAQ(idx(s1, 0, s1, 2), s3)
	if rows == 8 {
		ctx.LEAQ(idx(s1, 0, s1, 4), rtStride[5])
		ctx.LEAQ(idx(s3, 0, s3, 1), rtStride[6])
		ctx.LEAQ(idx(rtStride[5], 0, s1, 2), rtStride[7])
	}
	load(ctx, "src", rtSrc)
	load(ctx, "ld", rtLd)
	ctx.SHLQ(imm(int(e.log2())), rtLd)
	ctx.LEAQ(idx(rtLd, 0, rtLd, 2), rtLd3)
	if rows == 8 {
		ctx.LEAQ(idx(rtSrc, 0, rtLd, 4), rtSrc4)
	}
	load(ctx, "blocks", rtBlocks)
	ctx.Label(name + "_loop")
}

// transposeEnd stores registers 0 to rows-1 (bytes wide) as the dst rows,
// advances src by step bytes and dst by rows rows, and loops.
func transposeEnd(ctx *build.Context, name string, e elem, rows, bytes, step int) {
	for r := 0; r < rows; r++ {
		e.mov(ctx, vreg(bytes, r), dstRow(r))
	}
	ctx.ADDQ(imm(step), rtSrc)
	if rows == 8 {
		ctx.ADDQ(imm(step), rtSrc4)
	}
	ctx.LEAQ(idx(rtDst, 0, rtStride[1], rows), rtDst)
	ctx.DECQ(rtBlocks)
	ctx.JNZ(operand.LabelRef(name + "_loop"))
	if bytes > 16 {
		ctx.VZEROUPPER()
	}
	ctx.RET()
}

// unpack interleaves the low and the high elements of e of the register
// pairs (0, 1), (2, 3), ... (n-2, n-1) of v into to, to+1, ...
func unpack(ctx *build.Context, e elem, v func(int) reg.Register, n, to int) {
	lo, hi := (*build.Context).VUNPCKLPS, (*build.Context).VUNPCKHPS
	if e.size == 8 {
		lo, hi = (*build.Context).VUNPCKLPD, (*build.Context).VUNPCKHPD
	}
	for p := 0; p < n; p += 2 {
		lo(ctx, v(p+1), v(p), v(to+p))
		hi(ctx, v(p+1), v(p), v(to+p+1))
	}
}

// transpose4 transposes 4×4 blocks of e: rows a, b, c, d are loaded into
// registers 0-3, interleaved in pairs into 4-7 (a0 b0 a1 b1, a2 b2 a3 b3,
// c0 d0 c1 d1, c2 d2 c3 d3 for float32; a0 b0 | a2 b2, a1 b1 | a3 b3, ...
// in two lanes for float64) and recombined into the columns a0 b0 c0 d0, ...
// in 0-3.
func transpose4(ctx *build.Context, e elem) {
	bytes := 4 * e.size
	name := "transpose4" + e.suffix
	v := func(n int) reg.Register { return vreg(bytes, n) }
	transposeStart(ctx, name, e, 4, fmt.Sprintf("AVX, %d-bit", 8*bytes))
	for r := 0; r < 4; r++ {
		e.mov(ctx, srcRow(r, 0), v(r))
	}
	unpack(ctx, e, v, 4, 4)
	for h := 0; h < 2; h++ {
		if e.size == 4 { // halves of 64 bits
			ctx.VMOVLHPS(v(6+h), v(4+h), v(2*h))
			ctx.VMOVHLPS(v(4+h), v(6+h), v(2*h+1))
		} else { // lanes of 128 bits
			ctx.VPERM2F128(imm(0x20+0x11*h), v(6), v(4), v(2*h))
			ctx.VPERM2F128(imm(0x20+0x11*h), v(7), v(5), v(2*h+1))
		}
	}
	transposeEnd(ctx, name, e, 4, bytes, bytes)
}

// transpose8F32 transposes 8×8 blocks of float32.
func transpose8F32(ctx *build.Context) {
	const name = "transpose8F32"
	y := func(n int) reg.Register { return vreg(32, n) }
	transposeStart(ctx, name, f32, 8, "AVX, 256-bit")
	ctx.Comment(
		"Y0..Y3 = columns 0-3 of rows 0-3 | rows 4-7 (lane 0 | lane 1),",
		"Y4..Y7 = columns 4-7 likewise: the loads do the cross-lane step.")
	for c := 0; c < 2; c++ {
		for r := 0; r < 4; r++ {
			f32.mov(ctx, srcRow(r, 16*c), vreg(16, 4*c+r))
			ctx.VINSERTF128(imm(1), srcRow(4+r, 16*c), y(4*c+r), y(4*c+r))
		}
	}
	ctx.Comment("A 4×4 transpose in each lane.")
	unpack(ctx, f32, y, 8, 8)
	for q := 0; q < 8; q += 4 {
		for h := 0; h < 2; h++ {
			ctx.VSHUFPS(imm(0x44), y(10+q+h), y(8+q+h), y(q+2*h))
			ctx.VSHUFPS(imm(0xEE), y(10+q+h), y(8+q+h), y(q+2*h+1))
		}
	}
	transposeEnd(ctx, name, f32, 8, 32, 32)
}

// copyRows copies rows of width bytes (one AVX2 panel row of GEMM) with
// 256-bit moves.
func copyRows(ctx *build.Context, width int) {
	name := fmt.Sprint("copyRows", width)
	function(ctx, name, "func(dst, src unsafe.Pointer, ldBytes, rows int)",
		"",
		fmt.Sprintf("%s gathers rows of %d bytes (AVX, 256-bit):", name, width),
		"",
		"\tfor l := 0; l < rows; l++ {",
		fmt.Sprintf("\t\tcopy(dst[l*%[1]d:l*%[1]d+%[1]d], src[l*ldBytes:l*ldBytes+%[1]d])", width),
		"\t}",
	)
	load(ctx, "dst", rtDst)
	load(ctx, "src", rtSrc)
	load(ctx, "ldBytes", rtLd)
	load(ctx, "rows", rtBlocks)
	ctx.Label(name + "_loop")
	n := width / 32
	for v := 0; v < n; v++ {
		ctx.VMOVUPS(mem(rtSrc, 32*v), vreg(32, v))
	}
	for v := 0; v < n; v++ {
		ctx.VMOVUPS(vreg(32, v), mem(rtDst, 32*v))
	}
	ctx.ADDQ(rtLd, rtSrc)
	if width > 127 {
		ctx.SUBQ(imm(-width), rtDst) // -128 fits in a byte, +128 does not
	} else {
		ctx.ADDQ(imm(width), rtDst)
	}
	ctx.DECQ(rtBlocks)
	ctx.JNZ(operand.LabelRef(name + "_loop"))
	ctx.VZEROUPPER()
	ctx.RET()
}
