/*
 * crash.c: the Console service dies while this program writes.
 *   crash.wasm            writes "line 1".."line 40", asking the
 *                         Launcher to kill the console after lines 15
 *                         and 30 (between writes: the output must hold
 *                         each line exactly once, in order)
 *   crash.wasm race       starts "crash.wasm killer" and writes
 *                         "line 1".."line 200" while it kills the
 *                         console 3 times at arbitrary points (a line
 *                         whose reply was lost is written again: at most
 *                         one duplicate per kill, none lost)
 *   crash.wasm race SEED [KILLS]  the same, the killer yielding
 *                         between kills a number of times drawn from
 *                         SEED (else 100; tests/stress.sh varies it),
 *                         KILLS times (default 3); once the console is
 *                         back, mem_usage shows as many accounts as
 *                         before the kills, the same handles held by
 *                         each process that lived through them (all
 *                         processes when granted `mem`, else itself),
 *                         and the kernel memory charged within a page
 * (tests/boot.sh kills the wasm UART driver so 100 times, make stress 1,000)
 *   crash.wasm killer [SEED [KILLS]]  the killer
 *   crash.wasm wasi       launched by crash.wasm: plain WASI writes go
 *                         through the Console, so once it kills the
 *                         console they fail with EIO (exit status 0 if
 *                         so, else the step that went wrong)
 *   crash.wasm after N    a new client once the console is back from N
 *                         restarts: connects, writes "after the kills"
 *                         at the first try
 * Every failed write (peer closed) reconnects through the Directory and
 * retries. Prints "reconnects N" and the console's restart count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "kt.h"
#include "launcher.h"
#include "svc.h"

static nb_handle launcher, console;
static int reconnects;

static void kill_console(void)
{
	static launcher_kill_service_req req;
	nb_status s;

	FIR_SET_STR(req.name, "console");
	/* FIR_ERR_UNAVAILABLE: still restarting from the last kill. */
	while ((s = launcher_kill_service(launcher, &req)) ==
	       FIR_ERR_UNAVAILABLE)
		nb_yield();
	fprintf(stderr, "killer: killed the console\n");
	if (s)
		printf("FAIL kill_service: %d\n", s);
}

/* Writes text, reconnecting until it is acknowledged. */
static void write_text(const char *text)
{
	static console_write_req req;
	console_write_resp resp;
	nb_status s;

	req.data.len = (uint32_t)snprintf((char *)req.data.b, sizeof req.data.b,
					  "%s", text);
	while ((s = console_write(console, &req, &resp)) != NB_OK) {
		if (s != NB_ERR_PEER_CLOSED) {
			printf("FAIL write %s: %d\n", text, s);
			exit(1);
		}
		nb_handle_close(console);
		if ((s = svc_connect("console", &console))) {
			printf("FAIL reconnect: %d\n", s);
			exit(1);
		}
		reconnects++;
	}
}

/* EXPECT through write_text: once this program has killed the console,
 * its WASI output (a Console connection of its own: init's `run`) gets
 * EIO, so its results go through a reconnected Console. */
static void expect_text(const char *name, long long got, long long want)
{
	char text[160];

	if (got == want)
		snprintf(text, sizeof text, "PASS %s\n", name);
	else
		snprintf(text, sizeof text, "FAIL %s: got %lld, want %lld\n",
			 name, got, want);
	kt_failed += got != want;
	write_text(text);
}

/* Writes "line i", as write_text. */
static void write_line(int i)
{
	char text[32];

	snprintf(text, sizeof text, "line %d\n", i);
	write_text(text);
}

/* True once process p has ended. */
static int ended(nb_handle p)
{
	nb_signals obs = 0;

	nb_object_wait_one(p, NB_SIGNAL_TERMINATED, 0, &obs);
	return (obs & NB_SIGNAL_TERMINATED) != 0;
}

static uint32_t console_restarts(void)
{
	static launcher_list_resp list;

	if (launcher_list(launcher, &list))
		return 9999;
	for (uint32_t i = 0; i < list.procs.len; i++)
		if (!strcmp(list.procs.items[i].name.s, "console"))
			return list.procs.items[i].restarts;
	return 9999;
}

/* crash.wasm wasi: its exit status (see the top). */
static int wasi_writer(void)
{
	static char big[5000];

	if (write(1, "wasi before\n", 12) != 12)
		return 10;
	memset(big, '.', sizeof big - 1);
	big[sizeof big - 1] = '\n';
	if (write(1, big, sizeof big) != sizeof big) /* two Console.writes */
		return 13;
	kill_console();
	if (write(1, "wasi after\n", 11) != -1 || errno != EIO)
		return 11;
	if (write(2, "wasi again\n", 11) != -1 || errno != EIO)
		return 12;
	return 0;
}

/* What mem_usage shows: accounts, kernel memory charged, handles. */
/* What mem_usage shows: accounts, kernel memory charged, and each
 * listed process's handles (by its id). */
struct usage {
	long long accounts, charged;
	uint32_t n, id[64], handles[64];
};

static void usage(struct usage *u)
{
	static nb_mem_proc procs[64];
	nb_mem_totals t;

	u->accounts = u->charged = -1;
	u->n = 0;
	if (nb_mem_usage(&t, procs, 64, &u->n))
		return;
	u->accounts = t.accounts;
	u->charged = (long long)t.kernel_charged;
	for (uint32_t i = 0; i < u->n && i < 64; i++) {
		u->id[i] = procs[i].id;
		u->handles[i] = procs[i].handles;
	}
}

/* The processes listed in both a and b whose handles differ (a process
 * in one only, the console instance killed or the new one, is left
 * out); *both gets how many were in both. */
static int handles_changed(const struct usage *a, const struct usage *b,
			   int *both)
{
	int changed = 0;

	*both = 0;
	for (uint32_t i = 0; i < a->n && i < 64; i++)
		for (uint32_t j = 0; j < b->n && j < 64; j++)
			if (a->id[i] == b->id[j]) {
				(*both)++;
				changed += a->handles[i] != b->handles[j];
			}
	return changed;
}

/* Launches crash.wasm wasi and waits for it: its exit status. */
static int32_t run_wasi_writer(void)
{
	static launcher_launch_req req;
	static launcher_launch_resp resp;
	int32_t code = -1;

	FIR_SET_STR(req.name, "crash.wasm");
	req.args.len = 1;
	FIR_SET_STR(req.args.items[0], "wasi");
	if (launcher_launch(launcher, &req, &resp))
		return -2;
	svc_wait_exit(resp.process, &code);
	return code;
}

int main(void)
{
	char **argv;
	int argc = svc_args("crash.wasm", &argv);
	int race = argc > 1 && !strcmp(argv[1], "race");
	int kills = race && argc > 3 ? atoi(argv[3]) : race ? 3 : 2;
	static launcher_launch_req lreq;
	static launcher_launch_resp lresp;
	static struct usage before, after;
	int both = 0, changed;
	char text[120];

	if (svc_connect("launcher", &launcher))
		return 2;
	if (argc > 2 && !strcmp(argv[1], "after")) {
		EXPECT("a new client connects after the kills",
		       svc_connect("console", &console), NB_OK);
		write_text("after the kills\n");
		EXPECT("it writes at the first try", reconnects, 0);
		EXPECT("console restarts counted", console_restarts(),
		       atoi(argv[2]));
		printf("done\n");
		return kt_failed != 0;
	}
	if (argc > 1 && !strcmp(argv[1], "wasi"))
		return wasi_writer();
	if (argc > 1 && !strcmp(argv[1], "killer"))
		fprintf(stderr, "killer: started\n");
	if (argc > 1 && !strcmp(argv[1], "killer")) {
		unsigned seed = argc > 2 ? (unsigned)atol(argv[2]) : 0;
		kills = argc > 3 ? atoi(argv[3]) : 3;
		for (int k = 0; k < kills; k++) {
			seed = seed * 1103515245u + 12345u;
			for (unsigned y = 0;
			     y < (argc > 2 ? (seed >> 16) % 400 : 100); y++)
				nb_yield();
			kill_console();
		}
		return 0;
	}
	if (svc_connect("console", &console))
		return 2;
	if (race) {
		svc_sleep(1); /* its event, kept, exists before the count */
		usage(&before);
		FIR_SET_STR(lreq.name, "crash.wasm");
		lreq.args.len = argc > 3 ? 3 : argc > 2 ? 2 : 1;
		FIR_SET_STR(lreq.args.items[0], "killer");
		for (uint32_t a = 1; a < lreq.args.len; a++)
			FIR_SET_STR(lreq.args.items[a], argv[a + 1]);
		if (launcher_launch(launcher, &lreq, &lresp))
			return 3;
	}
	/* The race writes until the killer is done, and at least 200. */
	for (int i = 1;
	     i <= (race ? 200 : 40) || (race && !ended(lresp.process)); i++) {
		if (i > 100000) {
			printf("FAIL the killer did not finish\n");
			return 1;
		}
		write_line(i);
		if (!race && (i == 15 || i == 30))
			kill_console();
	}
	/* The restart count is settled once a lookup succeeds again. */
	nb_handle_close(console);
	svc_connect("console", &console);
	snprintf(text, sizeof text, "reconnects %d\n", reconnects);
	write_text(text);
	expect_text("the writer reconnected", reconnects >= 1, 1);
	expect_text("console restarts counted", console_restarts(), kills);
	if (race) { /* the killer's process and account are gone too */
		nb_handle_close(lresp.process);
		usage(&after);
		changed = handles_changed(&before, &after, &both);
		snprintf(text, sizeof text,
			 "usage: %lld accounts, %lld bytes; before: %lld, "
			 "%lld; %d of %d processes' handles changed\n",
			 after.accounts, after.charged, before.accounts,
			 before.charged, changed, both);
		write_text(text);
		expect_text("accounts back to their number before the kills",
			    after.accounts, before.accounts);
		/* (within a page: messages in flight at either count) */
		expect_text("kernel memory back to its amount before the kills",
			    after.charged <= before.charged + 4096, 1);
		expect_text("each process's handles back to their number "
			    "before the kills",
			    both >= 1 && changed == 0, 1);
	}
	if (!race)
		expect_text("WASI output through the Console: EIO once it dies",
			    run_wasi_writer(), 0);
	expect_text("its own WASI output: EIO after the kills",
		    write(1, "x\n", 2) == -1 && errno == EIO, 1);
	write_text("done\n");
	return kt_failed != 0;
}
