/*
 * gdt.c: the global descriptor table and the task state segment, one
 * of each per CPU (smp.c starts the others).
 *
 * Everything runs in ring 0, so the GDT holds just a 64-bit code segment,
 * a data segment and the TSS. The TSS matters only for its interrupt stack
 * table: a double fault, an NMI and a machine check each switch to a stack
 * of their own, so they are reported even when the kernel stack is bad;
 * so does a page fault, so that a stack's pages can be mapped on first
 * use (the fault could not push its frame on the page it lacks) and an
 * overflow onto a guard page is an ordinary page fault.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"

#define SEG_CODE 0x08
#define SEG_DATA 0x10
#define SEG_TSS 0x18
#define IST_SIZE 16384

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

static uint64_t gdts[MAX_CPUS][5];
static struct tss tsses[MAX_CPUS];
static uint8_t boot_ist[4 * IST_SIZE] __attribute__((aligned(16)));

/* Loads CPU cpu's GDT and TSS (cpu < MAX_CPUS); IST1 = double fault,
 * IST2 = NMI, IST3 = #MC, IST4 = page fault. The boot CPU's IST stacks
 * are static, an AP's come from the heap (panics if there is none). */
void gdt_init_cpu(unsigned cpu)
{
	uint64_t *gdt = gdts[cpu];
	struct tss *tss = &tsses[cpu];
	uint8_t *ist = cpu ? kmalloc(4 * IST_SIZE) : boot_ist;
	if (!ist)
		panic("gdt: no memory for CPU %u's IST stacks", cpu);
	for (int i = 0; i < 4; i++)
		tss->ist[i] = (uint64_t)(uintptr_t)(ist + (i + 1) * IST_SIZE);
	tss->iomap_base = sizeof *tss; /* no I/O permission bitmap */

	uint64_t base = (uint64_t)(uintptr_t)tss, limit = sizeof *tss - 1;
	gdt[1] = 0x00af9a000000ffffull; /* code: present, ring 0, long */
	gdt[2] = 0x00cf92000000ffffull; /* data: present, writable */
	gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 |
		 0x89ull << 40 | /* present, 64-bit available TSS */
		 ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[4] = base >> 32;

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = {sizeof gdts[0] - 1, (uintptr_t)gdt};
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(desc), "i"(SEG_CODE), "i"(SEG_DATA),
			   "r"((uint16_t)SEG_TSS)
			 : "rax", "memory");
}
