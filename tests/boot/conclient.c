/*
 * conclient.c: a Console client for the driver tests (tests/boot.sh).
 * Startup handle 0 is its Console channel (manifest --connect=console),
 * served by the wasm or the native 16550 driver: it cannot tell which.
 * It writes two lines through the console (they land on COM2), sends a
 * malformed request and one of an unknown method, and prints every
 * status on its standard output, for the test to compare between the
 * two drivers. argv[1] names the lines; with argv[2] "read" it then
 * reads a line from the console (COM2's input) and prints it. With
 * argv[1] "bench" and argv[2] KiB it only writes that much in 4 KiB
 * writes and prints "console.write_mb_per_s VALUE" (bench/drivers.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

/* Writes s through the console; prints the status and count. */
static void say(nb_handle ch, const char *s)
{
	static console_write_req req;
	console_write_resp resp = {0};

	req.data.len = (uint32_t)strlen(s);
	memcpy(req.data.b, s, req.data.len);
	nb_status st = console_write(ch, &req, &resp);
	printf("client: write %d %u\n", st, resp.written);
}

/* Sends a raw request and prints the status of its reply. */
static void raw(nb_handle ch, const char *what, const uint32_t *m, uint32_t n)
{
	uint32_t reply[64] = {0}, got = 0;
	nb_status st = nb_channel_write(ch, m, n, NULL, 0);

	if (st == NB_OK)
		st = nb_channel_read(ch, NB_CHANNEL_READ_WAIT, reply,
				     sizeof reply, NULL, 0, &got, NULL);
	printf("client: %s: %d, reply %u bytes, txid %u status %d\n", what, st,
	       got, reply[0], (int32_t)reply[2]);
}

/* Writes kib KiB through the console; prints the throughput. */
static int bench(nb_handle ch, uint32_t kib)
{
	static console_write_req req;
	console_write_resp resp;
	nb_time t0 = nb_clock_monotonic();

	req.data.len = 4096;
	for (uint32_t i = 0; i < req.data.len; i++)
		req.data.b[i] = (uint8_t)('a' + i % 26);
	for (uint32_t i = 0; i < kib / 4; i++)
		if (console_write(ch, &req, &resp) != NB_OK)
			return 1;
	double s = (double)(nb_clock_monotonic() - t0) / 1e9;
	printf("console.write_mb_per_s %.3f MB/s\n", kib / 1024.0 / s);
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "client";
	char line[100];
	nb_handle ch = nb_startup_handle(0);

	if (!ch) {
		printf("client: no console channel\n");
		return 1;
	}
	if (argc > 2 && strcmp(name, "bench") == 0)
		return bench(ch, (uint32_t)atoi(argv[2]));
	snprintf(line, sizeof line, "%s: first line through the console\n",
		 name);
	say(ch, line);
	/* Console.write whose data length says 5000 (bound 4096). */
	uint32_t big[5] = {77, CONSOLE_write_ORDINAL, 0, FIR_MAGIC, 5000};
	raw(ch, "oversized write", big, sizeof big);
	uint32_t unknown[4] = {78, 9, 0, FIR_MAGIC};
	raw(ch, "unknown method", unknown, sizeof unknown);
	snprintf(line, sizeof line, "%s: second line\n", name);
	say(ch, line);
	if (argc > 2 && strcmp(argv[2], "read") == 0) {
		static console_read_req req = {.max = 64};
		static console_read_resp resp;
		char got[200];
		uint32_t n = 0;
		nb_status st = NB_OK;
		while (st == NB_OK && (n == 0 || got[n - 1] != '\n')) {
			st = console_read(ch, &req, &resp);
			for (uint32_t i = 0; st == NB_OK && i < resp.data.len &&
					     n < sizeof got - 1;
			     i++)
				got[n++] = (char)resp.data.b[i];
		}
		got[n ? n - 1 : 0] = 0;
		printf("client: read %d '%s'\n", st, got);
	}
	return 0;
}
