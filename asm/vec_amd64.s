//go:build !purego

#include "textflag.h"

// func dotAVX2F32(x, y *float32, n int) float64
//
// dotAVX2F32 returns Σ float64(x[i])*float64(y[i]) for i < n, n a positive
// multiple of 16, in four float64 accumulators of four lanes.
TEXT ·dotAVX2F32(SB), NOSPLIT, $0-32
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   n+16(FP), CX
	XORQ   AX, AX
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

dotAVX2F32_loop:
	VCVTPS2PD   (SI)(AX*4), Y0
	VCVTPS2PD   16(SI)(AX*4), Y1
	VCVTPS2PD   32(SI)(AX*4), Y2
	VCVTPS2PD   48(SI)(AX*4), Y3
	VCVTPS2PD   (DI)(AX*4), Y8
	VCVTPS2PD   16(DI)(AX*4), Y9
	VCVTPS2PD   32(DI)(AX*4), Y10
	VCVTPS2PD   48(DI)(AX*4), Y11
	VFMADD231PD Y8, Y0, Y4
	VFMADD231PD Y9, Y1, Y5
	VFMADD231PD Y10, Y2, Y6
	VFMADD231PD Y11, Y3, Y7
	ADDQ        $16, AX
	CMPQ        AX, CX
	JLT         dotAVX2F32_loop
	VADDPD       Y5, Y4, Y4
	VADDPD       Y7, Y6, Y6
	VADDPD       Y6, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	VADDPD       X5, X4, X4
	VHADDPD      X4, X4, X4
	VZEROUPPER
	MOVSD        X4, ret+24(FP)
	RET

// func dotAVX2F64(x, y *float64, n int) float64
//
// dotAVX2F64 returns Σ x[i]*y[i] for i < n, n a positive multiple of 16, in
// four accumulators of four lanes.
TEXT ·dotAVX2F64(SB), NOSPLIT, $0-32
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   n+16(FP), CX
	XORQ   AX, AX
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

dotAVX2F64_loop:
	VMOVUPD     (SI)(AX*8), Y0
	VMOVUPD     32(SI)(AX*8), Y1
	VMOVUPD     64(SI)(AX*8), Y2
	VMOVUPD     96(SI)(AX*8), Y3
	VFMADD231PD (DI)(AX*8), Y0, Y4
	VFMADD231PD 32(DI)(AX*8), Y1, Y5
	VFMADD231PD 64(DI)(AX*8), Y2, Y6
	VFMADD231PD 96(DI)(AX*8), Y3, Y7
	ADDQ        $16, AX
	CMPQ        AX, CX
	JLT         dotAVX2F64_loop
	VADDPD       Y5, Y4, Y4
	VADDPD       Y7, Y6, Y6
	VADDPD       Y6, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	VADDPD       X5, X4, X4
	VHADDPD      X4, X4, X4
	VZEROUPPER
	MOVSD        X4, ret+24(FP)
	RET

// func axpyAVX2F32(alpha float32, x, y *float32, n int)
//
// axpyAVX2F32 computes y[i] += alpha*x[i] for i < n, n a positive multiple of 8.
TEXT ·axpyAVX2F32(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Y15
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), DI
	MOVQ         n+24(FP), CX
	XORQ         AX, AX

axpyAVX2F32_loop:
	VMOVUPS     (DI)(AX*4), Y0
	VFMADD231PS (SI)(AX*4), Y15, Y0
	VMOVUPS     Y0, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         axpyAVX2F32_loop
	VZEROUPPER
	RET

// func axpyAVX2F64(alpha float64, x, y *float64, n int)
//
// axpyAVX2F64 computes y[i] += alpha*x[i] for i < n, n a positive multiple of 4.
TEXT ·axpyAVX2F64(SB), NOSPLIT, $0-32
	VBROADCASTSD alpha+0(FP), Y15
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), DI
	MOVQ         n+24(FP), CX
	XORQ         AX, AX

axpyAVX2F64_loop:
	VMOVUPD     (DI)(AX*8), Y0
	VFMADD231PD (SI)(AX*8), Y15, Y0
	VMOVUPD     Y0, (DI)(AX*8)
	ADDQ        $4, AX
	CMPQ        AX, CX
	JLT         axpyAVX2F64_loop
	VZEROUPPER
	RET

// func scaleAVX2F32(alpha float32, x *float32, n int)
//
// scaleAVX2F32 computes x[i] *= alpha for i < n, n a positive multiple of 8.
TEXT ·scaleAVX2F32(SB), NOSPLIT, $0-24
	VBROADCASTSS alpha+0(FP), Y15
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	XORQ         AX, AX

scaleAVX2F32_loop:
	VMULPS  (SI)(AX*4), Y15, Y0
	VMOVUPS Y0, (SI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, CX
	JLT     scaleAVX2F32_loop
	VZEROUPPER
	RET

// func scaleAVX2F64(alpha float64, x *float64, n int)
//
// scaleAVX2F64 computes x[i] *= alpha for i < n, n a positive multiple of 4.
TEXT ·scaleAVX2F64(SB), NOSPLIT, $0-24
	VBROADCASTSD alpha+0(FP), Y15
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	XORQ         AX, AX

scaleAVX2F64_loop:
	VMULPD  (SI)(AX*8), Y15, Y0
	VMOVUPD Y0, (SI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     scaleAVX2F64_loop
	VZEROUPPER
	RET
