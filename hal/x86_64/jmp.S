/*
 * jmp.S: hal_setjmp / hal_longjmp (hal.h) for the bare-metal HAL.
 * The buffer holds rbx, rbp, r12-r15, rsp, the return address and RFLAGS,
 * so a longjmp out of a fault handler also restores the interrupt flag.
 */
	.text
	.globl hal_setjmp
hal_setjmp:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rdx	/* rsp after our return */
	movq %rdx, 48(%rdi)
	movq (%rsp), %rdx	/* return address */
	movq %rdx, 56(%rdi)
	pushfq
	popq 64(%rdi)
	xorl %eax, %eax
	ret

	.globl hal_longjmp
hal_longjmp:
	movl %esi, %eax
	testl %eax, %eax	/* longjmp(buf, 0) returns 1 */
	jnz 1f
	incl %eax
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	pushq 64(%rdi)
	popfq
	jmpq *56(%rdi)

	.section .note.GNU-stack, "", @progbits
