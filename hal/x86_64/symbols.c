/*
 * symbols.c: names for kernel addresses, for panic and exception reports:
 * "function+0xoffset" from the table ksyms.awk makes out of the kernel's
 * own first link (see x86_64.mk), and the frame-pointer backtrace.
 */
#include "hal/x86_64/arch.h"

extern const uint64_t ksym_count, ksym_addr[];
extern const char *const ksym_name[];

/* The symbol at or below addr (binary search; the table is sorted) and
 * addr's offset from it; NULL outside the kernel's text. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *off)
{
	uint64_t lo = 0, hi = ksym_count;
	if (!hi || addr < ksym_addr[0] || addr >= (uintptr_t)__rodata_start)
		return NULL;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksym_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - ksym_addr[lo];
	return ksym_name[lo];
}

/* Prints addr as "0x... name+0xoff" (the name when known). */
void print_symbol(uintptr_t addr)
{
	uintptr_t off;
	const char *name = ksym_lookup(addr, &off);
	kprintf("0x%016lx", (uint64_t)addr);
	if (name)
		kprintf(" %s+0x%lx", name, (uint64_t)off);
}

/* Follows the frame-pointer chain from rbp while it stays in the kernel
 * half, printing each return address with its symbol, one per line. */
void backtrace(uint64_t rbp)
{
	kprintf("  backtrace:\n");
	for (int i = 0; i < 16 && rbp >= PHYS_BASE && !(rbp & 7); i++) {
		uint64_t *frame = (uint64_t *)(uintptr_t)rbp;
		if (!paging_mapped(rbp) || !paging_mapped(rbp + 8) || !frame[1])
			break;
		kprintf("    ");
		print_symbol(frame[1]);
		kprintf("\n");
		rbp = frame[0];
	}
}
