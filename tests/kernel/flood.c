/*
 * flood.c: a program that queues 64 KiB messages on channel pairs until
 * the kernel says NB_ERR_NO_MEMORY (RAM runs out on a small machine, or
 * the process's kernel memory limit is reached), run as init with
 * child.wasm, itself and tests/boot/oom.wasm as its boot images
 * (tests/kernel.sh hosted, tests/boot.sh in QEMU with little RAM). It checks
 * that
 *   - the flood ends with NB_ERR_NO_MEMORY, not with a crash;
 *   - a process started before the flood (an echo child) still answers;
 *   - once the flooded channels are closed, a second flood queues as
 *     much as the first: the memory came back;
 *   - a flooding child that exits gives its memory back too;
 *   - the messages are charged to their writer (mem_usage) until read;
 *   - limits set with process_limits bound a child's kernel memory
 *     (its flood ends there), handles and linear memory (oom.wasm, the
 *     third image: malloc returns NULL);
 *   - mem_usage shows a child only its own account and the totals,
 *     unless this process (init: it holds the inspect right) handed it
 *     the right with process_inspect; a child without it cannot hand
 *     it on.
 * Prints PASS/FAIL lines, the amounts as "flood: N KiB", then "done".
 */
#include "kt.h"

#define MSG 65536
#define MAX_PAIRS 480 /* of the 1024 handles, with room for the rest */

static unsigned char msg[MSG];
static nb_handle ends[2 * MAX_PAIRS];
static uint32_t nends;

/* Writes messages into fresh pairs until a write fails for want of
 * memory (or any other reason); returns that status, *kib the amount. */
static nb_status flood(uint32_t *kib)
{
	nb_status s = NB_OK;

	*kib = 0;
	while (nends + 2 <= 2 * MAX_PAIRS) {
		nb_handle a, b;
		if ((s = nb_channel_create(&a, &b)))
			return s;
		ends[nends++] = a;
		ends[nends++] = b;
		for (int e = 0; e < 2; e++) {
			nb_handle h = e ? b : a;
			while ((s = nb_channel_write(h, msg, MSG, NULL, 0)) ==
			       NB_OK)
				*kib += MSG / 1024;
			if (s != NB_ERR_SHOULD_WAIT)
				return s;
		}
	}
	return s;
}

static void close_all(void)
{
	while (nends)
		nb_handle_close(ends[--nends]);
}

/* One message to the echo child and back. */
static nb_status ping(nb_handle ch)
{
	char back[8];
	uint32_t n;
	nb_status s;

	if ((s = nb_channel_write(ch, "ping", 4, NULL, 0)))
		return s;
	if ((s = nb_channel_read(ch, NB_CHANNEL_READ_WAIT, back, sizeof back,
				 NULL, 0, &n, NULL)))
		return s;
	return n == 4 && memcmp(back, "ping", 4) == 0 ? NB_OK
						      : NB_ERR_BAD_STATE;
}

/* As a child, "inspect": exits with 1 if mem_usage lists its own
 * account alone (beside totals of 3 or more) and process_inspect(1) is
 * refused, 2 if it lists every account and process_inspect(1) works,
 * else 255. */
static int inspector(void)
{
	static nb_mem_proc procs[64];
	nb_mem_totals t;
	uint32_t n;
	nb_status s;

	if (nb_mem_usage(&t, procs, 64, &n))
		return 255;
	s = nb_process_inspect(1);
	if (n == 1 && t.accounts >= 3 && !procs[0].ended &&
	    s == NB_ERR_ACCESS_DENIED)
		return 1;
	if (n == t.accounts && n >= 3 && s == NB_OK)
		return 2;
	return 255;
}

/* As a child, argv[1] "flood": floods, exits with the MiB queued (255
 * if the flood did not end for want of memory); "handles": makes events
 * until it cannot, exits with their number (NB_ERR_NO_RESOURCES);
 * "inspect": inspector's. */
static int flooder(const char *what)
{
	uint32_t kib, n = 0;
	nb_handle ev;
	nb_status s;

	if (strcmp(what, "inspect") == 0)
		return inspector();

	if (strcmp(what, "handles") == 0) {
		while ((s = nb_event_create(&ev)) == NB_OK)
			n++;
		return s == NB_ERR_NO_RESOURCES ? (int)n : 255;
	}
	s = flood(&kib);
	return s == NB_ERR_NO_MEMORY ? (int)(kib / 1024) : 255;
}

/* Starts image with the arguments block args (argc 2) and waits for
 * its exit status. */
static int run(const unsigned char *image, uint32_t len, const char *args,
	       uint32_t args_len)
{
	nb_handle kid = NB_HANDLE_INVALID;

	if (nb_process_create_args(image, len, NULL, 0, args, args_len, 2,
				   &kid))
		return -1;
	return kt_join(kid);
}

/* Makes handles until none is left, then closes them: the handle table,
 * which grows as handles are made (and is charged), has its full size
 * before charges are compared. */
static void grow_table(void)
{
	static nb_handle h[NB_HANDLES_MAX];
	uint32_t n = 0;

	while (n < NB_HANDLES_MAX && nb_event_create(&h[n]) == NB_OK)
		n++;
	while (n)
		nb_handle_close(h[--n]);
}

/* This process's kernel memory charge, from mem_usage (-1: not listed):
 * init's account is the live one of the smallest id. */
static long long my_charge(uint32_t *accounts)
{
	static nb_mem_proc procs[64];
	nb_mem_totals t;
	uint32_t n, me = 64;

	if (nb_mem_usage(&t, procs, 64, &n) || !t.ram_bytes ||
	    t.ram_free > t.ram_bytes)
		return -1;
	*accounts = n;
	for (uint32_t i = 0; i < n && i < 64; i++)
		if (!procs[i].ended && (me == 64 || procs[i].id < procs[me].id))
			me = i;
	return me < 64 ? (long long)procs[me].kernel : -1;
}

int main(int argc, char **argv)
{
	nb_handle boot = nb_startup_handle(0), ch, echo;
	unsigned char *image, *self, *oom;
	uint32_t len, self_len, oom_len, first, second, accounts;
	long long before, during;
	int mib;
	nb_status s;

	if (argc > 1)
		return flooder(argv[1]);
	memset(msg, 'f', sizeof msg);
	if (!(image = nb_boot_read(boot, &len, NULL)) ||
	    !(self = nb_boot_read(boot, &self_len, NULL)) ||
	    !(oom = nb_boot_read(boot, &oom_len, NULL))) {
		printf("FAIL load the images (child, flood, oom)\n");
		return 1;
	}
	echo = kt_spawn(image, len, &ch);
	EXPECT("echo child started", echo != NB_HANDLE_INVALID, 1);
	EXPECT("echo child told", nb_channel_write(ch, "echo", 4, NULL, 0),
	       NB_OK);
	EXPECT("echo before the flood", ping(ch), NB_OK);
	grow_table();
	before = my_charge(&accounts);
	EXPECT("mem_usage lists this process", before >= 0, 1);
	EXPECT("mem_usage: init, echo child", accounts >= 2, 1);

	s = flood(&first);
	printf("flood: %u KiB\n", first);
	EXPECT("flood ends with NB_ERR_NO_MEMORY", s, NB_ERR_NO_MEMORY);
	EXPECT("flood queued megabytes", first >= 4096, 1);
	during = my_charge(&accounts);
	EXPECT("the queued messages are charged to their writer",
	       during - before >= (long long)first * 1024, 1);
	/* Room for a small message again: the last pair's queues go. */
	nb_handle_close(ends[--nends]);
	nb_handle_close(ends[--nends]);
	EXPECT("echo child answers after the flood", ping(ch), NB_OK);
	close_all();
	EXPECT("the charge goes with the messages", my_charge(&accounts),
	       before);

	s = flood(&second);
	printf("flood: %u KiB\n", second);
	EXPECT("second flood ends with NB_ERR_NO_MEMORY", s, NB_ERR_NO_MEMORY);
	EXPECT("second flood queues as much (memory came back)",
	       second + 1024 >= first, 1);
	close_all();

	/* The same flood in a child process: its exit frees it all. */
	mib = run(self, self_len, "flood.wasm\0flood", 17);
	printf("child flood: %d MiB\n", mib);
	EXPECT("flooding child got NB_ERR_NO_MEMORY", mib > 4 && mib < 255, 1);
	s = flood(&second);
	printf("flood: %u KiB\n", second);
	EXPECT("flood after the child's exit queues as much",
	       second + 1024 >= first, 1);
	close_all();

	/* Limits set for children: kernel memory, linear memory, handles. */
	EXPECT("process_limits", nb_process_limits(8 << 20, 4 << 20, 40),
	       NB_OK);
	mib = run(self, self_len, "flood.wasm\0flood", 17);
	printf("child flood under an 8 MiB limit: %d MiB\n", mib);
	EXPECT("child's flood ends at its 8 MiB limit", mib >= 6 && mib <= 8,
	       1);
	mib = run(self, self_len, "flood.wasm\0handles", 19);
	printf("child events under a 40 handle limit: %d\n", mib);
	EXPECT("child's events end at its 40 handle limit",
	       mib >= 30 && mib <= 40, 1);
	EXPECT("child's malloc gets NULL at its 4 MiB memory limit",
	       run(oom, oom_len, "oom.wasm\0again", 15), 0);
	EXPECT("process_limits back to the defaults",
	       nb_process_limits(0, 0, 0), NB_OK);

	/* The inspect right: init's, handed on only when asked. */
	EXPECT("a child sees its own account alone and cannot hand on the "
	       "inspect right",
	       run(self, self_len, "flood.wasm\0inspect", 19), 1);
	EXPECT("process_inspect(1) by a holder", nb_process_inspect(1), NB_OK);
	EXPECT("a child given the inspect right sees every account",
	       run(self, self_len, "flood.wasm\0inspect", 19), 2);
	EXPECT("process_inspect(0)", nb_process_inspect(0), NB_OK);

	EXPECT("echo child still answers", ping(ch), NB_OK);
	nb_handle_close(ch);
	EXPECT("echo child exits", kt_join(echo), 0);
	printf("done\n");
	return kt_failed != 0;
}
