//go:build !purego

#include "textflag.h"

// tanhConsts holds the constants of tanh32 as float32 bit patterns, each
// repeated across 32 bytes (one YMM vector); the offsets name them.
#define CLAMP 0 // tanhClamp
#define NEGCLAMP 32 // −tanhClamp
#define TINY 64 // tanhTiny
#define ABSMASK 96 // all bits but the sign
#define ONE 128 // 1
#define MTWO 160 // −2
#define P6 192 // −2.76076847742355e-16
#define P5 224 // 2.00018790482477e-13
#define P4 256 // −8.60467152213735e-11
#define P3 288 // 5.12229709037114e-08
#define P2 320 // 1.48572235717979e-05
#define P1 352 // 6.37261928875436e-04
#define P0 384 // 4.89352455891786e-03
#define Q3 416 // 1.19825839466702e-06
#define Q2 448 // 1.18534705686654e-04
#define Q1 480 // 2.26843463243900e-03
#define Q0 512 // 4.89352518554385e-03

DATA tanhConsts<>+0(SB)/4, $0x40fcf84f
DATA tanhConsts<>+4(SB)/4, $0x40fcf84f
DATA tanhConsts<>+8(SB)/4, $0x40fcf84f
DATA tanhConsts<>+12(SB)/4, $0x40fcf84f
DATA tanhConsts<>+16(SB)/4, $0x40fcf84f
DATA tanhConsts<>+20(SB)/4, $0x40fcf84f
DATA tanhConsts<>+24(SB)/4, $0x40fcf84f
DATA tanhConsts<>+28(SB)/4, $0x40fcf84f
DATA tanhConsts<>+32(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+36(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+40(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+44(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+48(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+52(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+56(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+60(SB)/4, $0xc0fcf84f
DATA tanhConsts<>+64(SB)/4, $0x39d1b717
DATA tanhConsts<>+68(SB)/4, $0x39d1b717
DATA tanhConsts<>+72(SB)/4, $0x39d1b717
DATA tanhConsts<>+76(SB)/4, $0x39d1b717
DATA tanhConsts<>+80(SB)/4, $0x39d1b717
DATA tanhConsts<>+84(SB)/4, $0x39d1b717
DATA tanhConsts<>+88(SB)/4, $0x39d1b717
DATA tanhConsts<>+92(SB)/4, $0x39d1b717
DATA tanhConsts<>+96(SB)/4, $0x7fffffff
DATA tanhConsts<>+100(SB)/4, $0x7fffffff
DATA tanhConsts<>+104(SB)/4, $0x7fffffff
DATA tanhConsts<>+108(SB)/4, $0x7fffffff
DATA tanhConsts<>+112(SB)/4, $0x7fffffff
DATA tanhConsts<>+116(SB)/4, $0x7fffffff
DATA tanhConsts<>+120(SB)/4, $0x7fffffff
DATA tanhConsts<>+124(SB)/4, $0x7fffffff
DATA tanhConsts<>+128(SB)/4, $0x3f800000
DATA tanhConsts<>+132(SB)/4, $0x3f800000
DATA tanhConsts<>+136(SB)/4, $0x3f800000
DATA tanhConsts<>+140(SB)/4, $0x3f800000
DATA tanhConsts<>+144(SB)/4, $0x3f800000
DATA tanhConsts<>+148(SB)/4, $0x3f800000
DATA tanhConsts<>+152(SB)/4, $0x3f800000
DATA tanhConsts<>+156(SB)/4, $0x3f800000
DATA tanhConsts<>+160(SB)/4, $0xc0000000
DATA tanhConsts<>+164(SB)/4, $0xc0000000
DATA tanhConsts<>+168(SB)/4, $0xc0000000
DATA tanhConsts<>+172(SB)/4, $0xc0000000
DATA tanhConsts<>+176(SB)/4, $0xc0000000
DATA tanhConsts<>+180(SB)/4, $0xc0000000
DATA tanhConsts<>+184(SB)/4, $0xc0000000
DATA tanhConsts<>+188(SB)/4, $0xc0000000
DATA tanhConsts<>+192(SB)/4, $0xa59f25c0
DATA tanhConsts<>+196(SB)/4, $0xa59f25c0
DATA tanhConsts<>+200(SB)/4, $0xa59f25c0
DATA tanhConsts<>+204(SB)/4, $0xa59f25c0
DATA tanhConsts<>+208(SB)/4, $0xa59f25c0
DATA tanhConsts<>+212(SB)/4, $0xa59f25c0
DATA tanhConsts<>+216(SB)/4, $0xa59f25c0
DATA tanhConsts<>+220(SB)/4, $0xa59f25c0
DATA tanhConsts<>+224(SB)/4, $0x2a61337e
DATA tanhConsts<>+228(SB)/4, $0x2a61337e
DATA tanhConsts<>+232(SB)/4, $0x2a61337e
DATA tanhConsts<>+236(SB)/4, $0x2a61337e
DATA tanhConsts<>+240(SB)/4, $0x2a61337e
DATA tanhConsts<>+244(SB)/4, $0x2a61337e
DATA tanhConsts<>+248(SB)/4, $0x2a61337e
DATA tanhConsts<>+252(SB)/4, $0x2a61337e
DATA tanhConsts<>+256(SB)/4, $0xaebd37ff
DATA tanhConsts<>+260(SB)/4, $0xaebd37ff
DATA tanhConsts<>+264(SB)/4, $0xaebd37ff
DATA tanhConsts<>+268(SB)/4, $0xaebd37ff
DATA tanhConsts<>+272(SB)/4, $0xaebd37ff
DATA tanhConsts<>+276(SB)/4, $0xaebd37ff
DATA tanhConsts<>+280(SB)/4, $0xaebd37ff
DATA tanhConsts<>+284(SB)/4, $0xaebd37ff
DATA tanhConsts<>+288(SB)/4, $0x335c0041
DATA tanhConsts<>+292(SB)/4, $0x335c0041
DATA tanhConsts<>+296(SB)/4, $0x335c0041
DATA tanhConsts<>+300(SB)/4, $0x335c0041
DATA tanhConsts<>+304(SB)/4, $0x335c0041
DATA tanhConsts<>+308(SB)/4, $0x335c0041
DATA tanhConsts<>+312(SB)/4, $0x335c0041
DATA tanhConsts<>+316(SB)/4, $0x335c0041
DATA tanhConsts<>+320(SB)/4, $0x3779434a
DATA tanhConsts<>+324(SB)/4, $0x3779434a
DATA tanhConsts<>+328(SB)/4, $0x3779434a
DATA tanhConsts<>+332(SB)/4, $0x3779434a
DATA tanhConsts<>+336(SB)/4, $0x3779434a
DATA tanhConsts<>+340(SB)/4, $0x3779434a
DATA tanhConsts<>+344(SB)/4, $0x3779434a
DATA tanhConsts<>+348(SB)/4, $0x3779434a
DATA tanhConsts<>+352(SB)/4, $0x3a270ded
DATA tanhConsts<>+356(SB)/4, $0x3a270ded
DATA tanhConsts<>+360(SB)/4, $0x3a270ded
DATA tanhConsts<>+364(SB)/4, $0x3a270ded
DATA tanhConsts<>+368(SB)/4, $0x3a270ded
DATA tanhConsts<>+372(SB)/4, $0x3a270ded
DATA tanhConsts<>+376(SB)/4, $0x3a270ded
DATA tanhConsts<>+380(SB)/4, $0x3a270ded
DATA tanhConsts<>+384(SB)/4, $0x3ba059dc
DATA tanhConsts<>+388(SB)/4, $0x3ba059dc
DATA tanhConsts<>+392(SB)/4, $0x3ba059dc
DATA tanhConsts<>+396(SB)/4, $0x3ba059dc
DATA tanhConsts<>+400(SB)/4, $0x3ba059dc
DATA tanhConsts<>+404(SB)/4, $0x3ba059dc
DATA tanhConsts<>+408(SB)/4, $0x3ba059dc
DATA tanhConsts<>+412(SB)/4, $0x3ba059dc
DATA tanhConsts<>+416(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+420(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+424(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+428(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+432(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+436(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+440(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+444(SB)/4, $0x35a0d3d8
DATA tanhConsts<>+448(SB)/4, $0x38f895d6
DATA tanhConsts<>+452(SB)/4, $0x38f895d6
DATA tanhConsts<>+456(SB)/4, $0x38f895d6
DATA tanhConsts<>+460(SB)/4, $0x38f895d6
DATA tanhConsts<>+464(SB)/4, $0x38f895d6
DATA tanhConsts<>+468(SB)/4, $0x38f895d6
DATA tanhConsts<>+472(SB)/4, $0x38f895d6
DATA tanhConsts<>+476(SB)/4, $0x38f895d6
DATA tanhConsts<>+480(SB)/4, $0x3b14aa05
DATA tanhConsts<>+484(SB)/4, $0x3b14aa05
DATA tanhConsts<>+488(SB)/4, $0x3b14aa05
DATA tanhConsts<>+492(SB)/4, $0x3b14aa05
DATA tanhConsts<>+496(SB)/4, $0x3b14aa05
DATA tanhConsts<>+500(SB)/4, $0x3b14aa05
DATA tanhConsts<>+504(SB)/4, $0x3b14aa05
DATA tanhConsts<>+508(SB)/4, $0x3b14aa05
DATA tanhConsts<>+512(SB)/4, $0x3ba059dd
DATA tanhConsts<>+516(SB)/4, $0x3ba059dd
DATA tanhConsts<>+520(SB)/4, $0x3ba059dd
DATA tanhConsts<>+524(SB)/4, $0x3ba059dd
DATA tanhConsts<>+528(SB)/4, $0x3ba059dd
DATA tanhConsts<>+532(SB)/4, $0x3ba059dd
DATA tanhConsts<>+536(SB)/4, $0x3ba059dd
DATA tanhConsts<>+540(SB)/4, $0x3ba059dd
GLOBL tanhConsts<>(SB), RODATA|NOPTR, $544

// func tanhAVX2(z, d1, d2 *float32, n int)
//
// tanhAVX2 computes, for n a positive multiple of 8 and tanh32 evaluated with
// fused multiply-adds (the clamp by MIN/MAX keeps a NaN x, as x is their
// second source):
//
//	for i := 0; i < n; i++ {
//		t := tanh32(z[i])
//		d := 1 - t*t
//		z[i], d1[i] = t, d
//		if d2 != nil {
//			d2[i] = -2 * t * d
//		}
//	}
TEXT ·tanhAVX2(SB), NOSPLIT, $0-32
	MOVQ    z+0(FP), DI
	MOVQ    d1+8(FP), SI
	MOVQ    d2+16(FP), DX
	MOVQ    n+24(FP), CX
	LEAQ    tanhConsts<>(SB), R8
	VMOVUPS CLAMP(R8), Y15
	VMOVUPS NEGCLAMP(R8), Y14
	VMOVUPS TINY(R8), Y13
	VMOVUPS ABSMASK(R8), Y12
	VMOVUPS ONE(R8), Y11
	VMOVUPS MTWO(R8), Y10
	XORQ    AX, AX

tanhAVX2_loop:
	VMOVUPS      (DI)(AX*4), Y0        // x
	VMINPS       Y0, Y15, Y1           // min(clamp, x)
	VMAXPS       Y1, Y14, Y1           // max(−clamp, ·)
	VMULPS       Y1, Y1, Y2            // x²
	VMOVUPS      P6(R8), Y3            // p
	VMOVUPS      Q3(R8), Y4            // q
	VFMADD213PS  P5(R8), Y2, Y3
	VFMADD213PS  Q2(R8), Y2, Y4
	VFMADD213PS  P4(R8), Y2, Y3
	VFMADD213PS  Q1(R8), Y2, Y4
	VFMADD213PS  P3(R8), Y2, Y3
	VFMADD213PS  Q0(R8), Y2, Y4
	VFMADD213PS  P2(R8), Y2, Y3
	VFMADD213PS  P1(R8), Y2, Y3
	VFMADD213PS  P0(R8), Y2, Y3
	VMULPS       Y3, Y1, Y3            // x·p
	VDIVPS       Y4, Y3, Y3            // t = x·p/q
	VANDPS       Y0, Y12, Y5           // |x|
	VCMPPS       $1, Y13, Y5, Y5       // |x| < tiny
	VBLENDVPS    Y5, Y0, Y3, Y3        // t = x there
	VMOVUPS      Y3, (DI)(AX*4)
	VMOVAPS      Y11, Y6
	VFNMADD231PS Y3, Y3, Y6            // d = 1 − t²
	VMOVUPS      Y6, (SI)(AX*4)
	TESTQ        DX, DX
	JZ           tanhAVX2_next
	VMULPS       Y10, Y3, Y7           // −2t
	VMULPS       Y6, Y7, Y7            // −2t·d
	VMOVUPS      Y7, (DX)(AX*4)

tanhAVX2_next:
	ADDQ $8, AX
	CMPQ AX, CX
	JLT  tanhAVX2_loop
	VZEROUPPER
	RET

// func tanhAVX512(z, d1, d2 *float32, n int)
//
// tanhAVX512 computes, for n a positive multiple of 16 and tanh32 evaluated
// with fused multiply-adds (the clamp by MIN/MAX keeps a NaN x, as x is their
// second source):
//
//	for i := 0; i < n; i++ {
//		t := tanh32(z[i])
//		d := 1 - t*t
//		z[i], d1[i] = t, d
//		if d2 != nil {
//			d2[i] = -2 * t * d
//		}
//	}
TEXT ·tanhAVX512(SB), NOSPLIT, $0-32
	MOVQ         z+0(FP), DI
	MOVQ         d1+8(FP), SI
	MOVQ         d2+16(FP), DX
	MOVQ         n+24(FP), CX
	LEAQ         tanhConsts<>(SB), R8
	VBROADCASTSS CLAMP(R8), Z31
	VBROADCASTSS NEGCLAMP(R8), Z30
	VBROADCASTSS TINY(R8), Z29
	VBROADCASTSS ABSMASK(R8), Z28
	VBROADCASTSS ONE(R8), Z27
	VBROADCASTSS MTWO(R8), Z26
	VBROADCASTSS P6(R8), Z25
	VBROADCASTSS P5(R8), Z24
	VBROADCASTSS P4(R8), Z23
	VBROADCASTSS P3(R8), Z22
	VBROADCASTSS P2(R8), Z21
	VBROADCASTSS P1(R8), Z20
	VBROADCASTSS P0(R8), Z19
	VBROADCASTSS Q3(R8), Z18
	VBROADCASTSS Q2(R8), Z17
	VBROADCASTSS Q1(R8), Z16
	VBROADCASTSS Q0(R8), Z15
	XORQ         AX, AX

tanhAVX512_loop:
	VMOVUPS      (DI)(AX*4), Z0        // x
	VMINPS       Z0, Z31, Z1           // min(clamp, x)
	VMAXPS       Z1, Z30, Z1           // max(−clamp, ·)
	VMULPS       Z1, Z1, Z2            // x²
	VMOVAPS      Z25, Z3               // p
	VMOVAPS      Z18, Z4               // q
	VFMADD213PS  Z24, Z2, Z3
	VFMADD213PS  Z17, Z2, Z4
	VFMADD213PS  Z23, Z2, Z3
	VFMADD213PS  Z16, Z2, Z4
	VFMADD213PS  Z22, Z2, Z3
	VFMADD213PS  Z15, Z2, Z4
	VFMADD213PS  Z21, Z2, Z3
	VFMADD213PS  Z20, Z2, Z3
	VFMADD213PS  Z19, Z2, Z3
	VMULPS       Z3, Z1, Z3            // x·p
	VDIVPS       Z4, Z3, Z3            // t = x·p/q
	VPANDD       Z0, Z28, Z5           // |x|
	VCMPPS       $1, Z29, Z5, K1       // |x| < tiny
	VMOVAPS      Z0, K1, Z3            // t = x there
	VMOVUPS      Z3, (DI)(AX*4)
	VMOVAPS      Z27, Z6
	VFNMADD231PS Z3, Z3, Z6            // d = 1 − t²
	VMOVUPS      Z6, (SI)(AX*4)
	TESTQ        DX, DX
	JZ           tanhAVX512_next
	VMULPS       Z26, Z3, Z7           // −2t
	VMULPS       Z6, Z7, Z7            // −2t·d
	VMOVUPS      Z7, (DX)(AX*4)

tanhAVX512_next:
	ADDQ $16, AX
	CMPQ AX, CX
	JLT  tanhAVX512_loop
	VZEROUPPER
	RET
