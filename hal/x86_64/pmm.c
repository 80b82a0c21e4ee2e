/*
 * pmm.c: the physical page allocator, a bitmap with one bit per 4 KiB
 * page frame (1 = in use) from address 0 to the end of RAM.
 *
 * The usable RAM ranges come from the boot memory map (ram[], filled by
 * hal_init). The first MiB, the kernel image and the bitmap itself are
 * never handed out. Allocation takes the lowest free page, so the page
 * tables built early by paging_init stay inside the boot map (4 GiB).
 *
 * The last PMM_RESERVE free pages are kept for what cannot fail cleanly:
 * page faults (stacks grow on demand) and page tables. Allocations that
 * can fail cleanly (the heap, committed linear memory, shared memory)
 * use pmm_try_alloc, which leaves them alone, so that running out of
 * memory gives their caller an error instead of a fault in the kernel.
 */
#include "hal/x86_64/arch.h"

static uint64_t *bitmap; /* in the direct map */
static uint64_t npages;	 /* frames covered by the bitmap */
static uint64_t nfree, ntotal;
static uint64_t hint; /* no free page in bitmap words below this one */

#define PMM_RESERVE 128 /* pages (512 KiB) */

static void set_free(uint64_t pfn)
{
	bitmap[pfn / 64] &= ~(1ull << (pfn % 64));
}

/* Marks the whole pages inside [start, end) free, except what must stay
 * reserved: below 1 MiB and [resv_lo, resv_hi). */
static void free_range(uint64_t start, uint64_t end, uint64_t resv_lo,
		       uint64_t resv_hi)
{
	start = (start + PAGE_SIZE - 1) / PAGE_SIZE;
	end /= PAGE_SIZE;
	if (start < 0x100000 / PAGE_SIZE)
		start = 0x100000 / PAGE_SIZE;
	for (uint64_t p = start; p < end; p++) {
		if (p >= resv_lo / PAGE_SIZE && p < resv_hi / PAGE_SIZE)
			continue;
		if (p % 64 == 0 && p + 64 <= end &&
		    (p + 64 <= resv_lo / PAGE_SIZE ||
		     p >= resv_hi / PAGE_SIZE)) {
			bitmap[p / 64] = 0;
			nfree += 63;
			p += 63;
		} else {
			set_free(p);
		}
		nfree++;
	}
}

/* Places the bitmap right after the kernel image (the boot map reaches
 * it), or after [avoid_lo, avoid_hi) (the boot archive, which a
 * multiboot2 loader may have put right after the kernel) when they would
 * overlap; then frees all usable RAM around the reserved parts. */
void pmm_init(uint64_t avoid_lo, uint64_t avoid_hi)
{
	uint64_t top = 0;
	for (int i = 0; i < nram; i++)
		if (ram[i].end > top)
			top = ram[i].end;
	npages = top / PAGE_SIZE;
	uint64_t words = (npages + 63) / 64;
	uint64_t kstart = (uint64_t)(uintptr_t)__kernel_phys_start;
	uint64_t kend = (uint64_t)(uintptr_t)__kernel_end - KERNEL_VMA;
	uint64_t bstart = kend, bend;
	bend = (bstart + words * 8 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (bstart < avoid_hi && bend > avoid_lo) {
		bstart = (avoid_hi + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		bend = (bstart + words * 8 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	}
	if (bend > (4ull << 30))
		panic("pmm: bitmap does not fit below 4 GiB (the boot map)");

	bitmap = P2V(bstart);
	memset(bitmap, 0xff, words * 8);
	for (int i = 0; i < nram; i++)
		free_range(ram[i].start, ram[i].end, kstart, kend);
	ntotal = nfree;
	pmm_reserve(bstart, bend);
}

/* Marks the pages touching [start, end) used, so that pmm_alloc never
 * hands them out (the boot archive that QEMU loaded into RAM). Call after
 * pmm_init and before the first pmm_alloc. */
void pmm_reserve(uint64_t start, uint64_t end)
{
	for (uint64_t p = start / PAGE_SIZE; p < npages && p * PAGE_SIZE < end;
	     p++) {
		if (bitmap[p / 64] & (1ull << (p % 64)))
			continue;
		bitmap[p / 64] |= 1ull << (p % 64);
		nfree--;
		ntotal--;
	}
}

/* Returns the physical address of a free page (contents undefined), or 0
 * when memory is exhausted. */
static uint64_t pmm_alloc_unlocked(void)
{
	uint64_t words = (npages + 63) / 64;
	for (uint64_t w = hint; w < words; w++) {
		if (bitmap[w] == ~0ull)
			continue;
		uint64_t pfn = w * 64 + __builtin_ctzll(~bitmap[w]);
		if (pfn >= npages)
			break;
		bitmap[w] |= 1ull << (pfn % 64);
		hint = w;
		nfree--;
		return pfn * PAGE_SIZE;
	}
	hint = words;
	return 0;
}

/* pmm_alloc_unlocked under the memory lock. */
uint64_t pmm_alloc(void)
{
	mm_lock();
	uint64_t r = pmm_alloc_unlocked();
	mm_unlock();
	return r;
}

/* As pmm_alloc, but 0 while only the fault reserve is left. */
uint64_t pmm_try_alloc(void)
{
	if (nfree <= PMM_RESERVE)
		return 0;
	return pmm_alloc();
}

/* Returns a page from pmm_alloc; a bad or doubly freed address panics. */
static void pmm_free_unlocked(uint64_t pa)
{
	uint64_t pfn = pa / PAGE_SIZE;
	if (pa % PAGE_SIZE || pfn >= npages ||
	    !(bitmap[pfn / 64] & (1ull << (pfn % 64))))
		panic("pmm_free: bad page 0x%lx", pa);
	set_free(pfn);
	nfree++;
	if (pfn / 64 < hint)
		hint = pfn / 64;
}

/* pmm_free_unlocked under the memory lock. */
void pmm_free(uint64_t pa)
{
	mm_lock();
	pmm_free_unlocked(pa);
	mm_unlock();
}

uint64_t pmm_free_pages(void)
{
	return nfree;
}

uint64_t pmm_total_pages(void)
{
	return ntotal;
}

/* n free pages in a row, the lowest such run (for DMA); 0 if there is
 * none or it would dip into the fault reserve. Linear in RAM's size. */
static uint64_t pmm_alloc_contig_unlocked(uint64_t n)
{
	uint64_t run = 0;
	if (!n || nfree < PMM_RESERVE + n)
		return 0;
	for (uint64_t p = hint * 64; p < npages; p++) {
		if (bitmap[p / 64] & (1ull << (p % 64))) {
			run = 0;
			continue;
		}
		if (++run < n)
			continue;
		for (uint64_t q = p + 1 - n; q <= p; q++)
			bitmap[q / 64] |= 1ull << (q % 64);
		nfree -= n;
		return (p + 1 - n) * PAGE_SIZE;
	}
	return 0;
}

/* pmm_alloc_contig_unlocked under the memory lock. */
uint64_t pmm_alloc_contig(uint64_t n)
{
	mm_lock();
	uint64_t r = pmm_alloc_contig_unlocked(n);
	mm_unlock();
	return r;
}
