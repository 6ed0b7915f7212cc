#include "textflag.h"

// CHUNK compares the 16 bytes at off(SI) with each of the 8 bytes in X8-X14
// and X3, ORs them into X7 (for the high bits), and leaves in AX a bit for
// each byte that equals one of them.
#define CHUNK(off) \
	MOVOU off(SI), X0; \
	POR X0, X7; \
	MOVO X0, X1; \
	PCMPEQB X8, X1; \
	MOVO X0, X2; \
	PCMPEQB X9, X2; \
	POR X2, X1; \
	MOVO X0, X2; \
	PCMPEQB X10, X2; \
	POR X2, X1; \
	MOVO X0, X2; \
	PCMPEQB X11, X2; \
	POR X2, X1; \
	MOVO X0, X2; \
	PCMPEQB X12, X2; \
	POR X2, X1; \
	MOVO X0, X2; \
	PCMPEQB X13, X2; \
	POR X2, X1; \
	MOVO X0, X2; \
	PCMPEQB X14, X2; \
	POR X2, X1; \
	PCMPEQB X3, X0; \
	POR X0, X1; \
	PMOVMSKB X1, AX

// func maskBlocksSSE2(text *byte, blocks int, vec *[128]byte, mask *uint64) bool
TEXT ·maskBlocksSSE2(SB), NOSPLIT, $0-33
	MOVQ	text+0(FP), SI
	MOVQ	blocks+8(FP), CX
	MOVQ	vec+16(FP), DX
	MOVQ	mask+24(FP), DI
	MOVOU	0(DX), X8
	MOVOU	16(DX), X9
	MOVOU	32(DX), X10
	MOVOU	48(DX), X11
	MOVOU	64(DX), X12
	MOVOU	80(DX), X13
	MOVOU	96(DX), X14
	MOVOU	112(DX), X3
	PXOR	X7, X7
	TESTQ	CX, CX
	JZ	done

loop:
	CHUNK(0)
	MOVQ	AX, R8
	CHUNK(16)
	SHLQ	$16, AX
	ORQ	AX, R8
	CHUNK(32)
	SHLQ	$32, AX
	ORQ	AX, R8
	CHUNK(48)
	SHLQ	$48, AX
	ORQ	AX, R8
	MOVQ	R8, (DI)
	ADDQ	$64, SI
	ADDQ	$8, DI
	DECQ	CX
	JNZ	loop

done:
	PMOVMSKB	X7, AX
	TESTL	AX, AX
	SETNE	ret+32(FP)
	RET
