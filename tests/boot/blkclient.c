/*
 * blkclient.c: a Block client for the virtio-blk driver test
 * (tests/storage.sh). Startup handle 0 is its Block channel (manifest
 * --connect=block), served by drivers/virtio_blk (or its native twin)
 * on a modern virtio-blk device (`nebulet boot --disk=IMG`, an image of
 * at least 64 KiB whose sector n starts with "sector n" and is
 * otherwise zero). It checks the geometry, reads 16 sectors in one
 * request, writes a pattern over sectors 20-35 in one request and reads
 * it back, flushes, and sends bad requests (past the end, too many
 * blocks, part of a block): each refused, the disk untouched. Zero
 * copy: it maps the buffer Block.buffer lends, reads 64 KiB into it in
 * place, writes sectors 40-47 from it; bad in-place requests refused.
 * The host then finds the patterns in the image. With argv[1] "errors"
 * (a disk failing reads of sector 64 and writes of sector 72: QEMU's
 * blkdebug) it checks instead that each failing request, by message and
 * in place, is BLOCK_STATUS_IO and that the disk serves others after.
 * With "hang" (a disk slower than the driver's timeout: QEMU's null-co
 * with a latency) each request, of every kind, is BLOCK_STATUS_IO after
 * the timeout, the driver having reset the device after each (never
 * stuck on the one before), and Block.info still answers. Prints
 * PASS/FAIL lines and "done"; the same output whichever driver serves it.
 */
#include "block.h"
#include "kt.h"

#define SECTOR 512
#define FIRST_WRITTEN 20

static nb_handle ch;
static block_read_req rreq;
static block_read_resp rresp;
static block_write_req wreq;

/* Reads count sectors from first into rresp; the status. */
static nb_status rd(uint64_t first, uint32_t count)
{
	rreq.first = first;
	rreq.count = count;
	return block_read(ch, &rreq, &rresp);
}

/* Whether sector i of rresp starts with "sector n" and is zero after. */
static bool sector_is(uint32_t i, unsigned n)
{
	char want[32];
	const uint8_t *s = rresp.data.b + i * SECTOR;
	int len = snprintf(want, sizeof want, "sector %u", n);

	if (memcmp(s, want, (size_t)len))
		return false;
	for (int k = len; k < SECTOR; k++)
		if (s[k])
			return false;
	return true;
}

/* The byte the pattern puts at offset k of sector s. */
static uint8_t pattern(uint64_t s, uint32_t k)
{
	return (uint8_t)(s * 7 + k * 13 + 1);
}

static void reads(uint64_t count)
{
	bool all = true;

	EXPECT("read 16 sectors", rd(0, 16), NB_OK);
	EXPECT("16 sectors' bytes", rresp.data.len, 16 * SECTOR);
	for (uint32_t i = 0; i < 16; i++)
		all = all && sector_is(i, i);
	EXPECT("sectors 0-15 as the host wrote them", all, true);
	EXPECT("read the last sector", rd(count - 1, 1), NB_OK);
	EXPECT("last sector", sector_is(0, (unsigned)(count - 1)), true);
	EXPECT("read nothing", rd(3, 0), NB_OK);
	EXPECT("nothing read", rresp.data.len, 0);
}

static void writes(void)
{
	bool same = true;

	wreq.first = FIRST_WRITTEN;
	wreq.data.len = 16 * SECTOR;
	for (uint32_t k = 0; k < wreq.data.len; k++)
		wreq.data.b[k] =
			pattern(FIRST_WRITTEN + k / SECTOR, k % SECTOR);
	EXPECT("write 16 sectors", block_write(ch, &wreq), NB_OK);
	EXPECT("flush", block_flush(ch), NB_OK);
	EXPECT("read them back", rd(FIRST_WRITTEN, 16), NB_OK);
	for (uint32_t k = 0; k < 16 * SECTOR; k++)
		same = same &&
		       rresp.data.b[k] ==
			       pattern(FIRST_WRITTEN + k / SECTOR, k % SECTOR);
	EXPECT("read back what was written", same, true);
	EXPECT("the sector before untouched", rd(FIRST_WRITTEN - 1, 1), NB_OK);
	EXPECT("sector 19", sector_is(0, FIRST_WRITTEN - 1), true);
}

static void bad(uint64_t count)
{
	EXPECT("read past the end", rd(count, 1), NB_ERR_OUT_OF_RANGE);
	EXPECT("read across the end", rd(count - 1, 2), NB_ERR_OUT_OF_RANGE);
	EXPECT("read at 2^64-1", rd(~0ull, 1), NB_ERR_OUT_OF_RANGE);
	EXPECT("read 17 sectors", rd(0, 17), FIR_ERR_INVALID);
	EXPECT("read 2^32-1 sectors", rd(0, 0xffffffffu), FIR_ERR_INVALID);
	wreq.first = count - 1;
	wreq.data.len = 2 * SECTOR;
	EXPECT("write across the end", block_write(ch, &wreq),
	       NB_ERR_OUT_OF_RANGE);
	wreq.first = 2;
	wreq.data.len = 100;
	EXPECT("write part of a sector", block_write(ch, &wreq),
	       FIR_ERR_INVALID);
	EXPECT("sector 2 untouched", rd(2, 1), NB_OK);
	EXPECT("sector 2", sector_is(0, 2), true);
}

/* Block.buffer, mapped: the in-place reads and writes. */
static void in_place(uint64_t count)
{
	static block_buffer_resp buf;
	block_read_inplace_req ir = {0, 128, 0};
	block_write_inplace_req iw = {40, 8, 4096};
	uint8_t *p = aligned_alloc(NB_PAGE_SIZE, 65536);
	bool all = true;

	EXPECT("in place before buffer", block_read_inplace(ch, &ir),
	       NB_ERR_BAD_STATE);
	EXPECT("buffer", block_buffer(ch, &buf), NB_OK);
	EXPECT("buffer size", buf.size, 65536);
	EXPECT("map it", nb_vm_map(buf.memory, 0, p, 65536, NB_MAP_WRITE),
	       NB_OK);
	EXPECT("no bus address", nb_vmo_physical(buf.memory, &(uint64_t){0}),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(buf.memory);
	EXPECT("read 128 sectors in place", block_read_inplace(ch, &ir), NB_OK);
	for (uint32_t i = 0; i < 20; i++) {
		memcpy(rresp.data.b, p + i * SECTOR, SECTOR);
		all = all && sector_is(0, i);
	}
	EXPECT("sectors 0-19 in the buffer", all, true);
	all = true;
	for (uint32_t k = 0; k < 16 * SECTOR; k++)
		all = all &&
		      p[FIRST_WRITTEN * SECTOR + k] ==
			      pattern(FIRST_WRITTEN + k / SECTOR, k % SECTOR);
	EXPECT("the written sectors in the buffer", all, true);
	for (uint32_t k = 0; k < 8 * SECTOR; k++)
		p[4096 + k] = (uint8_t)(k % 251);
	EXPECT("write 8 sectors in place", block_write_inplace(ch, &iw), NB_OK);
	EXPECT("read them", rd(40, 8), NB_OK);
	EXPECT("as written in place", memcmp(rresp.data.b, p + 4096, 4096), 0);
	ir = (block_read_inplace_req){0, 129, 0};
	EXPECT("in place 129 sectors", block_read_inplace(ch, &ir),
	       FIR_ERR_INVALID);
	ir = (block_read_inplace_req){0, 8, 61441};
	EXPECT("in place past the buffer", block_read_inplace(ch, &ir),
	       FIR_ERR_INVALID);
	ir = (block_read_inplace_req){0, 0, 0};
	EXPECT("in place nothing", block_read_inplace(ch, &ir),
	       FIR_ERR_INVALID);
	iw = (block_write_inplace_req){count - 1, 2, 0};
	EXPECT("in place across the end", block_write_inplace(ch, &iw),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("buffer again", block_buffer(ch, &buf), NB_OK);
	nb_handle_close(buf.memory);
}

/* Takes the in-place buffer; reading count sectors at r and writing
 * one at w in place must each be BLOCK_STATUS_IO. */
static void inplace_fail(uint64_t r, uint32_t count, uint64_t w)
{
	static block_buffer_resp buf;
	block_read_inplace_req ir = {r, count, 0};
	block_write_inplace_req iw = {w, 1, 0};

	EXPECT("buffer", block_buffer(ch, &buf), NB_OK);
	nb_handle_close(buf.memory);
	EXPECT("read in place, failing", block_read_inplace(ch, &ir),
	       BLOCK_STATUS_IO);
	EXPECT("write in place, failing", block_write_inplace(ch, &iw),
	       BLOCK_STATUS_IO);
}

/* The device fails reads of sector 64 and writes of sector 72. */
static void errors(void)
{
	EXPECT("read a failing sector", rd(64, 1), BLOCK_STATUS_IO);
	EXPECT("read across it", rd(60, 8), BLOCK_STATUS_IO);
	EXPECT("read the sector before", rd(63, 1), NB_OK);
	EXPECT("sector 63", sector_is(0, 63), true);
	wreq.first = 72;
	wreq.data.len = SECTOR;
	EXPECT("write a failing sector", block_write(ch, &wreq),
	       BLOCK_STATUS_IO);
	inplace_fail(64, 1, 72);
	EXPECT("read after the errors", rd(0, 16), NB_OK);
	EXPECT("sector 0", sector_is(0, 0), true);
}

/* The device takes longer than the driver waits, every time. */
static void hang(void)
{
	block_info_resp info;

	EXPECT("read, timed out", rd(0, 1), BLOCK_STATUS_IO);
	EXPECT("read again, timed out", rd(1, 16), BLOCK_STATUS_IO);
	wreq.first = 3;
	wreq.data.len = SECTOR;
	EXPECT("write, timed out", block_write(ch, &wreq), BLOCK_STATUS_IO);
	EXPECT("flush, timed out", block_flush(ch), BLOCK_STATUS_IO);
	inplace_fail(8, 2, 9);
	EXPECT("info after", block_info(ch, &info), NB_OK);
}

int main(int argc, char **argv)
{
	block_info_resp info;

	ch = nb_startup_handle(0);
	EXPECT("block channel", ch != NB_HANDLE_INVALID, 1);
	EXPECT("info", block_info(ch, &info), NB_OK);
	EXPECT("block size", info.info.block_size, SECTOR);
	EXPECT("at least 64 KiB", info.info.block_count >= 128, 1);
	EXPECT("writable", info.info.read_only, 0);
	if (argc > 1 && !strcmp(argv[1], "hang"))
		info.info.block_count = 256; /* the test's null-co disk */
	printf("blocks %llu\n", (unsigned long long)info.info.block_count);
	if (argc > 1 && !strcmp(argv[1], "errors")) {
		errors();
		printf("done\n");
		return kt_failed != 0;
	}
	if (argc > 1 && !strcmp(argv[1], "hang")) {
		hang();
		printf("done\n");
		return kt_failed != 0;
	}
	reads(info.info.block_count);
	writes();
	bad(info.info.block_count);
	in_place(info.info.block_count);
	printf("done\n");
	return kt_failed != 0;
}
