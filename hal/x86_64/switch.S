/*
 * switch.S: the context switch of context.c.
 *
 * ctx_swap(&save_sp, new_sp) pushes the callee-saved registers and one
 * slot holding MXCSR (low half) and the x87 control word (high half),
 * stores rsp in *save_sp, loads new_sp and pops the same frame. A new
 * context's frame returns into ctx_start, which calls ctx_entry(rbx).
 */
	.text
	.globl ctx_swap
	.type ctx_swap, @function
ctx_swap:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size ctx_swap, .-ctx_swap

	.globl ctx_start
	.type ctx_start, @function
ctx_start:
	movq %rbx, %rdi
	xorl %ebp, %ebp		/* ends the frame-pointer chain */
	call ctx_entry
	ud2
	.size ctx_start, .-ctx_start

	.section .note.GNU-stack, "", @progbits
