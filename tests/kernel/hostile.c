/*
 * hostile.c: every kernel call given out-of-range pointers, lengths that
 * wrap, wrong handle types, closed handles and missing rights; each must
 * fail with its exact status and no effect (see kernel/syscall.c for the
 * order of the checks).
 */
#include "kt.h"

static unsigned char *child;
static uint32_t child_len;
static char *end; /* one past the last byte of linear memory */
static char *far; /* the last 16 bytes of the 4 GiB space */
static nb_handle closed, ev, ev_nosig, ch_a, ch_b, ch_ro, proc;

#define P(x) ((void *)(x))

static void setup(void)
{
	nb_handle h;

	end = (char *)(__builtin_wasm_memory_size(0) * 65536);
	far = (char *)0xfffffff0u;
	nb_event_create(&closed);
	nb_handle_close(closed);
	nb_event_create(&ev);
	nb_handle_duplicate(ev, NB_RIGHT_WAIT | NB_RIGHT_DUPLICATE, &ev_nosig);
	nb_channel_create(&ch_a, &ch_b);
	nb_handle_duplicate(ch_a, NB_RIGHT_READ, &ch_ro);
	proc = kt_spawn(child, child_len, &h);
	nb_channel_write(h, "exit 3", 6, NULL, 0);
	kt_join(proc);
	nb_handle_close(h);
}

static void handles(void)
{
	nb_handle out;

	EXPECT("close closed", nb_handle_close(closed), NB_ERR_BAD_HANDLE);
	EXPECT("duplicate: out past end",
	       nb_handle_duplicate(ev, NB_RIGHT_SAME_RIGHTS, P(end)),
	       NB_ERR_FAULT);
	EXPECT("duplicate: out straddles end",
	       nb_handle_duplicate(ev, NB_RIGHT_SAME_RIGHTS, P(end - 2)),
	       NB_ERR_FAULT);
	EXPECT("duplicate: out at 4 GiB",
	       nb_handle_duplicate(ev, NB_RIGHT_SAME_RIGHTS, P(0xfffffffeu)),
	       NB_ERR_FAULT);
	EXPECT("duplicate: fault before bad handle",
	       nb_handle_duplicate(closed, NB_RIGHT_SAME_RIGHTS, P(end)),
	       NB_ERR_FAULT);
	EXPECT("duplicate: closed",
	       nb_handle_duplicate(closed, NB_RIGHT_SAME_RIGHTS, &out),
	       NB_ERR_BAD_HANDLE);
	EXPECT("duplicate: no DUPLICATE",
	       nb_handle_duplicate(ch_ro, NB_RIGHT_READ, &out),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("duplicate: more rights",
	       nb_handle_duplicate(ev_nosig, NB_RIGHT_SIGNAL, &out),
	       NB_ERR_INVALID_ARGS);
	EXPECT("replace: out past end",
	       nb_handle_replace(ev, NB_RIGHT_SAME_RIGHTS, P(end)),
	       NB_ERR_FAULT);
	EXPECT("replace: closed",
	       nb_handle_replace(closed, NB_RIGHT_SAME_RIGHTS, &out),
	       NB_ERR_BAD_HANDLE);
	EXPECT("replace: failed replace left the handle",
	       nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
}

static void channels(void)
{
	nb_handle a, hs[65] = {0};
	char buf[8];
	uint32_t n;

	EXPECT("channel_create: out0 past end", nb_channel_create(P(end), &a),
	       NB_ERR_FAULT);
	EXPECT("channel_create: out1 past end", nb_channel_create(&a, P(end)),
	       NB_ERR_FAULT);
	EXPECT("write: bytes past end",
	       nb_channel_write(ch_a, end - 4, 8, NULL, 0), NB_ERR_FAULT);
	EXPECT("write: bytes wrap", nb_channel_write(ch_a, far, 64, NULL, 0),
	       NB_ERR_FAULT);
	EXPECT("write: too many bytes",
	       nb_channel_write(ch_a, buf, NB_CHANNEL_MAX_BYTES + 1, NULL, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("write: handles past end",
	       nb_channel_write(ch_a, buf, 1, P(end - 4), 2), NB_ERR_FAULT);
	EXPECT("write: too many handles",
	       nb_channel_write(ch_a, buf, 1, hs, 65), NB_ERR_INVALID_ARGS);
	EXPECT("write: closed", nb_channel_write(closed, buf, 1, NULL, 0),
	       NB_ERR_BAD_HANDLE);
	EXPECT("write: wrong type", nb_channel_write(ev, buf, 1, NULL, 0),
	       NB_ERR_WRONG_TYPE);
	EXPECT("write: no WRITE", nb_channel_write(ch_ro, buf, 1, NULL, 0),
	       NB_ERR_ACCESS_DENIED);
	hs[0] = ev;
	hs[1] = closed;
	EXPECT("write: a closed handle to move",
	       nb_channel_write(ch_a, buf, 1, hs, 2), NB_ERR_BAD_HANDLE);
	EXPECT("write: failed write moved nothing",
	       nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("write: failed write queued nothing",
	       nb_channel_read(ch_b, 0, buf, 8, NULL, 0, NULL, NULL),
	       NB_ERR_SHOULD_WAIT);
	EXPECT("read: bad flags",
	       nb_channel_read(ch_b, 2, buf, 8, NULL, 0, NULL, NULL),
	       NB_ERR_INVALID_ARGS);
	EXPECT("read: bytes past end",
	       nb_channel_read(ch_b, 0, end - 4, 8, NULL, 0, NULL, NULL),
	       NB_ERR_FAULT);
	EXPECT("read: bytes wrap",
	       nb_channel_read(ch_b, 0, far, 64, NULL, 0, NULL, NULL),
	       NB_ERR_FAULT);
	EXPECT("read: handles past end",
	       nb_channel_read(ch_b, 0, buf, 8, P(end), 1, NULL, NULL),
	       NB_ERR_FAULT);
	EXPECT("read: handle count wraps",
	       nb_channel_read(ch_b, 0, buf, 8, hs, 0x40000001u, NULL, NULL),
	       NB_ERR_FAULT);
	EXPECT("read: actual_bytes past end",
	       nb_channel_read(ch_b, 0, buf, 8, NULL, 0, P(end), NULL),
	       NB_ERR_FAULT);
	EXPECT("read: actual_handles past end",
	       nb_channel_read(ch_b, 0, buf, 8, NULL, 0, NULL, P(end - 1)),
	       NB_ERR_FAULT);
	EXPECT("read: closed",
	       nb_channel_read(closed, 0, buf, 8, NULL, 0, NULL, NULL),
	       NB_ERR_BAD_HANDLE);
	EXPECT("read: wrong type",
	       nb_channel_read(proc, 0, buf, 8, NULL, 0, NULL, NULL),
	       NB_ERR_WRONG_TYPE);
	nb_handle wo;
	nb_handle_duplicate(ch_b, NB_RIGHT_WRITE, &wo);
	EXPECT("read: no READ",
	       nb_channel_read(wo, 0, buf, 8, NULL, 0, NULL, NULL),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(wo);
	nb_channel_write(ch_a, "12345678", 8, NULL, 0);
	EXPECT("read: too small",
	       nb_channel_read(ch_b, 0, buf, 4, NULL, 0, &n, NULL),
	       NB_ERR_BUFFER_TOO_SMALL);
	EXPECT("read: too small reports the size", n, 8);
	EXPECT("read: message kept",
	       nb_channel_read(ch_b, 0, buf, 8, NULL, 0, &n, NULL), NB_OK);
}

static void events_and_waits(void)
{
	nb_wait_item it[65];
	nb_signals s;

	EXPECT("event_create: out past end", nb_event_create(P(end)),
	       NB_ERR_FAULT);
	EXPECT("signal: bad signal",
	       nb_object_signal(ev, 0, NB_SIGNAL_READABLE),
	       NB_ERR_INVALID_ARGS);
	EXPECT("signal: bad clear", nb_object_signal(ev, 1u << 20, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("signal: closed", nb_object_signal(closed, 0, NB_SIGNAL_USER0),
	       NB_ERR_BAD_HANDLE);
	EXPECT("signal: wrong type", nb_object_signal(ch_a, 0, NB_SIGNAL_USER0),
	       NB_ERR_WRONG_TYPE);
	EXPECT("signal: no SIGNAL",
	       nb_object_signal(ev_nosig, 0, NB_SIGNAL_USER0),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("wait_one: observed past end",
	       nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, 0, P(end)),
	       NB_ERR_FAULT);
	EXPECT("wait_one: closed",
	       nb_object_wait_one(closed, NB_SIGNAL_SIGNALED, 0, &s),
	       NB_ERR_BAD_HANDLE);
	EXPECT("wait_one: no WAIT",
	       nb_object_wait_one(ch_ro, NB_SIGNAL_READABLE, 0, &s),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("wait_many: too many", nb_object_wait_many(it, 65, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("wait_many: items past end",
	       nb_object_wait_many(P(end - 12), 2, 0), NB_ERR_FAULT);
	EXPECT("wait_many: items wrap", nb_object_wait_many(P(far), 4, 0),
	       NB_ERR_FAULT);
	it[0] = (nb_wait_item){ev, NB_SIGNAL_SIGNALED, 0};
	it[1] = (nb_wait_item){closed, NB_SIGNAL_SIGNALED, 0};
	EXPECT("wait_many: a closed handle", nb_object_wait_many(it, 2, 0),
	       NB_ERR_BAD_HANDLE);
	it[1] = (nb_wait_item){ch_ro, NB_SIGNAL_READABLE, 0};
	EXPECT("wait_many: no WAIT", nb_object_wait_many(it, 2, 0),
	       NB_ERR_ACCESS_DENIED);
}

static void processes(void)
{
	nb_handle p, hs[2] = {ev, closed};
	int32_t code;

	EXPECT("process_create: image past end",
	       nb_process_create(end - 8, 16, NULL, 0, &p), NB_ERR_FAULT);
	EXPECT("process_create: image wraps",
	       nb_process_create(far, 0x100, NULL, 0, &p), NB_ERR_FAULT);
	EXPECT("process_create: handles past end",
	       nb_process_create(child, child_len, P(end), 1, &p),
	       NB_ERR_FAULT);
	EXPECT("process_create: too many handles",
	       nb_process_create(child, child_len, hs, 65, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("process_create: out past end",
	       nb_process_create(child, child_len, NULL, 0, P(end)),
	       NB_ERR_FAULT);
	EXPECT("process_create: a closed handle",
	       nb_process_create(child, child_len, hs, 2, &p),
	       NB_ERR_BAD_HANDLE);
	EXPECT("process_create: handle kept after failure",
	       nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("process_create: not wasm",
	       nb_process_create("hello, world", 12, NULL, 0, &p),
	       NB_ERR_BAD_IMAGE);
	EXPECT("process_create: truncated",
	       nb_process_create(child, child_len / 2, NULL, 0, &p),
	       NB_ERR_BAD_IMAGE);
	EXPECT("startup_handle: huge index", nb_startup_handle(0xffffffffu),
	       NB_HANDLE_INVALID);
	EXPECT("kill: closed", nb_process_kill(closed), NB_ERR_BAD_HANDLE);
	EXPECT("kill: wrong type", nb_process_kill(ev), NB_ERR_WRONG_TYPE);
	nb_handle weak;
	nb_handle_duplicate(proc, NB_RIGHT_WAIT, &weak);
	EXPECT("kill: no KILL", nb_process_kill(weak), NB_ERR_ACCESS_DENIED);
	EXPECT("status: code past end", nb_process_status(proc, P(end)),
	       NB_ERR_FAULT);
	EXPECT("status: closed", nb_process_status(closed, &code),
	       NB_ERR_BAD_HANDLE);
	EXPECT("status: wrong type", nb_process_status(ch_a, &code),
	       NB_ERR_WRONG_TYPE);
	EXPECT("status: ended child", nb_process_status(weak, &code), NB_OK);
	EXPECT("status: its code", code, 3);
}

int main(void)
{
	if (!(child = kt_load_image(nb_startup_handle(0), &child_len))) {
		printf("FAIL no child image on the boot channel\n");
		return 1;
	}
	setup();
	handles();
	channels();
	events_and_waits();
	processes();
	printf("done\n");
	return kt_failed != 0;
}
