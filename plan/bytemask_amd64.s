#include "textflag.h"

// SSE2: each of the 16 bytes at off(SI) is compared with a group's two
// bytes (GROUP16) or one (ONE16); the result's 16 bits, shifted off places,
// are ORed into acc. X0 holds the text, X1 and X2 are scratch.
#define GROUP16(a, b, acc, off) \
	MOVO X0, X1; \
	PCMPEQB a, X1; \
	MOVO X0, X2; \
	PCMPEQB b, X2; \
	POR X2, X1; \
	PMOVMSKB X1, AX; \
	SHLQ $off, AX; \
	ORQ AX, acc

#define ONE16(a, acc, off) \
	MOVO X0, X1; \
	PCMPEQB a, X1; \
	PMOVMSKB X1, AX; \
	SHLQ $off, AX; \
	ORQ AX, acc

// STEP: the groups X8/X9, X10/X11, X12/X13, X14/X3 into R8-R11, the quote
// X4 into R12, the backslash X5 into R13; X7 gathers the bytes for their
// high bits.
#define STEP(off) \
	MOVOU off(SI), X0; \
	POR X0, X7; \
	GROUP16(X8, X9, R8, off); \
	GROUP16(X10, X11, R9, off); \
	GROUP16(X12, X13, R10, off); \
	GROUP16(X14, X3, R11, off); \
	ONE16(X4, R12, off); \
	ONE16(X5, R13, off)

// AVX2: the same, 32 bytes at a time in Y registers.
#define GROUP32(a, b, acc, off) \
	VPCMPEQB a, Y0, Y1; \
	VPCMPEQB b, Y0, Y2; \
	VPOR Y2, Y1, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, acc

#define ONE32(a, acc, off) \
	VPCMPEQB a, Y0, Y1; \
	VPMOVMSKB Y1, AX; \
	SHLQ $off, AX; \
	ORQ AX, acc

#define STEP32(off) \
	VMOVDQU off(SI), Y0; \
	VPOR Y0, Y7, Y7; \
	GROUP32(Y8, Y9, R8, off); \
	GROUP32(Y10, Y11, R9, off); \
	GROUP32(Y12, Y13, R10, off); \
	GROUP32(Y14, Y3, R11, off); \
	ONE32(Y4, R12, off); \
	ONE32(Y5, R13, off)

#define ZERO \
	XORQ R8, R8; \
	XORQ R9, R9; \
	XORQ R10, R10; \
	XORQ R11, R11; \
	XORQ R12, R12; \
	XORQ R13, R13

#define STORE \
	MOVQ R8, 0(DI); \
	MOVQ R9, 8(DI); \
	MOVQ R10, 16(DI); \
	MOVQ R11, 24(DI); \
	MOVQ R12, 32(DI); \
	MOVQ R13, 40(DI)

// func maskBlocksSSE2(text *byte, blocks int, vec *[160]byte, out *uint64) bool
//
// For each 64 bytes of text, six words (see scanSet.masks).
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
	ZERO
	STEP(0)
	STEP(16)
	STEP(32)
	STEP(48)
	STORE
	ADDQ	$64, SI
	ADDQ	$48, DI
	DECQ	CX
	JNZ	loop

done:
	PMOVMSKB	X7, AX
	TESTL	AX, AX
	SETNE	ret+32(FP)
	RET

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
	ZERO
	STEP32(0)
	STEP32(32)
	STORE
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
