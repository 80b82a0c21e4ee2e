/*
 * memory.c: linear memories.
 *
 * Each memory reserves WASM_MEM_RESERVE bytes of address space up front,
 * all inaccessible; the first `pages` pages are made readable and
 * writable, and memory.grow opens more. Every access the engine makes
 * (i32 address + u32 offset + up to 16 bytes) stays inside the
 * reservation, so an out-of-bounds access hits a guard page, the HAL
 * reports the fault, and the fault handler (trap.c) asks rt_memory_owns
 * whether the address belongs to a linear memory.
 *
 * Reserving and releasing 8 GiB is costly (page tables are built and
 * torn down, every page faults in), so a few released reservations are
 * kept in a pool and handed to the next memories. Before one goes back
 * to the pool its accessible part becomes private zero pages again with
 * hal_vm_reset (which keeps the first POOL_KEEP bytes' pages, cleared in
 * place) and hal_shm_unmap: whatever the kernel mapped there (memory
 * objects, moved pages) is gone, and a reused reservation reads as zero
 * and is inaccessible beyond its new size, exactly like a fresh one.
 *
 * Out of memory is named: the accessible pages of a memory are backed
 * (hal_vm_back) when they become accessible, at creation and at
 * memory.grow, so on bare metal a grow that RAM cannot back returns -1
 * (malloc returns NULL) instead of succeeding and faulting later.
 */
#include <stdlib.h>

#include "nucleus/runtime.h"

#define MAX_PAGES 65536u /* 4 GiB */

/* A memory and its link in the registry of live reservations. */
struct mem_node {
	wasm_memory mem;
	struct mem_node *next;
};

/* Live reservations, under rt_reg_lock (the fault handler reads them on
 * any CPU): a node is fully set up before it is linked in, and unlinked
 * before it is released. */
static struct mem_node *live;

/* Released reservations kept for reuse (linked by next); in each, the
 * first mem.pages pages are readable, writable and zero, the rest
 * inaccessible. */
#define POOL_MAX 4
#define POOL_KEEP ((size_t)1 << 20) /* bytes of pages a pooled one keeps */
static struct mem_node *pool;
static unsigned pool_len;

/* The budget of memories made outside a store (tests). */
static struct rt_mem_budget unlimited = {0, UINT64_MAX};

/* Makes [at, at+len) of m accessible and backed; false, leaving it
 * inaccessible, when the pages cannot be had. */
static bool open_pages(wasm_memory *m, size_t at, size_t len)
{
	if (!len)
		return true;
	if (!hal_vm_protect(m->base + at, len, HAL_PROT_READ | HAL_PROT_WRITE))
		return false;
	if (hal_vm_back(m->base + at, len))
		return true;
	hal_vm_protect(m->base + at, len, HAL_PROT_NONE);
	return false;
}

/* A pooled reservation made accessible (and backed) for exactly `len`
 * bytes, or NULL when the pool is empty (or the change failed: that one
 * is released). */
static struct mem_node *pool_take(size_t len)
{
	struct mem_node *n = pool;
	if (!n)
		return NULL;
	pool = n->next;
	pool_len--;
	size_t open = (size_t)n->mem.pages * WASM_PAGE;
	bool ok = true;
	if (open < len)
		ok = hal_vm_protect(n->mem.base + open, len - open,
				    HAL_PROT_READ | HAL_PROT_WRITE);
	else if (open > len)
		ok = hal_vm_protect(n->mem.base + len, open - len,
				    HAL_PROT_NONE);
	if (!ok || (len && !hal_vm_back(n->mem.base, len))) {
		hal_vm_release(n->mem.base, WASM_MEM_RESERVE);
		free(n);
		return NULL;
	}
	return n;
}

/* Puts a released memory's reservation in the pool, its accessible part
 * back to private zero pages (the first POOL_KEEP bytes' pages kept,
 * cleared, the rest returned); false if the pool is full or the reset
 * failed, and then the caller releases it. */
static bool pool_put(struct mem_node *n)
{
	size_t len = (size_t)n->mem.pages * WASM_PAGE;
	size_t keep = len < POOL_KEEP ? len : POOL_KEEP;
	int rw = HAL_PROT_READ | HAL_PROT_WRITE;
	if (pool_len >= POOL_MAX)
		return false;
	if (keep && !hal_vm_reset(n->mem.base, keep))
		return false;
	if (len > keep && !hal_shm_unmap(n->mem.base + keep, len - keep, rw))
		return false;
	n->next = pool;
	pool = n;
	pool_len++;
	return true;
}

/* A fresh reservation with its first len bytes accessible, or NULL. */
static struct mem_node *reserve_new(size_t len)
{
	struct mem_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->mem.base = hal_vm_reserve(WASM_MEM_RESERVE);
	if (!n->mem.base) {
		free(n);
		return NULL;
	}
	if (!open_pages(&n->mem, 0, len)) {
		hal_vm_release(n->mem.base, WASM_MEM_RESERVE);
		free(n);
		return NULL;
	}
	return n;
}

/*
 * Creates a memory of min_pages pages that may grow to max_pages
 * (UINT32_MAX: no maximum, which means 65536). NULL if the limits are
 * invalid or the address space cannot be had.
 */
wasm_memory *rt_memory_create(uint32_t min_pages, uint32_t max_pages)
{
	bool has_max = max_pages != UINT32_MAX;
	if (!has_max)
		max_pages = MAX_PAGES;
	if (min_pages > max_pages || max_pages > MAX_PAGES)
		return NULL;
	if (WASM_PAGE % hal_page_size() != 0)
		return NULL; /* guard pages would not be exact */
	size_t len = (size_t)min_pages * WASM_PAGE;
	struct mem_node *n = pool_take(len);
	bool fresh = !n;
	if (!n)
		n = reserve_new(len);
	if (!n)
		return NULL;
	n->mem.shared = false;
	n->mem.fresh = fresh;
	n->mem.pages = min_pages;
	n->mem.max_pages = max_pages;
	n->mem.has_max = has_max;
	n->mem.budget = &unlimited;
	unlimited.pages += min_pages;
	rt_reg_lock();
	n->next = live;
	live = n;
	rt_reg_unlock();
	return &n->mem;
}

bool rt_memory_charge(wasm_memory *m, struct rt_mem_budget *b)
{
	if (!rt_budget_room(b, m->pages))
		return false;
	m->budget->pages -= m->pages;
	b->pages += m->pages;
	m->budget = b;
	return true;
}

/* Unregisters the memory and pools or returns its address space. */
void rt_memory_destroy(wasm_memory *m)
{
	if (!m)
		return;
	struct mem_node *n = (struct mem_node *)m;
	m->budget->pages -= m->pages;
	rt_reg_lock();
	for (struct mem_node **p = &live; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			break;
		}
	}
	rt_reg_unlock();
	if (!pool_put(n)) {
		hal_vm_release(m->base, WASM_MEM_RESERVE);
		free(n);
	}
}

/* memory.grow: the old size in pages, or -1 leaving the memory as it was. */
int32_t rt_memory_grow(wasm_memory *m, uint32_t delta)
{
	uint64_t old = m->pages;
	uint64_t want = old + delta;
	if (want > m->max_pages || !rt_budget_room(m->budget, delta))
		return -1;
	if (!open_pages(m, (size_t)old * WASM_PAGE, (size_t)delta * WASM_PAGE))
		return -1;
	m->pages = want;
	m->budget->pages += delta;
	return (int32_t)old;
}

/* A reservation readable and writable throughout, filled on demand. */
void *rt_stack_new(size_t len)
{
	void *p = hal_vm_reserve(len);
	if (p && !hal_vm_protect(p, len, HAL_PROT_READ | HAL_PROT_WRITE)) {
		hal_vm_release(p, len);
		p = NULL;
	}
	return p;
}

void rt_stack_free(void *p, size_t len)
{
	if (p)
		hal_vm_release(p, len);
}

/* True if addr lies in the reservation of a live memory. */
bool rt_memory_owns(uintptr_t addr)
{
	for (struct mem_node *n = live; n; n = n->next) {
		uintptr_t b = (uintptr_t)n->mem.base;
		if (addr >= b && addr - b < WASM_MEM_RESERVE)
			return true;
	}
	return false;
}

/* A shared memory: the same, flagged for import matching and for
 * memory.atomic.wait; the threads proposal requires a maximum. */
wasm_memory *wasm_memory_new_shared(wasm_store *s, uint32_t min_pages,
				    uint32_t max_pages)
{
	if (max_pages == UINT32_MAX)
		return NULL;
	wasm_memory *m = wasm_memory_new(s, min_pages, max_pages);
	if (m)
		m->shared = true;
	return m;
}

bool wasm_memory_is_shared(const wasm_memory *mem)
{
	return mem->shared;
}

uint8_t *wasm_memory_data(wasm_memory *mem)
{
	return mem->base;
}

uint64_t wasm_memory_size(const wasm_memory *mem)
{
	return mem->pages * WASM_PAGE;
}
