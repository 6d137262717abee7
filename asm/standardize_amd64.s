//go:build !purego

#include "textflag.h"

// func standardizeAVX512F32(dst *float32, dstStride int, src *uint8, ld, rows int, scale, shift *float32, n int)
//
// standardizeAVX512F32 converts rows ≥ 1 rows of n pixels, n a positive multiple of 16:
//
//	for l := 0; l < rows; l++ {
//		for j := 0; j < n; j++ {
//			dst[l*dstStride+j] = float32(src[l*ld+j])*scale[j] + shift[j]
//		}
//	}
//
// Rows of 16, 32, 48 or 64 pixels keep scale and shift in registers;
// wider rows go 64 pixels at a time, then 16, reading scale and shift as
// they go.
TEXT ·standardizeAVX512F32(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), DX
	SHLQ $2, DX // in bytes
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), R10
	MOVQ rows+32(FP), BX
	MOVQ scale+40(FP), R8
	MOVQ shift+48(FP), R9
	MOVQ n+56(FP), CX
	CMPQ CX, $16
	JEQ  standardizeAVX512F32_vec1
	CMPQ CX, $32
	JEQ  standardizeAVX512F32_vec2
	CMPQ CX, $48
	JEQ  standardizeAVX512F32_vec3
	CMPQ CX, $64
	JEQ  standardizeAVX512F32_vec4
	MOVQ CX, R11
	ANDQ $-64, R11 // pixels in whole blocks of 64

standardizeAVX512F32_row:
	XORQ AX, AX

standardizeAVX512F32_block:
	VPMOVZXBD   0(SI)(AX*1), Z0
	VPMOVZXBD   16(SI)(AX*1), Z1
	VPMOVZXBD   32(SI)(AX*1), Z2
	VPMOVZXBD   48(SI)(AX*1), Z3
	VCVTDQ2PS   Z0, Z0
	VCVTDQ2PS   Z1, Z1
	VCVTDQ2PS   Z2, Z2
	VCVTDQ2PS   Z3, Z3
	VMOVUPS     0(R9)(AX*4), Z4
	VMOVUPS     64(R9)(AX*4), Z5
	VMOVUPS     128(R9)(AX*4), Z6
	VMOVUPS     192(R9)(AX*4), Z7
	VFMADD231PS 0(R8)(AX*4), Z0, Z4
	VFMADD231PS 64(R8)(AX*4), Z1, Z5
	VFMADD231PS 128(R8)(AX*4), Z2, Z6
	VFMADD231PS 192(R8)(AX*4), Z3, Z7
	VMOVUPS     Z4, 0(DI)(AX*4)
	VMOVUPS     Z5, 64(DI)(AX*4)
	VMOVUPS     Z6, 128(DI)(AX*4)
	VMOVUPS     Z7, 192(DI)(AX*4)
	ADDQ        $64, AX
	CMPQ        AX, R11
	JLT         standardizeAVX512F32_block
	CMPQ        AX, CX
	JGE         standardizeAVX512F32_next

standardizeAVX512F32_tail:
	VPMOVZXBD   0(SI)(AX*1), Z0
	VCVTDQ2PS   Z0, Z0
	VMOVUPS     (R9)(AX*4), Z4
	VFMADD231PS (R8)(AX*4), Z0, Z4
	VMOVUPS     Z4, (DI)(AX*4)
	ADDQ        $16, AX
	CMPQ        AX, CX
	JLT         standardizeAVX512F32_tail

standardizeAVX512F32_next:
	ADDQ       R10, SI
	ADDQ       DX, DI
	DECQ       BX
	JNZ        standardizeAVX512F32_row
	VZEROUPPER
	RET

standardizeAVX512F32_vec1:
	VMOVUPS 0(R8), Z8
	VMOVUPS 0(R9), Z12

standardizeAVX512F32_vec1_row:
	VPMOVZXBD   0(SI), Z0
	VCVTDQ2PS   Z0, Z0
	VFMADD213PS Z12, Z8, Z0
	VMOVUPS     Z0, 0(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F32_vec1_row
	VZEROUPPER
	RET

standardizeAVX512F32_vec2:
	VMOVUPS 0(R8), Z8
	VMOVUPS 64(R8), Z9
	VMOVUPS 0(R9), Z12
	VMOVUPS 64(R9), Z13

standardizeAVX512F32_vec2_row:
	VPMOVZXBD   0(SI), Z0
	VPMOVZXBD   16(SI), Z1
	VCVTDQ2PS   Z0, Z0
	VCVTDQ2PS   Z1, Z1
	VFMADD213PS Z12, Z8, Z0
	VFMADD213PS Z13, Z9, Z1
	VMOVUPS     Z0, 0(DI)
	VMOVUPS     Z1, 64(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F32_vec2_row
	VZEROUPPER
	RET

standardizeAVX512F32_vec3:
	VMOVUPS 0(R8), Z8
	VMOVUPS 64(R8), Z9
	VMOVUPS 128(R8), Z10
	VMOVUPS 0(R9), Z12
	VMOVUPS 64(R9), Z13
	VMOVUPS 128(R9), Z14

standardizeAVX512F32_vec3_row:
	VPMOVZXBD   0(SI), Z0
	VPMOVZXBD   16(SI), Z1
	VPMOVZXBD   32(SI), Z2
	VCVTDQ2PS   Z0, Z0
	VCVTDQ2PS   Z1, Z1
	VCVTDQ2PS   Z2, Z2
	VFMADD213PS Z12, Z8, Z0
	VFMADD213PS Z13, Z9, Z1
	VFMADD213PS Z14, Z10, Z2
	VMOVUPS     Z0, 0(DI)
	VMOVUPS     Z1, 64(DI)
	VMOVUPS     Z2, 128(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F32_vec3_row
	VZEROUPPER
	RET

standardizeAVX512F32_vec4:
	VMOVUPS 0(R8), Z8
	VMOVUPS 64(R8), Z9
	VMOVUPS 128(R8), Z10
	VMOVUPS 192(R8), Z11
	VMOVUPS 0(R9), Z12
	VMOVUPS 64(R9), Z13
	VMOVUPS 128(R9), Z14
	VMOVUPS 192(R9), Z15

standardizeAVX512F32_vec4_row:
	VPMOVZXBD   0(SI), Z0
	VPMOVZXBD   16(SI), Z1
	VPMOVZXBD   32(SI), Z2
	VPMOVZXBD   48(SI), Z3
	VCVTDQ2PS   Z0, Z0
	VCVTDQ2PS   Z1, Z1
	VCVTDQ2PS   Z2, Z2
	VCVTDQ2PS   Z3, Z3
	VFMADD213PS Z12, Z8, Z0
	VFMADD213PS Z13, Z9, Z1
	VFMADD213PS Z14, Z10, Z2
	VFMADD213PS Z15, Z11, Z3
	VMOVUPS     Z0, 0(DI)
	VMOVUPS     Z1, 64(DI)
	VMOVUPS     Z2, 128(DI)
	VMOVUPS     Z3, 192(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F32_vec4_row
	VZEROUPPER
	RET

// func standardizeAVX512F64(dst *float64, dstStride int, src *uint8, ld, rows int, scale, shift *float64, n int)
//
// standardizeAVX512F64 converts rows ≥ 1 rows of n pixels, n a positive multiple of 8:
//
//	for l := 0; l < rows; l++ {
//		for j := 0; j < n; j++ {
//			dst[l*dstStride+j] = float64(src[l*ld+j])*scale[j] + shift[j]
//		}
//	}
//
// Rows of 8, 16, 24 or 32 pixels keep scale and shift in registers;
// wider rows go 32 pixels at a time, then 8, reading scale and shift as
// they go.
TEXT ·standardizeAVX512F64(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), DX
	SHLQ $3, DX // in bytes
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), R10
	MOVQ rows+32(FP), BX
	MOVQ scale+40(FP), R8
	MOVQ shift+48(FP), R9
	MOVQ n+56(FP), CX
	CMPQ CX, $8
	JEQ  standardizeAVX512F64_vec1
	CMPQ CX, $16
	JEQ  standardizeAVX512F64_vec2
	CMPQ CX, $24
	JEQ  standardizeAVX512F64_vec3
	CMPQ CX, $32
	JEQ  standardizeAVX512F64_vec4
	MOVQ CX, R11
	ANDQ $-32, R11 // pixels in whole blocks of 32

standardizeAVX512F64_row:
	XORQ AX, AX

standardizeAVX512F64_block:
	VPMOVZXBD   0(SI)(AX*1), Y0
	VPMOVZXBD   8(SI)(AX*1), Y1
	VPMOVZXBD   16(SI)(AX*1), Y2
	VPMOVZXBD   24(SI)(AX*1), Y3
	VCVTDQ2PD   Y0, Z0
	VCVTDQ2PD   Y1, Z1
	VCVTDQ2PD   Y2, Z2
	VCVTDQ2PD   Y3, Z3
	VMOVUPD     0(R9)(AX*8), Z4
	VMOVUPD     64(R9)(AX*8), Z5
	VMOVUPD     128(R9)(AX*8), Z6
	VMOVUPD     192(R9)(AX*8), Z7
	VFMADD231PD 0(R8)(AX*8), Z0, Z4
	VFMADD231PD 64(R8)(AX*8), Z1, Z5
	VFMADD231PD 128(R8)(AX*8), Z2, Z6
	VFMADD231PD 192(R8)(AX*8), Z3, Z7
	VMOVUPD     Z4, 0(DI)(AX*8)
	VMOVUPD     Z5, 64(DI)(AX*8)
	VMOVUPD     Z6, 128(DI)(AX*8)
	VMOVUPD     Z7, 192(DI)(AX*8)
	ADDQ        $32, AX
	CMPQ        AX, R11
	JLT         standardizeAVX512F64_block
	CMPQ        AX, CX
	JGE         standardizeAVX512F64_next

standardizeAVX512F64_tail:
	VPMOVZXBD   0(SI)(AX*1), Y0
	VCVTDQ2PD   Y0, Z0
	VMOVUPD     (R9)(AX*8), Z4
	VFMADD231PD (R8)(AX*8), Z0, Z4
	VMOVUPD     Z4, (DI)(AX*8)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         standardizeAVX512F64_tail

standardizeAVX512F64_next:
	ADDQ       R10, SI
	ADDQ       DX, DI
	DECQ       BX
	JNZ        standardizeAVX512F64_row
	VZEROUPPER
	RET

standardizeAVX512F64_vec1:
	VMOVUPD 0(R8), Z8
	VMOVUPD 0(R9), Z12

standardizeAVX512F64_vec1_row:
	VPMOVZXBD   0(SI), Y0
	VCVTDQ2PD   Y0, Z0
	VFMADD213PD Z12, Z8, Z0
	VMOVUPD     Z0, 0(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F64_vec1_row
	VZEROUPPER
	RET

standardizeAVX512F64_vec2:
	VMOVUPD 0(R8), Z8
	VMOVUPD 64(R8), Z9
	VMOVUPD 0(R9), Z12
	VMOVUPD 64(R9), Z13

standardizeAVX512F64_vec2_row:
	VPMOVZXBD   0(SI), Y0
	VPMOVZXBD   8(SI), Y1
	VCVTDQ2PD   Y0, Z0
	VCVTDQ2PD   Y1, Z1
	VFMADD213PD Z12, Z8, Z0
	VFMADD213PD Z13, Z9, Z1
	VMOVUPD     Z0, 0(DI)
	VMOVUPD     Z1, 64(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F64_vec2_row
	VZEROUPPER
	RET

standardizeAVX512F64_vec3:
	VMOVUPD 0(R8), Z8
	VMOVUPD 64(R8), Z9
	VMOVUPD 128(R8), Z10
	VMOVUPD 0(R9), Z12
	VMOVUPD 64(R9), Z13
	VMOVUPD 128(R9), Z14

standardizeAVX512F64_vec3_row:
	VPMOVZXBD   0(SI), Y0
	VPMOVZXBD   8(SI), Y1
	VPMOVZXBD   16(SI), Y2
	VCVTDQ2PD   Y0, Z0
	VCVTDQ2PD   Y1, Z1
	VCVTDQ2PD   Y2, Z2
	VFMADD213PD Z12, Z8, Z0
	VFMADD213PD Z13, Z9, Z1
	VFMADD213PD Z14, Z10, Z2
	VMOVUPD     Z0, 0(DI)
	VMOVUPD     Z1, 64(DI)
	VMOVUPD     Z2, 128(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F64_vec3_row
	VZEROUPPER
	RET

standardizeAVX512F64_vec4:
	VMOVUPD 0(R8), Z8
	VMOVUPD 64(R8), Z9
	VMOVUPD 128(R8), Z10
	VMOVUPD 192(R8), Z11
	VMOVUPD 0(R9), Z12
	VMOVUPD 64(R9), Z13
	VMOVUPD 128(R9), Z14
	VMOVUPD 192(R9), Z15

standardizeAVX512F64_vec4_row:
	VPMOVZXBD   0(SI), Y0
	VPMOVZXBD   8(SI), Y1
	VPMOVZXBD   16(SI), Y2
	VPMOVZXBD   24(SI), Y3
	VCVTDQ2PD   Y0, Z0
	VCVTDQ2PD   Y1, Z1
	VCVTDQ2PD   Y2, Z2
	VCVTDQ2PD   Y3, Z3
	VFMADD213PD Z12, Z8, Z0
	VFMADD213PD Z13, Z9, Z1
	VFMADD213PD Z14, Z10, Z2
	VFMADD213PD Z15, Z11, Z3
	VMOVUPD     Z0, 0(DI)
	VMOVUPD     Z1, 64(DI)
	VMOVUPD     Z2, 128(DI)
	VMOVUPD     Z3, 192(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX512F64_vec4_row
	VZEROUPPER
	RET

// func standardizeAVX2F32(dst *float32, dstStride int, src *uint8, ld, rows int, scale, shift *float32, n int)
//
// standardizeAVX2F32 converts rows ≥ 1 rows of n pixels, n a positive multiple of 8:
//
//	for l := 0; l < rows; l++ {
//		for j := 0; j < n; j++ {
//			dst[l*dstStride+j] = float32(src[l*ld+j])*scale[j] + shift[j]
//		}
//	}
//
// Rows of 8, 16, 24 or 32 pixels keep scale and shift in registers;
// wider rows go 32 pixels at a time, then 8, reading scale and shift as
// they go.
TEXT ·standardizeAVX2F32(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), DX
	SHLQ $2, DX // in bytes
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), R10
	MOVQ rows+32(FP), BX
	MOVQ scale+40(FP), R8
	MOVQ shift+48(FP), R9
	MOVQ n+56(FP), CX
	CMPQ CX, $8
	JEQ  standardizeAVX2F32_vec1
	CMPQ CX, $16
	JEQ  standardizeAVX2F32_vec2
	CMPQ CX, $24
	JEQ  standardizeAVX2F32_vec3
	CMPQ CX, $32
	JEQ  standardizeAVX2F32_vec4
	MOVQ CX, R11
	ANDQ $-32, R11 // pixels in whole blocks of 32

standardizeAVX2F32_row:
	XORQ AX, AX

standardizeAVX2F32_block:
	VPMOVZXBD   0(SI)(AX*1), Y0
	VPMOVZXBD   8(SI)(AX*1), Y1
	VPMOVZXBD   16(SI)(AX*1), Y2
	VPMOVZXBD   24(SI)(AX*1), Y3
	VCVTDQ2PS   Y0, Y0
	VCVTDQ2PS   Y1, Y1
	VCVTDQ2PS   Y2, Y2
	VCVTDQ2PS   Y3, Y3
	VMOVUPS     0(R9)(AX*4), Y4
	VMOVUPS     32(R9)(AX*4), Y5
	VMOVUPS     64(R9)(AX*4), Y6
	VMOVUPS     96(R9)(AX*4), Y7
	VFMADD231PS 0(R8)(AX*4), Y0, Y4
	VFMADD231PS 32(R8)(AX*4), Y1, Y5
	VFMADD231PS 64(R8)(AX*4), Y2, Y6
	VFMADD231PS 96(R8)(AX*4), Y3, Y7
	VMOVUPS     Y4, 0(DI)(AX*4)
	VMOVUPS     Y5, 32(DI)(AX*4)
	VMOVUPS     Y6, 64(DI)(AX*4)
	VMOVUPS     Y7, 96(DI)(AX*4)
	ADDQ        $32, AX
	CMPQ        AX, R11
	JLT         standardizeAVX2F32_block
	CMPQ        AX, CX
	JGE         standardizeAVX2F32_next

standardizeAVX2F32_tail:
	VPMOVZXBD   0(SI)(AX*1), Y0
	VCVTDQ2PS   Y0, Y0
	VMOVUPS     (R9)(AX*4), Y4
	VFMADD231PS (R8)(AX*4), Y0, Y4
	VMOVUPS     Y4, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         standardizeAVX2F32_tail

standardizeAVX2F32_next:
	ADDQ       R10, SI
	ADDQ       DX, DI
	DECQ       BX
	JNZ        standardizeAVX2F32_row
	VZEROUPPER
	RET

standardizeAVX2F32_vec1:
	VMOVUPS 0(R8), Y8
	VMOVUPS 0(R9), Y12

standardizeAVX2F32_vec1_row:
	VPMOVZXBD   0(SI), Y0
	VCVTDQ2PS   Y0, Y0
	VFMADD213PS Y12, Y8, Y0
	VMOVUPS     Y0, 0(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F32_vec1_row
	VZEROUPPER
	RET

standardizeAVX2F32_vec2:
	VMOVUPS 0(R8), Y8
	VMOVUPS 32(R8), Y9
	VMOVUPS 0(R9), Y12
	VMOVUPS 32(R9), Y13

standardizeAVX2F32_vec2_row:
	VPMOVZXBD   0(SI), Y0
	VPMOVZXBD   8(SI), Y1
	VCVTDQ2PS   Y0, Y0
	VCVTDQ2PS   Y1, Y1
	VFMADD213PS Y12, Y8, Y0
	VFMADD213PS Y13, Y9, Y1
	VMOVUPS     Y0, 0(DI)
	VMOVUPS     Y1, 32(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F32_vec2_row
	VZEROUPPER
	RET

standardizeAVX2F32_vec3:
	VMOVUPS 0(R8), Y8
	VMOVUPS 32(R8), Y9
	VMOVUPS 64(R8), Y10
	VMOVUPS 0(R9), Y12
	VMOVUPS 32(R9), Y13
	VMOVUPS 64(R9), Y14

standardizeAVX2F32_vec3_row:
	VPMOVZXBD   0(SI), Y0
	VPMOVZXBD   8(SI), Y1
	VPMOVZXBD   16(SI), Y2
	VCVTDQ2PS   Y0, Y0
	VCVTDQ2PS   Y1, Y1
	VCVTDQ2PS   Y2, Y2
	VFMADD213PS Y12, Y8, Y0
	VFMADD213PS Y13, Y9, Y1
	VFMADD213PS Y14, Y10, Y2
	VMOVUPS     Y0, 0(DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F32_vec3_row
	VZEROUPPER
	RET

standardizeAVX2F32_vec4:
	VMOVUPS 0(R8), Y8
	VMOVUPS 32(R8), Y9
	VMOVUPS 64(R8), Y10
	VMOVUPS 96(R8), Y11
	VMOVUPS 0(R9), Y12
	VMOVUPS 32(R9), Y13
	VMOVUPS 64(R9), Y14
	VMOVUPS 96(R9), Y15

standardizeAVX2F32_vec4_row:
	VPMOVZXBD   0(SI), Y0
	VPMOVZXBD   8(SI), Y1
	VPMOVZXBD   16(SI), Y2
	VPMOVZXBD   24(SI), Y3
	VCVTDQ2PS   Y0, Y0
	VCVTDQ2PS   Y1, Y1
	VCVTDQ2PS   Y2, Y2
	VCVTDQ2PS   Y3, Y3
	VFMADD213PS Y12, Y8, Y0
	VFMADD213PS Y13, Y9, Y1
	VFMADD213PS Y14, Y10, Y2
	VFMADD213PS Y15, Y11, Y3
	VMOVUPS     Y0, 0(DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	VMOVUPS     Y3, 96(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F32_vec4_row
	VZEROUPPER
	RET

// func standardizeAVX2F64(dst *float64, dstStride int, src *uint8, ld, rows int, scale, shift *float64, n int)
//
// standardizeAVX2F64 converts rows ≥ 1 rows of n pixels, n a positive multiple of 4:
//
//	for l := 0; l < rows; l++ {
//		for j := 0; j < n; j++ {
//			dst[l*dstStride+j] = float64(src[l*ld+j])*scale[j] + shift[j]
//		}
//	}
//
// Rows of 4, 8, 12 or 16 pixels keep scale and shift in registers;
// wider rows go 16 pixels at a time, then 4, reading scale and shift as
// they go.
TEXT ·standardizeAVX2F64(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), DX
	SHLQ $3, DX // in bytes
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), R10
	MOVQ rows+32(FP), BX
	MOVQ scale+40(FP), R8
	MOVQ shift+48(FP), R9
	MOVQ n+56(FP), CX
	CMPQ CX, $4
	JEQ  standardizeAVX2F64_vec1
	CMPQ CX, $8
	JEQ  standardizeAVX2F64_vec2
	CMPQ CX, $12
	JEQ  standardizeAVX2F64_vec3
	CMPQ CX, $16
	JEQ  standardizeAVX2F64_vec4
	MOVQ CX, R11
	ANDQ $-16, R11 // pixels in whole blocks of 16

standardizeAVX2F64_row:
	XORQ AX, AX

standardizeAVX2F64_block:
	VPMOVZXBD   0(SI)(AX*1), X0
	VPMOVZXBD   4(SI)(AX*1), X1
	VPMOVZXBD   8(SI)(AX*1), X2
	VPMOVZXBD   12(SI)(AX*1), X3
	VCVTDQ2PD   X0, Y0
	VCVTDQ2PD   X1, Y1
	VCVTDQ2PD   X2, Y2
	VCVTDQ2PD   X3, Y3
	VMOVUPD     0(R9)(AX*8), Y4
	VMOVUPD     32(R9)(AX*8), Y5
	VMOVUPD     64(R9)(AX*8), Y6
	VMOVUPD     96(R9)(AX*8), Y7
	VFMADD231PD 0(R8)(AX*8), Y0, Y4
	VFMADD231PD 32(R8)(AX*8), Y1, Y5
	VFMADD231PD 64(R8)(AX*8), Y2, Y6
	VFMADD231PD 96(R8)(AX*8), Y3, Y7
	VMOVUPD     Y4, 0(DI)(AX*8)
	VMOVUPD     Y5, 32(DI)(AX*8)
	VMOVUPD     Y6, 64(DI)(AX*8)
	VMOVUPD     Y7, 96(DI)(AX*8)
	ADDQ        $16, AX
	CMPQ        AX, R11
	JLT         standardizeAVX2F64_block
	CMPQ        AX, CX
	JGE         standardizeAVX2F64_next

standardizeAVX2F64_tail:
	VPMOVZXBD   0(SI)(AX*1), X0
	VCVTDQ2PD   X0, Y0
	VMOVUPD     (R9)(AX*8), Y4
	VFMADD231PD (R8)(AX*8), Y0, Y4
	VMOVUPD     Y4, (DI)(AX*8)
	ADDQ        $4, AX
	CMPQ        AX, CX
	JLT         standardizeAVX2F64_tail

standardizeAVX2F64_next:
	ADDQ       R10, SI
	ADDQ       DX, DI
	DECQ       BX
	JNZ        standardizeAVX2F64_row
	VZEROUPPER
	RET

standardizeAVX2F64_vec1:
	VMOVUPD 0(R8), Y8
	VMOVUPD 0(R9), Y12

standardizeAVX2F64_vec1_row:
	VPMOVZXBD   0(SI), X0
	VCVTDQ2PD   X0, Y0
	VFMADD213PD Y12, Y8, Y0
	VMOVUPD     Y0, 0(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F64_vec1_row
	VZEROUPPER
	RET

standardizeAVX2F64_vec2:
	VMOVUPD 0(R8), Y8
	VMOVUPD 32(R8), Y9
	VMOVUPD 0(R9), Y12
	VMOVUPD 32(R9), Y13

standardizeAVX2F64_vec2_row:
	VPMOVZXBD   0(SI), X0
	VPMOVZXBD   4(SI), X1
	VCVTDQ2PD   X0, Y0
	VCVTDQ2PD   X1, Y1
	VFMADD213PD Y12, Y8, Y0
	VFMADD213PD Y13, Y9, Y1
	VMOVUPD     Y0, 0(DI)
	VMOVUPD     Y1, 32(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F64_vec2_row
	VZEROUPPER
	RET

standardizeAVX2F64_vec3:
	VMOVUPD 0(R8), Y8
	VMOVUPD 32(R8), Y9
	VMOVUPD 64(R8), Y10
	VMOVUPD 0(R9), Y12
	VMOVUPD 32(R9), Y13
	VMOVUPD 64(R9), Y14

standardizeAVX2F64_vec3_row:
	VPMOVZXBD   0(SI), X0
	VPMOVZXBD   4(SI), X1
	VPMOVZXBD   8(SI), X2
	VCVTDQ2PD   X0, Y0
	VCVTDQ2PD   X1, Y1
	VCVTDQ2PD   X2, Y2
	VFMADD213PD Y12, Y8, Y0
	VFMADD213PD Y13, Y9, Y1
	VFMADD213PD Y14, Y10, Y2
	VMOVUPD     Y0, 0(DI)
	VMOVUPD     Y1, 32(DI)
	VMOVUPD     Y2, 64(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F64_vec3_row
	VZEROUPPER
	RET

standardizeAVX2F64_vec4:
	VMOVUPD 0(R8), Y8
	VMOVUPD 32(R8), Y9
	VMOVUPD 64(R8), Y10
	VMOVUPD 96(R8), Y11
	VMOVUPD 0(R9), Y12
	VMOVUPD 32(R9), Y13
	VMOVUPD 64(R9), Y14
	VMOVUPD 96(R9), Y15

standardizeAVX2F64_vec4_row:
	VPMOVZXBD   0(SI), X0
	VPMOVZXBD   4(SI), X1
	VPMOVZXBD   8(SI), X2
	VPMOVZXBD   12(SI), X3
	VCVTDQ2PD   X0, Y0
	VCVTDQ2PD   X1, Y1
	VCVTDQ2PD   X2, Y2
	VCVTDQ2PD   X3, Y3
	VFMADD213PD Y12, Y8, Y0
	VFMADD213PD Y13, Y9, Y1
	VFMADD213PD Y14, Y10, Y2
	VFMADD213PD Y15, Y11, Y3
	VMOVUPD     Y0, 0(DI)
	VMOVUPD     Y1, 32(DI)
	VMOVUPD     Y2, 64(DI)
	VMOVUPD     Y3, 96(DI)
	ADDQ        R10, SI
	ADDQ        DX, DI
	DECQ        BX
	JNZ         standardizeAVX2F64_vec4_row
	VZEROUPPER
	RET
