package main

import (
	"fmt"
	"go/token"
	"go/types"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/gotypes"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// elem is an element type with its instruction variants.
type elem struct {
	goType string // Go type in the signature
	suffix string // in kernel names: F32, F64
	size   int    // bytes
	// Unaligned vector load/store, register move, broadcast of one element,
	// fused multiply-adds (231: acc += x*y; 213: x = x*y + acc), multiply,
	// and conversion from int32 lanes.
	mov, movA, bcast, fma, fma213, mul, cvtDQ func(*build.Context, ...operand.Op)
	// Load of the bits of a scalar into a general register, and a shift of
	// that register.
	movGP func(c *build.Context, src, dst operand.Op)
	shlGP func(*build.Context, ...operand.Op)
}

var (
	f32 = elem{
		goType: "float32", suffix: "F32", size: 4,
		mov: (*build.Context).VMOVUPS, movA: (*build.Context).VMOVAPS, bcast: (*build.Context).VBROADCASTSS,
		fma: (*build.Context).VFMADD231PS, fma213: (*build.Context).VFMADD213PS, mul: (*build.Context).VMULPS,
		cvtDQ: (*build.Context).VCVTDQ2PS,
		movGP: (*build.Context).MOVL, shlGP: (*build.Context).SHLL,
	}
	f64 = elem{
		goType: "float64", suffix: "F64", size: 8,
		mov: (*build.Context).VMOVUPD, movA: (*build.Context).VMOVAPD, bcast: (*build.Context).VBROADCASTSD,
		fma: (*build.Context).VFMADD231PD, fma213: (*build.Context).VFMADD213PD, mul: (*build.Context).VMULPD,
		cvtDQ: (*build.Context).VCVTDQ2PD,
		movGP: (*build.Context).MOVQ, shlGP: (*build.Context).SHLQ,
	}
)

// log2 is the shift that scales an index by the element size.
func (e elem) log2() uint8 { return map[int]uint8{1: 0, 2: 1, 4: 2, 8: 3}[e.size] }

// isa is a vector extension: its width, register count and the fixed
// register roles of the GEMM kernels.
type isa struct {
	name  string // in kernel names: AVX512, AVX2
	bytes int    // vector width in bytes
	regs  int    // vector registers
	// GEMM: registers for the B row (vecs of them from b, then b+1, ...),
	// the broadcast A element, alpha and beta. Accumulators are
	// vec(0:MR*vecs).
	b, a, alpha, beta int
	// zero clears a register (vec, vec, vec).
	zero func(*build.Context, ...operand.Op)
}

var (
	avx512 = isa{
		name: "AVX512", bytes: 64, regs: 32,
		b: 24, a: 26, alpha: 30, beta: 31,
		zero: (*build.Context).VPXORD,
	}
	avx2 = isa{
		name: "AVX2", bytes: 32, regs: 16,
		// alpha reuses the A register: it is only needed after the k loop.
		b: 12, a: 14, alpha: 14, beta: 15,
		zero: (*build.Context).VXORPS,
	}
)

// vec is vector register n at the full width of x.
func (x isa) vec(n int) reg.Register { return vreg(x.bytes, n) }

// lanes is the number of elements of e in a vector.
func (x isa) lanes(e elem) int { return x.bytes / e.size }

var zmm = [32]reg.VecPhysical{
	reg.Z0, reg.Z1, reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6, reg.Z7,
	reg.Z8, reg.Z9, reg.Z10, reg.Z11, reg.Z12, reg.Z13, reg.Z14, reg.Z15,
	reg.Z16, reg.Z17, reg.Z18, reg.Z19, reg.Z20, reg.Z21, reg.Z22, reg.Z23,
	reg.Z24, reg.Z25, reg.Z26, reg.Z27, reg.Z28, reg.Z29, reg.Z30, reg.Z31,
}

// vreg is vector register n, bytes wide: X (16), Y (32) or Z (64).
func vreg(bytes, n int) reg.Register {
	switch bytes {
	case 16:
		return zmm[n].AsX()
	case 32:
		return zmm[n].AsY()
	case 64:
		return zmm[n]
	}
	panic(fmt.Sprintf("no %d-byte vector register", bytes))
}

// mem is disp(base).
func mem(base reg.Register, disp int) operand.Mem { return operand.Mem{Base: base, Disp: disp} }

// idx is disp(base)(index*scale).
func idx(base reg.Register, disp int, index reg.Register, scale int) operand.Mem {
	return operand.Mem{Base: base, Disp: disp, Index: index, Scale: uint8(scale)}
}

// imm is the constant x, printed in hex when it is not negative.
func imm(x int) operand.Constant {
	switch {
	case x < 0 && x >= -128:
		return operand.I8(x)
	case x < 0:
		return operand.I32(x)
	case x < 256:
		return operand.U8(x)
	}
	return operand.U32(x)
}

// param is the frame address of the named argument.
func param(ctx *build.Context, name string) operand.Mem {
	b, err := ctx.Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// ret is the frame address of the result.
func ret(ctx *build.Context) operand.Mem {
	b, err := ctx.ReturnIndex(0).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// load loads the named integer or pointer argument into r.
func load(ctx *build.Context, name string, r reg.Register) { ctx.MOVQ(param(ctx, name), r) }

// sigPkg is the package the signatures are parsed in: it imports unsafe.
var sigPkg = func() *types.Package {
	p := types.NewPackage("github.com/edge-of-stability/eos/asm", "asm")
	p.Scope().Insert(types.NewPkgName(token.NoPos, p, "unsafe", types.Unsafe))
	return p
}()

// function starts a NOSPLIT function with the given signature (a Go func
// type, which may use unsafe.Pointer) and doc comment.
func function(ctx *build.Context, name, signature string, doc ...string) {
	ctx.Function(name)
	ctx.Attributes(attr.NOSPLIT)
	s, err := gotypes.ParseSignatureInPackage(sigPkg, signature)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	ctx.Signature(s)
	ctx.Doc(doc...)
}

// countUp adds step to i and loops to label while i < n.
func countUp(ctx *build.Context, i, n reg.Register, step int, label string) {
	ctx.ADDQ(imm(step), i)
	ctx.CMPQ(i, n)
	ctx.JLT(operand.LabelRef(label))
}
