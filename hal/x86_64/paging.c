/*
 * paging.c: the kernel's 4-level page tables.
 *
 * paging_init replaces boot.S's early tables with the final layout (see
 * arch.h): every usable RAM range in the direct map at PHYS_BASE with
 * 2 MiB pages, and the kernel image at KERNEL_VMA with 4 KiB pages whose
 * rights follow its sections. There is one address space; vm.c adds
 * 4 KiB pages below these tables in the VM area. Table pages are reached
 * through the direct map.
 *
 * Each CPU has a PML4 of its own, a copy of the boot CPU's that differs
 * only in the per-CPU window (PERCPU_VMA, arch.h): there it points to a
 * PDPT, page directory and page table of its own, over frames of its
 * own. So that the copies never need updating, every PML4 entry the
 * kernel will use (the direct map, the VM area, the kernel image) is
 * made before any copy, and the window's PDPT entry is the only one in
 * its PDPT that differs.
 */
#include "hal/x86_64/arch.h"
#include "hal/x86_64/x86.h"

uint64_t pte_nx; /* PTE_NX if the CPU has NX (EFER.NXE set), else 0 */
static uint64_t *pml4;
static uint64_t percpu_pa[MAX_CPUS]; /* each CPU's window frames */

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

static bool map_window(uint64_t *root, uint64_t pa);

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
	for (uint64_t va = VM_BASE; va < VM_END; va += 1ull << 39)
		if (!next_table(&pml4[(va >> 39) & 511], true))
			panic("paging: out of memory for the VM area");
	if (!(percpu_pa[0] = pmm_alloc_contig(PERCPU_PAGES)))
		panic("paging: no memory for the per-CPU window");
	map_window(pml4, percpu_pa[0]);
	write_cr3(pa);
}

/* A fresh zeroed page table page: its physical address, 0 if none. */
static uint64_t table_page(void)
{
	uint64_t pa = pmm_try_alloc();
	if (pa)
		memset(P2V(pa), 0, PAGE_SIZE);
	return pa;
}

/* Points root's window at the zeroed frames from pa on (PERCPU_PAGES,
 * contiguous); root's PML4 entry 511 must be a PDPT of root's own. */
static bool map_window(uint64_t *root, uint64_t pa)
{
	uint64_t *pdpt = P2V(root[511] & PTE_FRAME);
	uint64_t pd = table_page(), pt = table_page();
	if (!pd || !pt)
		return false;
	memset(P2V(pa), 0, PERCPU_PAGES * PAGE_SIZE);
	for (unsigned i = 0; i < PERCPU_PAGES; i++)
		((uint64_t *)P2V(pt))[i] =
			(pa + i * PAGE_SIZE) | PTE_P | PTE_W | pte_nx;
	((uint64_t *)P2V(pd))[(PERCPU_VMA >> 21) & 511] = pt | PTE_P | PTE_W;
	pdpt[(PERCPU_VMA >> 30) & 511] = pd | PTE_P | PTE_W;
	return true;
}

uint64_t paging_cpu_tables(unsigned cpu)
{
	uint64_t root = table_page(), pdpt = table_page();
	uint64_t win = pmm_alloc_contig(PERCPU_PAGES);
	if (!root || !pdpt || !win || cpu >= MAX_CPUS)
		return 0; /* (a failed start leaks these pages) */
	memcpy(P2V(root), pml4, PAGE_SIZE);
	memcpy(P2V(pdpt), P2V(pml4[511] & PTE_FRAME), PAGE_SIZE);
	((uint64_t *)P2V(root))[511] = pdpt | PTE_P | PTE_W;
	if (!map_window(P2V(root), win))
		return 0;
	percpu_pa[cpu] = win;
	return root;
}

void *percpu_remote(unsigned cpu, void *local)
{
	return P2V(percpu_pa[cpu] + ((uintptr_t)local - PERCPU_VMA));
}

/* Maps physical [pa, pa + len) into fresh pages of the VM area with
 * flags (PTE_W, PTE_PCD | PTE_PWT), never executable; the address of pa,
 * or NULL when out of memory. The pages are never unmapped (device
 * registers, firmware tables). */
static void *map_phys_unlocked(uint64_t pa, uint64_t len, uint64_t flags)
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

/* map_phys_unlocked under the memory lock. */
void *map_phys(uint64_t pa, uint64_t len, uint64_t flags)
{
	mm_lock();
	void *r = map_phys_unlocked(pa, len, flags);
	mm_unlock();
	return r;
}
