/*
 * fuzz_fat.c: libFuzzer target for the FAT32 library (user/fs/). The
 * input is the start of a 1 MiB disk (the rest zeros): a damaged or
 * hostile file system. If it mounts, the tree is walked (readdir, stat,
 * every file read through, 4 levels and 64 entries a directory at
 * most: the harness, not the library, could loop on a directory that
 * contains its ancestor), then files and directories are made, written,
 * renamed, cut and removed, the first entry of the root among them.
 * Any status is fine; a crash, sanitizer report or hang is not.
 */
#include <stdio.h>
#include <string.h>

#include "user/fs/fat.h"

#define SECTORS 2048u

static uint8_t disk[SECTORS * 512];

static int mem_read(void *ctx, uint64_t sec, uint32_t n, void *buf)
{
	memcpy(buf, disk + sec * 512, (size_t)n * 512);
	return 0;
}

static int mem_write(void *ctx, uint64_t sec, uint32_t n, const void *buf)
{
	memcpy(disk + sec * 512, buf, (size_t)n * 512);
	return 0;
}

/* Reads path through. */
static void read_file(struct fat_fs *fs, const char *path)
{
	struct fat_file *f;
	static uint8_t buf[3000];
	if (fat_open(fs, path, FAT_O_READ, &f))
		return;
	while (fat_read(f, buf, sizeof buf) > 0)
		;
	fat_close(f);
}

/* Lists directory path and what is below it; copies the first name
 * found into first (if still empty). */
static void walk(struct fat_fs *fs, const char *path, int depth, char *first)
{
	static struct fat_dirent ent;
	struct fat_file *d;
	struct fat_stat st;
	uint64_t cookie = 0;
	char sub[1024];

	if (fat_open(fs, path, FAT_O_READ | FAT_O_DIRECTORY, &d))
		return;
	for (int n = 0; n < 64 && fat_readdir(d, &cookie, &ent) == 1; n++) {
		snprintf(sub, sizeof sub, "%s/%s", path, ent.name);
		if (!*first)
			snprintf(first, 1024, "%s", sub);
		fat_stat(fs, sub, &st);
		if (ent.st.dir && depth < 4)
			walk(fs, sub, depth + 1, first);
		else if (!ent.st.dir)
			read_file(fs, sub);
	}
	fat_close(d);
}

/* Changes the tree. */
static void change(struct fat_fs *fs, const char *first)
{
	static const char data[5000] = "fuzz";
	struct fat_file *f;
	fat_mkdir(fs, "fz");
	if (!fat_open(fs, "fz/A Long File Name.txt",
		      FAT_O_READ | FAT_O_WRITE | FAT_O_CREATE, &f)) {
		fat_write(f, data, sizeof data);
		fat_seek(f, 9000, FAT_SEEK_SET);
		fat_write(f, data, 100);
		fat_truncate(f, 100);
		fat_close(f);
	}
	fat_rename(fs, "fz/A Long File Name.txt", "moved.txt");
	fat_rename(fs, "fz", "fz2");
	fat_unlink(fs, "moved.txt");
	fat_rmdir(fs, "fz2");
	if (*first && !fat_rename(fs, first, "renamed entry")) {
		read_file(fs, "renamed entry");
		if (fat_unlink(fs, "renamed entry") == FAT_EISDIR)
			fat_rmdir(fs, "renamed entry");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fat_dev dev = {NULL,	512,	   SECTORS, false,
			      mem_read, mem_write, NULL,    NULL};
	struct fat_fs *fs;
	char first[1024] = "";

	memset(disk, 0, sizeof disk);
	memcpy(disk, data, size < sizeof disk ? size : sizeof disk);
	if (fat_mount(&fs, &dev))
		return 0;
	walk(fs, "", 0, first);
	change(fs, first);
	walk(fs, "", 0, first);
	fat_unmount(fs);
	return 0;
}
