//go:build !purego

#include "textflag.h"

// func transpose4F32(dst *float32, dstStride int, src *float32, ld int, blocks int)
//
// transpose4F32 transposes a strip of 4 rows into columns, 4×4 blocks at a
// time (AVX, 128-bit):
//
//	for l := 0; l < 4*blocks; l++ {
//		for r := 0; r < 4; r++ {
//			dst[l*dstStride+r] = src[r*ld+l]
//		}
//	}
TEXT ·transpose4F32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R10
	SHLQ $2, R10
	LEAQ (R10)(R10*2), R11
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	MOVQ blocks+32(FP), CX

transpose4F32_loop:
	VMOVUPS (SI), X0
	VMOVUPS (SI)(R8*1), X1
	VMOVUPS (SI)(R8*2), X2
	VMOVUPS (SI)(R9*1), X3
	VUNPCKLPS X1, X0, X4 // a0 b0 a1 b1
	VUNPCKHPS X1, X0, X5 // a2 b2 a3 b3
	VUNPCKLPS X3, X2, X6 // c0 d0 c1 d1
	VUNPCKHPS X3, X2, X7 // c2 d2 c3 d3
	VMOVLHPS  X6, X4, X0 // a0 b0 c0 d0
	VMOVHLPS  X4, X6, X1 // a1 b1 c1 d1
	VMOVLHPS  X7, X5, X2 // a2 b2 c2 d2
	VMOVHLPS  X5, X7, X3 // a3 b3 c3 d3
	VMOVUPS   X0, (DI)
	VMOVUPS   X1, (DI)(R10*1)
	VMOVUPS   X2, (DI)(R10*2)
	VMOVUPS   X3, (DI)(R11*1)
	ADDQ      $16, SI
	LEAQ      (DI)(R10*4), DI
	DECQ      CX
	JNZ       transpose4F32_loop
	RET

// func transpose4F64(dst *float64, dstStride int, src *float64, ld int, blocks int)
//
// transpose4F64 transposes a strip of 4 rows into columns, 4×4 blocks at a
// time (AVX, 256-bit):
//
//	for l := 0; l < 4*blocks; l++ {
//		for r := 0; r < 4; r++ {
//			dst[l*dstStride+r] = src[r*ld+l]
//		}
//	}
TEXT ·transpose4F64(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R10
	SHLQ $3, R10
	LEAQ (R10)(R10*2), R11
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), R8
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9
	MOVQ blocks+32(FP), CX

transpose4F64_loop:
	VMOVUPD    (SI), Y0
	VMOVUPD    (SI)(R8*1), Y1
	VMOVUPD    (SI)(R8*2), Y2
	VMOVUPD    (SI)(R9*1), Y3
	VUNPCKLPD  Y1, Y0, Y4       // a0 b0 | a2 b2
	VUNPCKHPD  Y1, Y0, Y5       // a1 b1 | a3 b3
	VUNPCKLPD  Y3, Y2, Y6       // c0 d0 | c2 d2
	VUNPCKHPD  Y3, Y2, Y7       // c1 d1 | c3 d3
	VPERM2F128 $0x20, Y6, Y4, Y0 // a0 b0 c0 d0
	VPERM2F128 $0x20, Y7, Y5, Y1 // a1 b1 c1 d1
	VPERM2F128 $0x31, Y6, Y4, Y2 // a2 b2 c2 d2
	VPERM2F128 $0x31, Y7, Y5, Y3 // a3 b3 c3 d3
	VMOVUPD    Y0, (DI)
	VMOVUPD    Y1, (DI)(R10*1)
	VMOVUPD    Y2, (DI)(R10*2)
	VMOVUPD    Y3, (DI)(R11*1)
	ADDQ       $32, SI
	LEAQ       (DI)(R10*4), DI
	DECQ       CX
	JNZ        transpose4F64_loop
	VZEROUPPER
	RET

// func copyRows64(dst, src unsafe.Pointer, ldBytes, rows int)
//
// copyRows64 gathers rows of 64 bytes (AVX, 256-bit):
//
//	for l := 0; l < rows; l++ {
//		copy(dst[l*64:l*64+64], src[l*ldBytes:l*ldBytes+64])
//	}
TEXT ·copyRows64(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ldBytes+16(FP), R8
	MOVQ rows+24(FP), CX

copyRows64_loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    R8, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     copyRows64_loop
	VZEROUPPER
	RET

// func copyRows128(dst, src unsafe.Pointer, ldBytes, rows int)
//
// copyRows128 gathers rows of 128 bytes (AVX, 256-bit):
//
//	for l := 0; l < rows; l++ {
//		copy(dst[l*128:l*128+128], src[l*ldBytes:l*ldBytes+128])
//	}
TEXT ·copyRows128(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ldBytes+16(FP), R8
	MOVQ rows+24(FP), CX

copyRows128_loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    R8, SI
	SUBQ    $-128, DI
	DECQ    CX
	JNZ     copyRows128_loop
	VZEROUPPER
	RET

// func transpose8F32(dst *float32, dstStride int, src *float32, ld int, blocks int)
//
// transpose8F32 transposes a strip of 8 rows into columns, 8×8 blocks at a
// time (AVX, 256-bit):
//
//	for l := 0; l < 8*blocks; l++ {
//		for r := 0; r < 8; r++ {
//			dst[l*dstStride+r] = src[r*ld+l]
//		}
//	}
TEXT ·transpose8F32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R10
	SHLQ $2, R10
	LEAQ (R10)(R10*2), R11 // 3 dst rows
	LEAQ (R10)(R10*4), R12 // 5 dst rows
	LEAQ (R11)(R11*1), R13 // 6 dst rows
	LEAQ (R12)(R10*2), R14 // 7 dst rows
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9    // 3 src rows
	LEAQ (SI)(R8*4), BX    // src row 4
	MOVQ blocks+32(FP), CX

transpose8F32_loop:
	// Y0..Y3 = columns 0-3 of rows 0-3 | rows 4-7 (lane 0 | lane 1),
	// Y4..Y7 = columns 4-7 likewise: the loads do the cross-lane step.
	VMOVUPS     (SI), X0
	VINSERTF128 $1, (BX), Y0, Y0
	VMOVUPS     (SI)(R8*1), X1
	VINSERTF128 $1, (BX)(R8*1), Y1, Y1
	VMOVUPS     (SI)(R8*2), X2
	VINSERTF128 $1, (BX)(R8*2), Y2, Y2
	VMOVUPS     (SI)(R9*1), X3
	VINSERTF128 $1, (BX)(R9*1), Y3, Y3
	VMOVUPS     16(SI), X4
	VINSERTF128 $1, 16(BX), Y4, Y4
	VMOVUPS     16(SI)(R8*1), X5
	VINSERTF128 $1, 16(BX)(R8*1), Y5, Y5
	VMOVUPS     16(SI)(R8*2), X6
	VINSERTF128 $1, 16(BX)(R8*2), Y6, Y6
	VMOVUPS     16(SI)(R9*1), X7
	VINSERTF128 $1, 16(BX)(R9*1), Y7, Y7
	// A 4×4 transpose in each lane.
	VUNPCKLPS   Y1, Y0, Y8
	VUNPCKHPS   Y1, Y0, Y9
	VUNPCKLPS   Y3, Y2, Y10
	VUNPCKHPS   Y3, Y2, Y11
	VUNPCKLPS   Y5, Y4, Y12
	VUNPCKHPS   Y5, Y4, Y13
	VUNPCKLPS   Y7, Y6, Y14
	VUNPCKHPS   Y7, Y6, Y15
	VSHUFPS     $0x44, Y10, Y8, Y0
	VSHUFPS     $0xEE, Y10, Y8, Y1
	VSHUFPS     $0x44, Y11, Y9, Y2
	VSHUFPS     $0xEE, Y11, Y9, Y3
	VSHUFPS     $0x44, Y14, Y12, Y4
	VSHUFPS     $0xEE, Y14, Y12, Y5
	VSHUFPS     $0x44, Y15, Y13, Y6
	VSHUFPS     $0xEE, Y15, Y13, Y7
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, (DI)(R10*1)
	VMOVUPS     Y2, (DI)(R10*2)
	VMOVUPS     Y3, (DI)(R11*1)
	VMOVUPS     Y4, (DI)(R10*4)
	VMOVUPS     Y5, (DI)(R12*1)
	VMOVUPS     Y6, (DI)(R13*1)
	VMOVUPS     Y7, (DI)(R14*1)
	ADDQ       $32, SI
	ADDQ       $32, BX
	LEAQ       (DI)(R10*8), DI
	DECQ       CX
	JNZ        transpose8F32_loop
	VZEROUPPER
	RET
