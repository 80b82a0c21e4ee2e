/*
 * flood.c: a program that queues 64 KiB messages on channel pairs until
 * the kernel says NB_ERR_NO_MEMORY (RAM runs out on a small machine, or
 * the process's kernel memory limit is reached), run as init with
 * child.wasm and itself as its boot images (tests/kernel.sh hosted,
 * tests/boot.sh in QEMU with little RAM). It checks that
 *   - the flood ends with NB_ERR_NO_MEMORY, not with a crash;
 *   - a process started before the flood (an echo child) still answers;
 *   - once the flooded channels are closed, a second flood queues as
 *     much as the first: the memory came back;
 *   - a flooding child that exits gives its memory back too.
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
	return n == 4 && memcmp(back, "ping", 4) == 0 ? NB_OK : NB_ERR_BAD_STATE;
}

/* As a child ("flood" in argv[1]): floods, then exits with the status. */
static int flooder(void)
{
	uint32_t kib;
	nb_status s = flood(&kib);

	printf("child flood: %u KiB\n", kib);
	return s == NB_ERR_NO_MEMORY ? 0 : 1;
}

int main(int argc, char **argv)
{
	nb_handle boot = nb_startup_handle(0), ch, echo, kid;
	unsigned char *image, *self;
	uint32_t len, self_len, first, second, third;
	nb_status s;

	if (argc > 1 && strcmp(argv[1], "flood") == 0)
		return flooder();
	memset(msg, 'f', sizeof msg);
	if (!(image = kt_load_image(boot, &len, NULL)) ||
	    !(self = kt_load_image(boot, &self_len, NULL))) {
		printf("FAIL load the images (child.wasm flood.wasm)\n");
		return 1;
	}
	echo = kt_spawn(image, len, &ch);
	EXPECT("echo child started", echo != NB_HANDLE_INVALID, 1);
	EXPECT("echo child told", nb_channel_write(ch, "echo", 4, NULL, 0),
	       NB_OK);
	EXPECT("echo before the flood", ping(ch), NB_OK);

	s = flood(&first);
	printf("flood: %u KiB\n", first);
	EXPECT("flood ends with NB_ERR_NO_MEMORY", s, NB_ERR_NO_MEMORY);
	EXPECT("flood queued megabytes", first >= 4096, 1);
	/* Room for a small message again: the last pair's queues go. */
	nb_handle_close(ends[--nends]);
	nb_handle_close(ends[--nends]);
	EXPECT("echo child answers after the flood", ping(ch), NB_OK);
	close_all();

	s = flood(&second);
	printf("flood: %u KiB\n", second);
	EXPECT("second flood ends with NB_ERR_NO_MEMORY", s, NB_ERR_NO_MEMORY);
	EXPECT("second flood queues as much (memory came back)",
	       second + 1024 >= first, 1);
	close_all();

	/* The same flood in a child process: its exit frees it all. */
	kid = NB_HANDLE_INVALID;
	s = nb_process_create_args(self, self_len, NULL, 0,
				   "flood.wasm\0flood", 17, 2, &kid);
	EXPECT("flooding child started", s, NB_OK);
	EXPECT("flooding child got NB_ERR_NO_MEMORY", kt_join(kid), 0);
	s = flood(&third);
	printf("flood: %u KiB\n", third);
	EXPECT("flood after the child's exit queues as much",
	       third + 1024 >= first, 1);
	close_all();

	EXPECT("echo child still answers", ping(ch), NB_OK);
	nb_handle_close(ch);
	EXPECT("echo child exits", kt_join(echo), 0);
	printf("done\n");
	return kt_failed != 0;
}
