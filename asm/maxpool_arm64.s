//go:build !purego

#include "textflag.h"

// maxPoolIota holds 2·lane, the first window's index in each lane.
DATA maxPoolIota<>+0(SB)/4, $0
DATA maxPoolIota<>+4(SB)/4, $2
DATA maxPoolIota<>+8(SB)/4, $4
DATA maxPoolIota<>+12(SB)/4, $6
GLOBL maxPoolIota<>(SB), RODATA|NOPTR, $16

// func maxPoolNEON(x *float32, w int, y *float32, idx *int32, ldy, rows, n, base int)
//
// maxPoolNEON pools rows ≥ 1 output rows of n outputs, n a positive multiple
// of 4, as maxPoolGo32 does, output row r at y[r·ldy:] and idx[r·ldy:]: a
// window element is taken when it is greater than the best so far (FCMGT) or
// NaN (FCMEQ with itself false), in window order.
//
// V0–V3 are the window elements (0,0), (0,1), (1,0), (1,1) of 4 outputs (V0
// becomes the best), V6 the chosen offsets, V7 and V16 the masks; V20–V22
// hold the offsets 1, w and w+1, V23 the vector's indices, V24 the index
// step 8, V25 the row's first indices, V26 twice w.
TEXT ·maxPoolNEON(SB), NOSPLIT, $0-64
	MOVD  x+0(FP), R0
	MOVD  w+8(FP), R1
	MOVD  y+16(FP), R2
	MOVD  idx+24(FP), R3
	MOVD  ldy+32(FP), R4
	MOVD  rows+40(FP), R5
	MOVD  n+48(FP), R6
	MOVD  base+56(FP), R7
	MOVW  $1, R8
	VDUP  R8, V20.S4
	VDUP  R1, V21.S4
	ADD   $1, R1, R8
	VDUP  R8, V22.S4
	MOVW  $8, R8
	VDUP  R8, V24.S4
	ADD   R1, R1, R8
	VDUP  R8, V26.S4
	VDUP  R7, V25.S4
	MOVD  $maxPoolIota<>(SB), R8
	VLD1  (R8), [V27.S4]
	VADD  V27.S4, V25.S4, V25.S4
	LSL   $2, R1, R9 // w in bytes
	LSL   $2, R4, R4 // ldy in bytes

maxPoolNEON_row:
	MOVD  R0, R10      // the first input row
	ADD   R9, R0, R11  // the second
	MOVD  R2, R12
	MOVD  R3, R13
	VORR  V25.B16, V25.B16, V23.B16
	MOVD  R6, R14

maxPoolNEON_col:
	VLD2.P 32(R10), [V0.S4, V1.S4]
	VLD2.P 32(R11), [V2.S4, V3.S4]
	VEOR  V6.B16, V6.B16, V6.B16
	WORD  $0x6ea0e427              // FCMGT V7.4S, V1.4S, V0.4S
	WORD  $0x4e21e430              // FCMEQ V16.4S, V1.4S, V1.4S
	VBIT  V7.B16, V1.B16, V0.B16
	VBIF  V16.B16, V1.B16, V0.B16
	VBIT  V7.B16, V20.B16, V6.B16
	VBIF  V16.B16, V20.B16, V6.B16
	WORD  $0x6ea0e447              // FCMGT V7.4S, V2.4S, V0.4S
	WORD  $0x4e22e450              // FCMEQ V16.4S, V2.4S, V2.4S
	VBIT  V7.B16, V2.B16, V0.B16
	VBIF  V16.B16, V2.B16, V0.B16
	VBIT  V7.B16, V21.B16, V6.B16
	VBIF  V16.B16, V21.B16, V6.B16
	WORD  $0x6ea0e467              // FCMGT V7.4S, V3.4S, V0.4S
	WORD  $0x4e23e470              // FCMEQ V16.4S, V3.4S, V3.4S
	VBIT  V7.B16, V3.B16, V0.B16
	VBIF  V16.B16, V3.B16, V0.B16
	VBIT  V7.B16, V22.B16, V6.B16
	VBIF  V16.B16, V22.B16, V6.B16
	VST1.P [V0.S4], 16(R12)
	VADD  V23.S4, V6.S4, V6.S4
	VST1.P [V6.S4], 16(R13)
	VADD  V24.S4, V23.S4, V23.S4
	SUBS  $4, R14, R14
	BNE   maxPoolNEON_col

	ADD   R9<<1, R0, R0
	ADD   R4, R2, R2
	ADD   R4, R3, R3
	VADD  V26.S4, V25.S4, V25.S4
	SUBS  $1, R5, R5
	BNE   maxPoolNEON_row
	RET
