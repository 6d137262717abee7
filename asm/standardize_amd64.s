//go:build !purego

#include "textflag.h"

// func standardizeAVX512F32(dst *float32, src *uint8, scale, shift *float32, n int)
//
// standardizeAVX512F32 converts n pixels, n a positive multiple of 16:
//
//	for i := 0; i < n; i++ {
//		dst[i] = float32(src[i])*scale[i] + shift[i]
//	}
TEXT ·standardizeAVX512F32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ scale+16(FP), R8
	MOVQ shift+24(FP), R9
	MOVQ n+32(FP), CX
	XORQ AX, AX

standardizeAVX512F32_loop:
	VPMOVZXBD   (SI)(AX*1), Z0
	VCVTDQ2PS   Z0, Z0
	VMOVUPS     (R9)(AX*4), Z1
	VFMADD231PS (R8)(AX*4), Z0, Z1
	VMOVUPS     Z1, (DI)(AX*4)
	ADDQ        $16, AX
	CMPQ        AX, CX
	JLT         standardizeAVX512F32_loop
	VZEROUPPER
	RET

// func standardizeAVX512F64(dst *float64, src *uint8, scale, shift *float64, n int)
//
// standardizeAVX512F64 converts n pixels, n a positive multiple of 8:
//
//	for i := 0; i < n; i++ {
//		dst[i] = float64(src[i])*scale[i] + shift[i]
//	}
TEXT ·standardizeAVX512F64(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ scale+16(FP), R8
	MOVQ shift+24(FP), R9
	MOVQ n+32(FP), CX
	XORQ AX, AX

standardizeAVX512F64_loop:
	VPMOVZXBD   (SI)(AX*1), Y0
	VCVTDQ2PD   Y0, Z0
	VMOVUPD     (R9)(AX*8), Z1
	VFMADD231PD (R8)(AX*8), Z0, Z1
	VMOVUPD     Z1, (DI)(AX*8)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         standardizeAVX512F64_loop
	VZEROUPPER
	RET

// func standardizeAVX2F32(dst *float32, src *uint8, scale, shift *float32, n int)
//
// standardizeAVX2F32 converts n pixels, n a positive multiple of 8:
//
//	for i := 0; i < n; i++ {
//		dst[i] = float32(src[i])*scale[i] + shift[i]
//	}
TEXT ·standardizeAVX2F32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ scale+16(FP), R8
	MOVQ shift+24(FP), R9
	MOVQ n+32(FP), CX
	XORQ AX, AX

standardizeAVX2F32_loop:
	VPMOVZXBD   (SI)(AX*1), Y0
	VCVTDQ2PS   Y0, Y0
	VMOVUPS     (R9)(AX*4), Y1
	VFMADD231PS (R8)(AX*4), Y0, Y1
	VMOVUPS     Y1, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         standardizeAVX2F32_loop
	VZEROUPPER
	RET

// func standardizeAVX2F64(dst *float64, src *uint8, scale, shift *float64, n int)
//
// standardizeAVX2F64 converts n pixels, n a positive multiple of 4:
//
//	for i := 0; i < n; i++ {
//		dst[i] = float64(src[i])*scale[i] + shift[i]
//	}
TEXT ·standardizeAVX2F64(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ scale+16(FP), R8
	MOVQ shift+24(FP), R9
	MOVQ n+32(FP), CX
	XORQ AX, AX

standardizeAVX2F64_loop:
	VPMOVZXBD   (SI)(AX*1), X0
	VCVTDQ2PD   X0, Y0
	VMOVUPD     (R9)(AX*8), Y1
	VFMADD231PD (R8)(AX*8), Y0, Y1
	VMOVUPD     Y1, (DI)(AX*8)
	ADDQ        $4, AX
	CMPQ        AX, CX
	JLT         standardizeAVX2F64_loop
	VZEROUPPER
	RET
