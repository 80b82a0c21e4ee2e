/*
 * test_fat.c: the FAT32 library (user/fs/) on image files that Debian's
 * dosfstools and mtools make and check: files mcopy'd in read back
 * whole, what the library writes passes `fsck.fat -n` and reads back
 * through mdir/mtype, short names are the ones Windows would make, and
 * damaged images give errors, not crashes or hangs, and a power cut at
 * any write leaves a volume that the next mount repairs (fsck.fat -n
 * clean, synced files whole). Needs mkfs.fat,
 * fsck.fat, mcopy, mmd, mdir and mtype (tools/deps.sh).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "user/fs/fat.h"

static char tmp[64];
static char img[128];

/* Runs a shell command made from fmt; its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int dev_read(void *ctx, uint64_t sec, uint32_t n, void *buf)
{
	int fd = *(int *)ctx;
	return pread(fd, buf, (size_t)n * 512, (off_t)sec * 512) ==
			       (ssize_t)n * 512
		       ? 0
		       : -1;
}

static int dev_write(void *ctx, uint64_t sec, uint32_t n, const void *buf)
{
	int fd = *(int *)ctx;
	return pwrite(fd, buf, (size_t)n * 512, (off_t)sec * 512) ==
			       (ssize_t)n * 512
		       ? 0
		       : -1;
}

static int64_t dev_now(void *ctx)
{
	return 1765000000; /* 2025-12-06 05:46:40 UTC */
}

static int img_fd = -1;

/* Mounts file path (into *fs): the mount's status. */
static int mount_path(const char *path, struct fat_fs **fs)
{
	struct stat st;
	if (img_fd >= 0)
		close(img_fd);
	img_fd = open(path, O_RDWR);
	if (img_fd < 0 || fstat(img_fd, &st))
		return -100;
	struct fat_dev dev = {&img_fd, 512,	 (uint64_t)st.st_size / 512,
			      false,   dev_read, dev_write,
			      NULL,    dev_now};
	return fat_mount(fs, &dev);
}

/* A new 64 MiB FAT32 image in img. */
static void fresh(void)
{
	sh("rm -f %s && mkfs.fat -F 32 -C %s 65536 >/dev/null", img, img);
}

/* Host file tmp/name with n bytes of pattern seed. */
static void host_file(const char *name, size_t n, unsigned seed)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	FILE *f = fopen(path, "wb");
	for (size_t i = 0; i < n; i++)
		fputc((int)((i * 31 + seed + i / 511) & 0xFF), f);
	fclose(f);
}

/* The contents of host file tmp/name (malloc'd, *n bytes). */
static uint8_t *host_read(const char *name, size_t *n)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmp, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*n + 1);
	*n = fread(b, 1, *n, f);
	fclose(f);
	return b;
}

/* True if path in fs holds exactly host file tmp/name, read in chunks
 * of chunk bytes. */
static bool same_as_host(struct fat_fs *fs, const char *path, const char *name,
			 uint32_t chunk)
{
	size_t n;
	uint8_t *want = host_read(name, &n), *got = malloc(n + chunk);
	struct fat_file *f;
	bool ok = false;
	if (fat_open(fs, path, FAT_O_READ, &f) == FAT_OK) {
		size_t at = 0;
		int64_t r;
		while ((r = fat_read(f, got + at, chunk)) > 0)
			at += (size_t)r;
		ok = r == 0 && at == n && !memcmp(got, want, n);
		fat_close(f);
	}
	free(want);
	free(got);
	return ok;
}

/* Files put in by mtools read back whole, in chunks of many sizes. */
static void t_read_mtools(void)
{
	struct fat_fs *fs;
	fresh();
	host_file("hello.txt", 13, 1);
	host_file("big.bin", 5 << 20, 2);
	host_file("deep.bin", 100000, 3);
	host_file("long.txt", 1000, 4);
	CHECK(sh("cd %s && mcopy -i %s hello.txt ::/hello.txt && "
		 "mcopy -i %s hello.txt ::/UPPER.TXT && "
		 "mcopy -i %s big.bin ::/big.bin && "
		 "mcopy -i %s long.txt '::/A long file name, with spaces.text' "
		 "&& "
		 "mmd -i %s ::/docs ::/docs/Sub && "
		 "mcopy -i %s deep.bin '::/docs/Sub/deep file.bin'",
		 tmp, img, img, img, img, img, img) == 0);
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(same_as_host(fs, "hello.txt", "hello.txt", 5));
	CHECK(same_as_host(fs, "/HELLO.TXT", "hello.txt", 4096));
	CHECK(same_as_host(fs, "upper.txt", "hello.txt", 1));
	CHECK(same_as_host(fs, "big.bin", "big.bin", 7777));
	CHECK(same_as_host(fs, "big.bin", "big.bin", 1 << 20));
	CHECK(same_as_host(fs, "a long FILE name, with spaces.text", "long.txt",
			   100));
	CHECK(same_as_host(fs, "ALONGF~1.TEX", "long.txt", 100));
	CHECK(same_as_host(fs, "docs/sub/deep file.bin", "deep.bin", 3000));
	CHECK(same_as_host(fs, "/docs/./Sub/../Sub//deep file.bin", "deep.bin",
			   512));

	struct fat_file *d;
	struct fat_dirent ent;
	uint64_t cookie = 0;
	char names[512] = "";
	CHECK(fat_open(fs, "/", FAT_O_READ, &d) == FAT_OK);
	while (fat_readdir(d, &cookie, &ent) == 1) {
		strcat(names, ent.name);
		strcat(names, ent.st.dir ? "/|" : "|");
	}
	fat_close(d);
	CHECK(!strcmp(names, "hello.txt|UPPER.TXT|big.bin|A long file name, "
			     "with spaces.text|docs/|"));
	struct fat_stat st;
	CHECK(fat_stat(fs, "big.bin", &st) == FAT_OK && st.size == 5 << 20 &&
	      !st.dir);
	CHECK(fat_stat(fs, "docs/Sub", &st) == FAT_OK && st.dir);
	CHECK(fat_stat(fs, "docs/none", &st) == FAT_ENOENT);
	CHECK(fat_stat(fs, "big.bin/x", &st) == FAT_ENOTDIR);
	CHECK(fat_unmount(fs) == FAT_OK);
}

/* Writes data (n bytes) to path, created or truncated. */
static int put(struct fat_fs *fs, const char *path, const void *data, size_t n)
{
	struct fat_file *f;
	int r = fat_open(fs, path, FAT_O_WRITE | FAT_O_CREATE | FAT_O_TRUNC,
			 &f);
	if (r)
		return r;
	int64_t w = fat_write(f, data, (uint32_t)n);
	fat_close(f);
	return w == (int64_t)n ? FAT_OK : (int)w;
}

/* True if mtype of path in the image prints exactly host file name. */
static bool mtype_is(const char *path, const char *name)
{
	return sh("mtype -i %s '::/%s' | cmp -s - %s/%s", img, path, tmp,
		  name) == 0;
}

/* What the library writes, fsck.fat and mtools accept and read back. */
static void t_write_check(void)
{
	struct fat_fs *fs;
	struct fat_file *f;
	fresh();
	host_file("w1", 300000, 7);
	host_file("w2", 1234567, 8);
	size_t n1, n2;
	uint8_t *b1 = host_read("w1", &n1), *b2 = host_read("w2", &n2);
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(put(fs, "first file.txt", b1, n1) == FAT_OK);
	CHECK(fat_mkdir(fs, "made") == FAT_OK);
	CHECK(fat_mkdir(fs, "made/Inner Dir") == FAT_OK);
	CHECK(put(fs, "made/Inner Dir/second.bin", b2, n2) == FAT_OK);
	CHECK(put(fs, "gone.txt", b1, 1000) == FAT_OK);
	CHECK(put(fs, "moved.txt", b1, 5000) == FAT_OK);
	CHECK(put(fs, "renamed.txt", b1, 700) == FAT_OK);
	CHECK(fat_mkdir(fs, "empty") == FAT_OK);
	CHECK(fat_rmdir(fs, "empty") == FAT_OK);
	CHECK(fat_unlink(fs, "gone.txt") == FAT_OK);
	CHECK(fat_rename(fs, "moved.txt", "made/Inner Dir/moved here.txt") ==
	      FAT_OK);
	CHECK(fat_rename(fs, "renamed.txt", "Renamed Again.TXT") == FAT_OK);
	CHECK(fat_mkdir(fs, "tomove") == FAT_OK);
	CHECK(put(fs, "tomove/in.txt", b1, 10) == FAT_OK);
	CHECK(fat_rename(fs, "tomove", "made/moved dir") == FAT_OK);
	/* a hole, a tail cut, an append */
	CHECK(fat_open(fs, "holes.bin", FAT_O_WRITE | FAT_O_CREATE, &f) == 0);
	CHECK(fat_seek(f, 10000, FAT_SEEK_SET) == 10000);
	CHECK(fat_write(f, "end", 3) == 3);
	CHECK(fat_truncate(f, 10001) == FAT_OK);
	CHECK(fat_truncate(f, 20000) == FAT_OK);
	fat_close(f);
	CHECK(fat_open(fs, "holes.bin", FAT_O_WRITE | FAT_O_APPEND, &f) == 0);
	CHECK(fat_write(f, "zz", 2) == 2);
	fat_close(f);
	CHECK(fat_unmount(fs) == FAT_OK);

	CHECK(sh("fsck.fat -n %s >%s/fsck.out 2>&1", img, tmp) == 0);
	CHECK(sh("grep -q 'Free cluster summary' %s/fsck.out", tmp) != 0);
	CHECK(mtype_is("first file.txt", "w1"));
	CHECK(mtype_is("made/Inner Dir/second.bin", "w2"));
	CHECK(sh("head -c 5000 %s/w1 >%s/w1b && head -c 700 %s/w1 >%s/w1c && "
		 "head -c 10 %s/w1 >%s/w1d",
		 tmp, tmp, tmp, tmp, tmp, tmp) == 0);
	CHECK(mtype_is("made/Inner Dir/moved here.txt", "w1b"));
	CHECK(mtype_is("Renamed Again.TXT", "w1c"));
	CHECK(mtype_is("made/moved dir/in.txt", "w1d"));
	CHECK(sh("head -c 10000 /dev/zero >%s/h && printf e >>%s/h && "
		 "head -c 9999 /dev/zero >>%s/h && printf zz >>%s/h",
		 tmp, tmp, tmp, tmp) == 0);
	CHECK(mtype_is("holes.bin", "h"));
	CHECK(sh("mdir -/ -b -i %s :: | sort >%s/ls.sorted", img, tmp) == 0);
	FILE *want =
		fopen(strcat(strcpy((char[256]){0}, tmp), "/ls.want"), "w");
	fputs("::/first file.txt\n::/made/\n::/made/Inner Dir/\n"
	      "::/made/Inner Dir/second.bin\n"
	      "::/made/Inner Dir/moved here.txt\n::/made/moved dir/\n"
	      "::/made/moved dir/in.txt\n::/Renamed Again.TXT\n"
	      "::/holes.bin\n",
	      want);
	fclose(want);
	CHECK(sh("sort %s/ls.want | diff - %s/ls.sorted", tmp, tmp) == 0);
	/* the moved directory's ".." points at its new parent */
	CHECK(sh("mdir -i %s '::/made/moved dir/../Inner Dir' | grep -q second",
		 img) == 0);
	free(b1);
	free(b2);
}

/* Short names as Windows makes them; mdir shows them. */
static void t_short_names(void)
{
	struct fat_fs *fs;
	static const char *const names[] = {
		"longfilename.txt", "LongFileName2.txt", "Makefile",
		"x.tar.gz",	    ".hidden",		 "a+b.c",
		"lower.c",	    "Ünïcødé.txt",	 "UP.TXT"};
	fresh();
	CHECK(mount_path(img, &fs) == FAT_OK);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		CHECK(put(fs, names[i], "x", 1) == FAT_OK);
	CHECK(fat_unmount(fs) == FAT_OK);
	CHECK(sh("fsck.fat -n %s >/dev/null 2>&1", img) == 0);
	CHECK(sh("mdir -i %s :: >%s/sn", img, tmp) == 0);
	static const char *const want[] = {
		"LONGFI~1 TXT", "LONGFI~2 TXT", "MAKEFILE      ",
		"XTAR~1   GZ",	"HIDDEN~1",	"A_B~1    C",
		"lower    c ",	"_N_C_D~1 TXT", "UP       TXT"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		bool ok = sh("grep -q '^%s' %s/sn", want[i], tmp) == 0;
		if (!ok)
			printf("  no short name '%s'\n", want[i]);
		CHECK(ok);
	}
	CHECK(sh("grep -q ' Makefile$' %s/sn && grep -q ' .hidden$' %s/sn && "
		 "! grep -q ' lower.c$' %s/sn",
		 tmp, tmp, tmp) == 0);
	CHECK(sh("LC_ALL=C.UTF-8 mdir -i %s :: | grep -q 'Ünïcødé.txt'", img) ==
	      0);
}

/* Error codes of the namespace calls. */
static void t_errors(void)
{
	struct fat_fs *fs;
	struct fat_file *f, *g;
	char longname[300];
	fresh();
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(put(fs, "f", "abc", 3) == FAT_OK);
	CHECK(fat_mkdir(fs, "d") == FAT_OK);
	CHECK(put(fs, "d/x", "abc", 3) == FAT_OK);
	CHECK(fat_open(fs, "nope", FAT_O_READ, &f) == FAT_ENOENT);
	CHECK(fat_open(fs, "f", FAT_O_CREATE | FAT_O_EXCL | FAT_O_WRITE, &f) ==
	      FAT_EEXIST);
	CHECK(fat_open(fs, "d", FAT_O_WRITE, &f) == FAT_EISDIR);
	CHECK(fat_open(fs, "f", FAT_O_READ | FAT_O_DIRECTORY, &f) ==
	      FAT_ENOTDIR);
	CHECK(fat_open(fs, "f", FAT_O_READ | FAT_O_TRUNC, &f) == FAT_EBADF);
	CHECK(fat_mkdir(fs, "F") == FAT_EEXIST);
	CHECK(fat_mkdir(fs, "/") == FAT_EEXIST);
	CHECK(fat_rmdir(fs, "d") == FAT_ENOTEMPTY);
	CHECK(fat_rmdir(fs, "f") == FAT_ENOTDIR);
	CHECK(fat_unlink(fs, "d") == FAT_EISDIR);
	CHECK(fat_rename(fs, "d", "d/inside") == FAT_EINVAL);
	CHECK(fat_rename(fs, "f", "d") == FAT_EISDIR);
	CHECK(fat_rename(fs, "d", "f") == FAT_ENOTDIR);
	CHECK(fat_mkdir(fs, "a*b") == FAT_EINVAL);
	CHECK(fat_mkdir(fs, "trailing.") == FAT_EINVAL);
	memset(longname, 'n', 256);
	longname[256] = 0;
	CHECK(fat_mkdir(fs, longname) == FAT_ENAMETOOLONG);
	longname[255] = 0;
	CHECK(fat_mkdir(fs, longname) == FAT_OK);
	CHECK(fat_open(fs, "f", FAT_O_READ, &f) == FAT_OK);
	CHECK(fat_unlink(fs, "f") == FAT_EBUSY);
	CHECK(fat_write(f, "x", 1) == FAT_EBADF);
	/* a rename while open: the handle follows the file */
	CHECK(fat_rename(fs, "f", "d/f2") == FAT_OK);
	CHECK(fat_open(fs, "d/F2", FAT_O_WRITE, &g) == FAT_OK);
	CHECK(fat_pwrite(g, "XY", 2, 1) == 2);
	char buf[8] = {0};
	CHECK(fat_read(f, buf, sizeof buf) == 3 && !memcmp(buf, "aXY", 3));
	fat_close(g);
	fat_close(f);
	CHECK(fat_rename(fs, "d/f2", "d/x") == FAT_OK); /* replaces x */
	CHECK(fat_stat(fs, "d/f2", &(struct fat_stat){0}) == FAT_ENOENT);
	CHECK(fat_unmount(fs) == FAT_OK);
	CHECK(sh("fsck.fat -n %s >/dev/null 2>&1", img) == 0);
	CHECK(sh("mtype -i %s ::/d/x | grep -qx aXY", img) == 0);
}

/* A directory of 600 files (many clusters), half of them removed. */
static void t_big_dir(void)
{
	struct fat_fs *fs;
	char name[64];
	fresh();
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(fat_mkdir(fs, "many") == FAT_OK);
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof name, "many/file number %d.txt", i);
		CHECK(put(fs, name, name, strlen(name)) == FAT_OK);
	}
	for (int i = 0; i < 600; i += 2) {
		snprintf(name, sizeof name, "many/file number %d.txt", i);
		CHECK(fat_unlink(fs, name) == FAT_OK);
	}
	struct fat_file *d;
	struct fat_dirent ent;
	uint64_t cookie = 0;
	int count = 0;
	CHECK(fat_open(fs, "many", FAT_O_READ, &d) == FAT_OK);
	while (fat_readdir(d, &cookie, &ent) == 1)
		count++;
	fat_close(d);
	CHECK(count == 300);
	CHECK(fat_unmount(fs) == FAT_OK);
	CHECK(sh("fsck.fat -n %s >/dev/null 2>&1", img) == 0);
	CHECK(sh("mdir -b -i %s ::/many | wc -l | grep -qx 300", img) == 0);
	CHECK(sh("mtype -i %s '::/many/file number 599.txt' | "
		 "grep -qx 'many/file number 599.txt'",
		 img) == 0);
}

/* Patches n bytes at off of the image. */
static void patch(long off, const void *b, size_t n)
{
	int fd = open(img, O_RDWR);
	CHECK(pwrite(fd, b, n, off) == (ssize_t)n);
	close(fd);
}

/* Layout of the 64 MiB image mkfs.fat makes: the FAT at sector 32, two
 * FATs of 1009 sectors, cluster 2 (the root) at sector 2050, 512-byte
 * clusters. */
#define FAT0 (32 * 512L)
#define ROOT (2050 * 512L)

/* Copies the saved image back and patches 4 bytes at off to v. */
static void damage(long off, uint32_t v)
{
	sh("cp %s/orig.img %s", tmp, img);
	patch(off, &v, 4);
}

/* Reads path through; the last status (0 at the end, or an error). */
static int64_t read_all(struct fat_fs *fs, const char *path)
{
	struct fat_file *f;
	uint8_t buf[1000];
	int64_t r = fat_open(fs, path, FAT_O_READ, &f);
	if (r)
		return r;
	while ((r = fat_read(f, buf, sizeof buf)) > 0)
		;
	fat_close(f);
	return r;
}

/* Damaged images: errors, never a crash or a hang. c.bin is clusters
 * 3..8, dir starts at 9 with its 20 files. */
static void t_corrupt(void)
{
	struct fat_fs *fs;
	struct fat_stat st;
	fresh();
	host_file("c", 3000, 9);
	CHECK(sh("cd %s && mcopy -i %s c ::/c.bin && mmd -i %s ::/dir && "
		 "for i in $(seq 1 20); do mcopy -i %s c ::/dir/f$i; done",
		 tmp, img, img, img) == 0);
	CHECK(sh("cp %s %s/orig.img", img, tmp) == 0);
	CHECK(sh("dd if=%s bs=1 skip=%ld count=11 2>/dev/null | "
		 "grep -q 'C       BIN'",
		 img, ROOT) == 0);

	damage(FAT0 + 8 * 4, 3); /* the chain's end loops to its start */
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(read_all(fs, "c.bin") == 0); /* the size stops the reader */
	CHECK(fat_unlink(fs, "c.bin") == FAT_EIO);
	fat_unmount(fs);

	static const uint32_t links[] = {0x0FFFFFF0, 0, 1, 0x0FFFFFF7, 2000000};
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		damage(FAT0 + 4 * 4, links[i]);
		CHECK(mount_path(img, &fs) == FAT_OK);
		CHECK(read_all(fs, "c.bin") == FAT_EIO);
		fat_unmount(fs);
	}

	damage(ROOT + 28, 1000000); /* bigger than its chain */
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(read_all(fs, "c.bin") == FAT_EIO);
	fat_unmount(fs);

	damage(ROOT + 20, 0x0FFF); /* first cluster out of range */
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(read_all(fs, "c.bin") == FAT_EIO);
	CHECK(fat_stat(fs, "c.bin", &st) == FAT_EIO);
	fat_unmount(fs);

	damage(FAT0 + 9 * 4, 9); /* a directory looping on itself */
	CHECK(mount_path(img, &fs) == FAT_OK);
	struct fat_file *d;
	struct fat_dirent ent;
	uint64_t cookie = 0;
	int n = 0, r;
	CHECK(fat_open(fs, "dir", FAT_O_READ, &d) == FAT_OK);
	while ((r = fat_readdir(d, &cookie, &ent)) == 1)
		n++;
	fat_close(d);
	CHECK(r == 0 && n > 20 && n < 65536);
	CHECK(fat_stat(fs, "dir/nothing", &st) == FAT_ENOENT);
	CHECK(fat_mkdir(fs, "dir/new") == FAT_ENOSPC);
	fat_unmount(fs);

	damage(512 + 488, 0x7FFFFFFF); /* FSInfo's count */
	CHECK(mount_path(img, &fs) == FAT_OK);
	CHECK(put(fs, "new", "x", 1) == FAT_OK);
	CHECK(fat_unmount(fs) == FAT_OK);
	CHECK(sh("fsck.fat -n %s >/dev/null 2>&1", img) == 0);

	/* a bad boot sector, and an image cut short */
	static const struct {
		long off;
		uint8_t v;
	} bad[] = {{0, 0},  {11, 3}, {12, 0x10}, {13, 3}, {14, 0}, {16, 0},
		   {17, 1}, {22, 1}, {39, 0x80}, {42, 1}, {44, 1}, {510, 0}};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		sh("cp %s/orig.img %s", tmp, img);
		patch(bad[i].off, &bad[i].v, 1);
		int r = mount_path(img, &fs);
		if (r == FAT_OK)
			fat_unmount(fs);
		if (r != FAT_EINVAL)
			printf("  byte %ld = %#x: mount gave %d\n", bad[i].off,
			       bad[i].v, r);
		CHECK(r == FAT_EINVAL);
	}
	sh("cp %s/orig.img %s && truncate -s 60M %s", tmp, img, img);
	CHECK(mount_path(img, &fs) == FAT_EINVAL);
}

/* The power-cut device: an image mapped in memory whose writes after
 * the first cut_after are lost (and say they succeeded). */
static uint8_t *cut_img;
static long cut_after, cut_writes;

static int cut_read(void *ctx, uint64_t sec, uint32_t n, void *buf)
{
	memcpy(buf, cut_img + sec * 512, (size_t)n * 512);
	return 0;
}

static int cut_write(void *ctx, uint64_t sec, uint32_t n, const void *buf)
{
	if (cut_writes++ < cut_after)
		memcpy(cut_img + sec * 512, buf, (size_t)n * 512);
	return 0;
}

/* n bytes of pattern k at p. */
static void fill(uint8_t *p, size_t n, unsigned k)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13 + k * 7 + i / 509);
}

/* The crash workload: files made and synced (sync point j: files j*2,
 * j*2+1 whole from then on, never touched again), with renames,
 * unlinks, truncates, a directory grown past a cluster, in between.
 * Sets synced[j] to the write count when sync j returned. */
static void workload(struct fat_fs *fs, long *synced)
{
	static uint8_t buf[20000];
	char name[64];
	struct fat_file *f;

	for (unsigned j = 0; j < 4; j++) {
		for (unsigned k = j * 2; k < j * 2 + 2; k++) {
			snprintf(name, sizeof name, "kept file %u.bin", k);
			fill(buf, 3000 + k * 1500, k);
			put(fs, name, buf, 3000 + k * 1500);
		}
		fat_sync(fs);
		synced[j] = cut_writes;
		snprintf(name, sizeof name, "d%u", j);
		fat_mkdir(fs, name);
		for (unsigned k = 0; k < 6; k++) {
			snprintf(name, sizeof name, "d%u/a longer name %u", j,
				 k);
			fill(buf, 700 * k, k);
			put(fs, name, buf, 700 * k);
		}
		snprintf(name, sizeof name, "d%u/a longer name 2", j);
		fat_rename(fs, name, j ? "d0/moved" : "moved");
		snprintf(name, sizeof name, "d%u/a longer name 3", j);
		fat_unlink(fs, name);
		snprintf(name, sizeof name, "d%u/a longer name 5", j);
		if (fat_open(fs, name, FAT_O_WRITE, &f) == FAT_OK) {
			fat_truncate(f, 100);
			fat_write(f, buf, sizeof buf);
			fat_close(f);
		}
	}
}

/* A power cut after each of the workload's writes in turn (every
 * fourth one): the next mount repairs the volume, fsck.fat -n finds it
 * clean and every file synced before the cut reads back whole. */
static void t_power_cut(void)
{
	static uint8_t want[20000], got[20000];
	struct fat_fs *fs;
	long synced[4], total;
	char name[64];
	int fails = 0;

	sh("rm -f %s && mkfs.fat -F 32 -C %s 33300 >/dev/null", img, img);
	int fd = open(img, O_RDWR);
	size_t size = 33300 * 1024;
	cut_img = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint8_t *orig = malloc(size);
	memcpy(orig, cut_img, size);
	struct fat_dev dev = {NULL,	512,	   size / 512, false,
			      cut_read, cut_write, NULL,       dev_now};
	cut_after = 1L << 30;
	cut_writes = 0;
	CHECK(fat_mount(&fs, &dev) == FAT_OK);
	workload(fs, synced);
	fat_unmount(fs);
	total = cut_writes;
	CHECK(total > 100);
	for (long cut = 0; cut <= total && fails < 3; cut += 4) {
		memcpy(cut_img, orig, size);
		cut_after = cut;
		cut_writes = 0;
		if (fat_mount(&fs, &dev) != FAT_OK)
			continue;
		workload(fs, synced);
		fat_unmount(fs);
		cut_after = 1L << 30;
		int r = fat_mount(&fs, &dev);
		bool ok = r == FAT_OK;
		for (unsigned j = 0; ok && j < 4 && synced[j] <= cut; j++)
			for (unsigned k = j * 2; k < j * 2 + 2; k++) {
				struct fat_file *f = NULL;
				uint32_t n = 3000 + k * 1500;
				snprintf(name, sizeof name, "kept file %u.bin",
					 k);
				fill(want, n, k);
				ok = ok &&
				     fat_open(fs, name, FAT_O_READ, &f) == 0;
				ok = ok && fat_read(f, got, sizeof got) == n &&
				     !memcmp(got, want, n);
				if (f)
					fat_close(f);
			}
		if (r == FAT_OK)
			fat_unmount(fs);
		msync(cut_img, size, MS_SYNC);
		if (!ok || sh("fsck.fat -n %s >%s/fsck 2>&1", img, tmp)) {
			printf("  cut after write %ld of %ld:\n", cut, total);
			sh("head -n 8 %s/fsck", tmp);
			fails++;
		}
	}
	CHECK(fails == 0);
	munmap(cut_img, size);
	free(orig);
	close(fd);
}

int main(void)
{
	strcpy(tmp, "/tmp/test_fat.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	snprintf(img, sizeof img, "%s/fs.img", tmp);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	run("fat: read files mcopy'd in", t_read_mtools);
	run("fat: writes pass fsck.fat and read back with mtools",
	    t_write_check);
	run("fat: short names", t_short_names);
	run("fat: error codes", t_errors);
	run("fat: a directory of 600 files", t_big_dir);
	run("fat: damaged images", t_corrupt);
	run("fat: a power cut at any write, then a mount that repairs",
	    t_power_cut);
	if (img_fd >= 0)
		close(img_fd);
	if (!getenv("KEEP"))
		sh("rm -rf %s", tmp);
	return failures ? 1 : 0;
}
