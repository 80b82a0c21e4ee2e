/*
 * stress.c: the kernel under load (tests/kernel.sh runs a short round,
 * `make stress DURATION=S` long ones through tests/stress.sh). Its boot
 * images: child.wasm, then a text "SPAWNS FLOOD CHURN SECONDS". Rounds
 * of the three loads below repeat until SECONDS have passed (at least
 * one round; with SECONDS > 0 a round's spawns also stop at the time):
 *   spawn   up to SPAWNS children that exit at once, each joined and
 *           closed; a leaked handle would fill our table and fail one
 *   flood   8 children write FLOOD messages each on one channel (yielding
 *           while its queue is full); we read them all, each writer's in
 *           order, none lost
 *   churn   one child writes CHURN messages over 64 channels chosen at
 *           random; we wait on all 64 at once, and after each wait
 *           replace one handle of the set by a new one (handle_replace)
 * Objects left at the end are the kernel's leak report (kernel.sh).
 */
#include "kt.h"

static unsigned char *image;
static uint32_t image_len;

/* Starts the child and sends it cmd with handles hs[0..n). */
static nb_handle start(const char *cmd, nb_handle *hs, uint32_t n)
{
	nb_handle ch, p = kt_spawn(image, image_len, &ch);

	if (p == NB_HANDLE_INVALID)
		return p;
	if (nb_channel_write(ch, cmd, strlen(cmd), hs, n)) {
		nb_process_kill(p);
		kt_join(p);
		nb_handle_close(p);
		p = NB_HANDLE_INVALID;
	}
	nb_handle_close(ch);
	return p;
}

static nb_time end; /* 0: no time limit */

/* Up to n children that exit at once (fewer if the time is up): *tried
 * gets how many were started, the result how many exited with 0. */
static long spawn(long n, long *tried)
{
	long ok = 0;

	for (long i = 0; i < n && !(end && nb_clock_monotonic() >= end); i++) {
		if (++*tried % 1000 == 0) {
			printf("%ld spawned\n", *tried);
			fflush(stdout);
		}
		nb_handle p = start("exit 0", NULL, 0);
		if (p == NB_HANDLE_INVALID)
			break;
		ok += kt_join(p) == 0;
		nb_handle_close(p);
	}
	return ok;
}

/* 8 writers of n messages each on one channel: true if every message
 * came, each writer's in order, and every writer exited with 0. */
static int flood(long n)
{
	nb_handle r, w, dup, p[8];
	uint32_t next[8] = {0}, m[2], got, nh;
	char cmd[48];
	int ok = 1;

	if (nb_channel_create(&r, &w))
		return 0;
	for (int i = 0; i < 8; i++) {
		snprintf(cmd, sizeof cmd, "flood %ld %d", n, i);
		if (nb_handle_duplicate(w, NB_RIGHT_SAME_RIGHTS, &dup) ||
		    (p[i] = start(cmd, &dup, 1)) == NB_HANDLE_INVALID)
			return 0;
	}
	nb_handle_close(w);
	for (long k = 0; k < 8 * n; k++) {
		if (nb_channel_read(r, NB_CHANNEL_READ_WAIT, m, sizeof m, NULL,
				    0, &got, &nh) ||
		    got != sizeof m || m[0] >= 8 || m[1] != next[m[0]]) {
			ok = 0;
			break;
		}
		next[m[0]]++;
	}
	for (int i = 0; i < 8; i++) {
		ok &= kt_join(p[i]) == 0;
		nb_handle_close(p[i]);
	}
	nb_handle_close(r);
	return ok;
}

/* One writer of n messages over 64 channels, read through waits on all
 * 64 whose handles keep changing: true if all n came. */
static int churn(long n)
{
	nb_wait_item it[64];
	nb_handle theirs[64], p;
	uint32_t m[2], got, nh;
	long seen = 0;
	char cmd[32];
	int ok = 1;

	for (int i = 0; i < 64; i++) {
		if (nb_channel_create(&it[i].handle, &theirs[i]))
			return 0;
		it[i].waitfor = NB_SIGNAL_READABLE;
	}
	snprintf(cmd, sizeof cmd, "churn %ld", n);
	if ((p = start(cmd, theirs, 64)) == NB_HANDLE_INVALID)
		return 0;
	for (uint32_t turn = 0; seen < n && ok; turn++) {
		nb_handle *h = &it[turn % 64].handle;
		if (nb_object_wait_many(it, 64, NB_TIME_INFINITE)) {
			ok = 0;
			break;
		}
		for (int i = 0; i < 64; i++)
			while (nb_channel_read(it[i].handle, 0, m, sizeof m,
					       NULL, 0, &got, &nh) == NB_OK)
				seen++;
		ok = nb_handle_replace(*h, NB_RIGHT_SAME_RIGHTS, h) == NB_OK;
	}
	ok &= kt_join(p) == 0 && seen == n;
	nb_handle_close(p);
	for (int i = 0; i < 64; i++)
		nb_handle_close(it[i].handle);
	return ok;
}

int main(void)
{
	long spawns = 0, floods = 0, churns = 0, seconds = 0, rounds = 0;
	long spawned = 0, tried = 0, flooded = 0, churned = 0;
	unsigned char *conf;
	uint32_t len;

	nb_handle boot = nb_startup_handle(0);

	image = nb_boot_read(boot, &image_len, NULL);
	conf = nb_boot_read(boot, &len, NULL);
	if (!image || !conf) {
		printf("FAIL no child image and configuration\n");
		return 1;
	}
	conf[len - 1] = 0;
	sscanf((char *)conf, "%ld %ld %ld %ld", &spawns, &floods, &churns,
	       &seconds);
	if (seconds > 0)
		end = nb_clock_monotonic() + (nb_time)seconds * 1000000000;
	do {
		spawned += spawn(spawns, &tried);
		flooded += flood(floods);
		churned += churn(churns);
		rounds++;
	} while (end && nb_clock_monotonic() < end);
	printf("%ld rounds, %ld spawn/exit cycles\n", rounds, tried);
	EXPECT("spawn/exit cycles", spawned, tried);
	EXPECT("floods of 8 writers, none lost, in order", flooded, rounds);
	EXPECT("waits on 64 churned handles, none lost", churned, rounds);
	printf("done\n");
	return kt_failed;
}
