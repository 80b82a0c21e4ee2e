/*
 * fsconf: the WASI conformance set that runs alike on every backend:
 * hosted (`nebulet run --dir=SCRATCH::/sandbox`, tests/wasi.sh) and on
 * the firmament's FAT file system (tests/firmament/fsconf.manifest's
 * `run --dir=/::/sandbox`, on the hosted kernel in tests/firmament.sh
 * and on bare metal in tests/boot.sh, which compare the outputs). It works in a
 * directory of its own beneath the preopen, and leaves out what FAT cannot do
 * (links, symlinks, times, unlinking open files; kernel/README.md). Cases: bad
 * descriptors, oflags (creat, excl, trunc, directory), append, seek and
 * holes, large reads and writes, truncate and allocate, directories,
 * rename, unlink, rmdir, renumber, rights, a directory of 300 entries
 * listed with cookies through small buffers, and paths that try to
 * leave the preopen.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "expect.h"
#include "fsutil.h"

#define ALL ((__wasi_rights_t)0x3fffffff)
#define NFILES 300

static __wasi_fd_t top; /* the test's own directory */

/* Opens path beneath top: the errno, the descriptor in *fd. */
static int op(const char *path, int oflags, __wasi_rights_t rights, int fdflags,
	      __wasi_fd_t *fd)
{
	return __wasi_path_open(top, 0, path, oflags, rights, ALL, fdflags, fd);
}

/* oflags, append, seek, holes, sizes. */
static void files(void)
{
	__wasi_fd_t fd, fd2;
	__wasi_filestat_t st;
	__wasi_fdstat_t fs;
	__wasi_filesize_t pos;

	expect("open missing", op("f", 0, ALL, 0, &fd), 44);
	expect("creat", op("f", __WASI_OFLAGS_CREAT, ALL, 0, &fd), 0);
	expect("write", wr(fd, "0123456789"), 0);
	expect("creat|excl existing",
	       op("f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL, 0, &fd2),
	       20);
	expect("directory on a file",
	       op("f", __WASI_OFLAGS_DIRECTORY, ALL, 0, &fd2), 54);
	expect("trunc", op("f", __WASI_OFLAGS_TRUNC, ALL, 0, &fd2), 0);
	expect("truncated", __wasi_fd_filestat_get(fd2, &st), 0);
	expect("size 0", st.size, 0);
	expect("filetype regular", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	expect("close", __wasi_fd_close(fd2), 0);
	expect("close again", __wasi_fd_close(fd2), 8);
	expect("rewind", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
	expect("write at 0", wr(fd, "abc"), 0);
	expect("open append", op("f", 0, ALL, __WASI_FDFLAGS_APPEND, &fd2), 0);
	expect("seek 0", __wasi_fd_seek(fd2, 0, __WASI_WHENCE_SET, &pos), 0);
	expect("append write", wr(fd2, "XY"), 0);
	expect("appended at end", strcmp(rd(fd, 0), "abcXY"), 0);
	expect("fdstat append", __wasi_fd_fdstat_get(fd2, &fs), 0);
	expect("append flag", fs.fs_flags, __WASI_FDFLAGS_APPEND);
	expect("clear append", __wasi_fd_fdstat_set_flags(fd2, 0), 0);
	expect("seek 1", __wasi_fd_seek(fd2, 1, __WASI_WHENCE_SET, &pos), 0);
	expect("overwrite", wr(fd2, "B"), 0);
	expect("not appended", strcmp(rd(fd, 0), "aBcXY"), 0);
	expect("close", __wasi_fd_close(fd2), 0);
	expect("seek end", __wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos), 0);
	expect("at 5", pos, 5);
	expect("seek past end",
	       __wasi_fd_seek(fd, 100, __WASI_WHENCE_CUR, &pos), 0);
	expect("write past end", wr(fd, "z"), 0);
	expect("stat", __wasi_fd_filestat_get(fd, &st), 0);
	expect("size 106", st.size, 106);
	expect("hole reads zero", rd(fd, 50)[0], 0);
	expect("tell", __wasi_fd_tell(fd, &pos), 0);
	expect("tell 106", pos, 106);
	expect("seek negative",
	       __wasi_fd_seek(fd, -1000, __WASI_WHENCE_CUR, &pos), 28);
	expect("set_size", __wasi_fd_filestat_set_size(fd, 3), 0);
	expect("stat", __wasi_fd_filestat_get(fd, &st), 0);
	expect("size 3", st.size, 3);
	expect("allocate", __wasi_fd_allocate(fd, 0, 4096), 0);
	expect("stat", __wasi_fd_filestat_get(fd, &st), 0);
	expect("size 4096", st.size, 4096);
	expect("allocate inside", __wasi_fd_allocate(fd, 10, 10), 0);
	expect("stat", __wasi_fd_filestat_get(fd, &st), 0);
	expect("size still 4096", st.size, 4096);
	expect("advise", __wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_NORMAL), 0);
	expect("sync", __wasi_fd_sync(fd), 0);
	expect("datasync", __wasi_fd_datasync(fd), 0);
	expect("sync dir", __wasi_fd_sync(top), 0);
	expect("read a directory", __wasi_fd_read(top, NULL, 0, NULL), 31);
	expect("close", __wasi_fd_close(fd), 0);
}

/* Rights and renumbering. */
static void rights(void)
{
	__wasi_fd_t fd, fd2;
	__wasi_filesize_t pos;
	__wasi_fdstat_t fs;

	expect("read-only open", op("f", 0, __WASI_RIGHTS_FD_READ, 0, &fd), 0);
	expect("write it", wr(fd, "x"), 8);
	expect("seek without right",
	       __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 76);
	expect("more rights", __wasi_fd_fdstat_set_rights(fd, ALL, 0), 76);
	expect("fewer rights", __wasi_fd_fdstat_set_rights(fd, 0, 0), 0);
	expect("fdstat", __wasi_fd_fdstat_get(fd, &fs), 0);
	expect("rights now 0", fs.fs_rights_base, 0);
	expect("open another", op("f", 0, ALL, 0, &fd2), 0);
	expect("renumber", __wasi_fd_renumber(fd2, fd), 0);
	expect("old number gone", __wasi_fd_close(fd2), 8);
	expect("new number is the file", strncmp(rd(fd, 0), "aBc", 3), 0);
	expect("renumber to a closed fd", __wasi_fd_renumber(fd, 99), 8);
	expect("close", __wasi_fd_close(fd), 0);
}

/* Large transfers: past the 8 KiB of one FileSystem message. */
static void large(void)
{
	static char out[100000], in[100001];
	int fd, bad = 0;
	ssize_t n;

	for (size_t i = 0; i < sizeof out; i++)
		out[i] = (char)('a' + i * 7 % 26);
	fd = open("big", O_CREAT | O_RDWR | O_TRUNC, 0666);
	expect("create big", fd >= 0, 1);
	expect("write 100000 at once", write(fd, out, sizeof out),
	       (long)sizeof out);
	expect("seek back", lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, in, sizeof in);
	expect("read 100000 at once", n, (long)sizeof out);
	for (size_t i = 0; i < sizeof out; i++)
		bad += in[i] != out[i];
	expect("same bytes", bad, 0);
	expect("read at the end", read(fd, in, 10), 0);
	expect("pread across chunks", pread(fd, in, 20000, 8000), 20000);
	expect("same bytes", memcmp(in, out + 8000, 20000), 0);
	expect("close", close(fd), 0);
	expect("unlink big", unlink("big"), 0);
}

/* Directories, rename, unlink, and a large listing. */
static void dirs(void)
{
	__wasi_fd_t fd, sub;
	__wasi_filestat_t st;
	char name[16];
	struct stat s;

	expect("mkdir", __wasi_path_create_directory(top, "d"), 0);
	expect("mkdir again", __wasi_path_create_directory(top, "d"), 20);
	expect("stat dir", __wasi_path_filestat_get(top, 0, "d", &st), 0);
	expect("is a directory", st.filetype, __WASI_FILETYPE_DIRECTORY);
	expect("file in it", op("d/g", __WASI_OFLAGS_CREAT, ALL, 0, &fd), 0);
	expect("write", wr(fd, "in d"), 0);
	expect("close", __wasi_fd_close(fd), 0);
	expect("path with ..", op("d/../d/g", 0, ALL, 0, &fd), 0);
	expect("reads it", strcmp(rd(fd, 0), "in d"), 0);
	expect("close", __wasi_fd_close(fd), 0);
	expect("rmdir non-empty", __wasi_path_remove_directory(top, "d"), 55);
	expect("unlink a dir", __wasi_path_unlink_file(top, "d"), 31);
	expect("rmdir a file", __wasi_path_remove_directory(top, "f"), 54);
	expect("file/..", op("f/..", 0, ALL, 0, &fd), 54);
	expect("rename across dirs", __wasi_path_rename(top, "d/g", top, "g"),
	       0);
	expect("renamed away", __wasi_path_filestat_get(top, 0, "d/g", &st),
	       44);
	expect("rename over existing", __wasi_path_rename(top, "g", top, "f"),
	       0);
	expect("holds g's bytes", op("f", 0, ALL, 0, &fd), 0);
	expect("in d", strcmp(rd(fd, 0), "in d"), 0);
	expect("close", __wasi_fd_close(fd), 0);
	expect("rename missing", __wasi_path_rename(top, "nope", top, "x"), 44);
	expect("rmdir empty", __wasi_path_remove_directory(top, "d"), 0);
	expect("unlink", __wasi_path_unlink_file(top, "f"), 0);
	expect("unlink again", __wasi_path_unlink_file(top, "f"), 44);
	expect("empty path", op("", 0, ALL, 0, &fd), 44);
	expect("dot", op(".", __WASI_OFLAGS_DIRECTORY, ALL, 0, &fd), 0);
	expect("close", __wasi_fd_close(fd), 0);
	expect("mkdir many", __wasi_path_create_directory(top, "many"), 0);
	int made = 0;
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof name, "many/f%d", i);
		if (op(name, __WASI_OFLAGS_CREAT, ALL, 0, &fd) == 0)
			made += __wasi_fd_close(fd) == 0;
	}
	expect("300 files made", made, NFILES);
	expect("open many", op("many", __WASI_OFLAGS_DIRECTORY, ALL, 0, &sub),
	       0);
	expect("300 entries, 4096-byte buffer", listing(sub, 4096, NFILES),
	       NFILES);
	expect("300 entries, 64-byte buffer", listing(sub, 64, NFILES), NFILES);
	expect("300 entries, 30-byte buffer", listing(sub, 30, NFILES), NFILES);
	expect("readdir a file", op("many/f7", 0, ALL, 0, &fd), 0);
	char buf[64];
	__wasi_size_t used;
	expect("is ENOTDIR",
	       __wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &used), 54);
	expect("close", __wasi_fd_close(fd), 0);
	expect("close many", __wasi_fd_close(sub), 0);
	/* libc's view of the same */
	DIR *d = opendir("many");
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] == 'f';
	if (d)
		closedir(d);
	expect("readdir(3) sees 300", n, NFILES);
	expect("stat(2) of one", stat("many/f299", &s), 0);
	expect("a regular file", S_ISREG(s.st_mode), 1);
}

/* Leaving the preopen, bad descriptors. */
static void escapes(void)
{
	__wasi_fd_t fd;
	__wasi_filestat_t st;
	char buf[8];

	expect("..", op("../../x", 0, ALL, 0, &fd), 76);
	expect("absolute", op("/etc/passwd", 0, ALL, 0, &fd), 76);
	expect("sub/../../..", op("many/../../../x", 0, ALL, 0, &fd), 76);
	expect("mkdir outside", __wasi_path_create_directory(3, "../evil"), 76);
	expect("rename out", __wasi_path_rename(top, "many", 3, "../many"), 76);
	expect("stat out", __wasi_path_filestat_get(3, 0, "..", &st), 76);
	expect("open(2) outside",
	       open("/sandbox/../x", O_RDONLY) < 0 && errno == ENOTCAPABLE, 1);
	expect("read fd 99", read(99, buf, 1) < 0 && errno == EBADF, 1);
	expect("filestat fd 99", __wasi_fd_filestat_get(99, &st), 8);
	expect("readdir fd 99",
	       __wasi_fd_readdir(99, (uint8_t *)buf, sizeof buf, 0, NULL), 8);
	expect("path_open fd 99",
	       __wasi_path_open(99, 0, "x", 0, ALL, ALL, 0, &fd), 8);
	expect("sync fd 99", __wasi_fd_sync(99), 8);
	expect("close fd 99", __wasi_fd_close(99), 8);
	expect("path on stdout", __wasi_path_create_directory(1, "x"), 54);
	expect("seek stdout",
	       __wasi_fd_seek(1, 0, __WASI_WHENCE_SET,
			      (__wasi_filesize_t *)buf),
	       70);
}

int main(void)
{
	__wasi_prestat_t ps;
	char name[16] = {0};

	expect("prestat fd 3", __wasi_fd_prestat_get(3, &ps), 0);
	expect("prestat name length", ps.u.dir.pr_name_len, 8);
	expect("dir_name", __wasi_fd_prestat_dir_name(3, (uint8_t *)name, 8),
	       0);
	expect("it is /sandbox", strcmp(name, "/sandbox"), 0);
	expect("prestat fd 4 (none)", __wasi_fd_prestat_get(4, &ps), 8);
	expect("chdir into it", chdir("/sandbox"), 0);
	expect("mkdir conf", mkdir("conf", 0777), 0);
	expect("chdir conf", chdir("conf"), 0);
	expect("open conf",
	       __wasi_path_open(3, 0, "conf", __WASI_OFLAGS_DIRECTORY, ALL, ALL,
				0, &top),
	       0);
	files();
	rights();
	large();
	dirs();
	escapes();
	printf("%d failures\n", failures);
	return failures != 0;
}
