/*
 * unit.c: native tests of firc's generated code (from types.fir) and
 * fir.c, over the fake kernel of stubs.c: round trips of every type,
 * rights narrowing, status replies, and the decoders' checks: every
 * truncation, bad bools, enums, lengths, NUL in strings, out-of-range
 * array counts, handle counts and indexes; a rejected message's handles
 * are all closed. Prints PASS/FAIL lines and "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "stubs.h"
#include "types.h"

static int passed, failed;
static nb_status last_dispatch;
static uint32_t noted;

#define CHECK(name, cond) check(name, (cond), __LINE__)

static void check(const char *name, int ok, int line)
{
	printf("%s %s", ok ? "PASS" : "FAIL", name);
	if (!ok)
		printf(" (line %d)", line);
	printf("\n");
	ok ? passed++ : failed++;
}

/* Handlers: echo returns the request (handles move back). */
static nb_status on_echo(void *ctx, const types_echo_req *req,
			 types_echo_resp *resp)
{
	memcpy(&resp->v, &req->v, sizeof req->v);
	return NB_OK;
}

static nb_status on_empty(void *ctx)
{
	return NB_OK;
}

static nb_status on_note(void *ctx, const types_note_req *req)
{
	noted = req->x;
	return NB_OK;
}

static nb_status on_give(void *ctx, const types_give_req *req,
			 types_give_resp *resp)
{
	resp->h = req->h;
	return NB_OK;
}

static nb_status on_fail(void *ctx, const types_fail_req *req,
			 types_fail_resp *resp)
{
	resp->never = 5;
	return req->code;
}

static const struct types_ops ops = {on_echo, on_empty, on_note, on_give,
				     on_fail};

static void server(const uint8_t *msg, uint32_t n, nb_handle *h, uint32_t nh)
{
	last_dispatch = types_dispatch(&ops, NULL, STUB_SERVER, msg, n, h, nh);
}

/* A value using every field, at the limits. */
static void fill(all *v)
{
	memset(v, 0, sizeof *v);
	v->a = 0xff;
	v->b = 0xfffe;
	v->c = 0xdeadbeef;
	v->d = 0x0123456789abcdefull;
	v->e = -128;
	v->f = -2;
	v->g = -2147483647 - 1;
	v->h = -5;
	v->ok = true;
	FIR_SET_STR(v->s, "0123456789");
	v->by.len = 8;
	memcpy(v->by.b, "\0\1\2\3\4\5\6\7", 8);
	v->arr.len = 4;
	for (int i = 0; i < 4; i++)
		v->arr.items[i] = (uint32_t)i * 1000;
	v->inner.flag = true;
	v->inner.color = COLOR_RED;
	v->inner.h = stub_new(NB_RIGHTS_ALL);
	v->inners.len = 3;
	for (int i = 0; i < 3; i++) {
		v->inners.items[i].color = COLOR_BLUE;
		v->inners.items[i].h = stub_new(NB_RIGHTS_ALL);
	}
	v->strs.len = 2;
	FIR_SET_STR(v->strs.items[0], "");
	FIR_SET_STR(v->strs.items[1], "abcde");
}

/* Compares two values, handles aside. */
static int same(const all *x, const all *y)
{
	int ok = x->a == y->a && x->b == y->b && x->c == y->c && x->d == y->d &&
		 x->e == y->e && x->f == y->f && x->g == y->g && x->h == y->h &&
		 x->ok == y->ok && x->s.len == y->s.len &&
		 !strcmp(x->s.s, y->s.s) && x->by.len == y->by.len &&
		 !memcmp(x->by.b, y->by.b, 8) && x->arr.len == y->arr.len &&
		 !memcmp(x->arr.items, y->arr.items, sizeof x->arr.items) &&
		 x->inner.flag == y->inner.flag &&
		 x->inner.color == y->inner.color &&
		 x->inners.len == y->inners.len && x->strs.len == y->strs.len;
	for (uint32_t i = 0; ok && i < x->strs.len; i++)
		ok = !strcmp(x->strs.items[i].s, y->strs.items[i].s);
	for (uint32_t i = 0; ok && i < x->inners.len; i++)
		ok = x->inners.items[i].color == y->inners.items[i].color;
	return ok;
}

static types_echo_req ereq;
static types_echo_resp eresp;

static void test_roundtrip(void)
{
	types_give_req greq;
	types_give_resp gresp;
	types_fail_req freq = {-42};
	types_fail_resp fresp;
	types_note_req nreq = {77};

	stub_reset();
	stub_server = server;
	fill(&ereq.v);
	CHECK("echo: call", types_echo(STUB_CLIENT, &ereq, &eresp) == NB_OK);
	CHECK("echo: every field back", same(&ereq.v, &eresp.v));
	CHECK("echo: handles back",
	      stub_open(eresp.v.inner.h) &&
		      stub_open(eresp.v.inners.items[2].h));
	CHECK("echo: sent handles moved", !stub_open(ereq.v.inner.h));
	CHECK("echo: 4 handles open", stub_open_count() == 4);
	CHECK("empty: call", types_empty(STUB_CLIENT) == NB_OK);
	CHECK("note: oneway",
	      types_note(STUB_CLIENT, &nreq) == NB_OK && noted == 77);
	stub_reset();
	greq.h = stub_new(NB_RIGHTS_ALL);
	CHECK("give: call", types_give(STUB_CLIENT, &greq, &gresp) == NB_OK);
	CHECK("give: one handle, narrowed twice", stub_open_count() == 1);
	nb_handle out;
	CHECK("give: read|transfer left",
	      nb_handle_replace(gresp.h, NB_RIGHT_WRITE, &out) != NB_OK &&
		      nb_handle_replace(gresp.h,
					NB_RIGHT_READ | NB_RIGHT_TRANSFER,
					&out) == NB_OK);
	stub_reset();
	greq.h = stub_new(NB_RIGHT_TRANSFER | NB_RIGHT_READ);
	CHECK("give: handle without write refused",
	      types_give(STUB_CLIENT, &greq, &gresp) == FIR_ERR_MALFORMED);
	CHECK("give: refused handle closed", stub_open_count() == 0);
	CHECK("fail: status through",
	      types_fail(STUB_CLIENT, &freq, &fresp) == -42);
	stub_reset();
	fill(&ereq.v);
	ereq.v.s.len = 11;
	CHECK("client: string over its bound refused",
	      types_echo(STUB_CLIENT, &ereq, &eresp) == FIR_ERR_INVALID);
	CHECK("client: refused request's handles closed",
	      stub_open_count() == 0);
}

static uint8_t msg[FIR_MAX_BYTES], rep[FIR_MAX_BYTES];
static uint32_t msg_n;
static nb_rights msg_rights[8];

/* Captures the encoded request of an echo call instead of serving it. */
static void capture(const uint8_t *m, uint32_t n, nb_handle *h, uint32_t nh)
{
	memcpy(msg, m, n);
	msg_n = n;
	for (uint32_t i = 0; i < nh; i++)
		nb_handle_close(h[i]);
}

/* Serves msg[0..n) with nh fresh handles; the status, and whether every
 * handle that the server does not own ended closed. */
static nb_status serve(uint32_t n, uint32_t nh, int *clean)
{
	nb_handle h[8];

	stub_reset();
	for (uint32_t i = 0; i < nh; i++)
		h[i] = stub_new(msg_rights[i] ? msg_rights[i] : NB_RIGHTS_ALL);
	nb_status s = types_dispatch(&ops, NULL, STUB_SERVER, msg, n, h, nh);
	/* echo sends what it got back, so nothing stays open either way */
	*clean = stub_open_count() == 0;
	return s;
}

/* Offset of the first byte of the string field s in the encoded All. */
#define OFF_S (16 + 1 + 2 + 4 + 8 + 1 + 2 + 4 + 8 + 1)

static void test_decoder(void)
{
	int clean, all_clean = 1, all_bad = 1;
	uint32_t n;

	stub_reset();
	stub_server = capture;
	fill(&ereq.v);
	types_echo(STUB_CLIENT, &ereq, &eresp);
	n = msg_n;
	CHECK("decoder: the captured request is served",
	      serve(n, 4, &clean) == NB_OK && clean);
	for (uint32_t k = 0; k < n; k++) {
		nb_status s = serve(k, 4, &clean);
		all_bad &= s == FIR_ERR_MALFORMED || (k < 16 && s != NB_OK);
		all_clean &= clean;
	}
	CHECK("decoder: every truncation rejected", all_bad);
	CHECK("decoder: every truncation closes its 4 handles", all_clean);
	msg[n] = 0;
	CHECK("decoder: a trailing byte rejected",
	      serve(n + 1, 5, &clean) == FIR_ERR_MALFORMED && clean);
	CHECK("decoder: a missing handle rejected",
	      serve(n, 3, &clean) == FIR_ERR_MALFORMED && clean);
	CHECK("decoder: an extra handle rejected",
	      serve(n, 5, &clean) == FIR_ERR_MALFORMED && clean);
	msg_rights[3] = NB_RIGHT_READ;
	CHECK("decoder: a handle without rights rejected",
	      serve(n, 4, &clean) == FIR_ERR_MALFORMED && clean);
	msg_rights[3] = 0;
	msg[OFF_S - 1] = 2;
	CHECK("decoder: bool 2 rejected",
	      serve(n, 4, &clean) == FIR_ERR_MALFORMED && clean);
	msg[OFF_S - 1] = 1;
	msg[OFF_S + 4 + 3] = 0;
	CHECK("decoder: NUL in a string rejected",
	      serve(n, 4, &clean) == FIR_ERR_MALFORMED && clean);
	msg[OFF_S + 4 + 3] = '3';
	msg[OFF_S] = 11;
	CHECK("decoder: string length over the bound rejected",
	      serve(n, 4, &clean) == FIR_ERR_MALFORMED && clean);
	msg[OFF_S] = 10;
	uint32_t arr = OFF_S + 14 + 12; /* after s and by: the count */
	msg[arr] = 5;
	CHECK("decoder: array count over the bound rejected",
	      serve(n, 4, &clean) == FIR_ERR_MALFORMED && clean);
	msg[arr] = 4;
	uint32_t color = arr + 4 + 16 + 1;
	msg[color] = 3;
	CHECK("decoder: unknown enum value rejected",
	      serve(n, 4, &clean) == FIR_ERR_MALFORMED && clean);
	msg[color] = 0xff; /* red, -1 */
	uint32_t hidx = color + 2;
	msg[hidx] = 1;
	CHECK("decoder: handle index out of order rejected",
	      serve(n, 4, &clean) == FIR_ERR_MALFORMED && clean);
	msg[hidx] = 0;
	CHECK("decoder: the repaired request is served again",
	      serve(n, 4, &clean) == NB_OK && clean);
	/* Every byte flipped to 0xff: served or refused, never a leak. */
	all_clean = 1;
	for (uint32_t k = 0; k < n; k++) {
		uint8_t old = msg[k];
		msg[k] = 0xff;
		serve(n, 4, &clean);
		all_clean &= clean;
		msg[k] = old;
	}
	CHECK("decoder: byte flips never leak a handle", all_clean);
}

/* The client's checks of replies: truncated replies are refused and
 * their handles closed. */
static void reply_server(const uint8_t *m, uint32_t n, nb_handle *h,
			 uint32_t nh)
{
	uint32_t txid;
	nb_handle rh[8];

	memcpy(&txid, m, 4);
	memcpy(rep, &txid, 4); /* answer the right transaction */
	for (uint32_t i = 0; i < nh; i++)
		nb_handle_close(h[i]);
	for (uint32_t i = 0; i < 4; i++)
		rh[i] = stub_new(NB_RIGHTS_ALL);
	stub_queue_reply(rep, msg_n, rh, 4);
}

static void test_client(void)
{
	uint32_t full;
	int all_bad = 1, all_clean = 1;

	stub_reset();
	stub_server = server;
	fill(&ereq.v);
	/* Make a valid reply: capture what the server sends. */
	stub_server = capture;
	fill(&ereq.v);
	types_echo(STUB_CLIENT, &ereq, &eresp);
	full = msg_n;
	memcpy(rep, msg, full);
	memcpy(rep + 12, &(uint32_t){FIR_MAGIC | FIR_FLAG_REPLY}, 4);
	stub_server = reply_server;
	msg_n = full;
	stub_reset();
	fill(&ereq.v);
	CHECK("client: a well-formed reply accepted",
	      types_echo(STUB_CLIENT, &ereq, &eresp) == NB_OK);
	for (uint32_t k = 0; k < full; k++) {
		stub_reset();
		fill(&ereq.v);
		msg_n = k;
		all_bad &= types_echo(STUB_CLIENT, &ereq, &eresp) != NB_OK;
		all_clean &= stub_open_count() == 0;
	}
	CHECK("client: every truncated reply refused", all_bad);
	CHECK("client: refused replies' handles closed", all_clean);
	msg_n = full;
	rep[4] = 9; /* another ordinal */
	stub_reset();
	fill(&ereq.v);
	CHECK("client: a reply to another method refused",
	      types_echo(STUB_CLIENT, &ereq, &eresp) == FIR_ERR_MALFORMED &&
		      stub_open_count() == 0);
	/* empty()'s reply buffer holds a header and one handle: the echo
	 * reply with 4 handles does not fit; it must still leave the
	 * channel (or it would block every later call) with its handles. */
	rep[4] = TYPES_empty_ORDINAL;
	stub_reset();
	CHECK("client: an oversized reply refused, taken, its handles closed",
	      types_empty(STUB_CLIENT) == FIR_ERR_MALFORMED &&
		      stub_open_count() == 0 &&
		      nb_channel_read(STUB_CLIENT, 0, rep, 0, NULL, 0, NULL,
				      NULL) == NB_ERR_PEER_CLOSED);
}

int main(void)
{
	test_roundtrip();
	test_decoder();
	test_client();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
