#include "textflag.h"

// PLACE: Y10 holds 32 bytes of text; the buckets their low and high nibbles
// give in the tables lo and hi go to out. Y6 holds 0x0f bytes. The low
// nibble is not masked: VPSHUFB gives 0 for an index with its high bit set,
// which is what bucketsAt says of a non-ASCII byte.
#define PLACE(lo, hi, out) \
	VPSRLW $4, Y10, Y12; \
	VPAND Y6, Y12, Y12; \
	VPSHUFB Y10, lo, Y11; \
	VPSHUFB Y12, hi, Y12; \
	VPAND Y11, Y12, out

// func fingerprintAVX2(text *byte, blocks int, tabs *gateTables, out *uint32, buckets *byte) (flags int, words uint64)
//
// fingerprintGo on 32*blocks positions, which reads 32*blocks+3 bytes; the
// buckets of a block without candidates are not written.
TEXT ·fingerprintAVX2(SB), NOSPLIT, $0-56
	MOVQ	text+0(FP), SI
	MOVQ	blocks+8(FP), CX
	MOVQ	tabs+16(FP), DX
	MOVQ	out+24(FP), DI
	MOVQ	buckets+32(FP), R8
	VMOVDQU	0(DX), Y0
	VMOVDQU	32(DX), Y1
	VMOVDQU	64(DX), Y2
	VMOVDQU	96(DX), Y3
	VMOVDQU	128(DX), Y4
	VMOVDQU	160(DX), Y5
	VMOVDQU	192(DX), Y14
	VMOVDQU	224(DX), Y15
	MOVL	$0x0f0f0f0f, AX
	VMOVD	AX, X6
	VPBROADCASTD	X6, Y6
	MOVL	$0x5c5c5c5c, AX
	VMOVD	AX, X7
	VPBROADCASTD	X7, Y7
	VPXOR	Y8, Y8, Y8 // backslashes
	VPXOR	Y9, Y9, Y9 // every byte, for its high bit
	XORQ	R10, R10   // the block's index
	XORQ	R11, R11   // words: bit R10%64 set for a block with candidates
loop:
	VMOVDQU	0(SI), Y10
	VPCMPEQB	Y7, Y10, Y13
	VPOR	Y13, Y8, Y8
	VPOR	Y10, Y9, Y9
	PLACE(Y0, Y1, Y13)
	VMOVDQU	1(SI), Y10
	PLACE(Y2, Y3, Y11)
	VPAND	Y11, Y13, Y13
	VMOVDQU	2(SI), Y10
	PLACE(Y4, Y5, Y11)
	VPAND	Y11, Y13, Y13
	VMOVDQU	3(SI), Y10
	PLACE(Y14, Y15, Y11)
	VPAND	Y11, Y13, Y13
	VPTEST	Y13, Y13
	JNZ	candidates
	MOVL	$0, 0(DI)
next:
	ADDQ	$32, SI
	ADDQ	$4, DI
	ADDQ	$32, R8
	INCQ	R10
	DECQ	CX
	JNZ	loop
	VPMOVMSKB	Y8, AX
	VPMOVMSKB	Y9, BX
	VZEROUPPER
	XORQ	CX, CX
	TESTL	AX, AX
	JZ	nobackslash
	ORQ	$1, CX
nobackslash:
	TESTL	BX, BX
	JZ	ascii
	ORQ	$2, CX
ascii:
	MOVQ	CX, flags+40(FP)
	MOVQ	R11, words+48(FP)
	RET
candidates:
	VMOVDQU	Y13, 0(R8)
	VPXOR	Y12, Y12, Y12
	VPCMPEQB	Y12, Y13, Y13
	VPMOVMSKB	Y13, AX
	NOTL	AX
	MOVL	AX, 0(DI)
	BTSQ	R10, R11
	JMP	next
