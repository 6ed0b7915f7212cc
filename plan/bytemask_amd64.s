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
