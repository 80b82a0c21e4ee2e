/*
 * ap.S: the trampoline that brings an application processor from the
 * real mode a startup IPI leaves it in to the kernel's ap_main (smp.c).
 *
 * smp.c copies ap_tramp..ap_tramp_end to physical AP_TRAMP (0x8000, the
 * SIPI's vector 0x08), maps that page at the same virtual address for the
 * switch, and fills in the parameters at its end: the kernel's CR3 (below
 * 4 GiB: page tables come from the lowest RAM), the EFER bits (LME, and
 * NXE as the boot CPU has it), the AP's stack and the entry. The code
 * goes real mode -> protected mode (its own GDT) -> long mode with the
 * kernel's tables, then jumps to the entry on the stack. It is position-
 * dependent: every address is AP_TRAMP + (label - ap_tramp).
 */
#define AP_TRAMP	0x8000
#define A(x)		(AP_TRAMP + (x) - ap_tramp)
#define CR0_PE		(1 << 0)
#define CR0_MP		(1 << 1)
#define CR0_EM		(1 << 2)
#define CR0_TS		(1 << 3)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXMMEXCPT	(1 << 10)
#define MSR_EFER	0xc0000080

	.section .rodata
	.balign 16
	.globl ap_tramp, ap_tramp_end, ap_tramp_params
	.code16
ap_tramp:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl A(tramp_gdt_desc)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $A(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl A(tramp_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl A(tramp_efer), %eax
	wrmsr
	movl %cr0, %eax
	andl $~(CR0_EM | CR0_TS), %eax
	orl $(CR0_MP | CR0_WP | CR0_PG), %eax
	movl %eax, %cr0
	ljmpl $0x18, $A(tramp64)

	.code64
tramp64:
	movq A(tramp_stack), %rsp
	xorl %ebp, %ebp
	movq A(tramp_entry), %rax
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_desc:
	.word 4 * 8 - 1
	.long A(tramp_gdt)
	.balign 8
ap_tramp_params:		/* struct ap_params (smp.c) */
tramp_cr3:	.long 0
tramp_efer:	.long 0
tramp_stack:	.quad 0
tramp_entry:	.quad 0
ap_tramp_end:

	.section .note.GNU-stack, "", @progbits
