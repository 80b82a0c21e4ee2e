/*
 * mt.c: firmament calls from several threads of one process (run by
 * init from mt.manifest). Built with __stack_pointer exported (see the
 * Makefile), so each thread has a shadow stack of its own. Every reply
 * must match its request:
 *   - in-process Block servers (a thread per channel) whose handlers
 *     yield half way, called by two client threads on two connections,
 *     then on one connection shared by both;
 *   - the ramdisk service, each thread writing and reading back blocks
 *     of its own region, on two connections, then on one.
 * Prints PASS/FAIL lines, then "done".
 */
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "kt.h"
#include "svc.h"

#define STACK (64 * 1024)
#define ROUNDS 150
#define RD_BLOCKS 64 /* ramdisk blocks of each thread's region */

/* What a client thread works on: its channel and, for the ramdisk, the
 * first block of its region; its message structs (too big for a small
 * stack); bad counts the replies that did not match. */
struct client {
	nb_handle ch;
	uint32_t id, region;
	block_read_req rreq;
	block_read_resp rresp;
	block_write_req wreq;
	int bad;
};

static struct client clients[2];

/* The byte i of the data belonging to block request `first`. */
static uint8_t pattern(uint64_t first, uint32_t i)
{
	return (uint8_t)(first * 131 + i * 7 + (first >> 8));
}

/* Block.read of the in-process server: count bytes of pattern(first),
 * read from the request again after letting the other threads run. */
static nb_status srv_read(void *ctx, const block_read_req *req,
			  block_read_resp *resp)
{
	uint64_t first = req->first;

	nb_yield();
	if (req->count > sizeof resp->data.b || req->first != first)
		return FIR_ERR_INVALID;
	resp->data.len = req->count;
	for (uint32_t i = 0; i < req->count; i++)
		resp->data.b[i] = pattern(req->first, i);
	return NB_OK;
}

/* Block.write of the in-process server: OK only if the data is
 * pattern(first), checked after letting the other threads run. */
static nb_status srv_write(void *ctx, const block_write_req *req)
{
	uint64_t first = req->first;

	nb_yield();
	if (req->first != first)
		return FIR_ERR_INVALID;
	for (uint32_t i = 0; i < req->data.len; i++)
		if (req->data.b[i] != pattern(first, i))
			return FIR_ERR_INVALID;
	return NB_OK;
}

static const struct block_ops srv_ops = {NULL, srv_read, srv_write, NULL};

static nb_handle srv_ch[2];
static uint8_t srv_buf[2][FIR_MAX_BYTES];

/* Server thread i: dispatches every message of srv_ch[i] until its peer
 * closes. Its receive buffer is its own. */
static int server(uint32_t i)
{
	nb_handle ch = srv_ch[i], h[FIR_MAX_HANDLES];
	uint8_t *buf = srv_buf[i];
	uint32_t n, nh;

	while (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, FIR_MAX_BYTES, h,
			       FIR_MAX_HANDLES, &n, &nh) == NB_OK)
		block_dispatch(&srv_ops, NULL, ch, buf, n, h, nh);
	return 0;
}

/* One read and one write on the in-process server, with request-unique
 * first and count; false if a reply does not match. */
static int echo_round(struct client *c, uint32_t i)
{
	uint64_t first = (uint64_t)c->id << 32 | i;
	uint32_t count = 1 + (i * 997 + c->id * 4099) % 8192;

	c->rreq.first = first;
	c->rreq.count = count;
	if (block_read(c->ch, &c->rreq, &c->rresp) != NB_OK ||
	    c->rresp.data.len != count)
		return 0;
	for (uint32_t k = 0; k < count; k++)
		if (c->rresp.data.b[k] != pattern(first, k))
			return 0;
	c->wreq.first = first;
	c->wreq.data.len = count;
	for (uint32_t k = 0; k < count; k++)
		c->wreq.data.b[k] = pattern(first, k);
	return block_write(c->ch, &c->wreq) == NB_OK;
}

/* One write of 1..16 blocks in the client's ramdisk region and the
 * read back; false if the data or a status differs. */
static int disk_round(struct client *c, uint32_t i)
{
	uint32_t nb = 1 + (i + c->id) % 16, len = nb * 512;
	uint64_t first = c->region + (i * 7) % (RD_BLOCKS - nb + 1);

	c->wreq.first = first;
	c->wreq.data.len = len;
	for (uint32_t k = 0; k < len; k++)
		c->wreq.data.b[k] = pattern(first + i, k);
	if (block_write(c->ch, &c->wreq) != NB_OK)
		return 0;
	c->rreq.first = first;
	c->rreq.count = nb;
	if (block_read(c->ch, &c->rreq, &c->rresp) != NB_OK ||
	    c->rresp.data.len != len)
		return 0;
	return !memcmp(c->rresp.data.b, c->wreq.data.b, len);
}

static int (*round_fn)(struct client *c, uint32_t i);

/* A client thread: ROUNDS rounds; returns how many failed. */
static int client(uint32_t id)
{
	struct client *c = &clients[id];

	for (uint32_t i = 0; i < ROUNDS; i++)
		c->bad += !round_fn(c, i);
	return c->bad;
}

/* Starts fn(arg) on a new thread with a stack of its own. */
static nb_handle spawn(int (*fn)(uint32_t), uint32_t arg)
{
	nb_handle t = NB_HANDLE_INVALID;

	if (nb_thread_create((void (*)(uint32_t))fn, arg,
			     (char *)malloc(STACK) + STACK, &t) != NB_OK)
		return NB_HANDLE_INVALID;
	return t;
}

/* Waits for thread t; its status, or -1000. */
static int32_t join(nb_handle t)
{
	int32_t code = -1000;

	if (t == NB_HANDLE_INVALID ||
	    nb_object_wait_one(t, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE,
			       NULL) != NB_OK ||
	    nb_thread_status(t, &code) != NB_OK)
		code = -1000;
	nb_handle_close(t);
	return code;
}

/* Runs the two client threads over ch0 and ch1 with fn; reports both. */
static void run_clients(const char *what, nb_handle ch0, nb_handle ch1,
			int (*fn)(struct client *c, uint32_t i))
{
	char name[96];
	nb_handle t[2];

	round_fn = fn;
	for (uint32_t i = 0; i < 2; i++) {
		clients[i].ch = i ? ch1 : ch0;
		clients[i].id = i;
		clients[i].region = i * RD_BLOCKS;
		clients[i].bad = 0;
		t[i] = spawn(client, i);
	}
	for (uint32_t i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "%s: thread %u, bad replies", what,
			 i);
		EXPECT(name, join(t[i]), 0);
	}
}

/* Client threads against server threads of this process. */
static void in_process(void)
{
	nb_handle c[2], st[2];

	for (uint32_t i = 0; i < 2; i++) {
		nb_channel_create(&c[i], &srv_ch[i]);
		st[i] = spawn(server, i);
	}
	run_clients("two connections, two server threads", c[0], c[1],
		    echo_round);
	run_clients("one connection, one server thread", c[0], c[0],
		    echo_round);
	for (int i = 0; i < 2; i++) {
		nb_handle_close(c[i]);
		EXPECT("server thread ends at peer closed", join(st[i]), 0);
		nb_handle_close(srv_ch[i]);
	}
}

int main(void)
{
	nb_handle d[2];

	in_process();
	EXPECT("lookup block", svc_connect("block", &d[0]), NB_OK);
	EXPECT("lookup block again", svc_connect("block", &d[1]), NB_OK);
	run_clients("ramdisk, two connections", d[0], d[1], disk_round);
	run_clients("ramdisk, one connection", d[0], d[0], disk_round);
	printf("done\n");
	return kt_failed;
}
