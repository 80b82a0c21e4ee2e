/*
 * vm.c: the hosted HAL's virtual memory: reservations (PROT_NONE,
 * MAP_NORESERVE mappings), protection, shared memory and page flipping.
 * A hal_shm is a
 * memfd: the kernel's view is one MAP_SHARED mapping of it, and mapping
 * it into a linear memory is another MAP_SHARED|MAP_FIXED mapping over
 * part of the memory's reservation. Unmapping puts private anonymous
 * pages back (MAP_FIXED again). Page flipping moves the page tables'
 * entries with mremap(MREMAP_FIXED), then puts zero pages back at the
 * source.
 */
#include "../hal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct hal_shm {
	int fd;
	void *data;
	size_t len;
};

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

void hal_vm_release(void *addr, size_t len)
{
	if (addr != NULL && len > 0)
		munmap(addr, len);
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
	return anon_at(addr, len, prot);
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
