/*
 * vectors.S: the entry stubs of all 256 interrupt vectors and the common
 * path into trap() (idt.c).
 *
 * Stub v sits at trap_vectors + 16 * v. It pushes a zero in place of the
 * error code when the CPU pushes none, then v, then jumps to alltraps,
 * which saves the general registers to form a struct trapframe, calls
 * trap(frame) and returns with iretq once trap() returns.
 */
	.text
	.balign 16
	.globl trap_vectors
trap_vectors:
	.set vec, 0
	.rept 256
	.balign 16
	.if vec != 8 && vec != 10 && vec != 11 && vec != 12 && vec != 13 && vec != 14 && vec != 17 && vec != 21 && vec != 29 && vec != 30
	pushq $0
	.endif
	pushq $vec
	jmp alltraps
	.set vec, vec + 1
	.endr

alltraps:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp	/* vector, error code */
	iretq

	.section .note.GNU-stack, "", @progbits
