/*
 * hostile.c: malformed messages to every service (directory, launcher, console,
 * clock, random, ethernet, block): truncated and bad headers, unknown ordinals,
 * truncated bodies, trailing bytes, lengths past the end, strings with
 * NUL, handles where none belong, handle indexes out of order, handles
 * without the required rights, the largest message. Each must get an
 * error reply (or none, for txid 0), the handles it carried must be
 * closed (their peers see PEER_CLOSED), and the service must go on.
 */
#include <string.h>

#include "clock.h"
#include "kt.h"
#include "svc.h"

static uint8_t msg[FIR_MAX_BYTES], rep[FIR_MAX_BYTES];
static const char *svc;

/* Writes a header at msg (ordinal, txid 7, flags) and returns 16. */
static uint32_t hdr(uint32_t ordinal, uint32_t flags)
{
	uint32_t v[4] = {7, ordinal, 0, flags};

	memcpy(msg, v, 16);
	return 16;
}

/* Sends msg[0..n) with handles; returns the reply's status field, or
 * 1000 + the kernel status when the reply could not be read. */
static int32_t raw(nb_handle ch, uint32_t n, nb_handle *h, uint32_t nh)
{
	uint32_t got, gotn;
	int32_t st;
	nb_status s = nb_channel_write(ch, msg, n, h, nh);

	if (s)
		return 1000 + s;
	s = nb_channel_read(ch, NB_CHANNEL_READ_WAIT, rep, sizeof rep, NULL, 0,
			    &got, &gotn);
	if (s || got < 12)
		return 1000 + s;
	memcpy(&st, rep + 8, 4);
	return st;
}

/* A channel pair: *give travels in a message, *keep shows its fate. */
static void pair(nb_handle *keep, nb_handle *give)
{
	nb_channel_create(keep, give);
}

/* True if keep's peer was closed (the service closed what it got). */
static int closed(nb_handle keep)
{
	nb_signals obs = 0;

	nb_object_wait_one(keep, NB_SIGNAL_PEER_CLOSED, 0, &obs);
	nb_handle_close(keep);
	return (obs & NB_SIGNAL_PEER_CLOSED) != 0;
}

static void check(const char *what, long long got, long long want)
{
	char name[128];

	snprintf(name, sizeof name, "%s: %s", svc, what);
	EXPECT(name, got, want);
}

/* The checks every service gets, through method 1 and unknown ones. */
static void generic(nb_handle ch)
{
	nb_handle keep, give, many[FIR_MAX_HANDLES], keeps[FIR_MAX_HANDLES];
	uint32_t n;

	/* No txid, so no reply: the next call must get its own. */
	check("empty message", nb_channel_write(ch, msg, 0, NULL, 0), NB_OK);
	memset(msg, 0, 16);
	msg[0] = 7;
	check("8-byte header", raw(ch, 8, NULL, 0), FIR_ERR_MALFORMED);
	n = hdr(1, 0x12340000u);
	check("bad magic", raw(ch, n, NULL, 0), FIR_ERR_MALFORMED);
	n = hdr(1, FIR_MAGIC | FIR_FLAG_REPLY);
	check("reply flag in a request", raw(ch, n, NULL, 0),
	      FIR_ERR_MALFORMED);
	n = hdr(1, FIR_MAGIC | 4);
	check("unknown flag", raw(ch, n, NULL, 0), FIR_ERR_MALFORMED);
	n = hdr(999, FIR_MAGIC);
	check("unknown ordinal", raw(ch, n, NULL, 0), FIR_ERR_UNKNOWN_METHOD);
	n = hdr(0, FIR_MAGIC);
	check("ordinal 0", raw(ch, n, NULL, 0), FIR_ERR_UNKNOWN_METHOD);
	pair(&keep, &give);
	n = hdr(999, FIR_MAGIC);
	check("unknown ordinal with a handle", raw(ch, n, &give, 1),
	      FIR_ERR_UNKNOWN_METHOD);
	check("  its handle closed", closed(keep), 1);
	/* Method 1 with 64 stray handles and trailing garbage. */
	for (int i = 0; i < FIR_MAX_HANDLES; i++)
		pair(&keeps[i], &many[i]);
	n = hdr(1, FIR_MAGIC);
	memset(msg + n, 0xff, 4096);
	check("64 handles and garbage", raw(ch, n + 4096, many, 64),
	      FIR_ERR_MALFORMED);
	int all = 1;
	for (int i = 0; i < FIR_MAX_HANDLES; i++)
		all &= closed(keeps[i]);
	check("  all 64 handles closed", all, 1);
	n = hdr(1, FIR_MAGIC);
	memset(msg + n, 0xff, FIR_MAX_BYTES - n);
	check("a 64 KiB message", raw(ch, FIR_MAX_BYTES, NULL, 0),
	      FIR_ERR_MALFORMED);
	/* txid 0: no reply; the next real call gets its own. */
	n = hdr(999, FIR_MAGIC);
	memset(msg, 0, 4);
	nb_channel_write(ch, msg, n, NULL, 0);
}

/* Requests whose first field is a string (directory 2, launcher 5). */
static void string_method(nb_handle ch, uint32_t ordinal)
{
	uint32_t n = hdr(ordinal, FIR_MAGIC), len = 0xffffffffu;

	check("truncated body", raw(ch, n + 2, NULL, 0), FIR_ERR_MALFORMED);
	memcpy(msg + n, &len, 4);
	check("length 0xffffffff", raw(ch, n + 4, NULL, 0), FIR_ERR_MALFORMED);
	len = 40;
	memcpy(msg + n, &len, 4);
	check("length past the end", raw(ch, n + 10, NULL, 0),
	      FIR_ERR_MALFORMED);
	len = 3;
	memcpy(msg + n, &len, 4);
	memcpy(msg + n + 4, "a\0b", 3);
	memset(msg + n + 7, 0, 8);
	check("NUL inside a string", raw(ch, n + 7 + 4, NULL, 0),
	      FIR_ERR_MALFORMED);
}

static void test_directory(nb_handle ch)
{
	nb_handle keep, give, weak;
	uint32_t n, len = 5, idx = 3;

	svc = "directory";
	generic(ch);
	string_method(ch, 2);
	/* publish("hostX", handle index 3) with one handle. */
	n = hdr(1, FIR_MAGIC);
	memcpy(msg + n, &len, 4);
	memcpy(msg + n + 4, "hostX", 5);
	memcpy(msg + n + 9, &idx, 4);
	pair(&keep, &give);
	check("handle index out of order", raw(ch, n + 13, &give, 1),
	      FIR_ERR_MALFORMED);
	check("  its handle closed", closed(keep), 1);
	idx = 0;
	memcpy(msg + n + 9, &idx, 4);
	check("missing handle", raw(ch, n + 13, NULL, 0), FIR_ERR_MALFORMED);
	pair(&keep, &give);
	nb_handle_replace(give, NB_RIGHT_TRANSFER, &weak);
	check("handle without the rights", raw(ch, n + 13, &weak, 1),
	      FIR_ERR_MALFORMED);
	check("  its handle closed", closed(keep), 1);
}

static void test_service(const char *name, nb_handle ch)
{
	svc = name;
	generic(ch);
	if (!strcmp(name, "launcher")) {
		string_method(ch, 5);
		uint32_t n = hdr(3, FIR_MAGIC);
		check("kill: truncated id", raw(ch, n + 3, NULL, 0),
		      FIR_ERR_MALFORMED);
		n = hdr(1, FIR_MAGIC);
		uint32_t v[3] = {4, 0x73736170, 20}; /* name "pass", 20 args */
		memcpy(msg + n, v, 12);
		check("launch: 20 arguments (max 16)", raw(ch, n + 12, NULL, 0),
		      FIR_ERR_MALFORMED);
	} else if (!strcmp(name, "console")) {
		uint32_t n = hdr(1, FIR_MAGIC), len = 4097;
		memcpy(msg + n, &len, 4);
		memset(msg + n + 4, 'x', len);
		check("write: 4097 bytes (max 4096)",
		      raw(ch, n + 4 + len, NULL, 0), FIR_ERR_MALFORMED);
		check("write: truncated length", raw(ch, n + 2, NULL, 0),
		      FIR_ERR_MALFORMED);
	} else if (!strcmp(name, "clock")) {
		uint32_t n = hdr(1, FIR_MAGIC);
		check("monotonic: a trailing byte", raw(ch, n + 1, NULL, 0),
		      FIR_ERR_MALFORMED);
	} else if (!strcmp(name, "random")) {
		uint32_t n = hdr(1, FIR_MAGIC);
		check("get: truncated count", raw(ch, n + 3, NULL, 0),
		      FIR_ERR_MALFORMED);
	}
}

/* After the abuse, a well-formed call on a fresh channel still works. */
static void still_works(void)
{
	nb_handle ch;
	clock_monotonic_resp r;

	EXPECT("clock still answers",
	       svc_connect("clock", &ch) || clock_monotonic(ch, &r), NB_OK);
}

int main(void)
{
	static const char *const names[] = {"launcher", "console",  "clock",
					    "random",	"ethernet", "block"};
	static directory_list_resp list;

	test_directory(svc_directory());
	EXPECT("directory: still answers",
	       directory_list(svc_directory(), &list), NB_OK);
	for (int i = 0; i < 6; i++) {
		nb_handle ch;
		if (svc_connect(names[i], &ch)) {
			printf("FAIL connect %s\n", names[i]);
			continue;
		}
		test_service(names[i], ch);
		nb_handle_close(ch);
	}
	still_works();
	printf("done\n");
	return kt_failed != 0;
}
