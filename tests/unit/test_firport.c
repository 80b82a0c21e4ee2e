/*
 * test_firport.c: firc's generated server (console_serve,
 * listener_serve of NAME_wire.c) over the kernel's port
 * (kernel/firport.h), as the native drivers run it: a request decoded,
 * its handler called and the reply read back with the generated decoder;
 * a handle narrowed to exactly its declared rights, or the message
 * refused when it lacks one; a malformed request answered MALFORMED
 * without calling the handler.
 */
#include <string.h>

#include "tests/unit/check.h"
#include "firmament/console_wire.h"
#include "firmament/directory_wire.h"
#include "hal/hal.h"
#include "kernel/firport.h"

static int calls;
static nb_rights got_rights;
static struct firport port;

/* Console.write: counts the call, acknowledges all but one byte. */
static int32_t on_write(void *ctx, const console_write_req *req,
			console_write_resp *resp)
{
	calls++;
	resp->written = req->data.len - 1;
	return NB_OK;
}

/* Listener.connect: records the rights its channel handle arrived with. */
static int32_t on_connect(void *ctx, const listener_connect_req *req)
{
	calls++;
	got_rights = port.m->handles[req->channel].rights;
	return NB_OK;
}

static const struct console_ops cops = {on_write, NULL};
static const struct listener_ops lops = {on_connect};

/* Queues msg on a (read at b), serves it from b with the console's or
 * the listener's server, and frees it; the serve status. */
static int32_t serve(struct channel *a, struct channel *b, const uint8_t *msg,
		     uint32_t n, const struct khandle *h, uint32_t nh)
{
	struct kmsg *m = kmsg_alloc(n, nh);
	int32_t s;

	memcpy(m->bytes, msg, n);
	if (nh)
		memcpy(m->handles, h, nh * sizeof *h);
	channel_queue(a, m);
	m = channel_peek(b);
	channel_pop(b);
	firport_init(&port, b, m);
	if (nh)
		s = listener_serve(&lops, NULL, &firport_ops, &port, m->bytes,
				   m->nbytes, port.w, m->nhandles);
	else
		s = console_serve(&cops, NULL, &firport_ops, &port, m->bytes,
				  m->nbytes, port.w, m->nhandles);
	kmsg_free(m, true);
	return s;
}

/* A write served and its reply decoded; a short one refused unserved. */
static void console_round_trip(void)
{
	struct channel *a, *b;
	uint8_t buf[CONSOLE_write_REQ_BYTES];
	console_write_req req = {.data = {5, "hello"}};
	console_write_resp resp;
	fir_enc e;
	fir_dec d;
	struct kmsg *m;

	CHECK(channel_create(&a, &b) == NB_OK);
	fir_enc_init(&e, buf, sizeof buf, NULL, 0);
	console_write_req_enc(&e, 7, &req);
	CHECK(!e.err && serve(a, b, buf, e.len, NULL, 0) == NB_OK);
	m = channel_peek(a);
	CHECK(calls == 1 && m);
	if (!m)
		return;
	fir_dec_init(&d, m->bytes, m->nbytes, NULL, m->nhandles, NULL, NULL);
	CHECK(fir_reply_check(&d, 7, CONSOLE_write_ORDINAL) == FIR_OK);
	CHECK(console_write_resp_dec(&d, &resp) && resp.written == 4);
	channel_pop(a);
	kmsg_free(m, true);
	/* One byte short of its length: MALFORMED, the handler not called. */
	CHECK(serve(a, b, buf, e.len - 1, NULL, 0) == FIR_ERR_MALFORMED);
	m = channel_peek(a);
	CHECK(calls == 1 && m);
	if (!m)
		return;
	fir_dec_init(&d, m->bytes, m->nbytes, NULL, m->nhandles, NULL, NULL);
	CHECK(fir_reply_check(&d, 7, CONSOLE_write_ORDINAL) ==
	      FIR_ERR_MALFORMED);
	channel_pop(a);
	kmsg_free(m, true);
	kobj_release(&a->o);
	kobj_release(&b->o);
}

/* Listener.connect's handle: narrowed to its declared rights, refused
 * without one of them. */
static void handle_rights(void)
{
	struct channel *a, *b, *x, *y;
	uint8_t buf[LISTENER_connect_REQ_BYTES];
	fir_handle w[1];
	listener_connect_req req = {0};
	const nb_rights want = NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_WAIT |
			       NB_RIGHT_TRANSFER;
	struct khandle h;
	fir_enc e;

	CHECK(channel_create(&a, &b) == NB_OK);
	CHECK(channel_create(&x, &y) == NB_OK);
	fir_enc_init(&e, buf, sizeof buf, w, 1);
	listener_connect_req_enc(&e, 0, &req);
	CHECK(!e.err && e.nh == 1);
	calls = 0;
	kobj_retain(&x->o);
	h = (struct khandle){&x->o, want | NB_RIGHT_DUPLICATE};
	CHECK(serve(a, b, buf, e.len, &h, 1) == NB_OK);
	CHECK(calls == 1 && got_rights == want);
	kobj_retain(&x->o);
	h = (struct khandle){&x->o, want & ~NB_RIGHT_WRITE};
	CHECK(serve(a, b, buf, e.len, &h, 1) == FIR_ERR_MALFORMED);
	CHECK(calls == 1 && !channel_peek(a)); /* oneway: no reply */
	CHECK(x->o.refs == 1); /* the message's references were released */
	kobj_release(&x->o);
	kobj_release(&y->o);
	kobj_release(&a->o);
	kobj_release(&b->o);
}

int main(void)
{
	hal_init();
	run("firport: console request served, reply decoded",
	    console_round_trip);
	run("firport: handle rights narrowed or refused", handle_rights);
	return failures != 0;
}
