/*
 * paging.c: the kernel's 4-level page tables.
 *
 * paging_init replaces boot.S's early tables with the final layout (see
 * arch.h): every usable RAM range in the direct map at PHYS_BASE with
 * 2 MiB pages, and the kernel image at KERNEL_VMA with 4 KiB pages whose
 * rights follow its sections. There is one address space, so these tables
 * are the only ones; vm.c adds 4 KiB pages below them in the VM area.
 * Table pages are reached through the direct map.
 */
#include "hal/x86_64/arch.h"
#include "hal/x86_64/x86.h"

uint64_t pte_nx; /* PTE_NX if the CPU has NX (EFER.NXE set), else 0 */
static uint64_t *pml4;

/* Returns the table that *entry points to, allocating a zeroed one when
 * absent and create is set; NULL if absent or out of memory. */
static uint64_t *next_table(uint64_t *entry, bool create)
{
	if (*entry & PTE_P)
		return P2V(*entry & PTE_FRAME);
	if (!create)
		return NULL;
	uint64_t pa = pmm_alloc();
	if (!pa)
		return NULL;
	memset(P2V(pa), 0, PAGE_SIZE);
	*entry = pa | PTE_P | PTE_W; /* rights are decided by the leaf */
	return P2V(pa);
}

/* Returns the page directory entry for va, creating the tables above it
 * if asked; NULL if they are absent (or memory ran out). */
static uint64_t *walk_pd(uintptr_t va, bool create)
{
	uint64_t *pdpt = next_table(&pml4[(va >> 39) & 511], create);
	if (!pdpt)
		return NULL;
	uint64_t *pd = next_table(&pdpt[(va >> 30) & 511], create);
	if (!pd)
		return NULL;
	return &pd[(va >> 21) & 511];
}

/* Returns the 4 KiB page table entry for va, creating the tables on the
 * way if create is set. NULL if they are absent, memory ran out, or va lies
 * in a 2 MiB page. */
uint64_t *paging_walk(uintptr_t va, bool create)
{
	uint64_t *pde = walk_pd(va, create);
	if (!pde || (*pde & PTE_PS))
		return NULL;
	uint64_t *pt = next_table(pde, create);
	return pt ? &pt[(va >> 12) & 511] : NULL;
}

/* True if va is mapped present (in a 4 KiB or 2 MiB page). */
bool paging_mapped(uintptr_t va)
{
	if (!pml4)
		return false;
	uint64_t *pde = walk_pd(va, false);
	if (pde && (*pde & PTE_P) && (*pde & PTE_PS))
		return true;
	uint64_t *pte = paging_walk(va, false);
	return pte && (*pte & PTE_P);
}

/* Maps 2 MiB of physical memory at pa into the direct map. */
static void map_large(uint64_t pa)
{
	uint64_t *pde = walk_pd(PHYS_BASE + pa, true);
	if (!pde)
		panic("paging: out of memory for the direct map");
	*pde = pa | PTE_P | PTE_W | PTE_PS | pte_nx;
}

/* Maps the kernel image page by page: text read-execute, rodata read-only,
 * data and bss read-write, the last two not executable; the lowest page of
 * the boot stack stays unmapped (a guard). */
static void map_kernel(void)
{
	uintptr_t va = (uintptr_t)__text_start;
	for (; va < (uintptr_t)__kernel_end; va += PAGE_SIZE) {
		uint64_t flags = PTE_P;
		if (va == (uintptr_t)boot_stack)
			continue;
		if (va >= (uintptr_t)__rodata_start)
			flags |= pte_nx;
		if (va >= (uintptr_t)__data_start)
			flags |= PTE_W;
		uint64_t *pte = paging_walk(va, true);
		if (!pte)
			panic("paging: out of memory for the kernel map");
		*pte = (va - KERNEL_VMA) | flags;
	}
}

/* Builds the final tables and switches to them. Needs pmm_init. */
void paging_init(void)
{
	if (rdmsr(MSR_EFER) & EFER_NXE)
		pte_nx = PTE_NX;
	uint64_t pa = pmm_alloc();
	if (!pa)
		panic("paging: no memory");
	pml4 = P2V(pa);
	memset(pml4, 0, PAGE_SIZE);
	for (int i = 0; i < nram; i++) {
		uint64_t p = ram[i].start & ~0x1fffffull;
		for (; p < ram[i].end; p += 0x200000)
			map_large(p);
	}
	map_kernel();
	write_cr3(pa);
}

/* Maps physical [pa, pa + len) into fresh pages of the VM area with
 * flags (PTE_W, PTE_PCD | PTE_PWT), never executable; the address of pa,
 * or NULL when out of memory. The pages are never unmapped (device
 * registers, firmware tables). */
void *map_phys(uint64_t pa, uint64_t len, uint64_t flags)
{
	uint64_t first = pa & ~(PAGE_SIZE - 1);
	uint64_t size = (pa + len - first + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t va = (uintptr_t)vm_reserve(size);
	if (!va)
		return NULL;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *pte = paging_walk(va + off, true);
		if (!pte)
			return NULL;
		*pte = (first + off) | PTE_P | flags | pte_nx;
		invlpg(va + off);
	}
	return (void *)(va + (pa - first));
}
