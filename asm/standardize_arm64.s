//go:build !purego

#include "textflag.h"

// func standardizeNEONF32(dst *float32, dstStride int, src *uint8, ld, rows int, scale, shift *float32, n int)
//
// standardizeNEONF32 converts rows ≥ 1 rows of n pixels, n a positive multiple of 4:
//
//	for l := 0; l < rows; l++ {
//		for j := 0; j < n; j++ {
//			dst[l*dstStride+j] = float32(src[l*ld+j])*scale[j] + shift[j]
//		}
//	}
//
// It walks the columns in blocks of 16, then 8 and 4 pixels, and each block
// down the rows with its scale (V16-V19) and shift (V20-V23) held in registers.
TEXT ·standardizeNEONF32(SB), NOSPLIT, $0-64
	MOVD dst+0(FP), R0
	MOVD dstStride+8(FP), R1
	LSL  $2, R1, R1 // in bytes
	MOVD src+16(FP), R2
	MOVD ld+24(FP), R3
	MOVD rows+32(FP), R4
	MOVD scale+40(FP), R5
	MOVD shift+48(FP), R6
	MOVD n+56(FP), R7 // pixels left

standardizeNEONF32_block16:
	CMP  $16, R7
	BLT  standardizeNEONF32_block8
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1 (R6), [V20.S4, V21.S4, V22.S4, V23.S4]
	MOVD R2, R12
	MOVD R0, R13
	MOVD R4, R10

standardizeNEONF32_block16_row:
	VLD1   (R12), [V0.B16]
	VUXTL  V0.B8, V1.H8
	VUXTL2 V0.B16, V2.H8
	VUXTL  V1.H4, V3.S4
	VUXTL2 V1.H8, V4.S4
	VUXTL  V2.H4, V5.S4
	VUXTL2 V2.H8, V6.S4
	WORD   $0x6e21d863 // UCVTF V3.4S, V3.4S
	WORD   $0x6e21d884 // UCVTF V4.4S, V4.4S
	WORD   $0x6e21d8a5 // UCVTF V5.4S, V5.4S
	WORD   $0x6e21d8c6 // UCVTF V6.4S, V6.4S
	VMOV   V20.B16, V7.B16
	VMOV   V21.B16, V8.B16
	VMOV   V22.B16, V9.B16
	VMOV   V23.B16, V10.B16
	VFMLA  V16.S4, V3.S4, V7.S4
	VFMLA  V17.S4, V4.S4, V8.S4
	VFMLA  V18.S4, V5.S4, V9.S4
	VFMLA  V19.S4, V6.S4, V10.S4
	VST1   [V7.S4, V8.S4, V9.S4, V10.S4], (R13)
	ADD    R3, R12, R12
	ADD    R1, R13, R13
	SUBS   $1, R10, R10
	BNE    standardizeNEONF32_block16_row
	ADD    $16, R2, R2
	ADD    $64, R0, R0
	ADD    $64, R5, R5
	ADD    $64, R6, R6
	SUB    $16, R7, R7
	B      standardizeNEONF32_block16

standardizeNEONF32_block8:
	CMP  $8, R7
	BLT  standardizeNEONF32_block4
	VLD1 (R5), [V16.S4, V17.S4]
	VLD1 (R6), [V20.S4, V21.S4]
	MOVD R2, R12
	MOVD R0, R13
	MOVD R4, R10

standardizeNEONF32_block8_row:
	VLD1   (R12), [V0.B8]
	VUXTL  V0.B8, V1.H8
	VUXTL  V1.H4, V3.S4
	VUXTL2 V1.H8, V4.S4
	WORD   $0x6e21d863 // UCVTF V3.4S, V3.4S
	WORD   $0x6e21d884 // UCVTF V4.4S, V4.4S
	VMOV   V20.B16, V7.B16
	VMOV   V21.B16, V8.B16
	VFMLA  V16.S4, V3.S4, V7.S4
	VFMLA  V17.S4, V4.S4, V8.S4
	VST1   [V7.S4, V8.S4], (R13)
	ADD    R3, R12, R12
	ADD    R1, R13, R13
	SUBS   $1, R10, R10
	BNE    standardizeNEONF32_block8_row
	ADD    $8, R2, R2
	ADD    $32, R0, R0
	ADD    $32, R5, R5
	ADD    $32, R6, R6
	SUB    $8, R7, R7

standardizeNEONF32_block4:
	CMP  $4, R7
	BLT  standardizeNEONF32_done
	VLD1 (R5), [V16.S4]
	VLD1 (R6), [V20.S4]
	MOVD R2, R12
	MOVD R0, R13
	MOVD R4, R10

standardizeNEONF32_block4_row:
	FMOVS (R12), F0 // 4 pixels, zeroing the rest of V0
	VUXTL V0.B8, V1.H8
	VUXTL V1.H4, V3.S4
	WORD  $0x6e21d863 // UCVTF V3.4S, V3.4S
	VMOV  V20.B16, V7.B16
	VFMLA V16.S4, V3.S4, V7.S4
	VST1  [V7.S4], (R13)
	ADD   R3, R12, R12
	ADD   R1, R13, R13
	SUBS  $1, R10, R10
	BNE   standardizeNEONF32_block4_row

standardizeNEONF32_done:
	RET
