//go:build !purego

#include "textflag.h"

// func standardizeNEONF32(dst *float32, src *uint8, scale, shift *float32, n int)
//
// standardizeNEONF32 converts n pixels, n a positive multiple of 8:
//
//	for i := 0; i < n; i++ {
//		dst[i] = float32(src[i])*scale[i] + shift[i]
//	}
TEXT ·standardizeNEONF32(SB), NOSPLIT, $0-40
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD scale+16(FP), R2
	MOVD shift+24(FP), R3
	MOVD n+32(FP), R4

standardizeNEONF32_loop:
	VLD1.P 8(R1), [V0.B8]
	VUXTL  V0.B8, V1.H8
	VUXTL  V1.H4, V2.S4
	VUXTL2 V1.H8, V3.S4
	WORD   $0x6e21d842                 // UCVTF V2.4S, V2.4S
	WORD   $0x6e21d863                 // UCVTF V3.4S, V3.4S
	VLD1.P 32(R2), [V4.S4, V5.S4]      // scale
	VLD1.P 32(R3), [V6.S4, V7.S4]      // shift
	VFMLA  V4.S4, V2.S4, V6.S4
	VFMLA  V5.S4, V3.S4, V7.S4
	VST1.P [V6.S4, V7.S4], 32(R0)
	SUBS   $8, R4, R4
	BNE    standardizeNEONF32_loop
	RET
