/*
 * ipc.c: kernel objects and IPC between processes (run as init by
 * tests/kernel.sh with child.wasm as its boot image): ping-pong, handle
 * transfer, rights, forged and closed handles, queue full, peer closed,
 * wait-many with a deadline, exit status, traps and kill.
 */
#include "kt.h"

static unsigned char *child;
static uint32_t child_len;

/* Starts a child and sends it its command. */
static nb_handle start(const char *cmd, nb_handle *ch)
{
	nb_handle p = kt_spawn(child, child_len, ch);

	if (p != NB_HANDLE_INVALID)
		nb_channel_write(*ch, cmd, strlen(cmd), NULL, 0);
	return p;
}

static void ping_pong(void)
{
	nb_handle ch, p = start("echo", &ch);
	char msg[16], back[16];
	uint32_t n, nh;
	int bad = 0;

	for (int i = 0; i < 1000; i++) {
		memset(msg, 'a' + i % 26, sizeof msg);
		msg[0] = (char)i;
		if (nb_channel_write(ch, msg, sizeof msg, NULL, 0) ||
		    nb_channel_read(ch, NB_CHANNEL_READ_WAIT, back, sizeof back,
				    NULL, 0, &n, &nh) ||
		    n != 16 || nh != 0 || memcmp(msg, back, 16) != 0)
			bad++;
	}
	EXPECT("ping-pong 1000 messages", bad, 0);
	nb_handle_close(ch);
	EXPECT("echo child exits 0 when its peer closes", kt_join(p), 0);
	nb_handle_close(p);
}

static void transfer(void)
{
	nb_handle ch, p = start("signal", &ch), ev;
	nb_signals seen = 0;

	nb_event_create(&ev);
	/* Keep a duplicate: the handle itself leaves with the message. */
	nb_handle mine;
	EXPECT("duplicate event",
	       nb_handle_duplicate(ev, NB_RIGHT_SAME_RIGHTS, &mine), NB_OK);
	EXPECT("write a handle", nb_channel_write(ch, "ev", 2, &ev, 1), NB_OK);
	EXPECT("sent handle is gone", nb_handle_close(ev), NB_ERR_BAD_HANDLE);
	EXPECT("child signals the transferred event",
	       nb_object_wait_one(mine, NB_SIGNAL_SIGNALED, NB_TIME_INFINITE,
				  &seen),
	       NB_OK);
	EXPECT("observed SIGNALED", seen & NB_SIGNAL_SIGNALED,
	       NB_SIGNAL_SIGNALED);
	EXPECT("signal child exit status", kt_join(p), 5);
	nb_handle_close(mine);
	nb_handle_close(ch);
	nb_handle_close(p);

	/* Handles arrive in the reader's table, with their rights. */
	nb_handle a, b, e2, got[2];
	uint32_t n, nh;
	nb_channel_create(&a, &b);
	nb_event_create(&e2);
	nb_handle_replace(e2, NB_RIGHT_TRANSFER | NB_RIGHT_WAIT, &e2);
	EXPECT("write handle in-process", nb_channel_write(a, "x", 1, &e2, 1),
	       NB_OK);
	EXPECT("read with no room for handles",
	       nb_channel_read(b, 0, NULL, 0, got, 0, &n, &nh),
	       NB_ERR_BUFFER_TOO_SMALL);
	EXPECT("actual sizes reported", n * 100 + nh, 101);
	char c1;
	EXPECT("read handle", nb_channel_read(b, 0, &c1, 1, got, 2, &n, &nh),
	       NB_OK);
	EXPECT("received handle lacks SIGNAL",
	       nb_object_signal(got[0], 0, NB_SIGNAL_SIGNALED),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("received handle can wait",
	       nb_object_wait_one(got[0], NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("cannot send a channel over itself",
	       nb_channel_write(a, "", 0, &a, 1), NB_ERR_INVALID_ARGS);
	EXPECT("cannot send a handle twice",
	       nb_channel_write(a, "", 0, (nb_handle[]){got[0], got[0]}, 2),
	       NB_ERR_INVALID_ARGS);
	nb_handle nt;
	nb_handle_duplicate(b, NB_RIGHT_READ, &nt);
	EXPECT("no TRANSFER right", nb_channel_write(a, "", 0, &nt, 1),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(nt);
	nb_handle_close(b);
	nb_handle_close(got[0]);
	nb_handle_close(a);
}

static void rights(void)
{
	nb_handle a, b, ro, x;

	nb_channel_create(&a, &b);
	EXPECT("duplicate read-only",
	       nb_handle_duplicate(a, NB_RIGHT_READ | NB_RIGHT_WAIT, &ro),
	       NB_OK);
	EXPECT("write without WRITE", nb_channel_write(ro, "hi", 2, NULL, 0),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("duplicate with more rights",
	       nb_handle_duplicate(ro, NB_RIGHTS_ALL, &x),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("replace with more rights",
	       nb_handle_replace(ro, NB_RIGHTS_ALL, &x), NB_ERR_INVALID_ARGS);
	EXPECT("replace keeps working",
	       nb_handle_replace(ro, NB_RIGHT_READ, &x), NB_OK);
	EXPECT("replaced handle is closed", nb_handle_close(ro),
	       NB_ERR_BAD_HANDLE);
	EXPECT("no DUPLICATE right", nb_handle_duplicate(x, NB_RIGHT_READ, &ro),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("wait without WAIT",
	       nb_object_wait_one(x, NB_SIGNAL_READABLE, 0, NULL),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("read-only can read (empty)",
	       nb_channel_read(x, 0, NULL, 0, NULL, 0, NULL, NULL),
	       NB_ERR_SHOULD_WAIT);
	nb_handle_close(x);
	nb_handle_close(a);
	nb_handle_close(b);
}

static void forged(void)
{
	nb_handle a, b, ev;

	nb_event_create(&ev);
	EXPECT("handle 0", nb_handle_close(0), NB_ERR_BAD_HANDLE);
	EXPECT("forged handle", nb_handle_close(0x12345678), NB_ERR_BAD_HANDLE);
	EXPECT("forged generation", nb_handle_close(ev + 1024),
	       NB_ERR_BAD_HANDLE);
	EXPECT("close", nb_handle_close(ev), NB_OK);
	EXPECT("closed handle", nb_handle_close(ev), NB_ERR_BAD_HANDLE);
	nb_channel_create(&a, &b);
	EXPECT("slot reuse gets a new value", a != ev && b != ev, 1);
	EXPECT("stale handle after reuse",
	       nb_object_signal(ev, 0, NB_SIGNAL_SIGNALED), NB_ERR_BAD_HANDLE);
	EXPECT("signal a channel", nb_object_signal(a, 0, NB_SIGNAL_USER0),
	       NB_ERR_WRONG_TYPE);
	EXPECT("read an event", nb_event_create(&ev), NB_OK);
	EXPECT("read an event (type)",
	       nb_channel_read(ev, 0, NULL, 0, NULL, 0, NULL, NULL),
	       NB_ERR_WRONG_TYPE);
	nb_handle_close(ev);
	nb_handle_close(a);
	nb_handle_close(b);
}

static void queue_and_peer(void)
{
	nb_handle a, b;
	int ok = 0;
	char c = 0;

	nb_channel_create(&a, &b);
	for (uint32_t i = 0; i < NB_CHANNEL_QUEUE_MAX; i++)
		ok += nb_channel_write(a, &c, 1, NULL, 0) == NB_OK;
	EXPECT("queue takes NB_CHANNEL_QUEUE_MAX", ok, NB_CHANNEL_QUEUE_MAX);
	EXPECT("queue full", nb_channel_write(a, &c, 1, NULL, 0),
	       NB_ERR_SHOULD_WAIT);
	EXPECT("other direction free", nb_channel_write(b, &c, 1, NULL, 0),
	       NB_OK);
	EXPECT("read one", nb_channel_read(b, 0, &c, 1, NULL, 0, NULL, NULL),
	       NB_OK);
	EXPECT("room again", nb_channel_write(a, &c, 1, NULL, 0), NB_OK);
	EXPECT("too big",
	       nb_channel_write(a, &c, NB_CHANNEL_MAX_BYTES + 1, NULL, 0),
	       NB_ERR_INVALID_ARGS);
	nb_signals s = 0;
	nb_handle_close(b);
	EXPECT("peer closed: write", nb_channel_write(a, &c, 1, NULL, 0),
	       NB_ERR_PEER_CLOSED);
	EXPECT("peer closed: wait",
	       nb_object_wait_one(a, NB_SIGNAL_PEER_CLOSED, NB_TIME_INFINITE,
				  &s),
	       NB_OK);
	EXPECT("peer closed signal, queued message readable", s,
	       NB_SIGNAL_PEER_CLOSED | NB_SIGNAL_READABLE);
	EXPECT("queued message still read",
	       nb_channel_read(a, NB_CHANNEL_READ_WAIT, &c, 1, NULL, 0, NULL,
			       NULL),
	       NB_OK);
	EXPECT("then peer closed",
	       nb_channel_read(a, 0, &c, 1, NULL, 0, NULL, NULL),
	       NB_ERR_PEER_CLOSED);
	nb_handle_close(a);

	/* A child that exits: its end closes with it. */
	nb_handle ch, p = start("exit 0", &ch);
	EXPECT("blocking read sees the child's end close",
	       nb_channel_read(ch, NB_CHANNEL_READ_WAIT, &c, 1, NULL, 0, NULL,
			       NULL),
	       NB_ERR_PEER_CLOSED);
	nb_handle_close(ch);
	nb_handle_close(p);
}

static void wait_many(void)
{
	nb_handle e1, e2, a, b;
	nb_wait_item it[3];
	nb_time t0;

	nb_event_create(&e1);
	nb_event_create(&e2);
	nb_channel_create(&a, &b);
	it[0] = (nb_wait_item){e1, NB_SIGNAL_SIGNALED, 0};
	it[1] = (nb_wait_item){e2, NB_SIGNAL_USER0, 0};
	it[2] = (nb_wait_item){a, NB_SIGNAL_READABLE, 0};
	t0 = nb_clock_monotonic();
	EXPECT("wait-many times out", nb_object_wait_many(it, 3, t0 + 2000000),
	       NB_ERR_TIMED_OUT);
	EXPECT("not before the deadline", nb_clock_monotonic() >= t0 + 2000000,
	       1);
	nb_object_signal(e2, 0, NB_SIGNAL_USER0 | NB_SIGNAL_SIGNALED);
	EXPECT("wait-many fires", nb_object_wait_many(it, 3, NB_TIME_INFINITE),
	       NB_OK);
	EXPECT("pending per item",
	       (it[0].pending ==
		0) + (it[1].pending == (NB_SIGNAL_USER0 | NB_SIGNAL_SIGNALED)) +
		       (it[2].pending == 0),
	       3);
	nb_object_signal(e2, NB_SIGNAL_USER0 | NB_SIGNAL_SIGNALED, 0);
	EXPECT("past deadline polls", nb_object_wait_many(it, 3, 0),
	       NB_ERR_TIMED_OUT);

	/* A child wakes us: echo answers on the channel. */
	nb_handle ch, p = start("echo", &ch);
	it[2] = (nb_wait_item){ch, NB_SIGNAL_READABLE, 0};
	nb_channel_write(ch, "ping", 4, NULL, 0);
	EXPECT("wait-many woken by another process",
	       nb_object_wait_many(it, 3, NB_TIME_INFINITE), NB_OK);
	EXPECT("readable item", it[2].pending & NB_SIGNAL_READABLE,
	       NB_SIGNAL_READABLE);
	EXPECT("zero items sleep to the deadline",
	       nb_object_wait_many(it, 0, nb_clock_monotonic() + 100000),
	       NB_ERR_TIMED_OUT);
	nb_handle_close(ch);
	kt_join(p);
	nb_handle_close(p);
	nb_handle_close(e1);
	nb_handle_close(e2);
	nb_handle_close(a);
	nb_handle_close(b);
}

static void processes(void)
{
	nb_handle ch, p;
	int32_t code;

	p = start("exit 42", &ch);
	EXPECT("status before the end", nb_process_status(p, &code),
	       NB_ERR_BAD_STATE);
	EXPECT("exit status 42", kt_join(p), 42);
	nb_handle_close(ch);
	nb_handle_close(p);

	p = start("trap", &ch);
	EXPECT("trap status", kt_join(p), NB_EXIT_TRAP);
	nb_handle_close(ch);
	nb_handle_close(p);

	p = start("block", &ch);
	nb_yield(); /* let it block */
	EXPECT("kill", nb_process_kill(p), NB_OK);
	EXPECT("killed status", kt_join(p), NB_EXIT_KILLED);
	EXPECT("kill an ended process", nb_process_kill(p), NB_OK);
	nb_handle weak;
	nb_handle_duplicate(p, NB_RIGHT_WAIT, &weak);
	EXPECT("kill without KILL", nb_process_kill(weak),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(weak);
	nb_handle_close(ch);
	nb_handle_close(p);

	p = kt_spawn(child, child_len, &ch);
	EXPECT("kill before it ran", nb_process_kill(p), NB_OK);
	EXPECT("killed status (never ran)", kt_join(p), NB_EXIT_KILLED);
	nb_handle_close(ch);
	nb_handle_close(p);

	EXPECT("bad image", nb_process_create("\0asm", 4, NULL, 0, &p),
	       NB_ERR_BAD_IMAGE);
	EXPECT("startup handle out of range", nb_startup_handle(7),
	       NB_HANDLE_INVALID);
	EXPECT("startup handle taken once", nb_startup_handle(0),
	       NB_HANDLE_INVALID);
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0);

	if (!(child = nb_boot_read(boot, &child_len, NULL))) {
		printf("FAIL no child image on the boot channel\n");
		return 1;
	}
	ping_pong();
	transfer();
	rights();
	forged();
	queue_and_peer();
	wait_many();
	processes();
	printf("done\n");
	return kt_failed != 0;
}
