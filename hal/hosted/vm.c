/*
 * vm.c: the hosted HAL's virtual memory: reservations (PROT_NONE,
 * MAP_NORESERVE mappings), protection, shared memory and page flipping.
 * A hal_shm is a
 * memfd: the kernel's view is one MAP_SHARED mapping of it, and mapping
 * it into a linear memory is another MAP_SHARED|MAP_FIXED mapping over
 * part of the memory's reservation. Unmapping puts private anonymous
 * pages back (MAP_FIXED again). Page flipping moves the page tables'
 * entries with mremap(MREMAP_FIXED), then puts zero pages back at the
 * source. hal_vm_reset clears resident private pages in place; it must
 * not do so where a hal_shm is mapped, so hal_shm_map records its ranges.
 */
#include "hal/hal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct hal_shm {
	int fd;
	void *data;
	size_t len;
};

/* The ranges where hal_shm_map put shared pages and that nothing has
 * replaced since (for hal_vm_reset, which must not clear them in place).
 * May over-approximate: a stale range only makes a reset slower. */
struct shm_range {
	uintptr_t start, end;
};
static struct shm_range *shm_ranges;
static size_t num_shm_ranges, shm_ranges_cap;

/* Records [start, end) as holding shared pages; false if out of memory. */
static bool shm_note(uintptr_t start, uintptr_t end)
{
	if (num_shm_ranges == shm_ranges_cap) {
		size_t cap = shm_ranges_cap ? 2 * shm_ranges_cap : 8;
		struct shm_range *r =
			realloc(shm_ranges, cap * sizeof *shm_ranges);
		if (!r)
			return false;
		shm_ranges = r;
		shm_ranges_cap = cap;
	}
	shm_ranges[num_shm_ranges++] = (struct shm_range){start, end};
	return true;
}

/* [start, end) no longer holds shared pages: trims the records. */
static void shm_forget(uintptr_t start, uintptr_t end)
{
	for (size_t i = 0; i < num_shm_ranges;) {
		struct shm_range *r = &shm_ranges[i];
		if (r->end <= start || r->start >= end) {
			i++;
		} else if (r->start < start && r->end > end) {
			uintptr_t tail = r->end;
			if (!shm_note(end, tail))
				return; /* kept whole: over-approximates */
			shm_ranges[i++].end = start;
		} else if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			i++;
		} else {
			*r = shm_ranges[--num_shm_ranges];
		}
	}
}

/* True if shared pages may lie in [start, end). */
static bool shm_meets(uintptr_t start, uintptr_t end)
{
	for (size_t i = 0; i < num_shm_ranges; i++)
		if (shm_ranges[i].start < end && start < shm_ranges[i].end)
			return true;
	return false;
}

static int prot_of(int prot)
{
	int p = PROT_NONE;

	if (prot & HAL_PROT_READ)
		p |= PROT_READ;
	if (prot & HAL_PROT_WRITE)
		p |= PROT_WRITE;
	if (prot & HAL_PROT_EXEC)
		p |= PROT_EXEC;
	return p;
}

/* Reserves address space only: no access, no commitment of memory. */
void *hal_vm_reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

bool hal_vm_protect(void *addr, size_t len, int prot)
{
	return mprotect(addr, len, prot_of(prot)) == 0;
}

/* Private anonymous pages read as zero after MADV_DONTNEED. */
bool hal_vm_discard(void *addr, size_t len)
{
	return madvise(addr, len, MADV_DONTNEED) == 0;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Older kernels refuse MADV_POPULATE_WRITE: the pages then fault in. */
bool hal_vm_commit(void *addr, size_t len)
{
	return madvise(addr, len, MADV_POPULATE_WRITE) == 0;
}

void hal_memory_info(uint64_t *total, uint64_t *avail)
{
	long page = sysconf(_SC_PAGESIZE);

	*total = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)page;
	*avail = (uint64_t)sysconf(_SC_AVPHYS_PAGES) * (uint64_t)page;
}

/* Linux backs pages when they are touched (and its OOM killer settles
 * the rest): nothing to check here. */
bool hal_vm_back(void *addr, size_t len)
{
	(void)addr;
	(void)len;
	return true;
}

void hal_vm_release(void *addr, size_t len)
{
	if (addr != NULL && len > 0) {
		munmap(addr, len);
		shm_forget((uintptr_t)addr, (uintptr_t)addr + len);
	}
}

hal_shm *hal_shm_create(size_t len)
{
	hal_shm *s = malloc(sizeof *s);

	if (!s || len == 0)
		goto fail;
	s->len = len;
	if ((s->fd = memfd_create("nebulet-vmo", MFD_CLOEXEC)) < 0)
		goto fail;
	if (ftruncate(s->fd, (off_t)len) != 0)
		goto fail_fd;
	s->data = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->data == MAP_FAILED)
		goto fail_fd;
	return s;
fail_fd:
	close(s->fd);
fail:
	free(s);
	return NULL;
}

void *hal_shm_data(hal_shm *s)
{
	return s->data;
}

bool hal_shm_map(hal_shm *s, size_t off, void *addr, size_t len, int prot)
{
	void *p;

	if (off > s->len || len > s->len - off)
		return false;
	p = mmap(addr, len, prot_of(prot), MAP_SHARED | MAP_FIXED, s->fd,
		 (off_t)off);
	if (p == addr && !shm_note((uintptr_t)addr, (uintptr_t)addr + len)) {
		hal_shm_unmap(addr, len, prot);
		return false;
	}
	return p == addr;
}

/* Private demand-zero pages over [addr, addr+len). */
static bool anon_at(void *addr, size_t len, int prot)
{
	void *p = mmap(addr, len, prot_of(prot),
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		       -1, 0);
	return p == addr;
}

bool hal_shm_unmap(void *addr, size_t len, int prot)
{
	if (!anon_at(addr, len, prot))
		return false;
	shm_forget((uintptr_t)addr, (uintptr_t)addr + len);
	return true;
}

void hal_shm_destroy(hal_shm *s)
{
	if (!s)
		return;
	munmap(s->data, s->len);
	close(s->fd);
	free(s);
}

/* Moves one run of pages that lies in a single mapping. */
static bool move_run(char *from, char *to, size_t len)
{
	return mremap(from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) ==
	       (void *)to;
}

/*
 * The hosted HAL cannot cheaply read a range's protection, so both
 * ranges must be readable and writable (all the kernel moves: linear
 * memory inside its size, and its own holding areas), and stay so. The
 * range may span several kernel mappings (earlier moves split them):
 * then it moves page by page.
 */
bool hal_vm_move(void *from, void *to, size_t len)
{
	size_t page = hal_page_size();

	if (len == 0)
		return true;
	if (!move_run(from, to, len)) {
		if (errno != EFAULT && errno != EINVAL)
			return false;
		for (size_t off = 0; off < len; off += page)
			if (!move_run((char *)from + off, (char *)to + off,
				      page)) {
				anon_at(from, off,
					HAL_PROT_READ | HAL_PROT_WRITE);
				return false;
			}
	}
	return anon_at(from, len, HAL_PROT_READ | HAL_PROT_WRITE);
}

/* Clears the resident pages of [p, p+len) (readable and writable private
 * pages) in place and returns the others, which may be swapped out, so
 * that all read as zero. False if mincore fails. */
static bool zero_resident(uint8_t *p, size_t len)
{
	size_t page = hal_page_size(), n = len / page, run = 0;
	unsigned char vec[256];
	for (size_t i = 0; i < n; i += sizeof vec) {
		size_t k = n - i < sizeof vec ? n - i : sizeof vec;
		if (mincore(p + i * page, k * page, vec) != 0)
			return false;
		for (size_t j = 0; j < k; j++) {
			uint8_t *pg = p + (i + j) * page;
			if (!(vec[j] & 1)) {
				run++;
				continue;
			}
			if (run && madvise(pg - run * page, run * page,
					   MADV_DONTNEED) != 0)
				return false;
			run = 0;
			memset(pg, 0, page);
		}
	}
	return !run ||
	       madvise(p + (n - run) * page, run * page, MADV_DONTNEED) == 0;
}

/*
 * Where hal_shm_map may have put shared pages, puts private ones back
 * (as hal_shm_unmap); otherwise clears resident pages in place, keeping
 * them and their page tables (no faults when the range is used again).
 */
bool hal_vm_reset(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	int rw = HAL_PROT_READ | HAL_PROT_WRITE;
	if (shm_meets(a, a + len))
		return hal_shm_unmap(addr, len, rw);
	if (mprotect(addr, len, PROT_READ | PROT_WRITE) != 0)
		return false;
	return zero_resident(addr, len) || anon_at(addr, len, rw);
}
