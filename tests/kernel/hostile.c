/*
 * hostile.c: every kernel call given out-of-range pointers, lengths that
 * wrap, wrong handle types, closed handles and missing rights (channels,
 * events, waits, processes and their arguments, then priorities, timers,
 * memory objects, page flipping and threads); each must fail with its
 * exact status and no effect (see kernel/syscall.c and kernel/sysvm.c
 * for the order of the checks).
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

/*
 * Starts the child with process_create_args(block, len, argc) and one
 * startup channel, sends it msg, and (reply not NULL) reads its answer
 * into reply (*n bytes). Returns the creation status, or the child's
 * exit status + 1000 once it ended.
 */
static int args_child(const char *block, uint32_t len, uint32_t argc,
		      const char *msg, char *reply, uint32_t *n)
{
	nb_handle a, b, p;
	nb_status s;

	nb_channel_create(&a, &b);
	if ((s = nb_process_create_args(child, child_len, &b, 1, block, len,
					argc, &p))) {
		nb_handle_close(a);
		nb_handle_close(b);
		return s;
	}
	nb_channel_write(a, msg, (uint32_t)strlen(msg), NULL, 0);
	if (reply && nb_channel_read(a, NB_CHANNEL_READ_WAIT, reply, 4096, NULL,
				     0, n, NULL))
		*n = 0;
	nb_handle_close(a);
	return 1000 + kt_join(p);
}

static char big[NB_ARGS_MAX_BYTES + 1];

/* process_create_console: the console channel is checked after the
 * pointers (type, READ|WRITE|TRANSFER rights) and stays with the caller
 * when the call fails. */
static void process_console(void)
{
	static const char block[] = "prog";
	nb_handle p;

	EXPECT("create_console: out past end",
	       nb_process_create_console(child, child_len, NULL, 0, block,
					 sizeof block, 1, ch_a, P(end)),
	       NB_ERR_FAULT);
	EXPECT("create_console: closed console",
	       nb_process_create_console(child, child_len, NULL, 0, block,
					 sizeof block, 1, closed, &p),
	       NB_ERR_BAD_HANDLE);
	EXPECT("create_console: an event as console",
	       nb_process_create_console(child, child_len, NULL, 0, block,
					 sizeof block, 1, ev, &p),
	       NB_ERR_WRONG_TYPE);
	EXPECT("create_console: console without WRITE",
	       nb_process_create_console(child, child_len, NULL, 0, block,
					 sizeof block, 1, ch_ro, &p),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("create_console: unterminated string",
	       nb_process_create_console(child, child_len, NULL, 0, "ab", 2, 1,
					 ch_a, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_console: not wasm",
	       nb_process_create_console("hello, world", 12, NULL, 0, block,
					 sizeof block, 1, ch_a, &p),
	       NB_ERR_BAD_IMAGE);
	EXPECT("create_console: console kept after failures",
	       nb_channel_write(ch_a, "x", 1, NULL, 0), NB_OK);
	EXPECT("create_console: drain",
	       nb_channel_read(ch_b, 0, (char[8]){0}, 8, NULL, 0, NULL, NULL),
	       NB_OK);
}

/* The status child p ends with (waiting for it), its handle closed. */
static int32_t ended_status(nb_handle p)
{
	int32_t code = -1;

	nb_object_wait_one(p, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE, NULL);
	nb_process_status(p, &code);
	nb_handle_close(p);
	return code;
}

/* process_create_wasi's socket preopens ("#N": startup handles N and
 * N + 1, kernel/wasi_sock.c): a bad N is refused; missing handles, or
 * a directory without a file system, end the child with status 1. */
static void process_wasi_sockets(void)
{
	static const char block[] = "prog";
	static const struct {
		const char *name, *pre;
		uint32_t len;
		nb_status want;
	} t[] = {
		{"create_wasi: socket #63", "tcp\0#63", 8, NB_ERR_INVALID_ARGS},
		{"create_wasi: socket #x", "tcp\0#x", 7, NB_ERR_INVALID_ARGS},
		{"create_wasi: socket #", "tcp\0#", 6, NB_ERR_INVALID_ARGS},
		{"create_wasi: socket #1x", "tcp\0#1x", 8, NB_ERR_INVALID_ARGS},
		{"create_wasi: socket #0 absent", "tcp\0#0", 7, NB_OK},
		{"create_wasi: a directory, no fs", "/\0/", 4, NB_OK},
	};
	nb_handle p;

	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		nb_status s = nb_process_create_wasi(
			child, child_len, NULL, 0, block, sizeof block, 1,
			NB_HANDLE_INVALID, NB_HANDLE_INVALID, t[i].pre,
			t[i].len, &p);
		EXPECT(t[i].name, s, t[i].want);
		if (s == NB_OK)
			EXPECT("create_wasi: that preopen fails, status 1",
			       ended_status(p), 1);
	}
}

/* process_create_wasi: the FileSystem channel and the preopen block are
 * checked; a file system that never answers keeps the child waiting
 * (blocked, not spinning) until it is killed; one that is gone ends the
 * child with status 1. */
static void process_wasi(void)
{
	static const char block[] = "prog", pre[] = "/\0/";
	nb_handle p, fa, fb;

	EXPECT("create_wasi: closed fs",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID,
				      closed, pre, sizeof pre, &p),
	       NB_ERR_BAD_HANDLE);
	EXPECT("create_wasi: an event as fs",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID, ev,
				      pre, sizeof pre, &p),
	       NB_ERR_WRONG_TYPE);
	EXPECT("create_wasi: fs is the console",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, ch_a, ch_a, pre,
				      sizeof pre, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_wasi: odd preopen block",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID, ch_a,
				      "/", 2, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_wasi: empty guest",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID, ch_a,
				      "\0/", 3, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_wasi: unterminated block",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID, ch_a,
				      pre, sizeof pre - 1, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_wasi: block past the end",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID, ch_a,
				      end - 2, 8, &p),
	       NB_ERR_FAULT);
	EXPECT("create_wasi: fs kept after failures",
	       nb_channel_write(ch_a, "x", 1, NULL, 0), NB_OK);
	EXPECT("create_wasi: drain",
	       nb_channel_read(ch_b, 0, (char[8]){0}, 8, NULL, 0, NULL, NULL),
	       NB_OK);
	if (nb_channel_create(&fa, &fb))
		return;
	EXPECT("create_wasi: silent fs",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID, fa,
				      pre, sizeof pre, &p),
	       NB_OK);
	EXPECT("create_wasi: the child asks (FileSystem.open)",
	       nb_object_wait_one(fb, NB_SIGNAL_READABLE, NB_TIME_INFINITE,
				  NULL),
	       NB_OK);
	EXPECT("create_wasi: killed while it waits", nb_process_kill(p), NB_OK);
	EXPECT("create_wasi: status killed", ended_status(p), NB_EXIT_KILLED);
	nb_handle_close(fb);
	if (nb_channel_create(&fa, &fb))
		return;
	nb_handle_close(fb);
	EXPECT("create_wasi: fs gone",
	       nb_process_create_wasi(child, child_len, NULL, 0, block,
				      sizeof block, 1, NB_HANDLE_INVALID, fa,
				      pre, sizeof pre, &p),
	       NB_OK);
	EXPECT("create_wasi: preopen fails, status 1", ended_status(p), 1);
	process_wasi_sockets();
}

/* process_create_args: its checks in order, its limits, and what the
 * child's WASI args_get and environ_get then see. */
static void process_args(void)
{
	static const char block[] = "prog\0one\0two words\0\0K=V\0E=";
	nb_handle p, hs[2] = {ev, closed};
	char reply[4096];
	uint32_t n = 0;

	EXPECT("create_args: too many handles",
	       nb_process_create_args(child, child_len, hs, 65, block,
				      sizeof block, 4, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_args: block over the limit (before its pointer)",
	       nb_process_create_args(child, child_len, NULL, 0, P(end),
				      NB_ARGS_MAX_BYTES + 1, 0, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_args: argc over the limit",
	       nb_process_create_args(child, child_len, NULL, 0, block,
				      sizeof block, NB_ARGS_MAX_STRINGS + 1,
				      &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_args: image past end",
	       nb_process_create_args(end - 8, 16, NULL, 0, block, sizeof block,
				      4, &p),
	       NB_ERR_FAULT);
	EXPECT("create_args: handles past end",
	       nb_process_create_args(child, child_len, P(end), 1, block,
				      sizeof block, 4, &p),
	       NB_ERR_FAULT);
	EXPECT("create_args: block past end",
	       nb_process_create_args(child, child_len, NULL, 0, end - 4, 8, 0,
				      &p),
	       NB_ERR_FAULT);
	EXPECT("create_args: block wraps",
	       nb_process_create_args(child, child_len, NULL, 0, far, 0x100, 0,
				      &p),
	       NB_ERR_FAULT);
	EXPECT("create_args: out past end",
	       nb_process_create_args(child, child_len, NULL, 0, block,
				      sizeof block, 4, P(end)),
	       NB_ERR_FAULT);
	EXPECT("create_args: fault before bad handle",
	       nb_process_create_args(child, child_len, hs, 2, end - 4, 8, 0,
				      &p),
	       NB_ERR_FAULT);
	EXPECT("create_args: unterminated string",
	       nb_process_create_args(child, child_len, hs, 2, "a\0b", 3, 1,
				      &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_args: argc above the strings",
	       nb_process_create_args(child, child_len, NULL, 0, block,
				      sizeof block, 7, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_args: too many strings",
	       nb_process_create_args(child, child_len, NULL, 0, big,
				      NB_ARGS_MAX_STRINGS + 1, 0, &p),
	       NB_ERR_INVALID_ARGS);
	EXPECT("create_args: a closed handle",
	       nb_process_create_args(child, child_len, hs, 2, block,
				      sizeof block, 4, &p),
	       NB_ERR_BAD_HANDLE);
	EXPECT("create_args: handle kept after failure",
	       nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("create_args: not wasm",
	       nb_process_create_args("hello, world", 12, NULL, 0, block,
				      sizeof block, 4, &p),
	       NB_ERR_BAD_IMAGE);
	EXPECT("create_args: child ran",
	       args_child(block, sizeof block, 4, "args", reply, &n), 1000);
	EXPECT("create_args: child's args and environment", n,
	       7 + sizeof block);
	EXPECT("create_args: their bytes",
	       memcmp(reply, "argc=4\0prog\0one\0two words\0\0K=V\0E=", n), 0);
	EXPECT("create_args: empty block, argc 0",
	       args_child(NULL, 0, 0, "args", reply, &n), 1000);
	EXPECT("create_args: argc 0, no environment", n, 7);
	EXPECT("create_args: its bytes", memcmp(reply, "argc=0", 7), 0);
	EXPECT("create_args: the most strings",
	       args_child(big, NB_ARGS_MAX_STRINGS, NB_ARGS_MAX_STRINGS,
			  "exit 4", NULL, NULL),
	       1004);
	memset(big, 'x', NB_ARGS_MAX_BYTES - 1);
	EXPECT("create_args: the largest block",
	       args_child(big, NB_ARGS_MAX_BYTES, 1, "exit 5", NULL, NULL),
	       1005);
}

#define PG NB_PAGE_SIZE

static unsigned char area[2 * PG] __attribute__((aligned(PG)));

static void priorities_and_timers(void)
{
	nb_handle weak, t, t_ro, out;

	nb_handle_duplicate(proc, NB_RIGHT_WAIT, &weak);
	EXPECT("set_priority: above max",
	       nb_object_set_priority(proc, NB_PRIORITY_MAX + 1),
	       NB_ERR_INVALID_ARGS);
	EXPECT("set_priority: invalid before closed",
	       nb_object_set_priority(closed, 0xffffffffu),
	       NB_ERR_INVALID_ARGS);
	EXPECT("set_priority: closed", nb_object_set_priority(closed, 1),
	       NB_ERR_BAD_HANDLE);
	EXPECT("set_priority: wrong type", nb_object_set_priority(ev, 1),
	       NB_ERR_WRONG_TYPE);
	EXPECT("set_priority: no MANAGE", nb_object_set_priority(weak, 1),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(weak);
	EXPECT("timer_create: out past end", nb_timer_create(P(end)),
	       NB_ERR_FAULT);
	EXPECT("timer_create: out straddles end", nb_timer_create(P(end - 3)),
	       NB_ERR_FAULT);
	nb_timer_create(&t);
	nb_handle_duplicate(t, NB_RIGHT_WAIT, &t_ro);
	EXPECT("timer_set: closed", nb_timer_set(closed, 0), NB_ERR_BAD_HANDLE);
	EXPECT("timer_set: wrong type", nb_timer_set(ev, 0), NB_ERR_WRONG_TYPE);
	EXPECT("timer_set: no WRITE", nb_timer_set(t_ro, 0),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("timer_set: failed set armed nothing",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("timer_cancel: closed", nb_timer_cancel(closed),
	       NB_ERR_BAD_HANDLE);
	EXPECT("timer_cancel: wrong type", nb_timer_cancel(ch_a),
	       NB_ERR_WRONG_TYPE);
	EXPECT("timer_cancel: no WRITE", nb_timer_cancel(t_ro),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("timer: signal is not for timers",
	       nb_object_signal(t, 0, NB_SIGNAL_USER0), NB_ERR_WRONG_TYPE);
	EXPECT("timer: duplicate for a closed handle",
	       nb_handle_duplicate(closed, NB_RIGHT_SAME_RIGHTS, &out),
	       NB_ERR_BAD_HANDLE);
	nb_handle_close(t);
	nb_handle_close(t_ro);
}

static void memory_objects(void)
{
	nb_handle v, v_ro, v_wo, g, out;
	uint32_t size;
	char buf[16];

	EXPECT("vmo_create: size 0", nb_vmo_create(0, &v), NB_ERR_INVALID_ARGS);
	EXPECT("vmo_create: too big", nb_vmo_create(NB_VMO_MAX_SIZE + 1, &v),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vmo_create: invalid before fault", nb_vmo_create(0, P(end)),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vmo_create: out past end", nb_vmo_create(PG, P(end)),
	       NB_ERR_FAULT);
	nb_vmo_create(2 * PG, &v);
	nb_handle_duplicate(v, NB_RIGHT_READ, &v_ro);
	nb_handle_duplicate(v, NB_RIGHT_WRITE, &v_wo);
	EXPECT("vmo_size: out past end", nb_vmo_size(v, P(end)), NB_ERR_FAULT);
	EXPECT("vmo_size: closed", nb_vmo_size(closed, &size),
	       NB_ERR_BAD_HANDLE);
	EXPECT("vmo_size: wrong type", nb_vmo_size(ev, &size),
	       NB_ERR_WRONG_TYPE);
	EXPECT("vmo_read: buf past end", nb_vmo_read(v, 0, end - 4, 8),
	       NB_ERR_FAULT);
	EXPECT("vmo_read: buf wraps", nb_vmo_read(v, 0, far, 64), NB_ERR_FAULT);
	EXPECT("vmo_read: fault before closed", nb_vmo_read(closed, 0, end, 8),
	       NB_ERR_FAULT);
	EXPECT("vmo_read: closed", nb_vmo_read(closed, 0, buf, 8),
	       NB_ERR_BAD_HANDLE);
	EXPECT("vmo_read: wrong type", nb_vmo_read(ch_a, 0, buf, 8),
	       NB_ERR_WRONG_TYPE);
	EXPECT("vmo_read: no READ", nb_vmo_read(v_wo, 0, buf, 8),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("vmo_read: past the object", nb_vmo_read(v, 2 * PG - 4, buf, 8),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("vmo_read: offset wraps", nb_vmo_read(v, 0xfffffffcu, buf, 8),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("vmo_write: buf past end", nb_vmo_write(v, 0, end - 4, 8),
	       NB_ERR_FAULT);
	EXPECT("vmo_write: closed", nb_vmo_write(closed, 0, buf, 8),
	       NB_ERR_BAD_HANDLE);
	EXPECT("vmo_write: wrong type", nb_vmo_write(proc, 0, buf, 8),
	       NB_ERR_WRONG_TYPE);
	EXPECT("vmo_write: no WRITE", nb_vmo_write(v_ro, 0, "x", 1),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("vmo_write: past the object", nb_vmo_write(v, 2 * PG, "x", 1),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("vmo_write: failed writes wrote nothing",
	       nb_vmo_read(v, 0, buf, 1) == NB_OK && buf[0] == 0, 1);

	EXPECT("vm_map: bad flags", nb_vm_map(v, 0, area, PG, 2),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vm_map: unaligned addr", nb_vm_map(v, 0, area + 1, PG, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vm_map: unaligned offset", nb_vm_map(v, 8, area, PG, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vm_map: unaligned len", nb_vm_map(v, 0, area, 100, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vm_map: len 0", nb_vm_map(v, 0, area, 0, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vm_map: past end of memory",
	       nb_vm_map(v, 0, (char *)end - PG, 2 * PG, 0), NB_ERR_FAULT);
	EXPECT("vm_map: wraps", nb_vm_map(v, 0, P(0xfffff000u), 2 * PG, 0),
	       NB_ERR_FAULT);
	EXPECT("vm_map: fault before closed",
	       nb_vm_map(closed, 0, (char *)end, PG, 0), NB_ERR_FAULT);
	EXPECT("vm_map: closed", nb_vm_map(closed, 0, area, PG, 0),
	       NB_ERR_BAD_HANDLE);
	EXPECT("vm_map: wrong type", nb_vm_map(ev, 0, area, PG, 0),
	       NB_ERR_WRONG_TYPE);
	EXPECT("vm_map: no READ", nb_vm_map(v_wo, 0, area, PG, 0),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("vm_map: writable without WRITE",
	       nb_vm_map(v_ro, 0, area, PG, NB_MAP_WRITE),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("vm_map: past the object", nb_vm_map(v, PG, area, 2 * PG, 0),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("vm_map: offset wraps",
	       nb_vm_map(v, 0xfffff000u, area, 2 * PG, 0), NB_ERR_OUT_OF_RANGE);
	area[0] = 'k';
	EXPECT("vm_map: failed maps left memory alone", area[0], 'k');
	EXPECT("vm_unmap: unaligned", nb_vm_unmap(area + 8, PG),
	       NB_ERR_INVALID_ARGS);
	EXPECT("vm_unmap: len 0", nb_vm_unmap(area, 0), NB_ERR_INVALID_ARGS);
	EXPECT("vm_unmap: past end", nb_vm_unmap((char *)end, PG),
	       NB_ERR_FAULT);
	EXPECT("vm_unmap: not mapped", nb_vm_unmap(area, PG), NB_ERR_BAD_STATE);
	EXPECT("vm_unmap: not mapped kept memory", area[0], 'k');

	EXPECT("move_out: unaligned", nb_vm_move_out(area + 4, PG, &g),
	       NB_ERR_INVALID_ARGS);
	EXPECT("move_out: len 0", nb_vm_move_out(area, 0, &g),
	       NB_ERR_INVALID_ARGS);
	EXPECT("move_out: too long",
	       nb_vm_move_out(P(0), NB_VMO_MAX_SIZE + PG, &g),
	       NB_ERR_INVALID_ARGS);
	EXPECT("move_out: past end",
	       nb_vm_move_out((char *)end - PG, 2 * PG, &g), NB_ERR_FAULT);
	EXPECT("move_out: out past end", nb_vm_move_out(area, PG, P(end)),
	       NB_ERR_FAULT);
	nb_vm_map(v, 0, area, PG, 0);
	EXPECT("move_out: over a mapping", nb_vm_move_out(area, 2 * PG, &g),
	       NB_ERR_BAD_STATE);
	nb_vm_unmap(area, PG);
	area[PG] = 'q';
	EXPECT("move_out: failed moves moved nothing", area[PG], 'q');
	nb_vm_move_out(area + PG, PG, &g);
	EXPECT("move_in: unaligned", nb_vm_move_in(g, area + 1),
	       NB_ERR_INVALID_ARGS);
	EXPECT("move_in: closed", nb_vm_move_in(closed, area),
	       NB_ERR_BAD_HANDLE);
	EXPECT("move_in: wrong type (a memory object)", nb_vm_move_in(v, area),
	       NB_ERR_WRONG_TYPE);
	EXPECT("vm_map: a pages object", nb_vm_map(g, 0, area, PG, 0),
	       NB_ERR_WRONG_TYPE);
	nb_handle_duplicate(g, NB_RIGHT_READ, &out);
	EXPECT("move_in: no WRITE", nb_vm_move_in(out, area),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(out);
	EXPECT("move_in: past end", nb_vm_move_in(g, (char *)end),
	       NB_ERR_FAULT);
	nb_vm_map(v, 0, area, PG, 0);
	EXPECT("move_in: over a mapping", nb_vm_move_in(g, area),
	       NB_ERR_BAD_STATE);
	nb_vm_unmap(area, PG);
	EXPECT("move_in", nb_vm_move_in(g, area + PG), NB_OK);
	EXPECT("move_in: the page came back", area[PG], 'q');
	EXPECT("move_in: empty", nb_vm_move_in(g, area), NB_ERR_BAD_STATE);
	EXPECT("vmo_read: empty pages object", nb_vmo_read(g, 0, buf, 1),
	       NB_ERR_OUT_OF_RANGE);
	nb_handle_close(g);

	nb_handle hs[65] = {ev, closed};
	nb_vmo_write(v, 0, "not wasm", 8);
	EXPECT("create_vmo: too many handles",
	       nb_process_create_vmo(v, 8, hs, 65, &out), NB_ERR_INVALID_ARGS);
	EXPECT("create_vmo: handles past end",
	       nb_process_create_vmo(v, 8, P(end - 4), 2, &out), NB_ERR_FAULT);
	EXPECT("create_vmo: out past end",
	       nb_process_create_vmo(v, 8, NULL, 0, P(end)), NB_ERR_FAULT);
	EXPECT("create_vmo: closed",
	       nb_process_create_vmo(closed, 8, NULL, 0, &out),
	       NB_ERR_BAD_HANDLE);
	EXPECT("create_vmo: wrong type",
	       nb_process_create_vmo(ev, 8, NULL, 0, &out), NB_ERR_WRONG_TYPE);
	EXPECT("create_vmo: no READ",
	       nb_process_create_vmo(v_wo, 8, NULL, 0, &out),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("create_vmo: a closed handle to pass",
	       nb_process_create_vmo(v, 8, hs, 2, &out), NB_ERR_BAD_HANDLE);
	EXPECT("create_vmo: past the object",
	       nb_process_create_vmo(v, 2 * PG + 1, NULL, 0, &out),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("create_vmo: not wasm",
	       nb_process_create_vmo(v, 8, NULL, 0, &out), NB_ERR_BAD_IMAGE);
	EXPECT("create_vmo: handle kept after failure",
	       nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
	nb_handle_close(v);
	nb_handle_close(v_ro);
	nb_handle_close(v_wo);
}

static void blocker(uint32_t e)
{
	nb_object_wait_one(e, NB_SIGNAL_USER0, NB_TIME_INFINITE, NULL);
}

static void threads(void)
{
	nb_handle t, weak, e;
	int32_t code;

	EXPECT("thread_create: not in the table",
	       nb_thread_create((void (*)(uint32_t))0x10000, 0, 0, &t),
	       NB_ERR_INVALID_ARGS);
	EXPECT("thread_create: wrong type",
	       nb_thread_create((void (*)(uint32_t))setup, 0, 0, &t),
	       NB_ERR_INVALID_ARGS);
	EXPECT("thread_create: out past end",
	       nb_thread_create(blocker, 0, 0, P(end)), NB_ERR_FAULT);
	EXPECT("thread_create: stack past end",
	       nb_thread_create(blocker, 0, end + 16, &t), NB_ERR_FAULT);
	nb_event_create(&e);
	EXPECT("thread_create", nb_thread_create(blocker, e, 0, &t), NB_OK);
	nb_handle_duplicate(t, NB_RIGHT_DUPLICATE, &weak);
	EXPECT("thread_status: running", nb_thread_status(t, &code),
	       NB_ERR_BAD_STATE);
	EXPECT("thread_status: out past end", nb_thread_status(t, P(end)),
	       NB_ERR_FAULT);
	EXPECT("thread_status: closed", nb_thread_status(closed, &code),
	       NB_ERR_BAD_HANDLE);
	EXPECT("thread_status: wrong type", nb_thread_status(proc, &code),
	       NB_ERR_WRONG_TYPE);
	EXPECT("thread: wait without WAIT",
	       nb_object_wait_one(weak, NB_SIGNAL_TERMINATED, 0, NULL),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("thread: kill is for processes", nb_process_kill(t),
	       NB_ERR_WRONG_TYPE);
	nb_object_signal(e, 0, NB_SIGNAL_USER0);
	EXPECT("thread: join",
	       nb_object_wait_one(t, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE,
				  NULL),
	       NB_OK);
	EXPECT("thread_status: ended", nb_thread_status(weak, &code), NB_OK);
	EXPECT("thread_status: its code", code, 0);
	nb_handle_close(t);
	nb_handle_close(weak);
	nb_handle_close(e);
}

/* The PCI calls without a PCI device handle: NOT_SUPPORTED on the
 * hosted kernel (no devices), BAD_HANDLE on bare metal (tests/boot.sh
 * runs these too; tests/boot/vblk.c has a device). */
static int no_pci(nb_status s)
{
	return s == NB_ERR_NOT_SUPPORTED || s == NB_ERR_BAD_HANDLE;
}

static void pci_calls(void)
{
	uint32_t v;
	uint64_t pa;
	nb_handle h;

	EXPECT("pci_config_read no device",
	       no_pci(nb_pci_config_read(0x4321, 0, 4, &v)), 1);
	EXPECT("pci_config_write no device",
	       no_pci(nb_pci_config_write(0x4321, 4, 2, 6)), 1);
	EXPECT("pci_bar no device", no_pci(nb_pci_bar(0x4321, 0, &h)), 1);
	EXPECT("pci_interrupt no device",
	       no_pci(nb_pci_interrupt(0x4321, NB_PCI_INTX, &h)), 1);
	EXPECT("dma_create no device", no_pci(nb_dma_create(0x4321, 4096, &h)),
	       1);
	EXPECT("vmo_physical no device", no_pci(nb_vmo_physical(0x4321, &pa)),
	       1);
}

int main(void)
{
	if (!(child = nb_boot_read(nb_startup_handle(0), &child_len, NULL))) {
		printf("FAIL no child image on the boot channel\n");
		return 1;
	}
	setup();
	handles();
	channels();
	events_and_waits();
	processes();
	process_args();
	process_console();
	process_wasi();
	priorities_and_timers();
	memory_objects();
	threads();
	pci_calls();
	printf("done\n");
	return kt_failed != 0;
}
