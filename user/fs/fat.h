/*
 * fat.h: a FAT32 file system over a block device (user/fs/README.md).
 * Pure C (string.h, stdlib.h's malloc): built for wasm32 into the fatfs
 * service and natively for the unit tests and the fuzzer. Not
 * thread-safe: one caller at a time per mounted file system.
 *
 * Every call returns FAT_OK (0), a count, or a negative FAT_E* code; a
 * damaged image gives FAT_EIO, never a crash or an endless loop.
 * Paths are UTF-8, '/'-separated, relative to the root whether or not
 * they start with '/'; "." and ".." are resolved by name (".." of the
 * root is the root). Names compare without ASCII case, as FAT does.
 */
#ifndef USER_FS_FAT_H
#define USER_FS_FAT_H

#include <stdbool.h>
#include <stdint.h>

enum {
	FAT_OK = 0,
	FAT_EIO = -1,	       /* device error or damaged file system */
	FAT_ENOENT = -2,       /* no such file or directory */
	FAT_EEXIST = -3,       /* the name exists */
	FAT_ENOTDIR = -4,      /* a path component is not a directory */
	FAT_EISDIR = -5,       /* a directory where a file is needed */
	FAT_ENOTEMPTY = -6,    /* directory not empty */
	FAT_ENOSPC = -7,       /* no free cluster or directory slot */
	FAT_EINVAL = -8,       /* bad argument, name or file system */
	FAT_ENAMETOOLONG = -9, /* a name over 255 UTF-16 units */
	FAT_EBUSY = -10,       /* the file is open (unlink, rmdir) */
	FAT_ENOMEM = -11,      /* out of memory */
	FAT_EFBIG = -12,       /* past FAT's 4 GiB - 1 file size */
	FAT_EBADF = -13,       /* not opened for that (read, write) */
	FAT_EROFS = -14,       /* the device is read-only */
};

/* The device: sectors of sector_size bytes (the file system's own). The
 * callbacks return 0 or a negative code (any is reported as FAT_EIO);
 * now gives the time in seconds since 1970 (UTC), or is NULL. */
struct fat_dev {
	void *ctx;
	uint32_t sector_size;
	uint64_t sectors;
	bool read_only;
	int (*read)(void *ctx, uint64_t sector, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t sector, uint32_t count,
		     const void *buf);
	int (*flush)(void *ctx);
	int64_t (*now)(void *ctx);
};

/* fat_open flags. */
enum {
	FAT_O_READ = 1,
	FAT_O_WRITE = 2,
	FAT_O_CREATE = 4,
	FAT_O_EXCL = 8,	     /* with CREATE: fail if it exists */
	FAT_O_TRUNC = 16,    /* size 0 (FAT_EBADF without WRITE) */
	FAT_O_APPEND = 32,   /* every write at the end (needs WRITE too) */
	FAT_O_DIRECTORY = 64 /* must be a directory */
};

enum { FAT_SEEK_SET, FAT_SEEK_CUR, FAT_SEEK_END };

#define FAT_NAME_MAX 768 /* UTF-8 bytes of a name, NUL included */

struct fat_stat {
	uint64_t ino;  /* unique while the file exists */
	uint64_t size; /* 0 for directories */
	bool dir;
	uint8_t attr;  /* FAT attribute bits (0x01 read-only, 0x10 dir...) */
	int64_t mtime; /* seconds since 1970, UTC (FAT keeps 2 s) */
	int64_t atime; /* the day only */
	int64_t ctime; /* creation */
};

struct fat_dirent {
	char name[FAT_NAME_MAX];
	struct fat_stat st;
};

struct fat_fs;
struct fat_file;

/* What a mount repaired after an unclean stop (FAT[1]'s clean bit
 * clear: user/fs/README.md): directory entries fixed or removed,
 * cluster chains cut, lost clusters freed, FAT mirror sectors
 * rewritten. */
struct fat_fix {
	bool repaired; /* the volume had not been stopped cleanly */
	uint32_t entries, chains, lost, mirrors;
};
/* Mounts the FAT32 file system on dev (copied), repairing it first if
 * it was not stopped cleanly (fat_fixed says what was done). */
int fat_mount(struct fat_fs **out, const struct fat_dev *dev);
void fat_fixed(struct fat_fs *fs, struct fat_fix *fix);
/* Writes everything back (fat_sync) and frees fs, unless a file is
 * still open: then FAT_EBUSY, and fs stays. Else the sync's status. */
int fat_unmount(struct fat_fs *fs);
/* Writes cached sectors, the FAT mirrors and FSInfo, flushes, then marks
 * the volume clean (FAT[1]). */
int fat_sync(struct fat_fs *fs);
/* Free and total bytes of the data area. */
void fat_space(struct fat_fs *fs, uint64_t *free, uint64_t *total);

int fat_open(struct fat_fs *fs, const char *path, int flags,
	     struct fat_file **out);
int fat_close(struct fat_file *f);
/* Read/write at the file's position, which moves; count or error. */
int64_t fat_read(struct fat_file *f, void *buf, uint32_t n);
int64_t fat_write(struct fat_file *f, const void *buf, uint32_t n);
/* The same at an offset, leaving the position alone. */
int64_t fat_pread(struct fat_file *f, void *buf, uint32_t n, uint64_t off);
int64_t fat_pwrite(struct fat_file *f, const void *buf, uint32_t n,
		   uint64_t off);
/* The new position, or an error. */
int64_t fat_seek(struct fat_file *f, int64_t off, int whence);
int fat_truncate(struct fat_file *f, uint64_t size);
int fat_fstat(struct fat_file *f, struct fat_stat *st);
/* The next entry of directory f from *cookie (0 at first, then as left
 * by the call): 1 and *ent, 0 at the end, or an error. "." and ".."
 * are not listed. */
int fat_readdir(struct fat_file *f, uint64_t *cookie, struct fat_dirent *ent);

int fat_stat(struct fat_fs *fs, const char *path, struct fat_stat *st);
int fat_mkdir(struct fat_fs *fs, const char *path);
int fat_unlink(struct fat_fs *fs, const char *path); /* files only */
int fat_rmdir(struct fat_fs *fs, const char *path);  /* empty dirs only */
/* Moves from to to, in one directory or across; replaces a file to, or
 * an empty directory to when from is one. */
int fat_rename(struct fat_fs *fs, const char *from, const char *to);

/* A short message for a FAT_E* code. */
const char *fat_strerror(int err);

#endif
