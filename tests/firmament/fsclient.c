/*
 * fsclient.c: the FileSystem service (fatfs over the RAM disk's copy of
 * disk.img, tests/firmament/mkdisk.sh) as a client uses it: lists,
 * reads, writes, renames and deletes files, checks the errors, syncs;
 * prints PASS/FAIL lines, then the disk's non-zero sectors as
 * "@OFFSET: HEX" lines (32 bytes each: `xxd -r -c 32` rebuilds the
 * image, which tests/firmament.sh gives to fsck.fat and mtools), then
 * "done".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "filesystem.h"
#include "kt.h"
#include "svc.h"

static nb_handle fs;

/* Opens path with flags and rights: the file's channel, or
 * NB_HANDLE_INVALID (and *st the status). */
static nb_handle open_file(const char *path, uint32_t flags, uint32_t rights,
			   nb_status *st)
{
	static file_system_open_req req;
	static file_system_open_resp resp;
	FIR_SET_STR(req.path, path);
	req.flags = flags;
	req.rights = rights;
	*st = file_system_open(fs, &req, &resp);
	return *st ? NB_HANDLE_INVALID : resp.file;
}

/* Reads all of file f into buf (at most max bytes); the count, or -1. */
static long read_all(nb_handle f, char *buf, long max)
{
	static file_read_req req;
	static file_read_resp resp;
	long n = 0;
	req.count = 8192;
	for (;;) {
		if (file_read(f, &req, &resp))
			return -1;
		if (!resp.data.len)
			return n;
		if (n + resp.data.len > max)
			return -1;
		memcpy(buf + n, resp.data.b, resp.data.len);
		n += resp.data.len;
	}
}

/* The names in directory path, each followed by '|' ('/|' for
 * directories). */
static void list(const char *path, char *out, size_t size)
{
	static file_readdir_req req;
	static file_readdir_resp resp;
	nb_status st;
	nb_handle d = open_file(path, 64, 1, &st);
	out[0] = 0;
	req.cookie = 0;
	while (d != NB_HANDLE_INVALID && !file_readdir(d, &req, &resp) &&
	       resp.entries.len) {
		for (uint32_t i = 0; i < resp.entries.len; i++) {
			strncat(out, resp.entries.items[i].name.s,
				size - strlen(out) - 3);
			strcat(out,
			       resp.entries.items[i].stat.dir ? "/|" : "|");
		}
		req.cookie = resp.next;
	}
	if (d != NB_HANDLE_INVALID)
		nb_handle_close(d);
}

static nb_status path_call(int which, const char *path)
{
	static file_system_mkdir_req req; /* the same shape for the three */
	FIR_SET_STR(req.path, path);
	if (which == 0)
		return file_system_mkdir(fs, &req);
	if (which == 1)
		return file_system_unlink(fs, (file_system_unlink_req *)&req);
	return file_system_rmdir(fs, (file_system_rmdir_req *)&req);
}

static nb_status rename_to(const char *from, const char *to)
{
	static file_system_rename_req req;
	FIR_SET_STR(req.from, from);
	FIR_SET_STR(req.to, to);
	return file_system_rename(fs, &req);
}

static void test_read(void)
{
	static char buf[200000], want[200000];
	char names[1024];
	nb_status st;

	list("/", names, sizeof names);
	EXPECT("the root lists hello.txt and docs (not the label)",
	       strcmp(names, "hello.txt|docs/|"), 0);
	list("docs", names, sizeof names);
	EXPECT("docs lists a long name and a directory",
	       strcmp(names, "old/|A long name for numbers.txt|"), 0);
	nb_handle f = open_file("HELLO.TXT", 0, 1, &st);
	EXPECT("open hello.txt (any case)", st, NB_OK);
	long n = read_all(f, buf, sizeof buf);
	EXPECT("hello.txt's text",
	       n == 23 && !memcmp(buf, "Hello from a FAT disk.\n", 23), 1);
	nb_handle_close(f);
	f = open_file("/docs/a long name for numbers.txt", 0, 1, &st);
	EXPECT("open by long name", st, NB_OK);
	n = read_all(f, buf, sizeof buf);
	long k = 0;
	for (int i = 1; i <= 20000; i++)
		k += sprintf(want + k, "%d\n", i);
	EXPECT("108894 bytes of numbers read back",
	       n == k && !memcmp(buf, want, (size_t)k), 1);
	nb_handle_close(f);
}

static void test_write(void)
{
	static char data[20000], buf[30000];
	static file_write_req wreq;
	static file_write_resp wresp;
	static file_system_stat_req sreq;
	static file_system_stat_resp sresp;
	file_truncate_req treq;
	file_seek_req kreq;
	file_seek_resp kresp;
	nb_status st;

	EXPECT("mkdir", path_call(0, "new dir"), NB_OK);
	EXPECT("mkdir again", path_call(0, "New Dir"), FS_STATUS_EXISTS);
	nb_handle f =
		open_file("new dir/Written by Nebulet.txt", 4 | 8, 3, &st);
	EXPECT("create", st, NB_OK);
	for (int i = 0; i < 20000; i++)
		data[i] = (char)('a' + i % 26);
	int ok = 1;
	for (int at = 0; at < 20000; at += 8192) {
		wreq.data.len = 20000 - at < 8192 ? 20000 - at : 8192;
		memcpy(wreq.data.b, data + at, wreq.data.len);
		ok &= file_write(f, &wreq, &wresp) == NB_OK &&
		      wresp.written == wreq.data.len;
	}
	EXPECT("write 20000 bytes", ok, 1);
	kreq.offset = 0;
	kreq.whence = 0;
	EXPECT("seek", file_seek(f, &kreq, &kresp), NB_OK);
	EXPECT("read back what was written",
	       read_all(f, buf, sizeof buf) == 20000 &&
		       !memcmp(buf, data, 20000),
	       1);
	nb_handle_close(f);
	FIR_SET_STR(sreq.path, "new dir/written by nebulet.txt");
	EXPECT("stat", file_system_stat(fs, &sreq, &sresp), NB_OK);
	EXPECT("stat's size", sresp.stat.size, 20000);

	f = open_file("new dir/cut.txt", 4, 3, &st);
	wreq.data.len = 5000;
	file_write(f, &wreq, &wresp);
	treq.size = 100;
	EXPECT("truncate", file_truncate(f, &treq), NB_OK);
	nb_handle_close(f);
	FIR_SET_STR(sreq.path, "new dir/cut.txt");
	file_system_stat(fs, &sreq, &sresp);
	EXPECT("truncated size", sresp.stat.size, 100);

	f = open_file("hello.txt", 0, 1, &st);
	wreq.data.len = 1;
	EXPECT("write through a read-only handle", file_write(f, &wreq, &wresp),
	       FS_STATUS_BAD_MODE);
	nb_handle_close(f);
}

static void test_names(void)
{
	nb_status st;
	EXPECT("rename across directories",
	       rename_to("docs/old/remove-me.txt", "moved.txt"), NB_OK);
	EXPECT("rename in one directory",
	       rename_to("hello.txt", "Hello Again.TXT"), NB_OK);
	EXPECT("unlink", path_call(1, "moved.txt"), NB_OK);
	EXPECT("rmdir", path_call(2, "docs/old"), NB_OK);
	EXPECT("rmdir of a full directory", path_call(2, "docs"),
	       FS_STATUS_NOT_EMPTY);
	EXPECT("unlink of a directory", path_call(1, "docs"), FS_STATUS_IS_DIR);
	open_file("no such file", 0, 1, &st);
	EXPECT("open of a missing file", st, FS_STATUS_NOT_FOUND);
	open_file("bad:name", 4, 3, &st);
	EXPECT("a name FAT cannot hold", st, FS_STATUS_INVALID);
	EXPECT("sync", file_system_sync(fs), NB_OK);
}

/* Prints the disk's non-zero sectors for the test script. */
static void dump_disk(void)
{
	static block_read_req req;
	static block_read_resp resp;
	block_info_resp info;
	nb_handle blk;

	if (svc_connect("block", &blk) || block_info(blk, &info)) {
		EXPECT("the block service", 0, 1);
		return;
	}
	printf("disk %llu\n", (unsigned long long)(info.info.block_count *
						   info.info.block_size));
	for (uint64_t b = 0; b < info.info.block_count; b += req.count) {
		req.first = b;
		req.count = info.info.block_count - b < 16
				    ? (uint32_t)(info.info.block_count - b)
				    : 16;
		if (block_read(blk, &req, &resp))
			break;
		for (uint32_t at = 0; at < resp.data.len; at += 32) {
			const uint8_t *p = resp.data.b + at;
			int zero = 1;
			for (int i = 0; i < 32; i++)
				zero &= !p[i];
			if (zero)
				continue;
			printf("@%08llx: ", (unsigned long long)(b * 512 + at));
			for (int i = 0; i < 32; i++)
				printf("%02x", p[i]);
			printf("\n");
		}
	}
	nb_handle_close(blk);
}

int main(void)
{
	EXPECT("connect", svc_connect("fs", &fs), NB_OK);
	test_read();
	test_write();
	test_names();
	dump_disk();
	printf("done\n");
	return kt_failed ? 1 : 0;
}
