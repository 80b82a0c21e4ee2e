/*
 * fsraw: the preview-1 file calls made directly (wasi/api.h), with their
 * edge cases, on the preopen /sandbox (fd 3, tests/wasi.sh gives it a
 * fresh scratch directory): prestat, path_open's oflags and fdflags,
 * rights, seek, readdir with cookies over a large directory, filestat
 * and times, renumber, sync, advise, allocate, bad descriptors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "expect.h"
#include "fsutil.h"

#define DIR 3
#define ALL ((__wasi_rights_t)0x3fffffff)

/* Opens path beneath DIR: the errno, the descriptor in *fd. */
static int op(const char *path, int oflags, __wasi_rights_t rights, int fdflags,
	      __wasi_fd_t *fd)
{
	return __wasi_path_open(DIR, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path,
				oflags, rights, ALL, fdflags, fd);
}

int main(void)
{
	__wasi_prestat_t ps;
	__wasi_fdstat_t fs;
	__wasi_filestat_t st, st2;
	__wasi_fd_t fd, fd2, sub;
	__wasi_filesize_t pos;
	__wasi_size_t n;
	char name[32];
	uint8_t buf[64];

	expect("prestat fd 3", __wasi_fd_prestat_get(DIR, &ps), 0);
	expect("prestat name length", ps.u.dir.pr_name_len, 8);
	expect("dir_name short", __wasi_fd_prestat_dir_name(DIR, buf, 3), 37);
	expect("dir_name", __wasi_fd_prestat_dir_name(DIR, buf, 8), 0);
	expect("dir_name is /sandbox", memcmp(buf, "/sandbox", 8), 0);
	expect("prestat fd 4 (none)", __wasi_fd_prestat_get(4, &ps), 8);
	expect("prestat stdout", __wasi_fd_prestat_get(1, &ps), 8);
	expect("fdstat preopen", __wasi_fd_fdstat_get(DIR, &fs), 0);
	expect("preopen is a directory", fs.fs_filetype,
	       __WASI_FILETYPE_DIRECTORY);

	/* oflags */
	expect("open missing", op("f", 0, ALL, 0, &fd), 44);
	expect("creat", op("f", __WASI_OFLAGS_CREAT, ALL, 0, &fd), 0);
	expect("write", wr(fd, "0123456789"), 0);
	expect("creat|excl existing",
	       op("f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL, 0, &fd2),
	       20);
	expect("directory on a file",
	       op("f", __WASI_OFLAGS_DIRECTORY, ALL, 0, &fd2), 54);
	expect("trunc", op("f", __WASI_OFLAGS_TRUNC, ALL, 0, &fd2), 0);
	expect("rewind", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
	expect("truncated", __wasi_fd_filestat_get(fd2, &st), 0);
	expect("size 0", st.size, 0);
	expect("filetype regular", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	expect("close", __wasi_fd_close(fd2), 0);
	expect("close again", __wasi_fd_close(fd2), 8);
	/* append */
	expect("write at 0", wr(fd, "abc"), 0);
	expect("open append", op("f", 0, ALL, __WASI_FDFLAGS_APPEND, &fd2), 0);
	expect("seek 0", __wasi_fd_seek(fd2, 0, __WASI_WHENCE_SET, &pos), 0);
	expect("append write", wr(fd2, "XY"), 0);
	expect("appended at end", strcmp(rd(fd, 0), "abcXY"), 0);
	expect("fdstat append", __wasi_fd_fdstat_get(fd2, &fs), 0);
	expect("append flag", fs.fs_flags, __WASI_FDFLAGS_APPEND);
	expect("clear append", __wasi_fd_fdstat_set_flags(fd2, 0), 0);
	expect("seek 1", __wasi_fd_seek(fd2, 1, __WASI_WHENCE_SET, &pos), 0);
	expect("overwrite", wr(fd2, "b"), 0);
	expect("not appended", strcmp(rd(fd, 0), "abcXY"), 0);
	expect("set sync later",
	       __wasi_fd_fdstat_set_flags(fd2, __WASI_FDFLAGS_SYNC), 58);
	expect("bad fdflags", __wasi_fd_fdstat_set_flags(fd2, 0x100), 28);
	expect("open with sync flags",
	       op("f", 0, ALL,
		  __WASI_FDFLAGS_SYNC | __WASI_FDFLAGS_DSYNC |
			  __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_NONBLOCK,
		  &fd2),
	       0);
	expect("fdstat sync flags", __wasi_fd_fdstat_get(fd2, &fs), 0);
	expect("flags kept", fs.fs_flags, 0x1e);
	expect("close", __wasi_fd_close(fd2), 0);
	expect("bad oflags", op("f", 0x10, ALL, 0, &fd2), 28);

	/* seek and tell */
	expect("seek end", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos), 0);
	expect("at 5", pos, 5);
	expect("seek past end",
	       __wasi_fd_seek(fd, 100, __WASI_WHENCE_CUR, &pos), 0);
	expect("at 105", pos, 105);
	expect("tell", __wasi_fd_tell(fd, &pos), 0);
	expect("tell 105", pos, 105);
	expect("seek negative",
	       __wasi_fd_seek(fd, -1000, __WASI_WHENCE_CUR, &pos), 28);
	expect("bad whence", __wasi_fd_seek(fd, 0, 3, &pos), 28);
	expect("write past end", wr(fd, "!"), 0);
	expect("size 106",
	       __wasi_fd_filestat_get(fd, &st) == 0 ? (long)st.size : -1, 106);
	expect("set_size", __wasi_fd_filestat_set_size(fd, 3), 0);
	expect("size 3",
	       __wasi_fd_filestat_get(fd, &st) == 0 ? (long)st.size : -1, 3);
	expect("allocate", __wasi_fd_allocate(fd, 0, 4096), 0);
	expect("size 4096",
	       __wasi_fd_filestat_get(fd, &st) == 0 ? (long)st.size : -1, 4096);
	expect("allocate len 0", __wasi_fd_allocate(fd, 0, 0), 28);
	expect("advise", __wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_SEQUENTIAL),
	       0);
	expect("advise bad", __wasi_fd_advise(fd, 0, 100, 9), 28);
	expect("sync", __wasi_fd_sync(fd), 0);
	expect("datasync", __wasi_fd_datasync(fd), 0);
	expect("sync dir", __wasi_fd_sync(DIR), 0);
	expect("seek a directory", __wasi_fd_seek(DIR, 0, 0, &pos), 8);
	expect("read a directory", __wasi_fd_read(DIR, NULL, 0, &n), 31);
	expect("pread stdin", __wasi_fd_pread(0, NULL, 0, 0, &n), 70);

	/* times */
	expect("set times",
	       __wasi_fd_filestat_set_times(
		       fd, 1000000000ull * 86400, 2000000000ull * 86400,
		       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
	       0);
	expect("stat", __wasi_fd_filestat_get(fd, &st), 0);
	expect("atim", st.atim == 1000000000ull * 86400, 1);
	expect("mtim", st.mtim == 2000000000ull * 86400, 1);
	expect("atim and now",
	       __wasi_fd_filestat_set_times(fd, 0, 0,
					    __WASI_FSTFLAGS_ATIM |
						    __WASI_FSTFLAGS_ATIM_NOW),
	       28);
	expect("path set mtim now",
	       __wasi_path_filestat_set_times(DIR, 0, "f", 0, 0,
					      __WASI_FSTFLAGS_MTIM_NOW),
	       0);
	expect("path stat", __wasi_path_filestat_get(DIR, 0, "f", &st2), 0);
	expect("mtim moved to now", st2.mtim > st.mtim, 1);
	expect("atim kept", st2.atim == st.atim, 1);
	expect("same inode", st2.ino == st.ino, 1);

	/* rights */
	expect("read-only open", op("f", 0, __WASI_RIGHTS_FD_READ, 0, &fd2), 0);
	expect("write it", wr(fd2, "x"), 8);
	expect("seek without right", __wasi_fd_seek(fd2, 0, 0, &pos), 76);
	expect("more rights", __wasi_fd_fdstat_set_rights(fd2, ALL, 0), 76);
	expect("fewer rights", __wasi_fd_fdstat_set_rights(fd2, 0, 0), 0);
	expect("fdstat", __wasi_fd_fdstat_get(fd2, &fs), 0);
	expect("rights now 0", fs.fs_rights_base, 0);
	expect("stat without right", __wasi_fd_filestat_get(fd2, &st), 76);
	/* renumber */
	expect("renumber", __wasi_fd_renumber(fd, fd2), 0);
	expect("old number gone", __wasi_fd_close(fd), 8);
	expect("new number is the file", strcmp(rd(fd2, 0), "abc"), 0);
	expect("renumber to a closed fd", __wasi_fd_renumber(fd2, 77), 8);
	expect("renumber itself", __wasi_fd_renumber(fd2, fd2), 0);
	fd = fd2;

	/* directories */
	expect("mkdir", __wasi_path_create_directory(DIR, "big"), 0);
	expect("mkdir again", __wasi_path_create_directory(DIR, "big"), 20);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "big/f%03d", i);
		if (op(name, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL, 0,
		       &fd2) != 0 ||
		    __wasi_fd_close(fd2) != 0)
			failures++;
	}
	expect("open dir", op("big", __WASI_OFLAGS_DIRECTORY, ALL, 0, &sub), 0);
	expect("300 entries, 4096-byte buffer", listing(sub, 4096, 300), 300);
	expect("300 entries, 64-byte buffer", listing(sub, 64, 300), 300);
	expect("300 entries, 33-byte buffer", listing(sub, 33, 300), 300);
	expect("readdir a file", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n),
	       54);
	expect("rmdir non-empty", __wasi_path_remove_directory(DIR, "big"), 55);
	expect("unlink a dir", __wasi_path_unlink_file(DIR, "big"), 31);
	expect("unlink dir/", __wasi_path_unlink_file(DIR, "big/"), 31);
	expect("unlink file/", __wasi_path_unlink_file(DIR, "f/"), 54);
	expect("rmdir a file", __wasi_path_remove_directory(DIR, "f"), 54);
	expect("path_open via sub",
	       __wasi_path_open(sub, 0, "f007", 0, ALL, ALL, 0, &fd2), 0);
	expect("close", __wasi_fd_close(fd2), 0);
	expect("sub's .. is refused",
	       __wasi_path_open(sub, 0, "../f", 0, ALL, ALL, 0, &fd2), 76);
	expect("rename across dirs",
	       __wasi_path_rename(sub, "f000", DIR, "moved"), 0);
	expect("rename over existing",
	       __wasi_path_rename(DIR, "moved", DIR, "f"), 0);
	expect("rename missing", __wasi_path_rename(DIR, "moved", DIR, "x"),
	       44);
	expect("rename file onto dir", __wasi_path_rename(DIR, "f", DIR, "big"),
	       31);
	expect("link", __wasi_path_link(DIR, 0, "f", DIR, "f.link"), 0);
	expect("link exists", __wasi_path_link(DIR, 0, "f", DIR, "f.link"), 20);
	expect("symlink", __wasi_path_symlink("f", DIR, "s"), 0);
	expect("readlink", __wasi_path_readlink(DIR, "s", buf, sizeof buf, &n),
	       0);
	expect("readlink length", n, 1);
	expect("readlink cut", __wasi_path_readlink(DIR, "s", buf, 0, &n), 0);
	expect("readlink cut length", n, 0);
	expect("readlink a file", __wasi_path_readlink(DIR, "f", buf, 8, &n),
	       28);
	expect("stat nofollow", __wasi_path_filestat_get(DIR, 0, "s", &st), 0);
	expect("is a symlink", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
	expect("stat follow", __wasi_path_filestat_get(DIR, 1, "s", &st), 0);
	expect("is a file", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	expect("open nofollow",
	       __wasi_path_open(DIR, 0, "s", 0, ALL, ALL, 0, &fd2), 32);
	expect("symlink to dir", __wasi_path_symlink("big", DIR, "sd"), 0);
	expect("through it", __wasi_path_filestat_get(DIR, 0, "sd/f001", &st),
	       0);
	expect("dangling creat", __wasi_path_symlink("new", DIR, "dang"), 0);
	expect("creat through it",
	       op("dang", __WASI_OFLAGS_CREAT, ALL, 0, &fd2), 0);
	expect("made new", __wasi_path_filestat_get(DIR, 0, "new", &st), 0);
	expect("unlink symlink", __wasi_path_unlink_file(DIR, "s"), 0);
	expect("abs path", __wasi_path_filestat_get(DIR, 0, "/etc", &st), 76);
	expect("dotdot", __wasi_path_filestat_get(DIR, 0, "..", &st), 76);
	expect("dot", __wasi_path_filestat_get(DIR, 0, ".", &st), 0);
	expect("empty path", __wasi_path_filestat_get(DIR, 0, "", &st), 44);
	expect("mkdir ..", __wasi_path_create_directory(DIR, "big/../../x"),
	       76);
	expect("rename out", __wasi_path_rename(DIR, "new", DIR, "../new"), 76);
	expect("link out", __wasi_path_link(DIR, 0, "new", DIR, "../new"), 76);
	expect("symlink up", __wasi_path_symlink("big/../..", DIR, "up"), 0);
	expect("follow it", __wasi_path_filestat_get(DIR, 1, "up", &st), 76);
	expect("through it", __wasi_path_filestat_get(DIR, 0, "up/x", &st), 76);
	expect("path on a file fd", __wasi_path_filestat_get(fd, 0, "x", &st),
	       54);
	expect("path on stdout", __wasi_path_create_directory(1, "x"), 54);

	/* bad descriptors */
	expect("read fd 99", __wasi_fd_read(99, NULL, 0, &n), 8);
	expect("filestat fd 99", __wasi_fd_filestat_get(99, &st), 8);
	expect("readdir fd 99", __wasi_fd_readdir(99, buf, 8, 0, &n), 8);
	expect("path_open fd 99",
	       __wasi_path_open(99, 0, "f", 0, ALL, ALL, 0, &fd2), 8);
	expect("sync fd 99", __wasi_fd_sync(99), 8);
	expect("set_size stdout", __wasi_fd_filestat_set_size(1, 0), 28);
	printf("%d failures\n", failures);
	return failures != 0;
}
