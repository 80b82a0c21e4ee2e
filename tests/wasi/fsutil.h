/*
 * fsutil.h: what the preview-1 file tests (fsraw.c, fsconf.c) share:
 * writing a string, reading at an offset, listing a large directory
 * with cookies.
 */
#ifndef TESTS_WASI_FSUTIL_H
#define TESTS_WASI_FSUTIL_H

#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static int wr(__wasi_fd_t fd, const char *s)
{
	__wasi_ciovec_t v = {(const uint8_t *)s, strlen(s)};
	__wasi_size_t n;
	int e = __wasi_fd_write(fd, &v, 1, &n);
	return e ? e : n == strlen(s) ? 0 : -1;
}

/* Reads up to len bytes at offset off into a static string. */
static const char *rd(__wasi_fd_t fd, __wasi_filesize_t off)
{
	static char buf[128];
	__wasi_iovec_t v = {(uint8_t *)buf, sizeof buf - 1};
	__wasi_size_t n = 0;
	if (__wasi_fd_pread(fd, &v, 1, off, &n))
		return "(error)";
	buf[n] = '\0';
	return buf;
}

/* Lists directory fd with a buffer of buflen bytes, resuming
 * from each entry's cookie; counts the entries named "fNNN" (each seen
 * once). Returns how many distinct ones. */
static int listing(__wasi_fd_t fd, size_t buflen, int nfiles)
{
	char *seen = calloc(nfiles, 1);
	uint8_t *buf = malloc(buflen + 256);
	__wasi_dircookie_t cookie = 0;
	int distinct = 0, dup = 0;

	for (;;) {
		__wasi_size_t used, off = 0;
		if (__wasi_fd_readdir(fd, buf, buflen, cookie, &used))
			return -1;
		int progressed = 0;
		while (off + sizeof(__wasi_dirent_t) <= used) {
			__wasi_dirent_t d;
			memcpy(&d, buf + off, sizeof d);
			if (off + sizeof d + d.d_namlen > used)
				break; /* cut: read again from its cookie */
			char name[64] = {0};
			memcpy(name, buf + off + sizeof d,
			       d.d_namlen < 63 ? d.d_namlen : 63);
			if (name[0] == 'f') {
				int i = atoi(name + 1);
				if (seen[i]++)
					dup++;
				else
					distinct++;
			}
			cookie = d.d_next;
			off += sizeof d + d.d_namlen;
			progressed = 1;
		}
		if (used < buflen)
			break;
		if (!progressed)
			return -2; /* buffer too small for one entry */
	}
	free(seen);
	free(buf);
	return dup ? -3 : distinct;
}

#endif
