/*
 * heap.c: the kernel heap, kmalloc/kfree/krealloc (the nucleus's malloc
 * maps onto them on bare metal).
 *
 * Small blocks (up to a page with their header) come from power-of-two
 * size classes, 32 to 4096 bytes, carved out of pages taken from pmm and
 * reached through the direct map; each block starts with a 16-byte header
 * recording its class and requested size, and the caller gets the 16-byte
 * aligned memory after it. Freed blocks go back on their class's list
 * (pages are never returned to pmm).
 * Larger requests get their own page-aligned reservation in the VM area,
 * readable and writable, its zeroed frames mapped at once; kfree releases
 * it. The two kinds are told apart by address (VM area or not).
 *
 * Every page comes from pmm_try_alloc, and a large block is backed before
 * kmalloc returns it: out of memory is a NULL from kmalloc, never a page
 * fault later in the kernel code that uses the block.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"

#define NCLASS 8 /* 32 << 0 ... 32 << 7 = 4096 */
#define MAGIC_USED 0x6b6d616cu
#define MAGIC_FREE 0x66726565u

/* Before every small block; a free block is on its class's list. */
struct header {
	uint32_t magic, cls;
	union {
		uint64_t size;	     /* in use: bytes asked for */
		struct header *next; /* free */
	};
};

static struct header *freelist[NCLASS];

static bool is_large(const void *p)
{
	return (uintptr_t)p >= VM_BASE && (uintptr_t)p < VM_END;
}

/* Cuts a fresh page into blocks of class c; false if out of memory. */
static bool refill(int c)
{
	uint64_t pa = pmm_try_alloc();
	if (!pa)
		return false;
	size_t bs = (size_t)32 << c;
	char *page = P2V(pa);
	for (size_t off = 0; off + bs <= PAGE_SIZE; off += bs) {
		struct header *h = (struct header *)(page + off);
		*h = (struct header){MAGIC_FREE, (uint32_t)c, {0}};
		h->next = freelist[c];
		freelist[c] = h;
	}
	return true;
}

/* Returns n bytes aligned to 16 (large ones to a page), or NULL. */
static void *kmalloc_unlocked(size_t n)
{
	if (n == 0)
		n = 1;
	if (n > PAGE_SIZE - sizeof(struct header)) {
		if (n > VM_END - VM_BASE)
			return NULL;
		size_t len = (n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		void *p = vm_reserve(len);
		if (p && (!vm_protect(p, len, HAL_PROT_READ | HAL_PROT_WRITE) ||
			  !vm_back(p, len))) {
			vm_release(p, len);
			p = NULL;
		}
		return p;
	}
	int c = 0;
	while (((size_t)32 << c) < n + sizeof(struct header))
		c++;
	if (!freelist[c] && !refill(c))
		return NULL;
	struct header *h = freelist[c];
	freelist[c] = h->next;
	*h = (struct header){MAGIC_USED, (uint32_t)c, {n}};
	return h + 1;
}

/* kmalloc_unlocked under the memory lock. */
void *kmalloc(size_t n)
{
	mm_lock();
	void *r = kmalloc_unlocked(n);
	mm_unlock();
	return r;
}

/* kmalloc's n bytes, zeroed. A large block is zero already (fresh
 * zeroed frames): only small ones are cleared. */
void *kzalloc(size_t n)
{
	void *p = kmalloc(n);
	if (p && !is_large(p))
		memset(p, 0, n);
	return p;
}

/* The header of small block p; panics on a pointer kmalloc never gave. */
static struct header *header_of(void *p)
{
	struct header *h = (struct header *)p - 1;
	if ((uintptr_t)p % 16 || (uintptr_t)p < PHYS_BASE ||
	    (uintptr_t)p >= VM_BASE || h->magic != MAGIC_USED ||
	    h->cls >= NCLASS)
		panic("kfree: bad pointer %p", p);
	return h;
}

/* Frees a block from kmalloc/krealloc; NULL is ignored. */
static void kfree_unlocked(void *p)
{
	if (!p)
		return;
	if (is_large(p)) {
		size_t len = vm_region_size(p);
		if (!len)
			panic("kfree: bad pointer %p", p);
		vm_release(p, len);
		return;
	}
	struct header *h = header_of(p);
	h->magic = MAGIC_FREE;
	h->next = freelist[h->cls];
	freelist[h->cls] = h;
}

/* kfree_unlocked under the memory lock. */
void kfree(void *p)
{
	mm_lock();
	kfree_unlocked(p);
	mm_unlock();
}

/* Resizes p to n bytes, keeping its contents up to the smaller size; on
 * failure returns NULL and p is untouched. */
void *krealloc(void *p, size_t n)
{
	if (!p)
		return kmalloc(n);
	size_t old;
	if (is_large(p)) {
		old = vm_region_size(p);
		if (!old)
			panic("krealloc: bad pointer %p", p);
		if (n <= old && n > PAGE_SIZE / 2)
			return p;
	} else {
		struct header *h = header_of(p);
		old = h->size;
		if (n && n + sizeof *h <= ((size_t)32 << h->cls)) {
			h->size = n;
			return p;
		}
	}
	void *q = kmalloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	kfree(p);
	return q;
}
