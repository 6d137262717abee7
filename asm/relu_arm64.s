//go:build !purego

#include "textflag.h"

// func reluNEON(z, d1 *float32, n int, bias float32)
//
// reluNEON computes, for n a positive multiple of 4, what reluGo32 does:
//
//	for i := 0; i < n; i++ {
//		switch x := z[i] + bias; {
//		case x > 0:
//			d1[i] = 1
//		case x != x: // NaN stays, σ' = NaN
//			d1[i] = x
//		default:
//			x, d1[i] = 0, 0
//		}
//		z[i] = x
//	}
//
// V3 is the mask x > 0, V4 the mask x == x (false for NaN), V16 holds 1 and
// V17 the bias.
TEXT ·reluNEON(SB), NOSPLIT, $0-28
	MOVD  z+0(FP), R0
	MOVD  d1+8(FP), R1
	MOVD  n+16(FP), R2
	MOVW  $0x3f800000, R3
	VDUP  R3, V16.S4
	FMOVS bias+24(FP), F17
	VDUP  V17.S[0], V17.S4

reluNEON_loop:
	VLD1  (R0), [V0.S4]
	WORD  $0x4e31d400                // FADD V0.4S, V0.4S, V17.4S (x = z + bias)
	WORD  $0x4ea0c803                // FCMGT V3.4S, V0.4S, #0.0
	WORD  $0x4e20e404                // FCMEQ V4.4S, V0.4S, V0.4S
	VAND  V0.B16, V3.B16, V5.B16     // x where x > 0, else +0
	VBIF  V4.B16, V0.B16, V5.B16     // x where NaN
	VST1.P [V5.S4], 16(R0)
	VAND  V16.B16, V3.B16, V6.B16    // 1 where x > 0, else +0
	VBIF  V4.B16, V0.B16, V6.B16     // x where NaN
	VST1.P [V6.S4], 16(R1)
	SUBS  $4, R2, R2
	BNE   reluNEON_loop
	RET
