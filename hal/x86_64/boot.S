/*
 * boot.S: from the PVH or multiboot2 entry to kmain.
 *
 * QEMU's -kernel loads this 64-bit ELF by physical address and, finding the
 * XEN_ELFNOTE_PHYS32_ENTRY note, enters pvh_entry in 32-bit protected mode
 * with paging off, interrupts off and %ebx = physical address of the
 * hvm_start_info block (command line, memory map). A multiboot2 loader
 * (GRUB, from BIOS or UEFI) finds the multiboot2 header in the first 32 KiB
 * of the file, loads the same segments by physical address and enters the
 * ELF entry, mb2_entry, in the same state with %eax = MB2_MAGIC and
 * %ebx = the multiboot2 information (its tags). boot_proto tells kmain's
 * side which of the two it was (bootinfo.c reads either).
 *
 * The common part builds early page tables that map the first 4 GiB at 0
 * (identity, for the next few instructions) and at PHYS_BASE (the direct
 * map of physical memory: the loader's blocks may lie anywhere below
 * 4 GiB), and the first GiB at KERNEL_VMA (the kernel image), enables
 * PAE, long mode, NX and SSE, then jumps to the higher half, clears .bss,
 * and calls kmain on the boot stack. paging_init later replaces these
 * tables with the kernel's own (no identity map).
 *
 * The 32-bit part lives in section .boot, linked at its physical address.
 */

#define KERNEL_VMA	0xffffffff80000000
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
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define PTE_PW		0x3	/* present, writable */
#define PTE_PS		0x80	/* 2 MiB page */
#define BOOT_STACK_SIZE	65536
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_MAGIC	0x36d76289	/* in %eax at the entry */

/* The multiboot2 header: magic, architecture 0 (i386 protected mode),
 * length, checksum (the four sum to 0 mod 2^32), then tags, each 8-byte
 * aligned: modules page-aligned (type 6), the end (type 0). The ELF
 * entry point is the entry. */
	.section .boot.header, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	.word 6, 0
	.long 8
	.word 0, 0
	.long 8
mb2_header_end:

/* The PVH entry note: name "Xen", type 18, the 32-bit entry address. */
	.section .note.Xen, "a"
	.balign 4
	.long 4
	.long 8
	.long 18
	.asciz "Xen"
	.balign 4
	.quad pvh_entry

	.section .boot.text, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	movl %ebx, boot_info
	jmp enter_long_mode

	/* The multiboot2 entry: the same, once the magic is checked. */
	.globl mb2_entry
mb2_entry:
	cli
	cld
	movl $bad_loader_msg, %esi
	cmpl $MB2_MAGIC, %eax
	jne print_and_halt
	movl %ebx, boot_info
	movl $1, boot_proto

enter_long_mode:
	/* Long mode is required; NX is used when present. */
	movl $0x80000000, %eax
	cpuid
	movl $no_lm_msg, %esi
	cmpl $0x80000001, %eax
	jb print_and_halt
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc print_and_halt
	movl %edx, %esi

	/* Zero the seven boot tables, then fill the four page directories
	 * with 2048 2 MiB pages: physical [0, 4 GiB). */
	movl $boot_pml4, %edi
	xorl %eax, %eax
	movl $(7 * 4096 / 4), %ecx
	rep stosl
	movl $boot_pd, %edi
	movl $(PTE_PW | PTE_PS), %eax
	movl $2048, %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 1b
	movl $(boot_pd + PTE_PW), boot_pdpt_lo
	movl $(boot_pd + 4096 + PTE_PW), boot_pdpt_lo + 8
	movl $(boot_pd + 2 * 4096 + PTE_PW), boot_pdpt_lo + 16
	movl $(boot_pd + 3 * 4096 + PTE_PW), boot_pdpt_lo + 24
	movl $(boot_pd + PTE_PW), boot_pdpt_hi + 510 * 8
	movl $(boot_pdpt_lo + PTE_PW), boot_pml4		/* identity */
	movl $(boot_pdpt_lo + PTE_PW), boot_pml4 + 256 * 8	/* PHYS_BASE */
	movl $(boot_pdpt_hi + PTE_PW), boot_pml4 + 511 * 8	/* KERNEL_VMA */

	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	btl $20, %esi
	jnc 2f
	orl $EFER_NXE, %eax
2:	wrmsr
	movl %cr0, %eax
	andl $~(CR0_EM | CR0_TS), %eax
	orl $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $8, $long_entry

	/* Print the message at %esi on COM1 and stop. */
print_and_halt:
	movw $0x3f8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	hlt
	jmp 2b

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $high_entry, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_desc:
	.word 3 * 8 - 1
	.long boot_gdt
	.globl boot_info, boot_proto
boot_info:
	.long 0
boot_proto:
	.long 0		/* 0: PVH, 1: multiboot2 */
no_lm_msg:
	.asciz "Nebulet: this CPU has no long mode (x86-64 required)\r\n"
bad_loader_msg:
	.asciz "Nebulet: entered without the multiboot2 magic\r\n"

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt_lo:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4 * 4096

/* Now in the higher half: clear .bss, take the boot stack, call kmain. */
	.text
high_entry:
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb
	movq $(boot_stack + BOOT_STACK_SIZE), %rsp
	xorl %ebp, %ebp
	call kmain
1:	cli
	hlt
	jmp 1b

/* The boot stack; paging_init leaves its lowest page unmapped as a guard,
 * so an overflow ends in a reported double fault. */
	.bss
	.balign 4096
	.globl boot_stack
boot_stack:
	.skip BOOT_STACK_SIZE

	.section .note.GNU-stack, "", @progbits
