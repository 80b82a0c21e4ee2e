/*
 * memory.c: linear memories.
 *
 * Each memory reserves WASM_MEM_RESERVE bytes of address space up front,
 * all inaccessible; the first `pages` pages are made readable and
 * writable, and memory.grow opens more. Every access the engine makes
 * (i32 address + u32 offset + up to 8 bytes) stays inside the
 * reservation, so an out-of-bounds access hits a guard page, the HAL
 * reports the fault, and the fault handler (trap.c) asks rt_memory_owns
 * whether the address belongs to a linear memory.
 */
#include <stdlib.h>

#include "runtime.h"

#define MAX_PAGES 65536u /* 4 GiB */

/* A memory and its link in the registry of live reservations. */
struct mem_node {
	wasm_memory mem;
	struct mem_node *next;
};

/* Live reservations. Read by the fault handler: a node is fully set up
 * before it is linked in, and unlinked before it is released. */
static struct mem_node *live;

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
	struct mem_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->mem.base = hal_vm_reserve(WASM_MEM_RESERVE);
	if (!n->mem.base) {
		free(n);
		return NULL;
	}
	size_t len = (size_t)min_pages * WASM_PAGE;
	if (len &&
	    !hal_vm_protect(n->mem.base, len, HAL_PROT_READ | HAL_PROT_WRITE)) {
		hal_vm_release(n->mem.base, WASM_MEM_RESERVE);
		free(n);
		return NULL;
	}
	n->mem.pages = min_pages;
	n->mem.max_pages = max_pages;
	n->mem.has_max = has_max;
	n->next = live;
	live = n;
	return &n->mem;
}

/* Unregisters the memory and returns its address space. */
void rt_memory_destroy(wasm_memory *m)
{
	if (!m)
		return;
	struct mem_node *n = (struct mem_node *)m;
	for (struct mem_node **p = &live; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			break;
		}
	}
	hal_vm_release(m->base, WASM_MEM_RESERVE);
	free(n);
}

/* memory.grow: the old size in pages, or -1 leaving the memory as it was. */
int32_t rt_memory_grow(wasm_memory *m, uint32_t delta)
{
	uint64_t old = m->pages;
	uint64_t want = old + delta;
	if (want > m->max_pages)
		return -1;
	if (delta) {
		size_t at = (size_t)old * WASM_PAGE;
		if (!hal_vm_protect(m->base + at, (size_t)delta * WASM_PAGE,
				    HAL_PROT_READ | HAL_PROT_WRITE))
			return -1;
	}
	m->pages = want;
	return (int32_t)old;
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
