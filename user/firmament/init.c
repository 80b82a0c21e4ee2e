/*
 * init.c: the firmament's init, run by `nebulet kernel init.wasm
 * FILES...`. It reads the boot files from its boot channel (startup
 * handle 0), then follows the manifest (the file named "manifest" or
 * ending in ".manifest"):
 *
 *   service NAME FILE     start FILE, supervised: restarted with backoff
 *                         when it ends; it publishes itself as NAME
 *   run FILE [ARG...]     run FILE after the services, one after another;
 *                         after the last, init stops every process and
 *                         exits with that program's status
 *
 * It serves the Directory (directory.fir; "launcher" and "directory"
 * are built in) and the Launcher (launcher.fir). Every process it starts
 * gets a Directory channel as startup handle 0 and its arguments both
 * as WASI arguments (argv[0] is the file; process_create_args) and as a
 * Startup.args message through startup handle 1. A process started by
 * Launcher.launch (the shell's `run`) writes its WASI output to a Console
 * connection of its own while the console service is up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"
#include "svc.h"

#define MAX_FILES 32
#define MAX_PROCS 32
#define MAX_CONNS 32 /* with MAX_PROCS: at most NB_WAIT_MANY_MAX waits */
#define MAX_ENTRIES 32
#define MAX_RUNS 8
#define BACKOFF_MIN 10000000ll	 /* 10 ms */
#define BACKOFF_MAX 2000000000ll /* 2 s */
#define STABLE_NS 1000000000ll	 /* up this long: backoff resets */

struct bootfile {
	char name[65];
	uint8_t *data;
	uint32_t len;
};

struct proc {
	int used, service;
	uint32_t id;
	char name[33], file[65];
	nb_handle h; /* while running */
	proc_state state;
	int32_t status;
	uint32_t restarts;
	nb_time backoff, restart_at, started_at;
};

enum { CONN_DIR, CONN_LAUNCHER };

struct conn {
	nb_handle ch;
	int kind;
	uint32_t owner; /* id of the process it was given to, or 0 */
};

struct entry {
	char name[33];
	nb_handle listener;
};

struct run {
	char file[65];
	char args[16][129];
	int nargs;
};

static struct bootfile files[MAX_FILES];
static int nfiles;
static struct proc procs[MAX_PROCS];
static struct conn conns[MAX_CONNS];
static int nconns;
static struct entry entries[MAX_ENTRIES];
static struct run runs[MAX_RUNS];
static int nruns, next_run;
static uint32_t run_id, next_id = 1;
static uint8_t rxbuf[FIR_MAX_BYTES];

/* Reads every boot file from the boot channel (header, then chunks). */
static void load_files(nb_handle boot)
{
	uint8_t hdr[4 + 256];
	uint32_t n, got;

	while (nfiles < MAX_FILES &&
	       nb_channel_read(boot, 0, hdr, sizeof hdr, NULL, 0, &n, NULL) ==
		       NB_OK &&
	       n >= 4) {
		struct bootfile *f = &files[nfiles];
		char path[257];
		const char *base;
		memcpy(&f->len, hdr, 4);
		memcpy(path, hdr + 4, n - 4);
		path[n - 4] = 0;
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		snprintf(f->name, sizeof f->name, "%s", base);
		if (!(f->data = malloc(f->len + 1)))
			return;
		for (uint32_t off = 0; off < f->len; off += got)
			if (nb_channel_read(boot, NB_CHANNEL_READ_WAIT,
					    f->data + off, f->len - off, NULL,
					    0, &got, NULL) != NB_OK)
				return;
		f->data[f->len] = 0;
		nfiles++;
	}
}

/* The boot file called name, or NULL. */
static struct bootfile *find_file(const char *name)
{
	for (int i = 0; i < nfiles; i++)
		if (!strcmp(files[i].name, name))
			return &files[i];
	return NULL;
}

/* The process with id, or NULL. */
static struct proc *find_proc(uint32_t id)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i].used && procs[i].id == id)
			return &procs[i];
	return NULL;
}

/* The supervised service called name, or NULL. */
static struct proc *find_service(const char *name)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i].used && procs[i].service &&
		    !strcmp(procs[i].name, name))
			return &procs[i];
	return NULL;
}

/* A free process slot, recycling the oldest ended program if needed. */
static struct proc *new_proc(void)
{
	struct proc *old = NULL;

	for (int i = 0; i < MAX_PROCS; i++) {
		if (!procs[i].used)
			return memset(&procs[i], 0, sizeof procs[i]);
		if (!procs[i].service && procs[i].state == PROC_STATE_EXITED &&
		    (!old || procs[i].id < old->id))
			old = &procs[i];
	}
	return old ? memset(old, 0, sizeof *old) : NULL;
}

/* Adds a served channel; false (and ch closed) when the table is full. */
static int add_conn(nb_handle ch, int kind, uint32_t owner)
{
	if (nconns == MAX_CONNS) {
		nb_handle_close(ch);
		return 0;
	}
	conns[nconns++] = (struct conn){ch, kind, owner};
	return 1;
}

/* The WASI argument block of file and args (process_create_args):
 * argv[0] the file, no environment; its length. */
static uint32_t arg_block(char *block, const char *file, char (*args)[129],
			  int nargs)
{
	uint32_t n = (uint32_t)strlen(file) + 1;

	memcpy(block, file, n);
	for (int i = 0; i < nargs; i++) {
		size_t k = strlen(args[i]) + 1;
		memcpy(block + n, args[i], k);
		n += (uint32_t)k;
	}
	return n;
}

static int console_conn(nb_handle *out);

/*
 * Starts process p from its file with args, which it sees as its WASI
 * arguments (argv[0] the file) and, for firmament programs (svc_args),
 * as Startup.args: startup handle 0 is a new Directory channel (served
 * here, owned by p), 1 carries the Startup.args message. With console
 * (and the console service up), p's WASI output goes to a Console
 * connection of its own (nb_process_create_console).
 */
static nb_status start(struct proc *p, char (*args)[129], int nargs,
		       int console)
{
	nb_handle cons;
	static startup_args_req req;
	static char block[65 + 16 * 129];
	struct bootfile *f = find_file(p->file);
	nb_handle dir[2], arg[2], give[2];
	uint32_t blen;
	nb_status s;

	if (!f)
		return FIR_ERR_NOT_FOUND;
	if ((s = nb_channel_create(&dir[0], &dir[1])))
		return s;
	if ((s = nb_channel_create(&arg[0], &arg[1]))) {
		fir_close_all(dir, 2);
		return s;
	}
	memset(&req, 0, sizeof req);
	for (int i = 0; i < nargs; i++)
		FIR_SET_STR(req.argv.items[req.argv.len++], args[i]);
	startup_args(arg[0], &req);
	nb_handle_close(arg[0]);
	give[0] = dir[1];
	give[1] = arg[1];
	blen = arg_block(block, p->file, args, nargs);
	if (console && console_conn(&cons)) {
		s = nb_process_create_console(f->data, f->len, give, 2, block,
					      blen, (uint32_t)nargs + 1, cons,
					      &p->h);
		if (s)
			nb_handle_close(cons);
	} else {
		s = nb_process_create_args(f->data, f->len, give, 2, block,
					   blen, (uint32_t)nargs + 1, &p->h);
	}
	if (s) {
		fir_close_all(give, 2);
		nb_handle_close(dir[0]);
		return s;
	}
	add_conn(dir[0], CONN_DIR, p->id);
	p->state = PROC_STATE_RUNNING;
	p->started_at = nb_clock_monotonic();
	return NB_OK;
}

/* Process p ended: record its status; schedule a service's restart. */
static void ended(struct proc *p)
{
	nb_time now = nb_clock_monotonic();

	nb_process_status(p->h, &p->status);
	nb_handle_close(p->h);
	p->h = NB_HANDLE_INVALID;
	p->state = PROC_STATE_EXITED;
	if (!p->service)
		return;
	if (now - p->started_at >= STABLE_NS || !p->backoff)
		p->backoff = BACKOFF_MIN;
	else if ((p->backoff *= 2) > BACKOFF_MAX)
		p->backoff = BACKOFF_MAX;
	p->state = PROC_STATE_RESTARTING;
	p->restart_at = now + p->backoff;
	fprintf(stderr, "init: service %s ended (%d), restart in %lld ms\n",
		p->name, p->status, (long long)(p->backoff / 1000000));
}

/* Restarts the services whose backoff has passed. */
static void restart_due(void)
{
	nb_time now = nb_clock_monotonic();

	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &procs[i];
		if (!p->used || p->state != PROC_STATE_RESTARTING ||
		    p->restart_at > now)
			continue;
		if (p->started_at)
			p->restarts++;
		if (start(p, NULL, 0, 0) != NB_OK) {
			p->restart_at = now + BACKOFF_MAX;
			continue;
		}
	}
}

/* True if a listener's service end is still open. */
static int alive(nb_handle listener)
{
	nb_signals obs = 0;

	nb_object_wait_one(listener, NB_SIGNAL_PEER_CLOSED, 0, &obs);
	return !(obs & NB_SIGNAL_PEER_CLOSED);
}

/* A new connection to the published, live "console": the client end in
 * *out; false if there is none. */
static int console_conn(nb_handle *out)
{
	static listener_connect_req creq;
	nb_handle a, b;

	for (int i = 0; i < MAX_ENTRIES; i++) {
		if (!entries[i].listener ||
		    strcmp(entries[i].name, "console") ||
		    !alive(entries[i].listener))
			continue;
		if (nb_channel_create(&a, &b))
			return 0;
		creq.channel = b;
		if (listener_connect(entries[i].listener, &creq) != NB_OK) {
			nb_handle_close(a);
			return 0;
		}
		*out = a;
		return 1;
	}
	return 0;
}

/* Directory.publish: a service's own name only from that service. */
static nb_status dir_publish(void *ctx, const directory_publish_req *req)
{
	struct conn *c = ctx;
	struct proc *svc = find_service(req->name.s);
	struct entry *e = NULL;

	if (svc && svc->id != c->owner)
		return NB_ERR_ACCESS_DENIED;
	if (!strcmp(req->name.s, "launcher") ||
	    !strcmp(req->name.s, "directory"))
		return FIR_ERR_EXISTS;
	for (int i = 0; i < MAX_ENTRIES; i++) {
		if (entries[i].listener &&
		    !strcmp(entries[i].name, req->name.s))
			e = &entries[i];
		else if (!e && !entries[i].listener)
			e = &entries[i];
	}
	if (!e)
		return NB_ERR_NO_RESOURCES;
	if (e->listener && alive(e->listener))
		return FIR_ERR_EXISTS;
	if (e->listener)
		nb_handle_close(e->listener);
	memcpy(e->name, req->name.s, req->name.len + 1);
	e->listener = req->listener;
	return NB_OK;
}

/* Directory.lookup: built-ins, else a new channel via the listener. */
static nb_status dir_lookup(void *ctx, const directory_lookup_req *req,
			    directory_lookup_resp *resp)
{
	nb_handle a, b;
	nb_status s;
	int builtin = !strcmp(req->name.s, "launcher")	  ? CONN_LAUNCHER
		      : !strcmp(req->name.s, "directory") ? CONN_DIR
							  : -1;
	struct entry *e = NULL;

	for (int i = 0; i < MAX_ENTRIES && builtin < 0; i++)
		if (entries[i].listener &&
		    !strcmp(entries[i].name, req->name.s))
			e = &entries[i];
	if (builtin < 0 && (!e || !alive(e->listener)))
		return find_service(req->name.s) ? FIR_ERR_UNAVAILABLE
						 : FIR_ERR_NOT_FOUND;
	if ((s = nb_channel_create(&a, &b)))
		return s;
	if (builtin >= 0) {
		if (!add_conn(b, builtin, 0)) {
			nb_handle_close(a);
			return NB_ERR_NO_RESOURCES;
		}
	} else {
		static listener_connect_req creq;
		creq.channel = b;
		if (listener_connect(e->listener, &creq) != NB_OK) {
			nb_handle_close(a);
			return FIR_ERR_UNAVAILABLE;
		}
	}
	resp->channel = a;
	return NB_OK;
}

/* Directory.list: the names of live entries and the built-ins. */
static nb_status dir_list(void *ctx, directory_list_resp *resp)
{
	FIR_SET_STR(resp->names.items[resp->names.len++], "directory");
	FIR_SET_STR(resp->names.items[resp->names.len++], "launcher");
	for (int i = 0; i < MAX_ENTRIES; i++)
		if (entries[i].listener && alive(entries[i].listener) &&
		    resp->names.len < 32)
			FIR_SET_STR(resp->names.items[resp->names.len++],
				    entries[i].name);
	return NB_OK;
}

/* Launcher.launch: starts a boot file with arguments. */
static nb_status l_launch(void *ctx, const launcher_launch_req *req,
			  launcher_launch_resp *resp)
{
	static char args[16][129];
	struct proc *p;
	nb_status s;

	if (!find_file(req->name.s))
		return FIR_ERR_NOT_FOUND;
	if (!(p = new_proc()))
		return NB_ERR_NO_RESOURCES;
	p->used = 1;
	p->id = next_id++;
	snprintf(p->name, sizeof p->name, "%s", req->name.s);
	snprintf(p->file, sizeof p->file, "%s", req->name.s);
	for (uint32_t i = 0; i < req->args.len; i++)
		memcpy(args[i], req->args.items[i].s,
		       req->args.items[i].len + 1);
	if ((s = start(p, args, (int)req->args.len, 1))) {
		p->used = 0;
		return s;
	}
	if ((s = nb_handle_duplicate(
		     p->h, NB_RIGHT_WAIT | NB_RIGHT_KILL | NB_RIGHT_TRANSFER,
		     &resp->process)))
		return s;
	resp->id = p->id;
	return NB_OK;
}

/* Launcher.list: every process init knows, by id. */
static nb_status l_list(void *ctx, launcher_list_resp *resp)
{
	for (uint32_t id = 1; id < next_id; id++) {
		struct proc *p = find_proc(id);
		proc_info *i;
		if (!p)
			continue;
		i = &resp->procs.items[resp->procs.len++];
		i->id = p->id;
		FIR_SET_STR(i->name, p->name);
		i->state = p->state;
		i->status = p->state == PROC_STATE_RUNNING ? 0 : p->status;
		i->restarts = p->restarts;
	}
	return NB_OK;
}

/* Launcher.kill: by id; a running process only. */
static nb_status l_kill(void *ctx, const launcher_kill_req *req)
{
	struct proc *p = find_proc(req->id);

	if (!p)
		return FIR_ERR_NOT_FOUND;
	if (p->state != PROC_STATE_RUNNING)
		return NB_ERR_BAD_STATE;
	return nb_process_kill(p->h);
}

/* Launcher.files. */
static nb_status l_files(void *ctx, launcher_files_resp *resp)
{
	for (int i = 0; i < nfiles; i++) {
		file_info *f = &resp->files.items[resp->files.len++];
		FIR_SET_STR(f->name, files[i].name);
		f->size = files[i].len;
	}
	return NB_OK;
}

/* Launcher.read: up to 4096 bytes of a boot file from offset. */
static nb_status l_read(void *ctx, const launcher_read_req *req,
			launcher_read_resp *resp)
{
	struct bootfile *f = find_file(req->name.s);
	uint32_t n;

	if (!f)
		return FIR_ERR_NOT_FOUND;
	if (req->offset > f->len)
		return FIR_ERR_INVALID;
	n = f->len - req->offset;
	n = n > sizeof resp->data.b ? sizeof resp->data.b : n;
	memcpy(resp->data.b, f->data + req->offset, n);
	resp->data.len = n;
	return NB_OK;
}

/* Launcher.kill_service: kills a running supervised service. */
static nb_status l_kill_service(void *ctx, const launcher_kill_service_req *req)
{
	struct proc *p = find_service(req->name.s);

	if (!p)
		return FIR_ERR_NOT_FOUND;
	if (p->state != PROC_STATE_RUNNING)
		return FIR_ERR_UNAVAILABLE;
	return nb_process_kill(p->h);
}

static const struct directory_ops dir_ops = {dir_publish, dir_lookup, dir_list};
static const struct launcher_ops launcher_ops = {
	l_launch, l_list, l_kill, l_files, l_read, l_kill_service};

/* Serves one message of connection i; false if the peer is gone. */
static int serve_conn(int i)
{
	nb_handle h[FIR_MAX_HANDLES];
	uint32_t n, nh;
	nb_status s = nb_channel_read(conns[i].ch, 0, rxbuf, sizeof rxbuf, h,
				      FIR_MAX_HANDLES, &n, &nh);

	if (s == NB_ERR_SHOULD_WAIT)
		return 1;
	if (s != NB_OK)
		return 0;
	if (conns[i].kind == CONN_DIR)
		directory_dispatch(&dir_ops, &conns[i], conns[i].ch, rxbuf, n,
				   h, nh);
	else
		launcher_dispatch(&launcher_ops, &conns[i], conns[i].ch, rxbuf,
				  n, h, nh);
	return 1;
}

/* Splits a manifest line into words; returns how many. */
static int words(char *line, char **w, int max)
{
	int n = 0;

	for (char *t = strtok(line, " \t\r"); t && n < max;
	     t = strtok(NULL, " \t\r"))
		w[n++] = t;
	return n;
}

/* Reads the manifest; exits with status 1 on a bad one. */
static void read_manifest(void)
{
	struct bootfile *m = NULL;
	char *text, *line, *save = NULL;
	int lineno = 0;

	for (int i = 0; i < nfiles && !m; i++) {
		size_t n = strlen(files[i].name);
		if (!strcmp(files[i].name, "manifest") ||
		    (n > 9 && !strcmp(files[i].name + n - 9, ".manifest")))
			m = &files[i];
	}
	if (!m) {
		fprintf(stderr, "init: no manifest among the boot files\n");
		exit(1);
	}
	text = strdup((char *)m->data); /* strtok writes; keep the file */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w[20];
		int n;
		lineno++;
		if (line[0] == '#' || !(n = words(line, w, 20)))
			continue;
		if (!strcmp(w[0], "service") && n == 3 && find_file(w[2])) {
			struct proc *p = new_proc();
			p->used = p->service = 1;
			p->id = next_id++;
			snprintf(p->name, sizeof p->name, "%s", w[1]);
			snprintf(p->file, sizeof p->file, "%s", w[2]);
			p->state = PROC_STATE_RESTARTING;
		} else if (!strcmp(w[0], "run") && n >= 2 && n <= 18 &&
			   nruns < MAX_RUNS && find_file(w[1])) {
			struct run *r = &runs[nruns++];
			snprintf(r->file, sizeof r->file, "%s", w[1]);
			for (int i = 2; i < n; i++)
				snprintf(r->args[r->nargs++], 129, "%s", w[i]);
		} else {
			fprintf(stderr,
				"init: %s:%d: expected 'service NAME FILE' or "
				"'run FILE [ARG...]' with a boot file\n",
				m->name, lineno);
			exit(1);
		}
	}
}

/* Starts the next `run` program; false when there is none left. */
static int start_next_run(void)
{
	while (next_run < nruns) {
		struct run *r = &runs[next_run++];
		struct proc *p = new_proc();
		p->used = 1;
		p->id = next_id++;
		snprintf(p->name, sizeof p->name, "%s", r->file);
		snprintf(p->file, sizeof p->file, "%s", r->file);
		if (start(p, r->args, r->nargs, 0) == NB_OK) {
			run_id = p->id;
			return 1;
		}
		fprintf(stderr, "init: cannot start %s\n", r->file);
		p->used = 0;
	}
	return 0;
}

/* Kills every running process, waits for them, exits with status. */
static _Noreturn void shutdown(int status)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i].used && procs[i].h != NB_HANDLE_INVALID) {
			nb_process_kill(procs[i].h);
			nb_object_wait_one(procs[i].h, NB_SIGNAL_TERMINATED,
					   NB_TIME_INFINITE, NULL);
		}
	fflush(stdout);
	exit(status);
}

/* Waits for anything: a message, a process's end, a restart deadline. */
static _Noreturn void loop(void)
{
	static nb_wait_item items[NB_WAIT_MANY_MAX];
	static struct proc *who[NB_WAIT_MANY_MAX];

	for (;;) {
		uint32_t n = 0;
		nb_time deadline = NB_TIME_INFINITE;
		for (int i = 0; i < nconns; i++)
			items[n++] = (nb_wait_item){
				conns[i].ch,
				NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED, 0};
		for (int i = 0; i < MAX_PROCS && n < NB_WAIT_MANY_MAX; i++) {
			struct proc *p = &procs[i];
			if (p->used && p->state == PROC_STATE_RESTARTING &&
			    p->restart_at < deadline)
				deadline = p->restart_at;
			if (!p->used || p->state != PROC_STATE_RUNNING)
				continue;
			who[n] = p;
			items[n++] =
				(nb_wait_item){p->h, NB_SIGNAL_TERMINATED, 0};
		}
		nb_status s = nb_object_wait_many(items, n, deadline);
		if (s != NB_OK && s != NB_ERR_TIMED_OUT) {
			fprintf(stderr, "init: wait failed (%d)\n", s);
			shutdown(1);
		}
		for (uint32_t k = (uint32_t)nconns; k < n; k++) {
			if (!(items[k].pending & NB_SIGNAL_TERMINATED))
				continue;
			ended(who[k]);
			if (who[k]->id == run_id && !start_next_run())
				shutdown(who[k]->status);
		}
		for (int i = nconns; i-- > 0;) {
			if (!(items[i].pending & items[i].waitfor) ||
			    serve_conn(i))
				continue;
			nb_handle_close(conns[i].ch);
			conns[i] = conns[--nconns];
		}
		restart_due();
	}
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0);

	load_files(boot);
	nb_handle_close(boot);
	read_manifest();
	restart_due(); /* the services' first start */
	start_next_run();
	loop();
}
