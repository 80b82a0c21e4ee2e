/*
 * fsbench.c: the file system's speed through the FileSystem service
 * ("fs", fatfs over whatever Block device serves it), run by init on
 * bare metal (bench/storage.sh). Prints rows "NAME VALUE UNIT":
 *   fs.seq_write_mb_per_s   a 64 MiB file written in 8 KiB writes, then
 *                           fsync'd (MB: 10^6 bytes)
 *   fs.seq_read_mb_per_s    the same file read back in 8 KiB reads
 *   fs.small_files_per_s    1,000 files created in a directory, 4 KiB
 *                           written to each, closed; then a sync
 * A failed call prints "fsbench: STEP: status N" and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filesystem.h"
#include "svc.h"

#define BIG (64u << 20)
#define PIECE 8192u
#define SMALL 1000u
#define SMALL_SIZE 4096u

static nb_handle fs;

/* Exits after a message when status s is not NB_OK. */
static void must(nb_status s, const char *step)
{
	if (s == NB_OK)
		return;
	printf("fsbench: %s: status %d\n", step, s);
	exit(1);
}

/* Opens path with flags and rights (firmament/filesystem.fir). */
static nb_handle open_file(const char *path, uint32_t flags, uint32_t rights)
{
	nb_handle f = NB_HANDLE_INVALID;

	must(svc_open(fs, path, flags, rights, &f), path);
	return f;
}

/* Seconds since t0. */
static double since(nb_time t0)
{
	return (double)(nb_clock_monotonic() - t0) / 1e9;
}

static void seq(void)
{
	static file_write_req w;
	static file_write_resp wr;
	static file_read_req r = {PIECE};
	static file_read_resp rr;
	uint64_t got = 0;
	nb_handle f = open_file("big.bin", 4 | 16, 3);
	nb_time t0 = nb_clock_monotonic();

	w.data.len = PIECE;
	for (uint32_t at = 0; at < BIG; at += PIECE) {
		memset(w.data.b, (int)(at / PIECE), PIECE);
		must(file_write(f, &w, &wr), "write");
		if (wr.written != PIECE)
			must(FS_STATUS_NO_SPACE, "write");
	}
	must(file_sync(f), "fsync");
	printf("fs.seq_write_mb_per_s %.2f MB/s\n", BIG / 1e6 / since(t0));
	nb_handle_close(f);
	f = open_file("big.bin", 0, 1);
	t0 = nb_clock_monotonic();
	do {
		must(file_read(f, &r, &rr), "read");
		got += rr.data.len;
	} while (rr.data.len);
	if (got != BIG)
		must(FS_STATUS_IO, "read: short file");
	printf("fs.seq_read_mb_per_s %.2f MB/s\n", BIG / 1e6 / since(t0));
	nb_handle_close(f);
}

static void small(void)
{
	static file_system_mkdir_req md;
	static file_write_req w;
	static file_write_resp wr;
	char name[32];
	nb_time t0;

	FIR_SET_STR(md.path, "small");
	must(file_system_mkdir(fs, &md), "mkdir");
	w.data.len = SMALL_SIZE;
	memset(w.data.b, 'x', SMALL_SIZE);
	t0 = nb_clock_monotonic();
	for (uint32_t i = 0; i < SMALL; i++) {
		snprintf(name, sizeof name, "small/file%04u.txt", i);
		nb_handle f = open_file(name, 4 | 16, 2);
		must(file_write(f, &w, &wr), "small write");
		nb_handle_close(f);
	}
	must(file_system_sync(fs), "sync");
	printf("fs.small_files_per_s %.1f files/s\n", SMALL / since(t0));
}

int main(void)
{
	must(svc_connect("fs", &fs), "connect fs");
	seq();
	small();
	return 0;
}
