/*
 * idt.c: the interrupt descriptor table and trap(), where every interrupt
 * and exception arrives (from vectors.S).
 *
 * A page fault in hal_vm_reserve's area that the page's protection allows
 * is a demand-zero fill (vm_fault) and returns. Other memory faults, divide
 * errors and invalid opcodes go to the fault handler the nucleus installed
 * (hal_set_fault_handler), which jumps out if the fault is a wasm trap.
 * So does a stack overflow: page faults run on a stack of their own
 * (IST4), so the fault on a stack's guard page arrives like any other,
 * with CR2 = the guard page address (and a stack page not mapped yet is
 * filled on demand). A double fault (IST1) goes to the handler too.
 * A fill that finds no free frame goes to the handler as
 * HAL_FAULT_NO_MEMORY (in wasm code, the process ends "out of memory").
 * The APIC timer's interrupt goes to timer.c, device lines to irq.c; spurious
 * interrupts (the APIC's, the masked PICs') are ignored. Anything else is
 * fatal: trap() reports the exception on the console (name, error code, RIP,
 * CR2, registers, a backtrace) and exits the machine with EXIT_PANIC.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

/* The frame vectors.S builds on the stack (lowest address first). */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct gate idt[256];
extern char trap_vectors[]; /* vectors.S: 16 bytes per vector */
extern hal_fault_fn hal_fault_handler;

static const char *const names[32] = {"divide error",
				      "debug",
				      "non-maskable interrupt",
				      "breakpoint",
				      "overflow",
				      "bound range exceeded",
				      "invalid opcode",
				      "device not available",
				      "double fault",
				      "coprocessor segment overrun",
				      "invalid TSS",
				      "segment not present",
				      "stack-segment fault",
				      "general protection fault",
				      "page fault",
				      "reserved",
				      "x87 floating-point error",
				      "alignment check",
				      "machine check",
				      "SIMD floating-point error",
				      "virtualization exception",
				      "control protection exception",
				      "reserved",
				      "reserved",
				      "reserved",
				      "reserved",
				      "reserved",
				      "reserved",
				      "hypervisor injection",
				      "VMM communication",
				      "security exception",
				      "reserved"};

/* Remaps the legacy PICs to vectors 32-47 and masks every line, so that a
 * stray IRQ can never look like an exception. */
static void pic_disable(void)
{
	outb(0x20, 0x11); /* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 32); /* ICW2: vector base */
	outb(0xa1, 40);
	outb(0x21, 4); /* ICW3: slave on IRQ 2 */
	outb(0xa1, 2);
	outb(0x21, 1); /* ICW4: 8086 mode */
	outb(0xa1, 1);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/* Fills and loads the IDT: all vectors are interrupt gates (interrupts off
 * in the handler); #DF, NMI, #MC and #PF run on their IST stacks (gdt.c). */
void idt_init(void)
{
	pic_disable();
	for (int v = 0; v < 256; v++) {
		uint64_t off = (uintptr_t)(trap_vectors + 16 * v);
		idt[v] = (struct gate){
			.off_lo = off & 0xffff,
			.sel = 0x08,
			.ist = v == 8	 ? 1
			       : v == 2	 ? 2
			       : v == 18 ? 3
			       : v == 14 ? 4
					 : 0,
			.type = 0x8e,
			.off_mid = (off >> 16) & 0xffff,
			.off_hi = off >> 32,
		};
	}
	idt_load();
}

/* Loads the IDT on this CPU. */
void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = {sizeof idt - 1, (uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(desc));
}

/* Describes a page fault's error code, e.g. "write, not present". */
static void print_pf_error(uint64_t e)
{
	const char *access = "read";
	if (e & 0x10)
		access = "instruction fetch";
	else if (e & 2)
		access = "write";
	kprintf(" [%s, %s%s%s]", access,
		e & 1 ? "protection violation" : "not present",
		e & 8 ? ", reserved bit" : "", e & 4 ? ", user" : "");
}

/* Prints everything known about an exception. */
static void report(struct trapframe *tf, uint64_t cr2)
{
	const char *name = tf->vector < 32 ? names[tf->vector] : "interrupt";
	kprintf("\nexception %u: %s, error 0x%lx", (unsigned)tf->vector, name,
		tf->error);
	if (tf->vector == 14)
		print_pf_error(tf->error);
	kprintf("\n  rip ");
	print_symbol(tf->rip);
	kprintf("  cs 0x%lx  rflags 0x%lx\n", tf->cs, tf->rflags);
	kprintf("  cr2 0x%016lx  cr3 0x%lx\n", cr2, read_cr3());
	kprintf("  rax %016lx  rbx %016lx  rcx %016lx\n", tf->rax, tf->rbx,
		tf->rcx);
	kprintf("  rdx %016lx  rsi %016lx  rdi %016lx\n", tf->rdx, tf->rsi,
		tf->rdi);
	kprintf("  rbp %016lx  rsp %016lx  r8  %016lx\n", tf->rbp, tf->rsp,
		tf->r8);
	kprintf("  r9  %016lx  r10 %016lx  r11 %016lx\n", tf->r9, tf->r10,
		tf->r11);
	kprintf("  r12 %016lx  r13 %016lx  r14 %016lx\n", tf->r12, tf->r13,
		tf->r14);
	kprintf("  r15 %016lx\n", tf->r15);
	backtrace(tf->rbp);
}

/* Hands a wasm-relevant fault to the nucleus's handler, if any. Returns
 * only when there is no handler or it declined the fault. vf: what
 * vm_fault made of a page fault. */
static void deliver(struct trapframe *tf, uint64_t cr2, enum vm_fault vf)
{
	if (!hal_fault_handler)
		return;
	switch (tf->vector) {
	case 0:
		hal_fault_handler(HAL_FAULT_DIVIDE, 0, (void *)tf->rip);
		break;
	case 6:
		hal_fault_handler(HAL_FAULT_ILLEGAL, 0, (void *)tf->rip);
		break;
	case 8: /* a fault that could not push its frame */
	case 14:
		hal_fault_handler(vf == VM_FAULT_NO_MEMORY ? HAL_FAULT_NO_MEMORY
							   : HAL_FAULT_MEMORY,
				  cr2, (void *)tf->rip);
		break;
	}
}

/* Called by alltraps with interrupts off; returning resumes the
 * interrupted code. */
void trap(struct trapframe *tf)
{
	static int fatal; /* set while reporting, against loops */
	uint64_t cr2 = read_cr2();

	if (tf->vector == TIMER_VECTOR) {
		timer_interrupt();
		return;
	}
	if (tf->vector >= IRQ_VECTOR && tf->vector < IRQ_VECTOR + IRQ_LINES) {
		irq_interrupt((unsigned)(tf->vector - IRQ_VECTOR));
		return;
	}
	if (tf->vector >= MSI_VECTOR && tf->vector < MSI_VECTOR + MSI_COUNT) {
		msi_interrupt((unsigned)(tf->vector - MSI_VECTOR));
		return;
	}
	if (tf->vector == IPI_KICK_VECTOR || tf->vector == IPI_TLB_VECTOR) {
		cpu_ipi((unsigned)tf->vector);
		return;
	}
	if (tf->vector == SPURIOUS_VECTOR ||
	    (tf->vector >= 32 && tf->vector < 48))
		return; /* spurious: no acknowledgement */
	enum vm_fault vf = VM_FAULT_BAD;
	if (tf->vector == 14 && !fatal &&
	    (vf = vm_fault(cr2, tf->error)) == VM_FAULT_OK)
		return;
	if (!fatal)
		deliver(tf, cr2, vf);
	if (fatal++) {
		kprintf("\nnested exception %u while reporting\n",
			(unsigned)tf->vector);
		hal_exit(EXIT_PANIC);
	}
	if (vf == VM_FAULT_NO_MEMORY)
		kprintf("\nout of memory for a page at 0x%lx\n", cr2);
	report(tf, cr2);
	hal_exit(EXIT_PANIC);
}
