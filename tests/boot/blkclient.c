/*
 * blkclient.c: a Block client for the virtio-blk driver test
 * (tests/storage.sh). Startup handle 0 is its Block channel (manifest
 * --connect=block), served by drivers/virtio_blk (or its native twin)
 * on a modern virtio-blk device (`nebulet boot --disk=IMG`, an image of
 * at least 64 KiB whose sector n starts with "sector n" and is
 * otherwise zero). It checks the geometry, reads 16 sectors in one
 * request, writes a pattern over sectors 20-35 in one request and reads
 * it back, flushes, and sends bad requests (past the end, too many
 * blocks, part of a block): each refused, the disk untouched. The host
 * then finds the pattern in the image. Prints PASS/FAIL lines and
 * "done"; the same output whichever driver serves it.
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
		wreq.data.b[k] = pattern(FIRST_WRITTEN + k / SECTOR, k % SECTOR);
	EXPECT("write 16 sectors", block_write(ch, &wreq), NB_OK);
	EXPECT("flush", block_flush(ch), NB_OK);
	EXPECT("read them back", rd(FIRST_WRITTEN, 16), NB_OK);
	for (uint32_t k = 0; k < 16 * SECTOR; k++)
		same = same && rresp.data.b[k] ==
				       pattern(FIRST_WRITTEN + k / SECTOR,
					       k % SECTOR);
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

int main(void)
{
	block_info_resp info;

	ch = nb_startup_handle(0);
	EXPECT("block channel", ch != NB_HANDLE_INVALID, 1);
	EXPECT("info", block_info(ch, &info), NB_OK);
	EXPECT("block size", info.info.block_size, SECTOR);
	EXPECT("at least 64 KiB", info.info.block_count >= 128, 1);
	EXPECT("writable", info.info.read_only, 0);
	printf("blocks %llu\n", (unsigned long long)info.info.block_count);
	reads(info.info.block_count);
	writes();
	bad(info.info.block_count);
	printf("done\n");
	return kt_failed != 0;
}
