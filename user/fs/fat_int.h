/*
 * fat_int.h: what the files of the FAT library share (not for its
 * users): the mounted file system, its sector cache, open nodes and the
 * on-disk layout of directory entries.
 */
#ifndef USER_FS_FAT_INT_H
#define USER_FS_FAT_INT_H

#include <stddef.h>

#include "fat.h"

#define FAT_CACHE 64		  /* sectors kept (directories and FAT) */
#define FAT_EOC 0x0FFFFFF8u	  /* end of chain: this and above */
#define FAT_BAD 0x0FFFFFF7u	  /* a bad cluster */
#define FAT_DIR_MAX 65536u	  /* entries of one directory, at most */
#define FAT_LFN_MAX 255		  /* UTF-16 units of a long name */
#define FAT_CLEAN_BIT 0x08000000u /* FAT[1]: the volume was left clean */

/* Directory entry bytes and attributes. */
enum {
	DE_NAME = 0,
	DE_ATTR = 11,
	DE_NTRES = 12,
	DE_CTIME_MS = 13,
	DE_CTIME = 14,
	DE_CDATE = 16,
	DE_ADATE = 18,
	DE_CLUS_HI = 20,
	DE_MTIME = 22,
	DE_MDATE = 24,
	DE_CLUS_LO = 26,
	DE_SIZE = 28,
	DE_BYTES = 32,
};
enum {
	ATTR_RO = 0x01,
	ATTR_HIDDEN = 0x02,
	ATTR_SYSTEM = 0x04,
	ATTR_VOLUME = 0x08,
	ATTR_DIR = 0x10,
	ATTR_ARCHIVE = 0x20,
	ATTR_LFN = 0x0F,
};
enum { NT_LOWER_BASE = 0x08, NT_LOWER_EXT = 0x10 };

struct fat_cbuf {
	uint64_t sec;
	uint32_t used; /* LRU clock */
	bool valid, dirty, fat;
	uint8_t *data;
};

/* An open file or directory, shared by its handles. */
struct fat_node {
	struct fat_node *next;
	int refs;
	bool root, dir;
	uint32_t pdir; /* first cluster of the parent directory */
	uint32_t slot; /* its short entry's index there */
	uint32_t first, size;
	uint32_t hint_idx, hint_clus; /* a known (index, cluster) of it */
};

struct fat_file {
	struct fat_fs *fs;
	struct fat_node *node;
	int flags;
	uint64_t pos;
};

struct fat_fs {
	struct fat_dev dev;
	uint32_t bps, spc, csize; /* bytes/sector, sectors and bytes/cluster */
	uint32_t nfats, fat_sectors, fat_start, active, mirror;
	uint64_t data_start;
	uint32_t clusters; /* data clusters: numbers 2..clusters+1 */
	uint32_t root;
	uint32_t info_sec; /* FSInfo sector, 0 if none */
	uint32_t free, next_free;
	bool info_dirty;
	uint32_t clock;
	uint32_t last; /* the cache entry found last */
	struct fat_cbuf cache[FAT_CACHE];
	uint8_t *bounce;      /* one sector for partial data I/O */
	uint8_t *mark;	      /* one sector for the clean bit's FAT sector */
	bool unclean;	      /* the disk's FAT[1] says not clean */
	struct fat_fix fixed; /* what the mount repaired */
	struct fat_node *nodes;
	uint32_t dc_dir, dc_idx, dc_clus; /* last directory cluster found */
};

/* A directory entry found by dir_next: its short entry and names. */
struct fat_found {
	uint32_t first_slot, slot; /* the long name's first entry, short */
	uint8_t e[DE_BYTES];
	char name[FAT_NAME_MAX]; /* long name, else the short one */
	char sname[25];		 /* the short name as 8.3 (UTF-8) */
};

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}
static inline uint32_t de_first(const uint8_t *e)
{
	return (uint32_t)get16(e + DE_CLUS_HI) << 16 | get16(e + DE_CLUS_LO);
}
static inline void de_set_first(uint8_t *e, uint32_t c)
{
	put16(e + DE_CLUS_HI, c >> 16);
	put16(e + DE_CLUS_LO, c);
}

/* fat_disk.c: cache, FAT, clusters, device. */
int cache_get(struct fat_fs *fs, uint64_t sec, bool fill, uint8_t **data);
void cache_dirty(struct fat_fs *fs, const uint8_t *data);
int cache_flush(struct fat_fs *fs);
int cache_write(struct fat_fs *fs, uint64_t sec);
bool clus_ok(const struct fat_fs *fs, uint32_t c);
uint64_t clus_sector(const struct fat_fs *fs, uint32_t c);
int fat_get(struct fat_fs *fs, uint32_t c, uint32_t *next);
int fat_set(struct fat_fs *fs, uint32_t c, uint32_t v);
int clus_alloc(struct fat_fs *fs, uint32_t prev, bool zero, uint32_t *out);
int chain_free(struct fat_fs *fs, uint32_t first);
int chain_next(struct fat_fs *fs, uint32_t c, uint32_t *next);
int data_io(struct fat_fs *fs, uint64_t sec, uint32_t count, void *buf,
	    bool write);

/* fat_repair.c: the mount after an unclean stop. */
int vol_repair(struct fat_fs *fs);
/* fat_name.c: names and times. */
int name_to_ucs(const char *name, uint16_t *u, int *n);
int ucs_to_utf8(const uint16_t *u, int n, char *out, size_t size);
bool name_eq(const char *a, const char *b);
uint8_t lfn_sum(const uint8_t *sname);
void short_display(const uint8_t *e, char *out);
int short_make(const uint16_t *u, int n, uint8_t *sname, uint8_t *nt);
void short_tail(uint8_t *sname, uint32_t k);
int64_t dos_to_unix(uint16_t date, uint16_t time);
void unix_to_dos(int64_t t, uint16_t *date, uint16_t *time);
void de_stamp(struct fat_fs *fs, uint8_t *e, bool create);

/* fat_dir.c: directories and paths. */
int dir_entry(struct fat_fs *fs, uint32_t dir, uint32_t idx, bool grow,
	      uint8_t **e);
int dir_next(struct fat_fs *fs, uint32_t dir, uint32_t *idx,
	     struct fat_found *f);
int dir_find(struct fat_fs *fs, uint32_t dir, const char *name,
	     struct fat_found *f);
int dir_add(struct fat_fs *fs, uint32_t dir, const char *name,
	    const uint8_t *tmpl, uint32_t *slot);
int dir_remove(struct fat_fs *fs, uint32_t dir, uint32_t first_slot,
	       uint32_t slot);
int dir_empty(struct fat_fs *fs, uint32_t dir);
int path_parent(struct fat_fs *fs, const char *path, uint32_t avoid,
		uint32_t *dir, char *last);
int de_check(struct fat_fs *fs, const uint8_t *e);
void de_stat(struct fat_fs *fs, const uint8_t *e, uint32_t dir, uint32_t slot,
	     struct fat_stat *st);

/* fat_file.c: nodes. */
struct fat_node *node_find(struct fat_fs *fs, uint32_t dir, uint32_t slot);
int node_free_all(struct fat_fs *fs, uint32_t first);

#endif
