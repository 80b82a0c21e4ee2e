/*
 * svc.c: the shared plumbing of firmament programs (see svc.h).
 */
#include <stdlib.h>
#include <string.h>

#include "filesystem.h"
#include "launcher.h"
#include "svc.h"

static nb_handle dir_ch = NB_HANDLE_INVALID;
static uint8_t rxbuf[FIR_MAX_BYTES];

/* Startup handle 0, fetched on first use. */
nb_handle svc_directory(void)
{
	if (dir_ch == NB_HANDLE_INVALID)
		dir_ch = nb_startup_handle(0);
	return dir_ch;
}

/* Blocks for ns nanoseconds on a private event's deadline. */
void svc_sleep(nb_time ns)
{
	static nb_handle ev = NB_HANDLE_INVALID;

	if (ev == NB_HANDLE_INVALID && nb_event_create(&ev) != NB_OK)
		return;
	nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, nb_clock_monotonic() + ns,
			   NULL);
}

/* Polls h's PEER_CLOSED without waiting. */
int svc_peer_open(nb_handle h)
{
	nb_signals obs = 0;

	return nb_object_wait_one(h, NB_SIGNAL_PEER_CLOSED, 0, &obs) ==
		       NB_ERR_TIMED_OUT &&
	       !(obs & NB_SIGNAL_PEER_CLOSED);
}

/* Waits for TERMINATED, reads the code, closes proc. */
nb_status svc_wait_exit(nb_handle proc, int32_t *code)
{
	nb_status s;

	nb_object_wait_one(proc, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE, NULL);
	s = nb_process_status(proc, code);
	nb_handle_close(proc);
	return s;
}

/* Looks up name, retrying every 2 ms while the service is down. */
nb_status svc_connect(const char *name, nb_handle *out)
{
	directory_lookup_req req; /* on the stack: threads may connect */
	directory_lookup_resp resp;
	nb_status s;

	if (!FIR_SET_STR(req.name, name))
		return FIR_ERR_INVALID;
	for (int tries = 0; tries < 5000; tries++) {
		s = directory_lookup(svc_directory(), &req, &resp);
		if (s != FIR_ERR_UNAVAILABLE)
			break;
		svc_sleep(2000000);
	}
	if (s == NB_OK)
		*out = resp.channel;
	return s;
}

nb_status svc_open(nb_handle fs, const char *path, uint32_t flags,
		   uint32_t rights, nb_handle *file)
{
	file_system_open_req req; /* on the stack: threads may open */
	file_system_open_resp resp;
	nb_status s;

	if (!FIR_SET_STR(req.path, path))
		return FS_STATUS_NAME_TOO_LONG;
	req.flags = flags;
	req.rights = rights;
	if (!(s = file_system_open(fs, &req, &resp)))
		*file = resp.file;
	return s;
}

static int args_n;
static char **args_v;

/* Startup.args handler: copies the strings after argv[0]. */
static nb_status on_args(void *ctx, const startup_args_req *req)
{
	for (uint32_t i = 0; i < req->argv.len; i++)
		args_v[args_n++] = strdup(req->argv.items[i].s);
	return NB_OK;
}

/* Reads the one Startup.args message from startup handle 1. */
int svc_args(const char *name0, char ***argv)
{
	static const struct startup_ops ops = {on_args};
	nb_handle h[FIR_MAX_HANDLES], ch = nb_startup_handle(1);
	uint32_t n, nh;

	args_v = calloc(18, sizeof *args_v);
	args_v[args_n++] = (char *)name0;
	if (ch != NB_HANDLE_INVALID &&
	    nb_channel_read(ch, NB_CHANNEL_READ_WAIT, rxbuf, sizeof rxbuf, h,
			    FIR_MAX_HANDLES, &n, &nh) == NB_OK)
		startup_dispatch(&ops, NULL, ch, rxbuf, n, h, nh);
	if (ch != NB_HANDLE_INVALID)
		nb_handle_close(ch);
	*argv = args_v;
	return args_n;
}

static nb_wait_item items[NB_WAIT_MANY_MAX]; /* the listener, then clients */
static uint32_t nitems;
static nb_handle client = NB_HANDLE_INVALID; /* whose message is served */

/* The channel of the message being dispatched. */
nb_handle svc_client(void)
{
	return client;
}

/* Listener.connect handler: a new client channel joins the loop. */
static nb_status on_connect(void *ctx, const listener_connect_req *req)
{
	if (nitems == NB_WAIT_MANY_MAX - 1) { /* one left for the extra */
		nb_handle_close(req->channel);
		return NB_ERR_NO_RESOURCES;
	}
	items[nitems].handle = req->channel;
	items[nitems].waitfor = NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED;
	items[nitems].pending = 0;
	nitems++;
	return NB_OK;
}

/* Serves one ready item i; false if it is gone (peer closed), or if
 * its reply was lost (fir_reply_lost: it must not wait for it). */
static int serve_item(uint32_t i, nb_handle listener, svc_dispatch_fn fn,
		      const void *ops, void *ctx)
{
	static const struct listener_ops lops = {on_connect};
	nb_handle h[FIR_MAX_HANDLES], ch = items[i].handle;
	uint32_t n, nh;
	nb_status s;

	s = nb_channel_read(ch, 0, rxbuf, sizeof rxbuf, h, FIR_MAX_HANDLES, &n,
			    &nh);
	if (s == NB_ERR_SHOULD_WAIT)
		return 1;
	if (s != NB_OK)
		return 0;
	if (ch == listener) {
		listener_dispatch(&lops, ctx, ch, rxbuf, n, h, nh);
		return 1;
	}
	client = ch;
	fn(ops, ctx, ch, rxbuf, n, h, nh);
	client = NB_HANDLE_INVALID;
	return !fir_reply_lost();
}

/* Waits for the clients (and extra), serves what is ready, until the
 * listener and every client are gone. */
nb_status svc_serve_on(nb_handle listener, svc_dispatch_fn fn, const void *ops,
		       void *ctx, const struct svc_extra *extra)
{
	static nb_wait_item all[NB_WAIT_MANY_MAX];
	uint32_t x = extra ? 1 : 0; /* the extra is all[0] */
	nb_status s;

	items[0] = (nb_wait_item){
		listener, NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED, 0};
	nitems = 1;
	while (nitems) {
		if (extra)
			all[0] = (nb_wait_item){extra->h, extra->signals, 0};
		memcpy(all + x, items, nitems * sizeof *items);
		if ((s = nb_object_wait_many(all, nitems + x,
					     NB_TIME_INFINITE)))
			return s;
		if (extra && (all[0].pending & extra->signals))
			extra->fn(ctx);
		for (uint32_t i = nitems; i-- > 0;) {
			if (!(all[i + x].pending & items[i].waitfor))
				continue;
			if (serve_item(i, listener, fn, ops, ctx))
				continue;
			nb_handle_close(items[i].handle);
			if (items[i].handle == listener)
				listener = NB_HANDLE_INVALID;
			items[i] = items[--nitems];
		}
	}
	return NB_ERR_PEER_CLOSED;
}

/* Makes a listener pair and publishes one end as name; *listener gets
 * the end to serve. */
nb_status svc_publish(const char *name, nb_handle *listener)
{
	static directory_publish_req req;
	nb_handle mine, theirs;
	nb_status s;

	if ((s = nb_channel_create(&mine, &theirs)) != NB_OK)
		return s;
	if (!FIR_SET_STR(req.name, name)) {
		nb_handle_close(mine);
		nb_handle_close(theirs);
		return FIR_ERR_INVALID;
	}
	req.listener = theirs;
	if ((s = directory_publish(svc_directory(), &req)) != NB_OK) {
		nb_handle_close(mine);
		return s;
	}
	*listener = mine;
	return NB_OK;
}

/* Publishes name with a new listener, then serves it (svc_serve_on). */
nb_status svc_serve(const char *name, svc_dispatch_fn fn, const void *ops,
		    void *ctx)
{
	nb_handle listener;
	nb_status s = svc_publish(name, &listener);

	if (s != NB_OK)
		return s;
	return svc_serve_on(listener, fn, ops, ctx, NULL);
}
