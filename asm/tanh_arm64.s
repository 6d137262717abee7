//go:build !purego

#include "textflag.h"

// tanhConstsNEON holds, in order, the constants of tanh32 as float32 bit
// patterns, each repeated across 16 bytes (one NEON vector): tanhClamp,
// −tanhClamp, tanhTiny, 1, −2, then the numerator's coefficients from the
// highest power down, then the denominator's.
DATA tanhConstsNEON<>+0(SB)/4, $0x40fcf84f // tanhClamp
DATA tanhConstsNEON<>+4(SB)/4, $0x40fcf84f
DATA tanhConstsNEON<>+8(SB)/4, $0x40fcf84f
DATA tanhConstsNEON<>+12(SB)/4, $0x40fcf84f
DATA tanhConstsNEON<>+16(SB)/4, $0xc0fcf84f // −tanhClamp
DATA tanhConstsNEON<>+20(SB)/4, $0xc0fcf84f
DATA tanhConstsNEON<>+24(SB)/4, $0xc0fcf84f
DATA tanhConstsNEON<>+28(SB)/4, $0xc0fcf84f
DATA tanhConstsNEON<>+32(SB)/4, $0x39d1b717 // tanhTiny
DATA tanhConstsNEON<>+36(SB)/4, $0x39d1b717
DATA tanhConstsNEON<>+40(SB)/4, $0x39d1b717
DATA tanhConstsNEON<>+44(SB)/4, $0x39d1b717
DATA tanhConstsNEON<>+48(SB)/4, $0x3f800000 // 1
DATA tanhConstsNEON<>+52(SB)/4, $0x3f800000
DATA tanhConstsNEON<>+56(SB)/4, $0x3f800000
DATA tanhConstsNEON<>+60(SB)/4, $0x3f800000
DATA tanhConstsNEON<>+64(SB)/4, $0xc0000000 // −2
DATA tanhConstsNEON<>+68(SB)/4, $0xc0000000
DATA tanhConstsNEON<>+72(SB)/4, $0xc0000000
DATA tanhConstsNEON<>+76(SB)/4, $0xc0000000
DATA tanhConstsNEON<>+80(SB)/4, $0xa59f25c0 // −2.76076847742355e-16
DATA tanhConstsNEON<>+84(SB)/4, $0xa59f25c0
DATA tanhConstsNEON<>+88(SB)/4, $0xa59f25c0
DATA tanhConstsNEON<>+92(SB)/4, $0xa59f25c0
DATA tanhConstsNEON<>+96(SB)/4, $0x2a61337e // 2.00018790482477e-13
DATA tanhConstsNEON<>+100(SB)/4, $0x2a61337e
DATA tanhConstsNEON<>+104(SB)/4, $0x2a61337e
DATA tanhConstsNEON<>+108(SB)/4, $0x2a61337e
DATA tanhConstsNEON<>+112(SB)/4, $0xaebd37ff // −8.60467152213735e-11
DATA tanhConstsNEON<>+116(SB)/4, $0xaebd37ff
DATA tanhConstsNEON<>+120(SB)/4, $0xaebd37ff
DATA tanhConstsNEON<>+124(SB)/4, $0xaebd37ff
DATA tanhConstsNEON<>+128(SB)/4, $0x335c0041 // 5.12229709037114e-08
DATA tanhConstsNEON<>+132(SB)/4, $0x335c0041
DATA tanhConstsNEON<>+136(SB)/4, $0x335c0041
DATA tanhConstsNEON<>+140(SB)/4, $0x335c0041
DATA tanhConstsNEON<>+144(SB)/4, $0x3779434a // 1.48572235717979e-05
DATA tanhConstsNEON<>+148(SB)/4, $0x3779434a
DATA tanhConstsNEON<>+152(SB)/4, $0x3779434a
DATA tanhConstsNEON<>+156(SB)/4, $0x3779434a
DATA tanhConstsNEON<>+160(SB)/4, $0x3a270ded // 6.37261928875436e-04
DATA tanhConstsNEON<>+164(SB)/4, $0x3a270ded
DATA tanhConstsNEON<>+168(SB)/4, $0x3a270ded
DATA tanhConstsNEON<>+172(SB)/4, $0x3a270ded
DATA tanhConstsNEON<>+176(SB)/4, $0x3ba059dc // 4.89352455891786e-03
DATA tanhConstsNEON<>+180(SB)/4, $0x3ba059dc
DATA tanhConstsNEON<>+184(SB)/4, $0x3ba059dc
DATA tanhConstsNEON<>+188(SB)/4, $0x3ba059dc
DATA tanhConstsNEON<>+192(SB)/4, $0x35a0d3d8 // 1.19825839466702e-06
DATA tanhConstsNEON<>+196(SB)/4, $0x35a0d3d8
DATA tanhConstsNEON<>+200(SB)/4, $0x35a0d3d8
DATA tanhConstsNEON<>+204(SB)/4, $0x35a0d3d8
DATA tanhConstsNEON<>+208(SB)/4, $0x38f895d6 // 1.18534705686654e-04
DATA tanhConstsNEON<>+212(SB)/4, $0x38f895d6
DATA tanhConstsNEON<>+216(SB)/4, $0x38f895d6
DATA tanhConstsNEON<>+220(SB)/4, $0x38f895d6
DATA tanhConstsNEON<>+224(SB)/4, $0x3b14aa05 // 2.26843463243900e-03
DATA tanhConstsNEON<>+228(SB)/4, $0x3b14aa05
DATA tanhConstsNEON<>+232(SB)/4, $0x3b14aa05
DATA tanhConstsNEON<>+236(SB)/4, $0x3b14aa05
DATA tanhConstsNEON<>+240(SB)/4, $0x3ba059dd // 4.89352518554385e-03
DATA tanhConstsNEON<>+244(SB)/4, $0x3ba059dd
DATA tanhConstsNEON<>+248(SB)/4, $0x3ba059dd
DATA tanhConstsNEON<>+252(SB)/4, $0x3ba059dd
GLOBL tanhConstsNEON<>(SB), RODATA|NOPTR, $256

// func tanhNEON(z, d1, d2 *float32, n int)
//
// tanhNEON computes, for n a positive multiple of 4 and tanh32 evaluated with
// fused multiply-adds (FMIN/FMAX propagate a NaN x through the clamp):
//
//	for i := 0; i < n; i++ {
//		t := tanh32(z[i])
//		d := 1 - t*t
//		z[i], d1[i] = t, d
//		if d2 != nil {
//			d2[i] = -2 * t * d
//		}
//	}
//
// V16–V20 hold tanhClamp, −tanhClamp, tanhTiny, 1, −2; V21–V27 the numerator's
// coefficients and V28–V31 the denominator's, highest power first.
TEXT ·tanhNEON(SB), NOSPLIT, $0-32
	MOVD   z+0(FP), R0
	MOVD   d1+8(FP), R1
	MOVD   d2+16(FP), R2
	MOVD   n+24(FP), R3
	MOVD   $tanhConstsNEON<>(SB), R4
	VLD1.P 64(R4), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R4), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P 64(R4), [V24.S4, V25.S4, V26.S4, V27.S4]
	VLD1   (R4), [V28.S4, V29.S4, V30.S4, V31.S4]

tanhNEON_loop:
	VLD1  (R0), [V0.S4]                     // x
	WORD $0x4eb0f401 // FMIN V1.4S, V0.4S, V16.4S (min(x, clamp))
	WORD $0x4e31f421 // FMAX V1.4S, V1.4S, V17.4S (max(·, −clamp))
	WORD $0x6e21dc22 // FMUL V2.4S, V1.4S, V1.4S (x²)
	VORR  V22.B16, V22.B16, V3.B16 // p = p5 + x²·p6
	VFMLA V21.S4, V2.S4, V3.S4
	VORR  V29.B16, V29.B16, V4.B16 // q = q2 + x²·q3
	VFMLA V28.S4, V2.S4, V4.S4
	VORR  V23.B16, V23.B16, V5.B16
	VFMLA V3.S4, V2.S4, V5.S4
	VORR  V30.B16, V30.B16, V6.B16
	VFMLA V4.S4, V2.S4, V6.S4
	VORR  V24.B16, V24.B16, V3.B16
	VFMLA V5.S4, V2.S4, V3.S4
	VORR  V31.B16, V31.B16, V4.B16 // q complete
	VFMLA V6.S4, V2.S4, V4.S4
	VORR  V25.B16, V25.B16, V5.B16
	VFMLA V3.S4, V2.S4, V5.S4
	VORR  V26.B16, V26.B16, V3.B16
	VFMLA V5.S4, V2.S4, V3.S4
	VORR  V27.B16, V27.B16, V5.B16 // p complete
	VFMLA V3.S4, V2.S4, V5.S4
	WORD $0x6e25dc25 // FMUL V5.4S, V1.4S, V5.4S (x·p)
	WORD $0x6e24fca3 // FDIV V3.4S, V5.4S, V4.4S (t = x·p/q)
	WORD $0x6ea0ee47 // FACGT V7.4S, V18.4S, V0.4S (|x| < tiny)
	WORD $0x6ea71c03 // BIT V3.16B, V0.16B, V7.16B (t = x there)
	VST1.P [V3.S4], 16(R0)
	VORR  V19.B16, V19.B16, V6.B16
	VFMLS V3.S4, V3.S4, V6.S4 // d = 1 − t²
	VST1.P [V6.S4], 16(R1)
	CBZ   R2, tanhNEON_next
	WORD $0x6e34dc67 // FMUL V7.4S, V3.4S, V20.4S (−2t)
	WORD $0x6e26dce7 // FMUL V7.4S, V7.4S, V6.4S (−2t·d)
	VST1.P [V7.S4], 16(R2)

tanhNEON_next:
	SUBS $4, R3, R3
	BNE  tanhNEON_loop
	RET
