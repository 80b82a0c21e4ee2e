/*
 * timer.c: timers and waits with deadlines (run as init by
 * tests/kernel.sh, with child.wasm as its boot image). Every check holds
 * whatever the machine's speed: a wait that times out must not return
 * before its deadline, a timer must not fire before its own, and a wait
 * on a timer with no deadline must end.
 */
#include "kt.h"

#define MS 1000000ll

static unsigned char *child;
static uint32_t child_len;

static void timer_basics(void)
{
	nb_handle t;
	nb_signals s = 0;
	nb_time d;

	EXPECT("timer_create", nb_timer_create(&t), NB_OK);
	EXPECT("new timer is not signaled",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, 0, &s),
	       NB_ERR_TIMED_OUT);
	d = nb_clock_monotonic() + 20 * MS;
	EXPECT("timer_set", nb_timer_set(t, d), NB_OK);
	EXPECT("wait for the timer",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, NB_TIME_INFINITE, &s),
	       NB_OK);
	EXPECT("it fired after its deadline", nb_clock_monotonic() >= d, 1);
	EXPECT("observed SIGNALED", s, NB_SIGNAL_SIGNALED);
	EXPECT("stays signaled",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, 0, NULL), NB_OK);
	EXPECT("timer_set in the past", nb_timer_set(t, 1), NB_OK);
	EXPECT("fires at once",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, 0, NULL), NB_OK);
	nb_timer_set(t, nb_clock_monotonic() + 3600000 * MS);
	EXPECT("re-armed: signal cleared",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("timer_cancel", nb_timer_cancel(t), NB_OK);
	d = nb_clock_monotonic() + 5 * MS;
	EXPECT("cancelled timer never fires",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, d, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("wait_one timed out after its deadline",
	       nb_clock_monotonic() >= d, 1);
	nb_handle_close(t);
}

static void wait_many(void)
{
	nb_handle t1, t2, ev, a, b;
	nb_wait_item it[4];
	nb_time d;

	nb_timer_create(&t1);
	nb_timer_create(&t2);
	nb_event_create(&ev);
	nb_channel_create(&a, &b);
	it[0] = (nb_wait_item){ev, NB_SIGNAL_SIGNALED, 0};
	it[1] = (nb_wait_item){t1, NB_SIGNAL_SIGNALED, 0};
	it[2] = (nb_wait_item){b, NB_SIGNAL_READABLE, 0};
	it[3] = (nb_wait_item){t2, NB_SIGNAL_SIGNALED, 0};
	nb_timer_set(t1, nb_clock_monotonic() + 3600000 * MS);
	d = nb_clock_monotonic() + 10 * MS;
	EXPECT("wait_many: deadline passes", nb_object_wait_many(it, 4, d),
	       NB_ERR_TIMED_OUT);
	EXPECT("wait_many: not before the deadline", nb_clock_monotonic() >= d,
	       1);
	EXPECT("wait_many: nothing pending on timeout",
	       it[0].pending | it[1].pending | it[2].pending | it[3].pending,
	       0);
	d = nb_clock_monotonic() + 15 * MS;
	nb_timer_set(t2, d);
	EXPECT("wait_many: the second timer wakes it",
	       nb_object_wait_many(it, 4, NB_TIME_INFINITE), NB_OK);
	EXPECT("wait_many: not before that timer", nb_clock_monotonic() >= d,
	       1);
	EXPECT("wait_many: which fired", it[3].pending, NB_SIGNAL_SIGNALED);
	EXPECT("wait_many: the others did not",
	       it[0].pending | it[1].pending | it[2].pending, 0);
	nb_object_signal(ev, 0, NB_SIGNAL_SIGNALED);
	nb_channel_write(a, "x", 1, NULL, 0);
	EXPECT("wait_many: several pending", nb_object_wait_many(it, 3, 0),
	       NB_OK);
	EXPECT("wait_many: event pending", it[0].pending, NB_SIGNAL_SIGNALED);
	EXPECT("wait_many: channel pending", it[2].pending, NB_SIGNAL_READABLE);
	EXPECT("wait_many: armed timer not pending", it[1].pending, 0);
	nb_handle_close(t1);
	nb_handle_close(t2);
	nb_handle_close(ev);
	nb_handle_close(a);
	nb_handle_close(b);
}

/* Deadlines and timers are honoured while another process spins. */
static void beside_a_spinner(void)
{
	nb_handle ch, sp = kt_spawn(child, child_len, &ch), t;
	nb_time d;

	nb_channel_write(ch, "spin", 4, NULL, 0);
	nb_yield();
	d = nb_clock_monotonic() + 20 * MS;
	EXPECT("deadline next to a spinner",
	       nb_object_wait_one(ch, NB_SIGNAL_READABLE, d, NULL),
	       NB_ERR_TIMED_OUT);
	EXPECT("after it", nb_clock_monotonic() >= d, 1);
	nb_timer_create(&t);
	d = nb_clock_monotonic() + 20 * MS;
	nb_timer_set(t, d);
	EXPECT("timer next to a spinner",
	       nb_object_wait_one(t, NB_SIGNAL_SIGNALED, NB_TIME_INFINITE,
				  NULL),
	       NB_OK);
	EXPECT("after its deadline", nb_clock_monotonic() >= d, 1);
	nb_process_kill(sp);
	EXPECT("spinner killed", kt_join(sp), NB_EXIT_KILLED);
	nb_handle_close(t);
	nb_handle_close(ch);
	nb_handle_close(sp);
}

int main(void)
{
	child = nb_boot_read(nb_startup_handle(0), &child_len, NULL);
	EXPECT("child image loaded", child != NULL, 1);
	if (!child)
		return 1;
	timer_basics();
	wait_many();
	beside_a_spinner();
	puts("done");
	return kt_failed ? 1 : 0;
}
