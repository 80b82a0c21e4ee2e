/*
 * shell.c: the firmament's shell. Reads command lines from standard
 * input; writes through the Console service (reconnecting through the
 * Directory when the console restarts). Commands: help, echo, run, ps,
 * kill, ls, cat, cp, rm, mkdir, mem, exit; "$?" in an argument is the
 * last status. When a FileSystem service ("fs") runs, ls lists its
 * directories, cat reads its files (else boot files), cp copies to it
 * from it or from the boot files, rm and mkdir change it; without one,
 * ls and cat show the boot files.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "filesystem.h"
#include "launcher.h"
#include "nb_strerror.h"
#include "svc.h"

static nb_handle console = NB_HANDLE_INVALID, launcher = NB_HANDLE_INVALID;
static int last;

/*
 * Writes len bytes at b through the Console and returns how many it
 * acknowledged. A console may take fewer than sent (Console.write's
 * `written`): the rest is sent again until all are taken. Reconnects
 * once if the console restarted; stops at a reply taking none (or more
 * than sent), so a console that takes nothing cannot hold the shell.
 */
static uint32_t console_put(const uint8_t *b, uint32_t len)
{
	console_write_req req;
	console_write_resp resp;
	uint32_t done = 0;
	int tries = 0;

	while (done < len && tries < 2) {
		if (console == NB_HANDLE_INVALID &&
		    svc_connect("console", &console) != NB_OK)
			break;
		req.data.len = len - done < sizeof req.data.b
				       ? len - done
				       : sizeof req.data.b;
		memcpy(req.data.b, b + done, req.data.len);
		if (console_write(console, &req, &resp) != NB_OK) {
			nb_handle_close(console);
			console = NB_HANDLE_INVALID;
			tries++;
			continue;
		}
		if (resp.written == 0 || resp.written > req.data.len)
			break;
		done += resp.written;
	}
	return done;
}

/* Writes len bytes through the Console (console_put); what it did not
 * take goes to standard output. */
static void put(const void *b, uint32_t len)
{
	uint32_t done = console_put(b, len);

	if (done < len) {
		fwrite((const char *)b + done, 1, len - done, stdout);
		fflush(stdout);
	}
}

/* Writes formatted text (at most 4095 bytes) with put. */
static void out(const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	put(text, n < 0			  ? 0
		  : n >= (int)sizeof text ? sizeof text - 1
					  : (uint32_t)n);
}

/* Reports a failed call; returns 1 (the command's status). */
static int fail(const char *what, nb_status s)
{
	out("%s: %s\n", what, nb_strerror(s));
	return 1;
}

static bool have_fs(void);

/* Launches req's program with a new connection to the file system as
 * its preopen "/" (Launcher.launch_wasi), and the listening sockets of
 * listen[0..nlisten) ("tcp:PORT", made by init); false, and nothing
 * done, if there is no file system. */
static bool run_with_fs(const launcher_launch_req *req, nb_status *s,
			launcher_launch_resp *resp, char **listen, int nlisten)
{
	static launcher_launch_wasi_req w;
	launcher_launch_wasi_resp wr;
	nb_handle ch;

	if (!have_fs() || svc_connect("fs", &ch))
		return false;
	memcpy(&w.name, &req->name, sizeof w.name);
	memcpy(&w.args, &req->args, sizeof w.args);
	w.fs = ch;
	w.preopens.len = 1;
	FIR_SET_STR(w.preopens.items[0].guest, "/");
	FIR_SET_STR(w.preopens.items[0].path, "/");
	for (int i = 0; i < nlisten; i++, w.preopens.len++) {
		FIR_SET_STR(w.preopens.items[w.preopens.len].guest, listen[i]);
		FIR_SET_STR(w.preopens.items[w.preopens.len].path, "#");
	}
	*s = launcher_launch_wasi(launcher, &w, &wr);
	resp->id = wr.id;
	resp->process = wr.process;
	return true;
}

/* run [--listen=tcp:PORT]... FILE [ARG...]: launches (with the file
 * system as "/" when there is one, and at most 3 listening sockets of
 * the "net" service: they need the file system's launch), waits,
 * returns the exit status. */
static int cmd_run(int argc, char **argv)
{
	static launcher_launch_req req;
	static launcher_launch_resp resp;
	int32_t code = 0, nl = 0;
	char *listen[3];
	nb_status s;

	for (;
	     nl + 1 < argc && !strncmp(argv[nl + 1], "--listen=", 9) && nl < 3;
	     nl++)
		listen[nl] = argv[nl + 1] + 9;
	argc -= nl;
	argv += nl;
	if (argc < 2 || argc > 18 || !FIR_SET_STR(req.name, argv[1]) ||
	    !strncmp(argv[1], "--", 2)) {
		out("usage: run [--listen=tcp:PORT]... FILE [ARG...] (at most "
		    "3 sockets, 16 arguments)\n");
		return 2;
	}
	req.args.len = 0;
	for (int i = 2; i < argc; i++)
		if (!FIR_SET_STR(req.args.items[req.args.len++], argv[i]))
			return fail("run: argument too long", FIR_ERR_INVALID);
	if (!run_with_fs(&req, &s, &resp, listen, nl)) {
		if (nl)
			return fail("run: --listen", FIR_ERR_UNAVAILABLE);
		s = launcher_launch(launcher, &req, &resp);
	}
	if (s)
		return fail(argv[1], s);
	svc_wait_exit(resp.process, &code);
	return code;
}

/* ps: every process init knows. */
static int cmd_ps(void)
{
	static const char *const states[] = {"running", "exited", "restarting"};
	static launcher_list_resp resp;
	nb_status s = launcher_list(launcher, &resp);

	if (s)
		return fail("ps", s);
	out("%4s %-20s %-10s %6s %8s\n", "ID", "NAME", "STATE", "STATUS",
	    "RESTARTS");
	for (uint32_t i = 0; i < resp.procs.len; i++) {
		proc_info *p = &resp.procs.items[i];
		out("%4u %-20s %-10s %6d %8u\n", p->id, p->name.s,
		    states[p->state], p->status, p->restarts);
	}
	return 0;
}

/* kill ID */
static int cmd_kill(int argc, char **argv)
{
	launcher_kill_req req;
	char *end;
	nb_status s;

	if (argc != 2 || !(req.id = strtoul(argv[1], &end, 10)) || *end) {
		out("usage: kill ID\n");
		return 2;
	}
	return (s = launcher_kill(launcher, &req)) ? fail("kill", s) : 0;
}

static nb_handle fs = NB_HANDLE_INVALID;

/* True if a FileSystem service runs (connected on first use). */
static bool have_fs(void)
{
	static bool tried;

	if (!tried && svc_connect("fs", &fs))
		fs = NB_HANDLE_INVALID;
	tried = true;
	return fs != NB_HANDLE_INVALID;
}

#define PATH_BYTES 1024 /* FileSystem's paths: string<1024> */

/* The current directory on the file system (cd, pwd): absolute, no
 * "." or ".." in it, no '/' at the end but the root's. */
static char cwd[PATH_BYTES] = "/";

/* path made absolute from cwd, its "." and ".." resolved (".." of the
 * root is the root), into a static buffer; NULL if too long. */
static const char *fs_path(const char *path)
{
	static char buf[2 * PATH_BYTES];
	size_t n = 0;

	if (strlen(cwd) + strlen(path) + 2 > sizeof buf)
		return NULL;
	snprintf(buf, sizeof buf, "%s/%s", path[0] == '/' ? "" : cwd, path);
	for (char *p = buf; *p;) {
		while (*p == '/')
			p++;
		size_t l = strcspn(p, "/");
		if (l == 2 && !strncmp(p, "..", 2)) {
			while (n > 0 && buf[--n] != '/')
				;
		} else if (l && (l != 1 || *p != '.')) {
			buf[n++] = '/';
			memmove(buf + n, p, l);
			n += l;
		}
		p += l; /* n stays behind p: each part had a '/' before */
	}
	buf[n ? n : 1] = 0;
	buf[0] = '/';
	return n < PATH_BYTES ? buf : NULL;
}

/* Opens path (relative to cwd) on the file system with flags and
 * rights: its File channel in *f. */
static nb_status fs_open(const char *path, uint32_t flags, uint32_t rights,
			 nb_handle *f)
{
	const char *abs = fs_path(path);

	return abs ? svc_open(fs, abs, flags, rights, f)
		   : FS_STATUS_NAME_TOO_LONG;
}

/* cd [DIR]: DIR (the root without one) becomes the current directory,
 * if it is one. */
static int cmd_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/", *abs;
	nb_handle d;
	nb_status s;

	if (!have_fs())
		return fail("cd", FIR_ERR_NOT_FOUND);
	if (!(abs = fs_path(dir)))
		return fail(dir, FS_STATUS_NAME_TOO_LONG);
	if ((s = svc_open(fs, abs, 64, 1, &d)))
		return fail(dir, s);
	nb_handle_close(d);
	strcpy(cwd, abs);
	return 0;
}

/* ls DIR on the file system: sizes and names, directories with '/'. */
static int fs_ls(const char *path)
{
	static file_readdir_req req;
	static file_readdir_resp resp;
	nb_handle d;
	nb_status s;

	if ((s = fs_open(path, 64, 1, &d)))
		return fail(path, s);
	for (req.cookie = 0;
	     !(s = file_readdir(d, &req, &resp)) && resp.entries.len;
	     req.cookie = resp.next)
		for (uint32_t i = 0; i < resp.entries.len; i++) {
			dir_entry *e = &resp.entries.items[i];
			if (e->stat.dir)
				out("   <dir> %s/\n", e->name.s);
			else
				out("%8llu %s\n",
				    (unsigned long long)e->stat.size,
				    e->name.s);
		}
	nb_handle_close(d);
	return s ? fail(path, s) : 0;
}

/* ls [DIR]: the file system's DIR (the root), or the boot files and
 * their sizes when there is no file system. */
static int cmd_ls(int argc, char **argv)
{
	static launcher_files_resp resp;
	nb_status s;

	if (have_fs())
		return fs_ls(argc > 1 ? argv[1] : ".");
	if ((s = launcher_files(launcher, &resp)))
		return fail("ls", s);
	for (uint32_t i = 0; i < resp.files.len; i++)
		out("%8u %s\n", resp.files.items[i].size,
		    resp.files.items[i].name.s);
	return 0;
}

/* Calls fn(ctx, data, n) on each piece of file name: from the file
 * system when there is one and it holds name, else the boot file. */
static nb_status each_piece(const char *name,
			    nb_status (*fn)(void *, const uint8_t *, uint32_t),
			    void *ctx)
{
	static launcher_read_req lreq;
	static launcher_read_resp lresp;
	static file_read_resp fresp;
	file_read_req freq = {8192};
	nb_handle f;
	nb_status s = FS_STATUS_NOT_FOUND;

	if (have_fs() && (s = fs_open(name, 0, 1, &f)) == NB_OK) {
		while (!(s = file_read(f, &freq, &fresp)) && fresp.data.len &&
		       !(s = fn(ctx, fresp.data.b, fresp.data.len)))
			;
		nb_handle_close(f);
		return s;
	}
	if (s != FS_STATUS_NOT_FOUND)
		return s;
	if (!FIR_SET_STR(lreq.name, name))
		return FIR_ERR_INVALID;
	for (lreq.offset = 0;; lreq.offset += lresp.data.len) {
		if ((s = launcher_read(launcher, &lreq, &lresp)) ||
		    !lresp.data.len)
			return s;
		if ((s = fn(ctx, lresp.data.b, lresp.data.len)))
			return s;
	}
}

/* each_piece's function for cat: to the console. */
static nb_status to_console(void *ctx, const uint8_t *b, uint32_t n)
{
	put(b, n);
	return NB_OK;
}

/* each_piece's function for cp: to File channel *ctx. */
static nb_status to_file(void *ctx, const uint8_t *b, uint32_t n)
{
	static file_write_req req;
	file_write_resp resp;
	nb_status s;

	req.data.len = n;
	memcpy(req.data.b, b, n);
	if ((s = file_write(*(nb_handle *)ctx, &req, &resp)))
		return s;
	return resp.written == n ? NB_OK : FS_STATUS_NO_SPACE;
}

/* cat FILE...: files of the file system, else boot files. */
static int cmd_cat(int argc, char **argv)
{
	nb_status s;

	for (int i = 1; i < argc; i++)
		if ((s = each_piece(argv[i], to_console, NULL)))
			return fail(argv[i], s);
	return 0;
}

/* cp FROM TO: a file of the file system or a boot file to the file
 * system, synced before the command ends (so `exit` right after cannot
 * lose it). */
static int cmd_cp(int argc, char **argv)
{
	const char *what = argv[1];
	nb_handle f;
	nb_status s;

	if (argc != 3)
		return fail("cp FROM TO", NB_ERR_INVALID_ARGS);
	if (!have_fs())
		return fail("cp", FIR_ERR_NOT_FOUND);
	if ((s = fs_open(argv[2], 4 | 16, 2, &f)))
		return fail(argv[2], s);
	if (!(s = each_piece(argv[1], to_file, &f)) && (s = file_sync(f)))
		what = argv[2];
	nb_handle_close(f);
	return s ? fail(what, s) : 0;
}

/* rm PATH... and mkdir PATH...: files or empty directories removed,
 * directories made. */
static int cmd_rm_mkdir(int argc, char **argv, bool rm)
{
	static file_system_mkdir_req req;
	nb_status s;

	if (!have_fs())
		return fail(argv[0], FIR_ERR_NOT_FOUND);
	for (int i = 1; i < argc; i++) {
		const char *abs = fs_path(argv[i]);
		if (!abs || !FIR_SET_STR(req.path, abs))
			return fail(argv[i], FS_STATUS_NAME_TOO_LONG);
		if (!rm)
			s = file_system_mkdir(fs, &req);
		else if ((s = file_system_unlink(
				  fs, (const file_system_unlink_req *)&req)) ==
			 FS_STATUS_IS_DIR)
			s = file_system_rmdir(
				fs, (const file_system_rmdir_req *)&req);
		if (s)
			return fail(argv[i], s);
	}
	return 0;
}

/* mem: the machine's memory, then each process's kernel memory, linear
 * memory and handles against its limits (the kernel call mem_usage). */
static int cmd_mem(void)
{
	static nb_mem_proc procs[64];
	nb_mem_totals t;
	uint32_t n;
	nb_status s = nb_mem_usage(&t, procs, 64, &n);

	if (s)
		return fail("mem", s);
	out("RAM %llu KiB, %llu KiB free; kernel memory charged %llu KiB; "
	    "%u modules (%llu KiB), their code shared\n",
	    (unsigned long long)(t.ram_bytes >> 10),
	    (unsigned long long)(t.ram_free >> 10),
	    (unsigned long long)(t.kernel_charged >> 10), t.modules,
	    (unsigned long long)(t.module_bytes >> 10));
	out("%4s %-20s %18s %18s %11s\n", "ID", "NAME", "KERNEL KiB/LIMIT",
	    "MEMORY KiB/LIMIT", "HANDLES");
	for (uint32_t i = 0; i < n && i < 64; i++) {
		nb_mem_proc *p = &procs[i];
		out("%4u %-20.20s %8llu/%-9llu %8llu/%-9llu %5u/%-5u%s\n",
		    p->id, p->name, (unsigned long long)(p->kernel >> 10),
		    (unsigned long long)(p->kernel_limit >> 10),
		    (unsigned long long)(p->memory >> 10),
		    (unsigned long long)(p->memory_limit >> 10), p->handles,
		    p->handles_limit, p->ended ? " (ended)" : "");
	}
	return 0;
}

/* Runs one command line (already split); returns its status. */
static int command(int argc, char **argv)
{
	const char *c = argv[0];

	if (!strcmp(c, "help")) {
		out("commands: help, echo ARG..., run FILE [ARG...], ps, "
		    "kill ID, ls [DIR], cat FILE..., cp FROM TO, rm PATH..., "
		    "mkdir PATH..., cd [DIR], pwd, mem, exit [N]; paths are "
		    "relative to the current directory; $? is the last "
		    "status\n");
		return 0;
	}
	if (!strcmp(c, "echo")) {
		for (int i = 1; i < argc; i++)
			out("%s%s", argv[i], i + 1 < argc ? " " : "");
		out("\n");
		return 0;
	}
	if (!strcmp(c, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(c, "ps"))
		return cmd_ps();
	if (!strcmp(c, "kill"))
		return cmd_kill(argc, argv);
	if (!strcmp(c, "ls"))
		return cmd_ls(argc, argv);
	if (!strcmp(c, "cat"))
		return cmd_cat(argc, argv);
	if (!strcmp(c, "cp"))
		return cmd_cp(argc, argv);
	if (!strcmp(c, "rm") || !strcmp(c, "mkdir"))
		return cmd_rm_mkdir(argc, argv, c[0] == 'r');
	if (!strcmp(c, "mem"))
		return cmd_mem();
	if (!strcmp(c, "cd"))
		return cmd_cd(argc, argv);
	if (!strcmp(c, "pwd")) {
		out("%s\n", cwd);
		return 0;
	}
	out("%s: unknown command (try help)\n", c);
	return 127;
}

int main(void)
{
	char line[1024], status[16], *argv[32];
	nb_status s;

	if ((s = svc_connect("launcher", &launcher)))
		return fail("shell: no launcher", s);
	for (;;) {
		int argc = 0;
		out("nebulet> ");
		if (!fgets(line, sizeof line, stdin))
			break;
		out("%s", line);
		snprintf(status, sizeof status, "%d", last);
		for (char *t = strtok(line, " \t\r\n"); t && argc < 31;
		     t = strtok(NULL, " \t\r\n"))
			argv[argc++] = strcmp(t, "$?") ? t : status;
		if (!argc)
			continue;
		if (!strcmp(argv[0], "exit"))
			return argc > 1 ? atoi(argv[1]) : last;
		last = command(argc, argv);
	}
	out("\n");
	return last;
}
