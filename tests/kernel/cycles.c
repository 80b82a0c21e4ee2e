/*
 * cycles.c: channel ends kept alive only by messages queued in each
 * other are freed when the process that made them ends (kernel/cycle.c),
 * and nothing still reachable is. The kernel reports objects left at its
 * exit, which tests/kernel.sh counts as a failure: the 40,000 cycles of
 * "cycles" must all be gone.
 */
#include "kt.h"

static unsigned char *image;
static uint32_t image_len;

/* Runs the child with cmd; returns the handle it sends (or 0) after it
 * exited with status 0. */
static nb_handle child_end(const char *name, const char *cmd)
{
	nb_handle ch, p = kt_spawn(image, image_len, &ch), h = 0;
	uint32_t n, nh;
	char buf[8];

	if (p == NB_HANDLE_INVALID ||
	    nb_channel_write(ch, cmd, strlen(cmd), NULL, 0))
		return 0;
	if (strncmp(cmd, "ring", 4) == 0)
		nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf, &h,
				1, &n, &nh);
	EXPECT(name, kt_join(p), 0);
	nb_handle_close(ch);
	nb_handle_close(p);
	return h;
}

/* A ring of k ends whose outside peer we hold: the ring is freed when
 * the child ends, so our end sees PEER_CLOSED (a wait that never ends
 * otherwise: the kernel reports a deadlock). */
static void ring_freed(int k)
{
	char cmd[32], name[64];
	nb_handle x0;
	nb_signals got = 0;

	snprintf(cmd, sizeof cmd, "ring %d out", k);
	snprintf(name, sizeof name, "ring of %d: child exits", k);
	x0 = child_end(name, cmd);
	snprintf(name, sizeof name, "ring of %d: freed, peer closed", k);
	EXPECT(name,
	       nb_object_wait_one(x0, NB_SIGNAL_PEER_CLOSED, NB_TIME_INFINITE,
				  &got),
	       NB_OK);
	nb_handle_close(x0);
}

/* A ring of k ends of which we hold one: nothing is freed; reading
 * around the ring brings us back to a handle of the first. */
static void ring_kept(int k)
{
	char cmd[32], name[64], buf[8];
	nb_handle h, next;
	uint32_t n, nh;
	int steps = 0;

	snprintf(cmd, sizeof cmd, "ring %d in", k);
	snprintf(name, sizeof name, "held ring of %d: child exits", k);
	h = child_end(name, cmd);
	while (nb_channel_read(h, 0, buf, sizeof buf, &next, 1, &n, &nh) ==
		       NB_OK &&
	       nh == 1) {
		nb_handle_close(h);
		h = next;
		steps++;
	}
	snprintf(name, sizeof name, "held ring of %d: every end kept", k);
	EXPECT(name, steps, k);
	nb_handle_close(h);
}

int main(void)
{
	image = nb_boot_read(nb_startup_handle(0), &image_len, NULL);
	if (!image)
		return 1;
	ring_freed(1);
	ring_freed(2);
	ring_freed(64);
	ring_kept(1);
	ring_kept(5);
	child_end("40000 cycles of two pairs", "cycles 40000");
	printf("done\n");
	return kt_failed;
}
