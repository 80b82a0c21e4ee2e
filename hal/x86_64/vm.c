/*
 * vm.c: hal_vm_reserve and friends: reservations of address space in the
 * VM area (arch.h) whose pages are filled with zeroes on first access.
 *
 * Reservations are a sorted list of regions that covers the whole area,
 * each free or used. A page's state lives in its page table entry alone:
 *   0                         inaccessible, no frame (fresh reservation)
 *   present                   mapped; rights from prot
 *   not present, prot != 0    accessible, no frame yet: the first access
 *                             faults and vm_fault maps a zeroed frame
 *   not present, SW_FRAME     has a frame but prot is NONE (contents kept)
 * prot (HAL_PROT_*) is kept in bits 52-54, which the CPU ignores, and
 * SW_SHARED marks a frame of a hal_shm (freed by hal_shm_destroy only).
 *
 * Shared memory (hal_shm_*) is an array of frames with a kernel view
 * mapping them all; hal_shm_map points PTEs of a reservation at them.
 * hal_vm_move moves frames from PTE to PTE, leaving demand-zero behind.
 * hal_vm_reset (recycling a linear memory) clears private frames in place
 * and drops shared ones.
 * A page whose page table does not exist yet has the rights its region
 * gave the whole of it (region.lazy): hal_vm_protect of a whole
 * reservation (a value stack, JIT code) makes no table, the first fault
 * in each 2 MiB makes it (walk_create), so that a 16 MiB stack of which
 * one page is touched costs one table, not eight.
 * Page tables made for a reservation stay after its release (TODO: free
 * them once empty).
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define SW_FRAME (1ull << 9)
#define SW_SHARED (1ull << 10) /* the frame belongs to a hal_shm */
/* What a change of rights keeps: sharing, and uncached device memory. */
#define SW_KEEP (SW_SHARED | PTE_PCD | PTE_PWT)
#define PROT_SHIFT 52
#define PTE_PROT(pte) ((int)((pte) >> PROT_SHIFT) & 7)
#define PTE_AD 0x60ull /* accessed and dirty, set by the CPU */

struct region {
	uintptr_t start, len;
	bool used;
	int lazy; /* rights of its pages that have no page table yet */
	struct region *next;
};

static struct region first = {VM_BASE, VM_END - VM_BASE, false, 0, NULL};

/* The entry for a page with rights prot and frame pa (0: none yet). */
static uint64_t make_pte(int prot, uint64_t pa)
{
	uint64_t pte = (uint64_t)prot << PROT_SHIFT;
	if (!pa)
		return pte;
	if (!prot)
		return pte | pa | SW_FRAME;
	pte |= pa | PTE_P;
	if (prot & HAL_PROT_WRITE)
		pte |= PTE_W;
	if (!(prot & HAL_PROT_EXEC))
		pte |= pte_nx;
	return pte;
}

static uint64_t pte_frame(uint64_t pte)
{
	return (pte & (PTE_P | SW_FRAME)) ? pte & PTE_FRAME : 0;
}

/* Splits r so that a new region starts at `at` (inside r); returns the new
 * region, or NULL if out of memory. */
static struct region *split(struct region *r, uintptr_t at)
{
	struct region *n = kmalloc(sizeof *n);
	if (!n)
		return NULL;
	*n = (struct region){at, r->start + r->len - at, r->used, r->lazy,
			     r->next};
	r->len = at - r->start;
	r->next = n;
	return n;
}

/* The used region holding [addr, addr+len), or NULL. */
static struct region *find_used(uintptr_t addr, size_t len)
{
	for (struct region *r = &first; r; r = r->next)
		if (r->used && addr >= r->start && addr - r->start <= r->len &&
		    len <= r->start + r->len - addr)
			return r;
	return NULL;
}

static bool page_aligned(const void *addr, size_t len)
{
	return !((uintptr_t)addr % PAGE_SIZE) && !(len % PAGE_SIZE) && len;
}

/* Reserves len bytes (rounded up to pages), inaccessible; NULL if no
 * room. First fit. */
static void *vm_reserve_unlocked(size_t len)
{
	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (!len)
		return NULL;
	for (struct region *r = &first; r; r = r->next) {
		if (r->used || r->len < len)
			continue;
		if (r->len > len && !split(r, r->start + len))
			return NULL;
		r->used = true;
		r->lazy = 0;
		return (void *)r->start;
	}
	return NULL;
}

/* vm_reserve_unlocked under the memory lock. */
void *vm_reserve(size_t len)
{
	mm_lock();
	void *r = vm_reserve_unlocked(len);
	mm_unlock();
	return r;
}

/* Points the PTE of page va at a fresh zeroed frame with rights prot;
 * false when memory runs out. A fault may take the pmm's reserve
 * (reserve true), an allocation that can fail cleanly may not. */
static bool map_zero_frame(uintptr_t va, uint64_t *pte, int prot, bool reserve)
{
	uint64_t pa = reserve ? pmm_alloc() : pmm_try_alloc();
	if (!pa)
		return false;
	memset(P2V(pa), 0, PAGE_SIZE);
	*pte = make_pte(prot, pa) | (*pte & SW_KEEP);
	invlpg(va);
	return true;
}

/* The entry of page va, making its page table if need be: a new table's
 * entries get the lazy rights of the regions they lie in. NULL when out
 * of memory. */
static uint64_t *walk_create(uintptr_t va)
{
	uint64_t *pte = paging_walk(va, false);
	if (pte || !(pte = paging_walk(va, true)))
		return pte;
	uintptr_t lo = va & ~(uintptr_t)0x1fffff, hi = lo + 0x200000;
	uint64_t *pt = pte - ((va >> 12) & 511);
	for (struct region *r = &first; r && r->start < hi; r = r->next) {
		uintptr_t a = r->start > lo ? r->start : lo;
		uintptr_t b = r->start + r->len < hi ? r->start + r->len : hi;
		for (; r->used && r->lazy && a < b; a += PAGE_SIZE)
			pt[(a >> 12) & 511] = make_pte(r->lazy, 0);
	}
	return pte;
}

/* Applies fn to every page table entry of [va, end) that exists, or, with
 * create, to every entry (making tables). False if out of memory (for a
 * table, or fn said so: it stops there). */
static bool each_pte(uintptr_t va, uintptr_t end, bool create,
		     bool (*fn)(uintptr_t va, uint64_t *pte, int arg), int arg)
{
	while (va < end) {
		uint64_t *pte =
			create ? walk_create(va) : paging_walk(va, false);
		if (!pte) {
			if (create)
				return false;
			va = (va | 0x1fffff) + 1; /* skip the missing table */
			continue;
		}
		if (!fn(va, pte, arg))
			return false;
		va += PAGE_SIZE;
	}
	return true;
}

static bool set_prot(uintptr_t va, uint64_t *pte, int prot)
{
	*pte = make_pte(prot, pte_frame(*pte)) | (*pte & SW_KEEP);
	tlb_invalidate(va);
	return true;
}

/* Gives [addr, addr+len) of a reservation the rights prot; pages with
 * contents keep them, new ones read as zero. False on a bad range or when
 * page tables cannot be allocated. */
static bool vm_protect_unlocked(void *addr, size_t len, int prot)
{
	uintptr_t va = (uintptr_t)addr;
	struct region *r;
	if (!page_aligned(addr, len) || (prot & ~7) ||
	    !(r = find_used(va, len)))
		return false;
	if (r->start == va && r->len == len) { /* missing tables: lazy */
		r->lazy = prot;
		return each_pte(va, va + len, false, set_prot, prot);
	}
	return each_pte(va, va + len, prot != HAL_PROT_NONE || r->lazy,
			set_prot, prot);
}

/* vm_protect_unlocked under the memory lock. */
bool vm_protect(void *addr, size_t len, int prot)
{
	mm_lock();
	bool r = vm_protect_unlocked(addr, len, prot);
	mm_unlock();
	return r;
}

/* arg: 1 keeps the page's rights (discard), 0 clears the entry. */
static bool drop_frame(uintptr_t va, uint64_t *pte, int keep_prot)
{
	uint64_t pa = pte_frame(*pte);
	if (pa && !(*pte & SW_SHARED))
		pmm_free(pa);
	*pte = keep_prot ? make_pte(PTE_PROT(*pte), 0) : 0;
	tlb_invalidate(va);
	return true;
}

/* Frees the frames of [addr, addr+len); the pages keep their rights and
 * read as zero when next touched. */
static bool vm_discard_unlocked(void *addr, size_t len)
{
	uintptr_t va = (uintptr_t)addr;
	if (!page_aligned(addr, len) || !find_used(va, len))
		return false;
	return each_pte(va, va + len, false, drop_frame, 1);
}

/* vm_discard_unlocked under the memory lock. */
bool vm_discard(void *addr, size_t len)
{
	mm_lock();
	bool r = vm_discard_unlocked(addr, len);
	mm_unlock();
	return r;
}

/* Gives an accessible page without a frame a zeroed one, leaving the
 * pmm's reserve alone; false when memory runs out. */
static bool commit_page(uintptr_t va, uint64_t *pte, int unused)
{
	int prot = PTE_PROT(*pte);
	(void)unused;
	return !prot || pte_frame(*pte) || map_zero_frame(va, pte, prot, false);
}

/* Maps zeroed frames under the accessible pages of [addr, addr+len) now
 * (hal_vm_commit, a hint). False on a bad range or when memory runs out
 * (the pages mapped so far stay). */
static bool vm_commit_unlocked(void *addr, size_t len)
{
	uintptr_t va = (uintptr_t)addr;
	struct region *r;
	if (!page_aligned(addr, len) || !(r = find_used(va, len)))
		return false;
	return each_pte(va, va + len, r->lazy, commit_page, 0);
}

/* vm_commit_unlocked under the memory lock. */
bool vm_commit(void *addr, size_t len)
{
	mm_lock();
	bool r = vm_commit_unlocked(addr, len);
	mm_unlock();
	return r;
}

/* hal_vm_back: as vm_commit, but all or nothing: every accessible page
 * of the range gets its frame (the caller can rely on never faulting for
 * memory there), or, when memory runs out, the range's private frames
 * are all dropped (it reads as zero). */
static bool vm_back_unlocked(void *addr, size_t len)
{
	uintptr_t va = (uintptr_t)addr;
	if (!page_aligned(addr, len) || !find_used(va, len))
		return false;
	if (each_pte(va, va + len, true, commit_page, 0))
		return true;
	each_pte(va, va + len, false, drop_frame, 1);
	return false;
}

/* vm_back_unlocked under the memory lock. */
bool vm_back(void *addr, size_t len)
{
	mm_lock();
	bool r = vm_back_unlocked(addr, len);
	mm_unlock();
	return r;
}

/* Frees [addr, addr+len) of a reservation: its frames and its address
 * space, merging it with free neighbours. Bad ranges are ignored. */
static void vm_release_unlocked(void *addr, size_t len)
{
	uintptr_t va = (uintptr_t)addr;
	struct region *r;
	if (!page_aligned(addr, len) || !(r = find_used(va, len)))
		return;
	each_pte(va, va + len, false, drop_frame, 0);
	if (va > r->start && !(r = split(r, va)))
		return; /* out of memory: the range stays reserved */
	if (len < r->len && !split(r, va + len))
		return;
	r->used = false;
	r->lazy = 0;
	for (r = &first; r && r->next;) {
		struct region *n = r->next;
		if (!r->used && !n->used) {
			r->len += n->len;
			r->next = n->next;
			kfree(n);
		} else {
			r = n;
		}
	}
}

/* vm_release_unlocked under the memory lock. */
void vm_release(void *addr, size_t len)
{
	mm_lock();
	vm_release_unlocked(addr, len);
	mm_unlock();
}

/* The length of the used region starting exactly at addr, or 0. */
static size_t vm_region_size_unlocked(void *addr)
{
	for (struct region *r = &first; r; r = r->next)
		if (r->used && r->start == (uintptr_t)addr)
			return r->len;
	return 0;
}

/* vm_region_size_unlocked under the memory lock. */
size_t vm_region_size(void *addr)
{
	mm_lock();
	size_t r = vm_region_size_unlocked(addr);
	mm_unlock();
	return r;
}

/* Called on a page fault at addr with the CPU's error code: maps the page
 * if its rights allow the access (taking the pmm's reserve if need be).
 * VM_FAULT_OK if the access can be retried, VM_FAULT_NO_MEMORY if the
 * access is allowed but no frame is left, else VM_FAULT_BAD. */
static enum vm_fault vm_fault_unlocked(uintptr_t addr, uint64_t error)
{
	if (addr < VM_BASE || addr >= VM_END || (error & PTE_P))
		return VM_FAULT_BAD;
	uint64_t *pte = paging_walk(addr, false);
	struct region *r;
	if (!pte &&
	    (!(r = find_used(addr & ~(uintptr_t)(PAGE_SIZE - 1), PAGE_SIZE)) ||
	     !r->lazy))
		return VM_FAULT_BAD;
	if (!pte && !(pte = walk_create(addr)))
		return VM_FAULT_NO_MEMORY;
	int prot = PTE_PROT(*pte);
	if (!prot || ((error & 2) && !(prot & HAL_PROT_WRITE)) ||
	    ((error & 0x10) && !(prot & HAL_PROT_EXEC)))
		return VM_FAULT_BAD;
	uint64_t pa = pte_frame(*pte);
	if (!pa)
		return map_zero_frame(addr & ~(PAGE_SIZE - 1), pte, prot, true)
			       ? VM_FAULT_OK
			       : VM_FAULT_NO_MEMORY;
	*pte = make_pte(prot, pa) | (*pte & SW_KEEP);
	invlpg(addr & ~(PAGE_SIZE - 1));
	return VM_FAULT_OK;
}

/* vm_fault_unlocked under the memory lock. */
enum vm_fault vm_fault(uintptr_t addr, uint64_t error)
{
	mm_lock();
	enum vm_fault r = vm_fault_unlocked(addr, error);
	mm_unlock();
	return r;
}

struct hal_shm {
	size_t npages;
	uint64_t *frames;
	char *view;	/* the kernel's mapping of all of them */
	uint64_t phys;	/* DMA: the first frame (they are contiguous) */
	uint64_t cache; /* device memory: PTE_PCD | PTE_PWT (never freed) */
};

/* Sets the PTE of va to shared frame pa, with the extra bits `cache`,
 * making its page table if need be; false when out of memory. */
static bool map_shared(uintptr_t va, uint64_t pa, int prot, uint64_t cache)
{
	uint64_t *pte = walk_create(va); /* a whole reservation's is lazy */
	if (!pte)
		return false;
	uint64_t old = pte_frame(*pte);
	if (old && !(*pte & SW_SHARED))
		pmm_free(old);
	*pte = make_pte(prot, pa) | SW_SHARED | cache;
	tlb_invalidate(va);
	return true;
}

/* len bytes of zeroed frames and their kernel view; NULL if out of
 * memory. */
static hal_shm *hal_shm_create_unlocked(size_t len)
{
	hal_shm *s = kzalloc(sizeof *s);
	if (!s || !len || len % PAGE_SIZE)
		goto fail;
	s->npages = len / PAGE_SIZE;
	s->frames = kzalloc(s->npages * sizeof *s->frames);
	s->view = vm_reserve(len);
	if (!s->frames || !s->view ||
	    !vm_protect(s->view, len, HAL_PROT_READ | HAL_PROT_WRITE))
		goto fail;
	for (size_t i = 0; i < s->npages; i++) {
		if (!(s->frames[i] = pmm_try_alloc()))
			goto fail;
		memset(P2V(s->frames[i]), 0, PAGE_SIZE);
		if (!map_shared((uintptr_t)s->view + i * PAGE_SIZE,
				s->frames[i], HAL_PROT_READ | HAL_PROT_WRITE,
				0))
			goto fail;
	}
	return s;
fail:
	if (s)
		hal_shm_destroy(s);
	return NULL;
}

/* hal_shm_create_unlocked under the memory lock. */
hal_shm *hal_shm_create(size_t len)
{
	mm_lock();
	hal_shm *r = hal_shm_create_unlocked(len);
	mm_unlock();
	return r;
}

void *hal_shm_data(hal_shm *s)
{
	return s->view;
}

/* Points [addr, addr+len) (in a reservation) at the frames from off on,
 * with rights prot; private frames there are freed. */
static bool hal_shm_map_unlocked(hal_shm *s, size_t off, void *addr, size_t len,
				 int prot)
{
	uintptr_t va = (uintptr_t)addr;
	if (!page_aligned(addr, len) || off % PAGE_SIZE || (prot & ~7) ||
	    off / PAGE_SIZE > s->npages ||
	    len / PAGE_SIZE > s->npages - off / PAGE_SIZE ||
	    !find_used(va, len))
		return false;
	for (size_t i = 0; i < len / PAGE_SIZE; i++)
		if (!walk_create(va + i * PAGE_SIZE))
			return false;
	for (size_t i = 0; i < len / PAGE_SIZE; i++) /* tables made above */
		map_shared(va + i * PAGE_SIZE, s->frames[off / PAGE_SIZE + i],
			   prot, s->cache);
	return true;
}

/* hal_shm_map_unlocked under the memory lock. */
bool hal_shm_map(hal_shm *s, size_t off, void *addr, size_t len, int prot)
{
	mm_lock();
	bool r = hal_shm_map_unlocked(s, off, addr, len, prot);
	mm_unlock();
	return r;
}

static bool unshare(uintptr_t va, uint64_t *pte, int prot)
{
	if (pte_frame(*pte) && !(*pte & SW_SHARED))
		pmm_free(pte_frame(*pte));
	*pte = make_pte(prot, 0);
	tlb_invalidate(va);
	return true;
}

/* Puts demand-zero private pages with rights prot back. */
static bool hal_shm_unmap_unlocked(void *addr, size_t len, int prot)
{
	uintptr_t va = (uintptr_t)addr;
	if (!page_aligned(addr, len) || (prot & ~7) || !find_used(va, len))
		return false;
	return each_pte(va, va + len, true, unshare, prot);
}

/* hal_shm_unmap_unlocked under the memory lock. */
bool hal_shm_unmap(void *addr, size_t len, int prot)
{
	mm_lock();
	bool r = hal_shm_unmap_unlocked(addr, len, prot);
	mm_unlock();
	return r;
}

/* Frees the frames and the view; every other mapping must be gone. */
static void hal_shm_destroy_unlocked(hal_shm *s)
{
	if (s->view)
		vm_release(s->view, s->npages * PAGE_SIZE);
	for (size_t i = 0; !s->cache && s->frames && i < s->npages; i++)
		if (s->frames[i])
			pmm_free(s->frames[i]);
	kfree(s->frames);
	kfree(s);
}

/* hal_shm_destroy_unlocked under the memory lock. */
void hal_shm_destroy(hal_shm *s)
{
	mm_lock();
	hal_shm_destroy_unlocked(s);
	mm_unlock();
}

/* A hal_shm of npages frames from base on, contiguous, with the extra
 * PTE bits cache in every mapping; NULL if out of memory (the frames are
 * then still the caller's). */
static hal_shm *shm_over(uint64_t base, size_t npages, uint64_t cache)
{
	hal_shm *s = kzalloc(sizeof *s);
	if (!s || !npages)
		goto fail;
	s->npages = npages;
	s->cache = cache;
	s->frames = kzalloc(npages * sizeof *s->frames);
	s->view = vm_reserve(npages * PAGE_SIZE);
	if (!s->frames || !s->view ||
	    !vm_protect(s->view, npages * PAGE_SIZE,
			HAL_PROT_READ | HAL_PROT_WRITE))
		goto fail;
	for (size_t i = 0; i < npages; i++) {
		s->frames[i] = base + i * PAGE_SIZE;
		if (!map_shared((uintptr_t)s->view + i * PAGE_SIZE,
				s->frames[i], HAL_PROT_READ | HAL_PROT_WRITE,
				cache))
			goto fail;
	}
	s->phys = base;
	return s;
fail:
	if (s && s->view)
		vm_release(s->view, npages * PAGE_SIZE);
	if (s)
		kfree(s->frames);
	kfree(s);
	return NULL;
}

/* Device registers [pa, pa+len), uncached wherever they are mapped. */
hal_shm *hal_shm_create_mmio(uint64_t pa, size_t len)
{
	if (!len || len % PAGE_SIZE || pa % PAGE_SIZE)
		return NULL;
	return shm_over(pa, len / PAGE_SIZE, PTE_PCD | PTE_PWT);
}

/* Zeroed, physically contiguous frames (pmm_alloc_contig). */
hal_shm *hal_shm_create_dma(size_t len)
{
	hal_shm *s;
	uint64_t pa;
	if (!len || len % PAGE_SIZE ||
	    !(pa = pmm_alloc_contig(len / PAGE_SIZE)))
		return NULL;
	memset(P2V(pa), 0, len);
	if (!(s = shm_over(pa, len / PAGE_SIZE, 0)))
		for (size_t i = 0; i < len; i += PAGE_SIZE)
			pmm_free(pa + i);
	return s;
}

/* DMA memory's physical address; 0 for other shared memory. */
uint64_t hal_shm_phys(hal_shm *s)
{
	return s->cache || !s->phys ? 0 : s->phys;
}

/* Moves the frames of [from, from+len) to [to, to+len) (private pages of
 * reservations); both keep their rights, from reads as zero after. */
static bool hal_vm_move_unlocked(void *from, void *to, size_t len)
{
	uintptr_t f = (uintptr_t)from, t = (uintptr_t)to;
	if (!page_aligned(from, len) || !page_aligned(to, len) ||
	    !find_used(f, len) || !find_used(t, len) ||
	    (f < t + len && t < f + len))
		return false;
	for (size_t i = 0; i < len; i += PAGE_SIZE) {
		uint64_t *fp = walk_create(f + i);
		uint64_t *tp = walk_create(t + i);
		if (!fp || !tp || ((*fp | *tp) & SW_SHARED))
			return false;
	}
	for (size_t i = 0; i < len; i += PAGE_SIZE) {
		uint64_t *fp = paging_walk(f + i, false);
		uint64_t *tp = paging_walk(t + i, false);
		uint64_t old = pte_frame(*tp);
		if (old)
			pmm_free(old);
		*tp = make_pte(PTE_PROT(*tp), pte_frame(*fp));
		*fp = make_pte(PTE_PROT(*fp), 0);
		tlb_invalidate(f + i);
		tlb_invalidate(t + i);
	}
	return true;
}

/* hal_vm_move_unlocked under the memory lock. */
bool hal_vm_move(void *from, void *to, size_t len)
{
	mm_lock();
	bool r = hal_vm_move_unlocked(from, to, len);
	mm_unlock();
	return r;
}

/* One page of hal_vm_reset: a private frame is cleared and kept, a shared
 * one dropped; the page becomes readable and writable. */
static bool reset_page(uintptr_t va, uint64_t *pte, int prot)
{
	uint64_t pa = pte_frame(*pte), old = *pte;
	if (pa && (old & SW_SHARED))
		pa = 0;
	else if (pa)
		memset(P2V(pa), 0, PAGE_SIZE);
	*pte = make_pte(prot, pa);
	if ((*pte ^ old) & ~PTE_AD)
		tlb_invalidate(va);
	return true;
}

/* As hal_shm_unmap(addr, len, RW), keeping private frames (cleared). */
static bool hal_vm_reset_unlocked(void *addr, size_t len)
{
	uintptr_t va = (uintptr_t)addr;
	if (!page_aligned(addr, len) || !find_used(va, len))
		return false;
	return each_pte(va, va + len, true, reset_page,
			HAL_PROT_READ | HAL_PROT_WRITE);
}

/* hal_vm_reset_unlocked under the memory lock. */
bool hal_vm_reset(void *addr, size_t len)
{
	mm_lock();
	bool r = hal_vm_reset_unlocked(addr, len);
	mm_unlock();
	return r;
}
