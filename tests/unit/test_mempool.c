/*
 * test_mempool.c: reused linear memories (nucleus/memory.c's pool) and
 * hal_vm_reset under it. A memory made after another was released gets
 * that one's reservation: it must read as zero everywhere (also where a
 * memory object was mapped or pages were moved in, whose contents must
 * survive), be writable up to its size and fault beyond it, exactly like
 * a fresh one. Prints "PASS name" or "FAIL name" per case.
 */
#include <string.h>

#include "tests/unit/check.h"
#include "nucleus/runtime.h"

static hal_jmp_buf jb;
static volatile int faults;

static void catch_fault(enum hal_fault kind, uintptr_t addr, void *pc)
{
	faults++;
	hal_longjmp(jb, 1);
}

/* True if reading (or writing) p faults. */
static bool faults_at(volatile uint8_t *p, bool write)
{
	int before = faults;
	hal_set_fault_handler(catch_fault);
	if (hal_setjmp(jb) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
	}
	hal_set_fault_handler(NULL);
	return faults == before + 1;
}

/* True if [p, p+len) reads as zero. */
static bool zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Fills the first and last byte of every page of [p, p+len). */
static void scribble(uint8_t *p, size_t len, uint8_t v)
{
	size_t ps = hal_page_size();
	for (size_t i = 0; i < len; i += ps) {
		p[i] = v;
		p[i + ps - 1] = v;
	}
}

/* Releases m and makes a memory of `pages` that must reuse its
 * reservation (the pool hands back the last one released). */
static wasm_memory *recycle(wasm_memory *m, uint32_t pages, uint32_t max)
{
	uint8_t *base = m->base;
	rt_memory_destroy(m);
	m = rt_memory_create(pages, max);
	CHECK(m && m->base == base);
	CHECK(m && m->pages == pages && !m->fresh);
	return m && m->base == base ? m : NULL;
}

/* Written pages read as zero after reuse; a smaller size faults beyond
 * itself, a larger one is accessible; grow works as on a fresh one. */
static void t_reuse_zero(void)
{
	wasm_memory *m = rt_memory_create(3, 10);
	CHECK(m && m->fresh);
	if (!m)
		return;
	scribble(m->base, 3 * WASM_PAGE, 0x5a);
	if (!(m = recycle(m, 1, 4)))
		return;
	CHECK(zero(m->base, WASM_PAGE));
	CHECK(faults_at(m->base + WASM_PAGE, false));
	CHECK(faults_at(m->base + 3 * WASM_PAGE - 1, true));
	CHECK(faults_at(m->base + WASM_MEM_RESERVE - 1, false));
	CHECK(m->max_pages == 4 && rt_memory_grow(m, 4) == -1);
	CHECK(rt_memory_grow(m, 2) == 1);
	CHECK(zero(m->base, 3 * WASM_PAGE));
	CHECK(faults_at(m->base + 3 * WASM_PAGE, true));
	scribble(m->base, 3 * WASM_PAGE, 0xa5);
	if (!(m = recycle(m, 5, UINT32_MAX)))
		return;
	CHECK(!m->has_max && m->max_pages == 65536);
	CHECK(zero(m->base, 5 * WASM_PAGE));
	scribble(m->base, 5 * WASM_PAGE, 1);
	CHECK(faults_at(m->base + 5 * WASM_PAGE, false));
	rt_memory_destroy(m);
}

/* A memory that grew past what the pool keeps resident. */
static void t_reuse_large(void)
{
	wasm_memory *m = rt_memory_create(1, UINT32_MAX);
	CHECK(m && rt_memory_grow(m, 39) == 1);
	if (!m)
		return;
	scribble(m->base, 40 * WASM_PAGE, 0x77);
	if (!(m = recycle(m, 40, UINT32_MAX)))
		return;
	CHECK(zero(m->base, 40 * WASM_PAGE));
	CHECK(faults_at(m->base + 40 * WASM_PAGE, true));
	rt_memory_destroy(m);
}

/* A memory object mapped into a memory (as the kernel's vm_map does) and
 * left there when the memory goes (as at a process's exit): the reused
 * memory reads zero there, its writes stay its own, the object keeps its
 * bytes. A read-only mapping becomes writable memory again. */
static void t_reuse_after_shm(void)
{
	size_t ps = hal_page_size();
	hal_shm *s = hal_shm_create(4 * ps);
	wasm_memory *m = rt_memory_create(2, 2);
	CHECK(s && m);
	if (!s || !m)
		goto out;
	uint8_t *obj = hal_shm_data(s);
	memset(obj, 0xab, 4 * ps);
	int rw = HAL_PROT_READ | HAL_PROT_WRITE;
	CHECK(hal_shm_map(s, 0, m->base + ps, 2 * ps, rw));
	CHECK(hal_shm_map(s, 2 * ps, m->base + WASM_PAGE, 2 * ps,
			  HAL_PROT_READ));
	CHECK(m->base[ps] == 0xab && m->base[WASM_PAGE + 2 * ps - 1] == 0xab);
	m->base[ps + 1] = 0xcd;
	CHECK(obj[1] == 0xcd);
	if (!(m = recycle(m, 2, 2)))
		goto out;
	CHECK(zero(m->base, 2 * WASM_PAGE));
	scribble(m->base, 2 * WASM_PAGE, 0x11);
	CHECK(obj[0] == 0xab && obj[1] == 0xcd && obj[ps - 1] == 0xab);
	CHECK(obj[2 * ps] == 0xab && obj[4 * ps - 1] == 0xab);
	/* Mapped again and unmapped before the release: zero too. */
	CHECK(hal_shm_map(s, 0, m->base, ps, rw));
	CHECK(hal_shm_unmap(m->base, ps, rw));
	CHECK(m->base[0] == 0 && obj[0] == 0xab);
	if (!(m = recycle(m, 2, 2)))
		goto out;
	CHECK(zero(m->base, 2 * WASM_PAGE));
	CHECK(obj[0] == 0xab && obj[ps - 1] == 0xab && obj[1] == 0xcd);
out:
	rt_memory_destroy(m);
	if (s)
		hal_shm_destroy(s);
}

/* Pages moved into a memory (page flipping) and left there. */
static void t_reuse_after_move(void)
{
	size_t ps = hal_page_size();
	int rw = HAL_PROT_READ | HAL_PROT_WRITE;
	uint8_t *hold = hal_vm_reserve(2 * ps);
	wasm_memory *m = rt_memory_create(1, 1);
	CHECK(hold && m);
	if (!hold || !m)
		goto out;
	CHECK(hal_vm_protect(hold, 2 * ps, rw));
	memset(hold, 0x3c, 2 * ps);
	CHECK(hal_vm_move(hold, m->base + 4 * ps, 2 * ps));
	CHECK(m->base[4 * ps] == 0x3c && zero(hold, 2 * ps));
	if (!(m = recycle(m, 1, 1)))
		goto out;
	CHECK(zero(m->base, WASM_PAGE));
	CHECK(faults_at(m->base + WASM_PAGE, false));
out:
	rt_memory_destroy(m);
	if (hold)
		hal_vm_release(hold, 2 * ps);
}

/* More memories than the pool holds, released and made again. */
static void t_pool_overflow(void)
{
	wasm_memory *ms[10];
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 10; i++) {
			ms[i] = rt_memory_create(1, 2);
			CHECK(ms[i] && zero(ms[i]->base, WASM_PAGE));
			if (ms[i])
				scribble(ms[i]->base, WASM_PAGE, 9);
		}
		for (int i = 0; i < 10; i++)
			rt_memory_destroy(ms[i]);
	}
}

/* hal_vm_reset alone: a range with private pages, untouched ones and a
 * shared mapping reads zero after, writable, the object untouched. */
static void t_hal_vm_reset(void)
{
	size_t ps = hal_page_size();
	int rw = HAL_PROT_READ | HAL_PROT_WRITE;
	uint8_t *p = hal_vm_reserve(16 * ps);
	hal_shm *s = hal_shm_create(ps);
	CHECK(p && s);
	if (!p || !s)
		goto out;
	CHECK(hal_vm_protect(p, 8 * ps, rw));
	memset(hal_shm_data(s), 0x42, ps);
	memset(p, 0x24, 3 * ps);
	p[6 * ps] = 0x24;
	CHECK(hal_shm_map(s, 0, p + 4 * ps, ps, HAL_PROT_READ));
	CHECK(hal_vm_reset(p, 8 * ps));
	CHECK(zero(p, 8 * ps));
	memset(p, 1, 8 * ps);
	CHECK(((uint8_t *)hal_shm_data(s))[0] == 0x42);
	CHECK(hal_vm_reset(p, 8 * ps) && zero(p, 8 * ps));
	CHECK(faults_at(p + 8 * ps, false));
out:
	if (p)
		hal_vm_release(p, 16 * ps);
	if (s)
		hal_shm_destroy(s);
}

int main(void)
{
	hal_init();
	run("mempool: reuse reads zero, bounds as fresh", t_reuse_zero);
	run("mempool: reuse of a grown memory", t_reuse_large);
	run("mempool: reuse after a memory object was mapped",
	    t_reuse_after_shm);
	run("mempool: reuse after pages were moved in", t_reuse_after_move);
	run("mempool: more memories than the pool", t_pool_overflow);
	run("hal_vm_reset: private, untouched and shared pages",
	    t_hal_vm_reset);
	return failures ? 1 : 0;
}
