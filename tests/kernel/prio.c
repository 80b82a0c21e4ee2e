/*
 * prio.c: priorities (run as init by tests/kernel.sh, with child.wasm as
 * its boot image, on each engine). The checks assert order and
 * completion, never time:
 *  - two children blocked until "go": woken low first, high second, the
 *    high-priority one still reports first when they share one CPU
 *    (nb_cpu_count() == 1); on several CPUs both run at once, in no
 *    order, and both must report;
 *  - a child spinning at NB_PRIORITY_MAX does not starve a CPU-bound
 *    child at NB_PRIORITY_MIN (aging), nor init;
 *  - the rights and range of object_set_priority.
 */
#include "kt.h"

static unsigned char *child;
static uint32_t child_len;

/* Starts a child and sends it cmd with handle h (if not INVALID). */
static nb_handle start(const char *cmd, nb_handle h, nb_handle *ch)
{
	nb_handle p = kt_spawn(child, child_len, ch);

	if (p != NB_HANDLE_INVALID)
		nb_channel_write(*ch, cmd, strlen(cmd), &h,
				 h != NB_HANDLE_INVALID);
	return p;
}

/* Reads one message of ch into buf (NUL-terminated); 0 on success. */
static int get(nb_handle ch, char *buf, uint32_t cap)
{
	uint32_t n;

	if (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, cap - 1, NULL, 0, &n,
			    NULL))
		return 1;
	buf[n] = 0;
	return 0;
}

static void high_first(void)
{
	nb_handle x, y, y2, lch, hch, lo, hi;
	char a[16] = "", b[16] = "";

	nb_channel_create(&x, &y);
	nb_handle_duplicate(y, NB_RIGHT_SAME_RIGHTS, &y2);
	lo = start("report low", y2, &lch);
	hi = start("report high", y, &hch);
	EXPECT("low child ready", get(lch, a, sizeof a), 0);
	EXPECT("high child ready", get(hch, a, sizeof a), 0);
	EXPECT("set low priority", nb_object_set_priority(lo, 2), NB_OK);
	EXPECT("set high priority", nb_object_set_priority(hi, 30), NB_OK);
	nb_channel_write(lch, "go", 2, NULL, 0);
	nb_channel_write(hch, "go", 2, NULL, 0);
	get(x, a, sizeof a);
	get(x, b, sizeof b);
	if (nb_cpu_count() == 1) {
		EXPECT("high priority reports first", strcmp(a, "high"), 0);
		EXPECT("low priority reports second", strcmp(b, "low"), 0);
	} else {
		EXPECT("both report (several CPUs: in any order)",
		       (!strcmp(a, "high") && !strcmp(b, "low")) ||
			       (!strcmp(a, "low") && !strcmp(b, "high")),
		       1);
	}
	EXPECT("low child status", kt_join(lo), 0);
	EXPECT("high child status", kt_join(hi), 0);
	nb_handle_close(x);
	nb_handle_close(lch);
	nb_handle_close(hch);
	nb_handle_close(lo);
	nb_handle_close(hi);
}

static void no_starvation(void)
{
	nb_handle sch, pch, sp, pr;
	char buf[16] = "";

	sp = start("spin", NB_HANDLE_INVALID, &sch);
	pr = start("progress", NB_HANDLE_INVALID, &pch);
	EXPECT("spinner at the top",
	       nb_object_set_priority(sp, NB_PRIORITY_MAX), NB_OK);
	EXPECT("progress at the bottom",
	       nb_object_set_priority(pr, NB_PRIORITY_MIN), NB_OK);
	EXPECT("low-priority child progresses under a top-priority spinner",
	       get(pch, buf, sizeof buf) == 0 && strcmp(buf, "tick") == 0, 1);
	nb_process_kill(sp);
	nb_process_kill(pr);
	EXPECT("spinner killed", kt_join(sp), NB_EXIT_KILLED);
	EXPECT("progress killed", kt_join(pr), NB_EXIT_KILLED);
	nb_handle_close(sch);
	nb_handle_close(pch);
	nb_handle_close(sp);
	nb_handle_close(pr);
}

static void rights(void)
{
	nb_handle ch, p = start("exit 0", NB_HANDLE_INVALID, &ch), weak, ev;

	nb_handle_duplicate(p, NB_RIGHT_WAIT, &weak);
	nb_event_create(&ev);
	EXPECT("priority above max",
	       nb_object_set_priority(p, NB_PRIORITY_MAX + 1),
	       NB_ERR_INVALID_ARGS);
	EXPECT("priority without MANAGE", nb_object_set_priority(weak, 1),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("priority of an event", nb_object_set_priority(ev, 1),
	       NB_ERR_WRONG_TYPE);
	EXPECT("priority of a closed handle", nb_object_set_priority(0x7ff, 1),
	       NB_ERR_BAD_HANDLE);
	EXPECT("child exits", kt_join(p), 0);
	EXPECT("priority of an ended process", nb_object_set_priority(p, 1),
	       NB_OK);
	nb_handle_close(ch);
	nb_handle_close(p);
	nb_handle_close(weak);
	nb_handle_close(ev);
}

int main(void)
{
	child = nb_boot_read(nb_startup_handle(0), &child_len, NULL);
	EXPECT("child image loaded", child != NULL, 1);
	if (!child)
		return 1;
	high_first();
	no_starvation();
	rights();
	puts("done");
	return kt_failed ? 1 : 0;
}
