/*
 * files: the file functions of C's library on a preopened directory
 * (tests/wasi.sh runs it with --dir=SCRATCH::/sandbox): create, write,
 * read, append, O_EXCL, O_TRUNC, seek past the end, stat, directories,
 * rename, unlink, links, and paths that try to leave the preopen.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

/* Prints what and ok, or what it got. */
static void check(const char *what, int ok)
{
	printf("%-44s %s\n", what, ok ? "ok" : "WRONG");
	if (!ok)
		failures++;
}

/* A call that must fail with errno want. */
static void fails(const char *what, int r, int want)
{
	int e = errno;
	printf("%-44s %s\n", what, r < 0 && e == want ? "ok" : "WRONG");
	if (!(r < 0 && e == want)) {
		printf("  got %d, errno %d (%s), want %d (%s)\n", r, e,
		       strerror(e), want, strerror(want));
		failures++;
	}
}

static int put(const char *path, const char *mode, const char *text)
{
	FILE *f = fopen(path, mode);
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static const char *get(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;
	if (!f)
		return "(none)";
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	struct stat st;
	char buf[64];
	int fd;

	check("chdir to the preopen", chdir("/sandbox") == 0);
	check("fopen w", put("a.txt", "w", "hello\n") == 0);
	check("read back", strcmp(get("a.txt"), "hello\n") == 0);
	check("fopen a", put("a.txt", "a", "world\n") == 0);
	check("appended", strcmp(get("a.txt"), "hello\nworld\n") == 0);
	check("absolute path inside",
	      strcmp(get("/sandbox/a.txt"), "hello\nworld\n") == 0);
	fails("O_EXCL on existing",
	      open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0666), EEXIST);
	fd = open("a.txt", O_WRONLY | O_TRUNC);
	check("O_TRUNC", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	close(fd);
	fails("open missing", open("missing", O_RDONLY), ENOENT);
	fd = open("b.bin", O_CREAT | O_RDWR, 0666);
	check("lseek past end", lseek(fd, 1000, SEEK_SET) == 1000);
	check("write there", write(fd, "x", 1) == 1);
	check("size 1001",
	      fstat(fd, &st) == 0 && st.st_size == 1001 && S_ISREG(st.st_mode));
	check("hole reads zero",
	      pread(fd, buf, 4, 500) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
	check("pwrite", pwrite(fd, "abc", 3, 10) == 3);
	check("pread",
	      pread(fd, buf, 3, 10) == 3 && memcmp(buf, "abc", 3) == 0);
	check("position kept", lseek(fd, 0, SEEK_CUR) == 1001);
	check("SEEK_END", lseek(fd, -1, SEEK_END) == 1000);
	check("ftruncate",
	      ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
	fails("lseek negative", lseek(fd, -10, SEEK_SET), EINVAL);
	close(fd);
	fails("read on closed fd", read(fd, buf, 1), EBADF);
	check("mkdir", mkdir("d", 0777) == 0);
	fails("mkdir existing", mkdir("d", 0777), EEXIST);
	check("stat dir", stat("d", &st) == 0 && S_ISDIR(st.st_mode));
	check("file in dir", put("d/f", "w", "in d\n") == 0);
	check("path with ..", strcmp(get("d/../d/f"), "in d\n") == 0);
	fails("rmdir non-empty", rmdir("d"), ENOTEMPTY);
	fails("unlink a directory", unlink("d"), EISDIR);
	fails("rmdir a file", rmdir("a.txt"), ENOTDIR);
	check("rename",
	      rename("d/f", "g") == 0 && strcmp(get("g"), "in d\n") == 0);
	check("rename over existing", put("h", "w", "old\n") == 0 &&
					      rename("g", "h") == 0 &&
					      strcmp(get("h"), "in d\n") == 0);
	fails("renamed away", stat("g", &st), ENOENT);
	check("rmdir empty", rmdir("d") == 0);
	check("link",
	      link("h", "h2") == 0 && stat("h", &st) == 0 && st.st_nlink == 2);
	check("symlink", symlink("h", "s") == 0);
	check("readlink", readlink("s", buf, sizeof buf) == 1 && buf[0] == 'h');
	check("through symlink", strcmp(get("s"), "in d\n") == 0);
	check("lstat symlink", lstat("s", &st) == 0 && S_ISLNK(st.st_mode));
	check("unlink", unlink("h2") == 0 && unlink("s") == 0);
	/* Leaving the preopen. */
	fails("..", open("../x", O_RDONLY), ENOTCAPABLE);
	fails("/sandbox/..", open("/sandbox/../etc/passwd", O_RDONLY),
	      ENOTCAPABLE);
	fails("/etc/passwd", open("/etc/passwd", O_RDONLY), ENOTCAPABLE);
	check("mkdir sub", mkdir("sub", 0777) == 0);
	fails("sub/../../x", open("sub/../../x", O_RDONLY), ENOTCAPABLE);
	fails("file/..", open("b.bin/../h", O_RDONLY), ENOTDIR);
	check("symlink out",
	      symlink("../../../../../../etc/passwd", "out") == 0);
	fails("open symlink out", open("out", O_RDONLY), ENOTCAPABLE);
	fails("stat symlink out", stat("out", &st), ENOTCAPABLE);
	check("absolute symlink", symlink("/etc/passwd", "abs") == 0);
	fails("open absolute symlink", open("abs", O_RDONLY), ENOTCAPABLE);
	fails("mkdir outside", mkdir("../evil", 0777), ENOTCAPABLE);
	check("loop", symlink("loop", "loop") == 0);
	fails("open loop", open("loop", O_RDONLY), ELOOP);
	/* A directory listing through libc. */
	DIR *d = opendir(".");
	char *names[32];
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 32)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof *names, cmp);
	printf("listing:");
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	printf("%d failures\n", failures);
	return failures != 0;
}
