/*
 * preempt.c: preemption (run as init by tests/kernel.sh, with child.wasm
 * as its boot image, on each engine). Without it these checks never end
 * (the suite's timeout fails them); they assert on completion only:
 *  - a child spinning in an endless loop does not starve init nor a
 *    ping-pong with another child; init then kills it (status 137);
 *  - two CPU-bound children that never call the kernel both get the CPU
 *    (each sends "tick" after a million rounds), then are killed.
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

static void spinner_does_not_starve(void)
{
	nb_handle sch, ech, spinner = start("spin", &sch);
	nb_handle echo = start("echo", &ech);
	char msg[8] = "ping", back[8];
	uint32_t n;
	int bad = 0;

	nb_yield(); /* the spinner runs now, and must give the CPU back */
	for (int i = 0; i < 100; i++) {
		msg[4] = (char)('a' + i % 26);
		if (nb_channel_write(ech, msg, 5, NULL, 0) ||
		    nb_channel_read(ech, NB_CHANNEL_READ_WAIT, back,
				    sizeof back, NULL, 0, &n, NULL) ||
		    n != 5 || memcmp(msg, back, 5) != 0)
			bad++;
	}
	EXPECT("ping-pong next to a spinner", bad, 0);
	nb_handle_close(ech);
	EXPECT("echo child ends", kt_join(echo), 0);
	EXPECT("kill the spinner", nb_process_kill(spinner), NB_OK);
	EXPECT("spinner killed status", kt_join(spinner), NB_EXIT_KILLED);
	nb_handle_close(sch);
	nb_handle_close(echo);
	nb_handle_close(spinner);
}

/* Waits for "tick" on ch; 0 when it came. */
static int tick(nb_handle ch)
{
	char buf[8];
	uint32_t n;

	if (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf, NULL, 0,
			    &n, NULL) ||
	    n != 4 || memcmp(buf, "tick", 4) != 0)
		return 1;
	return 0;
}

static void both_progress(void)
{
	nb_handle ach, bch, a = start("progress", &ach);
	nb_handle b = start("progress", &bch);

	EXPECT("first CPU-bound child progresses", tick(ach), 0);
	EXPECT("second CPU-bound child progresses", tick(bch), 0);
	EXPECT("kill the first", nb_process_kill(a), NB_OK);
	EXPECT("kill the second", nb_process_kill(b), NB_OK);
	EXPECT("first killed status", kt_join(a), NB_EXIT_KILLED);
	EXPECT("second killed status", kt_join(b), NB_EXIT_KILLED);
	nb_handle_close(ach);
	nb_handle_close(bch);
	nb_handle_close(a);
	nb_handle_close(b);
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0);

	child = nb_boot_read(boot, &child_len, NULL);
	EXPECT("child image loaded", child != NULL, 1);
	if (!child)
		return 1;
	spinner_does_not_starve();
	both_progress();
	puts("done");
	return kt_failed ? 1 : 0;
}
