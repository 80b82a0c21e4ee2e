/*
 * access.c: init's limits on its clients (user/firmament/init.c).
 *   access.wasm         granted the Launcher by access.manifest: looks
 *                       it up (also through a looked-up Directory),
 *                       launches the two below and checks their status,
 *                       and hoards Directory connections up to its
 *                       limit (8, its startup one included): one more
 *                       gets NB_ERR_NO_RESOURCES while another client
 *                       still connects, and closing them frees them
 *   denied.wasm denied  the same program under a file name without the
 *                       grant: every lookup of the Launcher is refused
 *                       with NB_ERR_ACCESS_DENIED, the rest still works
 *   access.wasm other   another client, launched while access.wasm is
 *                       at its limit: its lookups succeed
 * Prints PASS/FAIL lines, then "done"; the children exit with their
 * failure count.
 */
#include <string.h>

#include "kt.h"
#include "launcher.h"
#include "svc.h"

#define LIMIT 8 /* CONNS_PER_PROC of init.c */

/* Looks name up through dir: the status; *out the channel on NB_OK. */
static nb_status lookup(nb_handle dir, const char *name, nb_handle *out)
{
	static directory_lookup_req req;
	static directory_lookup_resp resp;
	nb_status s;

	FIR_SET_STR(req.name, name);
	if ((s = directory_lookup(dir, &req, &resp)) == NB_OK)
		*out = resp.channel;
	return s;
}

/* Launches file with one argument and waits: its exit status. */
static int32_t launch(nb_handle launcher, const char *file, const char *arg)
{
	static launcher_launch_req req;
	static launcher_launch_resp resp;
	int32_t code = -1;
	nb_status s;

	FIR_SET_STR(req.name, file);
	req.args.len = 1;
	FIR_SET_STR(req.args.items[0], arg);
	if ((s = launcher_launch(launcher, &req, &resp)))
		return s;
	svc_wait_exit(resp.process, &code);
	return code;
}

/* denied.wasm denied: no Launcher by any path; the rest works. */
static int denied(void)
{
	static directory_list_resp list;
	nb_handle ch, dir;

	EXPECT("denied: lookup launcher", svc_connect("launcher", &ch),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("denied: lookup directory",
	       lookup(svc_directory(), "directory", &dir), NB_OK);
	EXPECT("denied: lookup launcher through it",
	       lookup(dir, "launcher", &ch), NB_ERR_ACCESS_DENIED);
	EXPECT("denied: directory still answers", directory_list(dir, &list),
	       NB_OK);
	EXPECT("denied: lookup console", svc_connect("console", &ch), NB_OK);
	return kt_failed;
}

/* access.wasm other: a client beside a hoarder still connects. */
static int other(void)
{
	nb_handle ch[2];

	EXPECT("other: lookup directory beside a hoarder",
	       lookup(svc_directory(), "directory", &ch[0]), NB_OK);
	EXPECT("other: lookup launcher beside a hoarder",
	       lookup(svc_directory(), "launcher", &ch[1]), NB_OK);
	return kt_failed;
}

/* Holds Directory connections until refused; checks the limit. */
static void hoard(nb_handle launcher, int held)
{
	nb_handle h[LIMIT + 4], ch;
	nb_status s = NB_OK;
	int n = 0;

	while (n < LIMIT + 4 &&
	       (s = lookup(svc_directory(), "directory", &h[n])) == NB_OK)
		n++;
	EXPECT("limit: refused past the limit", s, NB_ERR_NO_RESOURCES);
	EXPECT("limit: connections held at the limit", n + held, LIMIT);
	EXPECT("limit: refused through another connection too",
	       lookup(h[0], "launcher", &ch), NB_ERR_NO_RESOURCES);
	EXPECT("limit: services still found", svc_connect("console", &ch),
	       NB_OK);
	nb_handle_close(ch);
	EXPECT("limit: another client still connects",
	       launch(launcher, "access.wasm", "other"), 0);
	fir_close_all(h, (uint32_t)n);
	EXPECT("limit: closed connections are freed",
	       lookup(svc_directory(), "directory", &ch), NB_OK);
	nb_handle_close(ch);
}

int main(void)
{
	char **argv;
	int argc = svc_args("access.wasm", &argv);
	nb_handle launcher, dir, ch;

	if (argc > 1 && !strcmp(argv[1], "denied"))
		return denied();
	if (argc > 1 && !strcmp(argv[1], "other"))
		return other();
	EXPECT("granted: lookup launcher", svc_connect("launcher", &launcher),
	       NB_OK);
	EXPECT("granted: lookup directory",
	       lookup(svc_directory(), "directory", &dir), NB_OK);
	EXPECT("granted: lookup launcher through it",
	       lookup(dir, "launcher", &ch), NB_OK);
	nb_handle_close(ch);
	EXPECT("granted: launcher works", launch(launcher, "args.wasm", "x"),
	       2);
	EXPECT("a program without the grant is refused the launcher",
	       launch(launcher, "denied.wasm", "denied"), 0);
	hoard(launcher, 3); /* startup, launcher, dir */
	printf("done\n");
	return kt_failed != 0;
}
