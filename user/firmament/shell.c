/*
 * shell.c: the firmament's shell. Reads command lines from standard
 * input; writes through the Console service (reconnecting through the
 * Directory when the console restarts). Commands: help, echo, run, ps,
 * kill, ls, cat, exit; "$?" in an argument is the last status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
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

/* run FILE [ARG...]: launches, waits, returns the exit status. */
static int cmd_run(int argc, char **argv)
{
	static launcher_launch_req req;
	static launcher_launch_resp resp;
	int32_t code = 0;
	nb_status s;

	if (argc < 2 || argc > 18 || !FIR_SET_STR(req.name, argv[1])) {
		out("usage: run FILE [ARG...] (at most 16 arguments)\n");
		return 2;
	}
	req.args.len = 0;
	for (int i = 2; i < argc; i++)
		if (!FIR_SET_STR(req.args.items[req.args.len++], argv[i]))
			return fail("run: argument too long", FIR_ERR_INVALID);
	if ((s = launcher_launch(launcher, &req, &resp)))
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

/* ls: the boot files and their sizes. */
static int cmd_ls(void)
{
	static launcher_files_resp resp;
	nb_status s = launcher_files(launcher, &resp);

	if (s)
		return fail("ls", s);
	for (uint32_t i = 0; i < resp.files.len; i++)
		out("%8u %s\n", resp.files.items[i].size,
		    resp.files.items[i].name.s);
	return 0;
}

/* cat FILE...: boot files, 4 KiB at a time. */
static int cmd_cat(int argc, char **argv)
{
	static launcher_read_req req;
	static launcher_read_resp resp;
	nb_status s;

	for (int i = 1; i < argc; i++) {
		if (!FIR_SET_STR(req.name, argv[i]))
			return fail(argv[i], FIR_ERR_INVALID);
		req.offset = 0;
		do {
			if ((s = launcher_read(launcher, &req, &resp)))
				return fail(argv[i], s);
			put(resp.data.b, resp.data.len);
			req.offset += resp.data.len;
		} while (resp.data.len);
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
	out("RAM %llu KiB, %llu KiB free; kernel memory charged %llu KiB\n",
	    (unsigned long long)(t.ram_bytes >> 10),
	    (unsigned long long)(t.ram_free >> 10),
	    (unsigned long long)(t.kernel_charged >> 10));
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
		    "kill ID, ls, cat FILE..., mem, exit [N]; $? is the last "
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
		return cmd_ls();
	if (!strcmp(c, "cat"))
		return cmd_cat(argc, argv);
	if (!strcmp(c, "mem"))
		return cmd_mem();
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
