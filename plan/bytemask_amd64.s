#include "textflag.h"

// STEP compares the 16 bytes at off(SI) with either byte of each of four
// groups (X8/X9, X10/X11, X12/X13, X14/X3), the quote (X4) and the backslash
// (X5), and ORs each result's 16 bits, shifted off places, into R8-R13; X7
// gathers the bytes for their high bits.
#define STEP(off) \
	MOVOU off(SI), X0; \
	POR X0, X7; \
	MOVO X0, X1; \
	PCMPEQB X8, X1; \
	MOVO X0, X2; \
	PCMPEQB X9, X2; \
	POR X2, X1; \
	PMOVMSKB X1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R8; \
	MOVO X0, X1; \
	PCMPEQB X10, X1; \
	MOVO X0, X2; \
	PCMPEQB X11, X2; \
	POR X2, X1; \
	PMOVMSKB X1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R9; \
	MOVO X0, X1; \
	PCMPEQB X12, X1; \
	MOVO X0, X2; \
	PCMPEQB X13, X2; \
	POR X2, X1; \
	PMOVMSKB X1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R10; \
	MOVO X0, X1; \
	PCMPEQB X14, X1; \
	MOVO X0, X2; \
	PCMPEQB X3, X2; \
	POR X2, X1; \
	PMOVMSKB X1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R11; \
	MOVO X0, X1; \
	PCMPEQB X4, X1; \
	PMOVMSKB X1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R12; \
	PCMPEQB X5, X0; \
	PMOVMSKB X0, AX; \
	SHLQ $off, AX; \
	ORQ AX, R13

// func maskBlocksSSE2(text *byte, blocks int, vec *[160]byte, out *uint64) bool
//
// For each 64 bytes of text, six words (see scanSet.masks), 16 bytes a step.
TEXT ·maskBlocksSSE2(SB), NOSPLIT, $0-33
	MOVQ	text+0(FP), SI
	MOVQ	blocks+8(FP), CX
	MOVQ	vec+16(FP), DX
	MOVQ	out+24(FP), DI
	MOVOU	0(DX), X8
	MOVOU	16(DX), X9
	MOVOU	32(DX), X10
	MOVOU	48(DX), X11
	MOVOU	64(DX), X12
	MOVOU	80(DX), X13
	MOVOU	96(DX), X14
	MOVOU	112(DX), X3
	MOVOU	128(DX), X4
	MOVOU	144(DX), X5
	PXOR	X7, X7
	TESTQ	CX, CX
	JZ	done

loop:
	XORQ	R8, R8
	XORQ	R9, R9
	XORQ	R10, R10
	XORQ	R11, R11
	XORQ	R12, R12
	XORQ	R13, R13
	STEP(0)
	STEP(16)
	STEP(32)
	STEP(48)
	MOVQ	R8, 0(DI)
	MOVQ	R9, 8(DI)
	MOVQ	R10, 16(DI)
	MOVQ	R11, 24(DI)
	MOVQ	R12, 32(DI)
	MOVQ	R13, 40(DI)
	ADDQ	$64, SI
	ADDQ	$48, DI
	DECQ	CX
	JNZ	loop

done:
	PMOVMSKB	X7, AX
	TESTL	AX, AX
	SETNE	ret+32(FP)
	RET

// STEP32 is STEP with AVX2, 32 bytes at off(SI): groups Y8/Y9, Y10/Y11,
// Y12/Y13, Y14/Y3, the quote Y4, the backslash Y5, high bits into Y7.
#define STEP32(off) \
	VMOVDQU off(SI), Y0; \
	VPOR Y0, Y7, Y7; \
	VPCMPEQB Y8, Y0, Y1; \
	VPCMPEQB Y9, Y0, Y2; \
	VPOR Y2, Y1, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R8; \
	VPCMPEQB Y10, Y0, Y1; \
	VPCMPEQB Y11, Y0, Y2; \
	VPOR Y2, Y1, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R9; \
	VPCMPEQB Y12, Y0, Y1; \
	VPCMPEQB Y13, Y0, Y2; \
	VPOR Y2, Y1, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R10; \
	VPCMPEQB Y14, Y0, Y1; \
	VPCMPEQB Y3, Y0, Y2; \
	VPOR Y2, Y1, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R11; \
	VPCMPEQB Y4, Y0, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R12; \
	VPCMPEQB Y5, Y0, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, R13

// func maskBlocksAVX2(text *byte, blocks int, vec *[160]byte, out *uint64) bool
TEXT ·maskBlocksAVX2(SB), NOSPLIT, $0-33
	MOVQ	text+0(FP), SI
	MOVQ	blocks+8(FP), CX
	MOVQ	vec+16(FP), DX
	MOVQ	out+24(FP), DI
	VBROADCASTI128	0(DX), Y8
	VBROADCASTI128	16(DX), Y9
	VBROADCASTI128	32(DX), Y10
	VBROADCASTI128	48(DX), Y11
	VBROADCASTI128	64(DX), Y12
	VBROADCASTI128	80(DX), Y13
	VBROADCASTI128	96(DX), Y14
	VBROADCASTI128	112(DX), Y3
	VBROADCASTI128	128(DX), Y4
	VBROADCASTI128	144(DX), Y5
	VPXOR	Y7, Y7, Y7
	TESTQ	CX, CX
	JZ	avxdone

avxloop:
	XORQ	R8, R8
	XORQ	R9, R9
	XORQ	R10, R10
	XORQ	R11, R11
	XORQ	R12, R12
	XORQ	R13, R13
	STEP32(0)
	STEP32(32)
	MOVQ	R8, 0(DI)
	MOVQ	R9, 8(DI)
	MOVQ	R10, 16(DI)
	MOVQ	R11, 24(DI)
	MOVQ	R12, 32(DI)
	MOVQ	R13, 40(DI)
	ADDQ	$64, SI
	ADDQ	$48, DI
	DECQ	CX
	JNZ	avxloop

avxdone:
	VPMOVMSKB	Y7, AX
	VZEROUPPER
	TESTL	AX, AX
	SETNE	ret+32(FP)
	RET

// func cpuAVX2() bool: the CPU has AVX2 and the OS saves the YMM registers.
TEXT ·cpuAVX2(SB), NOSPLIT, $0-1
	XORL	AX, AX
	XORL	CX, CX
	CPUID
	CMPL	AX, $7
	JLT	no
	MOVL	$1, AX
	XORL	CX, CX
	CPUID
	// OSXSAVE (bit 27) and AVX (bit 28)
	ANDL	$0x18000000, CX
	CMPL	CX, $0x18000000
	JNE	no
	XORL	CX, CX
	XGETBV
	// XMM and YMM state enabled
	ANDL	$6, AX
	CMPL	AX, $6
	JNE	no
	MOVL	$7, AX
	XORL	CX, CX
	CPUID
	// AVX2 (leaf 7, EBX bit 5)
	SHRL	$5, BX
	ANDL	$1, BX
	MOVB	BX, ret+0(FP)
	RET
no:
	MOVB	$0, ret+0(FP)
	RET
