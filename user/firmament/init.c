/*
 * init.c: the firmament's init (not the boot loader of bootld/), run by
 * `nebulet kernel init.wasm FILES...` or a boot loader's `--kernel`
 * line. It reads the boot files from its boot channel (startup handle
 * 0), then follows the manifest (the file named "manifest" or ending in
 * ".manifest"), written in the manifest language with init's lines
 * (bootld/README.md: service, driver, run, grant) and read by
 * its lexer (bootld/manifest.h). Services and drivers are supervised:
 * restarted with backoff when they end; a driver on duplicates of the
 * device handles init keeps (the same objects at each restart). The
 * `run` programs run one after another; after the last, init stops
 * every process and exits with its status.
 *
 * It serves the Directory (directory.fir; "launcher" and "directory"
 * are built in) and the Launcher (launcher.fir). Every process it starts
 * (drivers apart) gets a Directory channel as startup handle 0 and its
 * arguments both as WASI arguments (argv[0] is the file;
 * process_create_args) and as a Startup.args message through startup
 * handle 1. A process started by Launcher.launch (the shell's `run`)
 * or by a `run` line writes its WASI output to a Console connection of
 * its own while the console service is up (runs_wait: the `run` lines
 * wait for it); services and drivers keep the kernel's console.
 *
 * Limits: a lookup of "launcher" from a process whose file is not
 * granted gets NB_ERR_ACCESS_DENIED; a connection looked up through
 * another keeps its owner and grant, and a process holds at most
 * CONNS_PER_PROC Directory and Launcher connections (its startup one
 * included): one more lookup gets NB_ERR_NO_RESOURCES. Processes of a
 * file granted `mem` get the kernel's inspect right (mem_usage shows
 * them every process, not only themselves), which init holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"
#include "manifest.h"
#include "nb_bootch.h"
#include "nb_strerror.h"
#include "socket.h"
#include "svc.h"

#define MAX_FILES 32
#define MAX_PROCS 32
#define MAX_CONNS 32 /* with MAX_PROCS: at most NB_WAIT_MANY_MAX waits */
#define MAX_ENTRIES 32
#define MAX_RUNS 8
#define MAX_DRIVERS 4
#define DRV_HANDLES 8	 /* device handles per driver */
#define DRV_ARGS 8	 /* arguments per driver */
#define CONNS_PER_PROC 8 /* Directory + Launcher connections per process */
#define BACKOFF_MIN 10000000ll	 /* 10 ms */
#define BACKOFF_MAX 2000000000ll /* 2 s */
#define STABLE_NS 1000000000ll	 /* up this long: backoff resets */

struct bootfile {
	char name[65];
	uint8_t *data;
	uint32_t len;
};

struct driver {
	nb_handle keep[DRV_HANDLES]; /* init's; duplicated at each start */
	int nkeep;
	char args[DRV_ARGS][129];
	int nargs;
};

struct proc {
	int used, service;
	struct driver *drv; /* a `driver` line's service */
	struct run *sargs;  /* a `service` line's arguments, or NULL */
	uint32_t id;
	char name[33], file[65];
	nb_handle h; /* while running */
	proc_state state;
	int32_t status;
	uint32_t restarts;
	nb_time backoff, restart_at, started_at;
	int kill_asked; /* by Launcher.kill_service: not a crash */
};

enum { CONN_DIR, CONN_LAUNCHER };

struct conn {
	nb_handle ch;
	int kind;
	uint32_t owner; /* id of the process it was given to */
	int launch;	/* may look up the Launcher */
};

struct entry {
	char name[33];
	nb_handle listener;
};

/* A program's files (process_create_wasi): a FileSystem channel and
 * the preopen block, NUL-terminated pairs GUEST, PATH; its listening
 * sockets (PATH "#N"), each a Socket channel and its ready event given
 * as startup handles N, N + 1 (socks[]). */
#define PRE_MAX 4
#define LISTEN_MAX 4
struct files {
	nb_handle fs;
	char pre[PRE_MAX * (65 + 257) + LISTEN_MAX * 16];
	uint32_t len;
	nb_handle socks[2 * LISTEN_MAX];
	uint32_t nsocks;
};

struct run {
	char file[65];
	char args[16][129];
	int nargs;
	struct files dirs; /* `--dir`s (fs unset: connected at start) */
	int ndirs;
	uint16_t ports[LISTEN_MAX]; /* `--listen=tcp:PORT`s */
	int nports;
};

static struct bootfile files[MAX_FILES];
static int nfiles;
static struct proc procs[MAX_PROCS];
static struct conn conns[MAX_CONNS];
static int nconns;
static struct entry entries[MAX_ENTRIES];
static struct run runs[MAX_RUNS];
static struct run svc_argv[MAX_RUNS]; /* of `service` lines with ARGs */
static int nsvc_argv;
static struct driver drivers[MAX_DRIVERS];
static int ndrivers;
/* Files granted the Launcher (GRANT_LAUNCHER) or the inspect right
 * (GRANT_MEM). */
enum { GRANT_LAUNCHER = 1, GRANT_MEM = 2 };
static struct grant {
	char file[65];
	int what;
} grants[MAX_FILES];
static int ngrants;
static int nruns, next_run;
static uint32_t run_id, next_id = 1;
static uint8_t rxbuf[FIR_MAX_BYTES];

/* Reads every boot file from the boot channel (nb_bootch.h); a file is
 * known by the last component of its path. */
static void load_files(nb_handle boot)
{
	char path[NB_BOOT_NAME_MAX + 1];
	const char *base;

	while (nfiles < MAX_FILES) {
		struct bootfile *f = &files[nfiles];

		if (!(f->data = nb_boot_read(boot, &f->len, path)))
			return;
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if (strlen(base) >= sizeof f->name) {
			fprintf(stderr,
				"init: boot file name too long "
				"(over 64 bytes), skipped: %s\n",
				base);
			free(f->data);
			continue;
		}
		snprintf(f->name, sizeof f->name, "%s", base);
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
static int add_conn(nb_handle ch, int kind, uint32_t owner, int launch)
{
	if (nconns == MAX_CONNS) {
		nb_handle_close(ch);
		return 0;
	}
	conns[nconns++] = (struct conn){ch, kind, owner, launch};
	return 1;
}

/* True if the manifest grants what (GRANT_*) to processes of file. */
static int granted(const char *file, int what)
{
	for (int i = 0; i < ngrants; i++)
		if (!strcmp(grants[i].file, file) && (grants[i].what & what))
			return 1;
	return 0;
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
static _Noreturn void shutdown(int status);

/* The published Directory entry of name (live or not), else NULL.
 * Published names are unique: entries are only set via entry_slot. */
static struct entry *find_entry(const char *name)
{
	for (int i = 0; i < MAX_ENTRIES; i++)
		if (entries[i].listener && !strcmp(entries[i].name, name))
			return &entries[i];
	return NULL;
}

/* The Directory entry of name, else a free one, else NULL. */
static struct entry *entry_slot(const char *name)
{
	struct entry *e = find_entry(name);

	for (int i = 0; i < MAX_ENTRIES && !e; i++)
		if (!entries[i].listener)
			e = &entries[i];
	return e;
}

/* Makes entry e name's, served through listener (an older one closed). */
static void set_entry(struct entry *e, const char *name, nb_handle listener)
{
	if (e->listener)
		nb_handle_close(e->listener);
	snprintf(e->name, sizeof e->name, "%s", name);
	e->listener = listener;
}

/*
 * Starts driver p from file f: its startup handles are duplicates of
 * the device handles init keeps (the dead instance's are gone: a process
 * ends before TERMINATED, so the objects are only init's and the new
 * instance's), then a new listener whose other end init publishes as
 * p's name; its WASI arguments are the file and the line's ARGs.
 */
static nb_status start_driver(struct proc *p, const struct bootfile *f)
{
	static char block[65 + DRV_ARGS * 129];
	struct driver *d = p->drv;
	struct entry *e = entry_slot(p->name);
	nb_handle give[DRV_HANDLES + 1], mine;
	uint32_t n = 0, blen = arg_block(block, p->file, d->args, d->nargs);
	nb_status s = NB_ERR_NO_RESOURCES;

	if (!e)
		return s;
	for (; n < (uint32_t)d->nkeep; n++)
		if ((s = nb_handle_duplicate(d->keep[n], NB_RIGHT_SAME_RIGHTS,
					     &give[n])))
			goto fail;
	if ((s = nb_channel_create(&mine, &give[n])))
		goto fail;
	n++;
	if ((s = nb_process_create_args(f->data, f->len, give, n, block, blen,
					(uint32_t)d->nargs + 1, &p->h))) {
		nb_handle_close(mine);
		goto fail;
	}
	set_entry(e, p->name, mine);
	p->state = PROC_STATE_RUNNING;
	p->started_at = nb_clock_monotonic();
	return NB_OK;
fail:
	fir_close_all(give, n);
	return s;
}

/*
 * Starts process p from its file with args, which it sees as its WASI
 * arguments (argv[0] the file) and, for firmament programs (svc_args),
 * as Startup.args: startup handle 0 is a new Directory channel (served
 * here, owned by p), 1 carries the Startup.args message. With console
 * (and the console service up), p's WASI output goes to a Console
 * connection of its own (nb_process_create_console). With files, its
 * WASI file calls go to files->fs (which moves to p on success) with
 * those preopens (nb_process_create_wasi).
 */
static nb_status start(struct proc *p, char (*args)[129], int nargs,
		       int console, struct files *fl)
{
	nb_handle cons = NB_HANDLE_INVALID;
	static startup_args_req req;
	static char block[65 + 16 * 129];
	struct bootfile *f = find_file(p->file);
	nb_handle dir[2], arg[2], give[2 + 2 * LISTEN_MAX];
	uint32_t blen, ngive = 2;
	nb_status s;

	if (!f)
		return FIR_ERR_NOT_FOUND;
	if (p->drv)
		return start_driver(p, f);
	if (nconns == MAX_CONNS) /* no room for its Directory channel */
		return NB_ERR_NO_RESOURCES;
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
	for (uint32_t i = 0; fl && i < fl->nsocks; i++)
		give[ngive++] = fl->socks[i];
	blen = arg_block(block, p->file, args, nargs);
	nb_process_inspect(granted(p->file, GRANT_MEM)); /* for this one */
	if (console && !console_conn(&cons))
		cons = NB_HANDLE_INVALID;
	if (fl)
		s = nb_process_create_wasi(f->data, f->len, give, ngive, block,
					   blen, (uint32_t)nargs + 1, cons,
					   fl->fs, fl->pre, fl->len, &p->h);
	else if (cons != NB_HANDLE_INVALID)
		s = nb_process_create_console(f->data, f->len, give, 2, block,
					      blen, (uint32_t)nargs + 1, cons,
					      &p->h);
	else
		s = nb_process_create_args(f->data, f->len, give, 2, block,
					   blen, (uint32_t)nargs + 1, &p->h);
	if (s && cons != NB_HANDLE_INVALID)
		nb_handle_close(cons);
	nb_process_inspect(0);
	if (s) {
		fir_close_all(give, ngive);
		nb_handle_close(dir[0]);
		return s;
	}
	add_conn(dir[0], CONN_DIR, p->id, granted(p->file, GRANT_LAUNCHER));
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
	/* A crash loop backs off; a kill someone asked for does not. */
	if (now - p->started_at >= STABLE_NS || !p->backoff || p->kill_asked)
		p->backoff = BACKOFF_MIN;
	else if ((p->backoff *= 2) > BACKOFF_MAX)
		p->backoff = BACKOFF_MAX;
	p->kill_asked = 0;
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
		if (start(p, p->sargs ? p->sargs->args : NULL,
			  p->sargs ? p->sargs->nargs : 0, 0, NULL) != NB_OK) {
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

/* A new connection to the published, live service name: the client
 * end in *out; false if there is none. */
static int service_conn(const char *name, nb_handle *out)
{
	static listener_connect_req creq;
	struct entry *e = find_entry(name);
	nb_handle a, b;

	if (!e || !alive(e->listener))
		return 0;
	if (nb_channel_create(&a, &b))
		return 0;
	creq.channel = b;
	if (listener_connect(e->listener, &creq) != NB_OK) {
		nb_handle_close(a);
		return 0;
	}
	*out = a;
	return 1;
}

static int console_conn(nb_handle *out)
{
	return service_conn("console", out);
}

/* Directory.publish: a service's own name only from that service. */
static nb_status dir_publish(void *ctx, const directory_publish_req *req)
{
	struct conn *c = ctx;
	struct proc *svc = find_service(req->name.s);
	struct entry *e;

	if (svc && (svc->drv || svc->id != c->owner))
		return NB_ERR_ACCESS_DENIED;
	if (!strcmp(req->name.s, "launcher") ||
	    !strcmp(req->name.s, "directory"))
		return FIR_ERR_EXISTS;
	if (!(e = entry_slot(req->name.s)))
		return NB_ERR_NO_RESOURCES;
	if (e->listener && alive(e->listener))
		return FIR_ERR_EXISTS;
	set_entry(e, req->name.s, req->listener);
	return NB_OK;
}

/* How many live Directory and Launcher connections owner holds. */
static int owned(uint32_t owner)
{
	int n = 0;

	for (int i = 0; i < nconns; i++)
		n += conns[i].owner == owner && alive(conns[i].ch);
	return n;
}

/* Directory.lookup: built-ins (the Launcher only with a grant, each
 * within the owner's CONNS_PER_PROC), else a new channel via the
 * listener. */
static nb_status dir_lookup(void *ctx, const directory_lookup_req *req,
			    directory_lookup_resp *resp)
{
	struct conn *c = ctx;
	nb_handle a, b;
	nb_status s;
	int builtin = !strcmp(req->name.s, "launcher")	  ? CONN_LAUNCHER
		      : !strcmp(req->name.s, "directory") ? CONN_DIR
							  : -1;
	struct entry *e = builtin < 0 ? find_entry(req->name.s) : NULL;

	if (builtin < 0 && (!e || !alive(e->listener)))
		return find_service(req->name.s) ? FIR_ERR_UNAVAILABLE
						 : FIR_ERR_NOT_FOUND;
	if (builtin == CONN_LAUNCHER && !c->launch)
		return NB_ERR_ACCESS_DENIED;
	if (builtin >= 0 && owned(c->owner) >= CONNS_PER_PROC)
		return NB_ERR_NO_RESOURCES;
	if ((s = nb_channel_create(&a, &b)))
		return s;
	if (builtin >= 0) {
		if (!add_conn(b, builtin, c->owner, c->launch)) {
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

/* A request's args (array<string<128>, 16>) into launch_argv. */
static char launch_argv[16][129];
#define LAUNCH_ARGS(a)                                                         \
	do {                                                                   \
		for (uint32_t i_ = 0; i_ < (a).len; i_++)                      \
			memcpy(launch_argv[i_], (a).items[i_].s,               \
			       (a).items[i_].len + 1);                         \
	} while (0)

/* Starts boot file name with launch_argv[0..nargs) for Launcher.launch
 * and launch_wasi (files: NULL, or the program's, its channel moving to
 * it on success). */
static nb_status launch(const char *name, uint32_t nargs, struct files *fl,
			uint32_t *id, nb_handle *process)
{
	struct proc *p;
	nb_status s;

	if (!find_file(name))
		return FIR_ERR_NOT_FOUND;
	if (!(p = new_proc()))
		return NB_ERR_NO_RESOURCES;
	p->used = 1;
	p->id = next_id++;
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->file, sizeof p->file, "%s", name);
	if ((s = start(p, launch_argv, (int)nargs, 1, fl))) {
		p->used = 0;
		return s;
	}
	if ((s = nb_handle_duplicate(
		     p->h, NB_RIGHT_WAIT | NB_RIGHT_KILL | NB_RIGHT_TRANSFER,
		     process)))
		return s;
	*id = p->id;
	return NB_OK;
}

/* Launcher.launch: starts a boot file with arguments. */
static nb_status l_launch(void *ctx, const launcher_launch_req *req,
			  launcher_launch_resp *resp)
{
	LAUNCH_ARGS(req->args);
	return launch(req->name.s, req->args.len, NULL, &resp->id,
		      &resp->process);
}

/* Adds preopen GUEST, PATH to fl's block; false when it does not fit. */
static int add_preopen(struct files *fl, const char *guest, const char *path)
{
	size_t g = strlen(guest) + 1, n = strlen(path) + 1;

	if (g == 1 || n == 1 || fl->len + g + n > sizeof fl->pre)
		return 0;
	memcpy(fl->pre + fl->len, guest, g);
	memcpy(fl->pre + fl->len + g, path, n);
	fl->len += (uint32_t)(g + n);
	return 1;
}

static const char *parse_listen(struct run *r, const char *spec);
static int run_listen(struct run *r);

/* Launcher.launch_wasi: launch with a file system and preopens; a
 * preopen with path "#" and guest "tcp:PORT" asks for a socket
 * listening on PORT (as a `run --listen`; the shell's run passes them). */
static nb_status l_launch_wasi(void *ctx, const launcher_launch_wasi_req *req,
			       launcher_launch_wasi_resp *resp)
{
	static struct run r;
	nb_status s = FIR_ERR_INVALID;

	memset(&r, 0, sizeof r);
	snprintf(r.file, sizeof r.file, "%s", req->name.s);
	r.dirs.fs = req->fs;
	for (uint32_t i = 0; i < req->preopens.len; i++) {
		const preopen *o = &req->preopens.items[i];
		if (!strcmp(o->path.s, "#")
			    ? parse_listen(&r, o->guest.s) != NULL
			    : !add_preopen(&r.dirs, o->guest.s, o->path.s))
			goto fail;
	}
	if (r.nports && !run_listen(&r)) {
		s = FIR_ERR_UNAVAILABLE;
		goto fail;
	}
	LAUNCH_ARGS(req->args);
	s = launch(req->name.s, req->args.len, &r.dirs, &resp->id,
		   &resp->process);
	if (!s)
		return s;
	fir_close_all(r.dirs.socks, r.dirs.nsocks); /* not given */
fail:
	nb_handle_close(req->fs);
	return s;
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
	p->kill_asked = 1;
	return nb_process_kill(p->h);
}

static const struct directory_ops dir_ops = {dir_publish, dir_lookup, dir_list};
static const struct launcher_ops launcher_ops = {
	l_launch, l_list,	  l_kill,	l_files,
	l_read,	  l_kill_service, l_launch_wasi};

/* Serves one message of connection i; false if the peer is gone or its
 * reply was lost (fir_reply_lost). */
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
	return !fir_reply_lost();
}

/* init's startup handle n (1-15), taken once and kept: a driver gets
 * duplicates; NB_HANDLE_INVALID if there is none. */
static nb_handle kept_handle(uint32_t n)
{
	static nb_handle kept[16];

	if (n == 0 || n >= 16)
		return NB_HANDLE_INVALID;
	if (!kept[n])
		kept[n] = nb_startup_handle((uint32_t)n);
	return kept[n];
}

/* A supervised process NAME of FILE, first started by restart_due; an
 * error message, or NULL with *out set. */
static const char *new_service(const char *name, const char *file,
			       struct proc **out)
{
	struct proc *p;

	if (!find_file(file))
		return "not a boot file";
	if (find_service(name) || !strcmp(name, "launcher") ||
	    !strcmp(name, "directory"))
		return "the name is taken";
	if (!(p = new_proc()))
		return "too many processes";
	p->used = p->service = 1;
	p->id = next_id++;
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->file, sizeof p->file, "%s", file);
	p->state = PROC_STATE_RESTARTING;
	*out = p;
	return NULL;
}

/* `driver NAME FILE [--handle=N]... [--else=FILE2] [ARG...]`: an error
 * message or NULL. With --else, a missing startup handle makes the line
 * `service NAME FILE2` instead (e.g. the RAM disk when the boot loader
 * gave init no disk). */
static const char *parse_driver(char **w, int n)
{
	struct driver *d = &drivers[ndrivers];
	const char *err, *otherwise = NULL;
	bool missing = false;
	struct proc *p;
	int i = 3;

	if (n < 3)
		return "expected 'driver NAME FILE [--handle=N]... [ARG...]'";
	if (ndrivers == MAX_DRIVERS)
		return "too many drivers";
	for (; i < n &&
	       (!strncmp(w[i], "--handle=", 9) || !strncmp(w[i], "--else=", 7));
	     i++) {
		uint32_t h;
		if (!strncmp(w[i], "--else=", 7)) {
			otherwise = w[i] + 7;
		} else if (!manifest_number(w[i] + 9, 0, &h) ||
			   d->nkeep == DRV_HANDLES) {
			return "--handle=N: no startup handle N (1-15)";
		} else if (!(d->keep[d->nkeep++] = kept_handle(h))) {
			missing = true;
		}
	}
	if (missing && otherwise) {
		memset(d, 0, sizeof *d);
		return new_service(w[1], otherwise, &p);
	}
	if (missing)
		return "--handle=N: no startup handle N (1-15)";
	if (n - i > DRV_ARGS)
		return "too many driver arguments";
	for (; i < n; i++)
		snprintf(d->args[d->nargs++], sizeof d->args[0], "%s", w[i]);
	if ((err = new_service(w[1], w[2], &p)))
		return err;
	p->drv = d;
	ndrivers++;
	return NULL;
}

/* `service NAME FILE [ARG...]`: an error message or NULL. */
static const char *parse_service(char **w, int n)
{
	struct run *r = &svc_argv[nsvc_argv];
	struct proc *p;
	const char *err;

	if (n > 3 && (nsvc_argv == MAX_RUNS || n > 19))
		return "too many service arguments";
	if ((err = new_service(w[1], w[2], &p)) || n == 3)
		return err;
	for (int i = 3; i < n; i++)
		snprintf(r->args[r->nargs++], sizeof r->args[0], "%s", w[i]);
	p->sargs = r;
	nsvc_argv++;
	return NULL;
}

/* `publish NAME --handle=N`: a duplicate of startup handle N, the
 * sending end of a listener served outside init (the boot loader's
 * `--listener=NAME`, e.g. for a driver compiled into the kernel), is
 * published as NAME. An error message or NULL. */
static const char *parse_publish(char **w, int n)
{
	struct entry *e;
	nb_handle h, dup;
	uint32_t k;

	if (n != 3 || strncmp(w[2], "--handle=", 9) ||
	    !manifest_number(w[2] + 9, 0, &k))
		return "expected 'publish NAME --handle=N'";
	if (!(h = kept_handle(k)))
		return "--handle=N: no startup handle N (1-15)";
	if (find_entry(w[1]) || find_service(w[1]) || !(e = entry_slot(w[1])))
		return "publish: the name is taken, or too many names";
	if (nb_handle_duplicate(h, NB_RIGHT_SAME_RIGHTS, &dup))
		return "publish: cannot duplicate the handle";
	set_entry(e, w[1], dup);
	return NULL;
}

/* `grant launcher|mem FILE...`: an error message or NULL. */
static const char *parse_grant(char **w, int n)
{
	int what = n < 3		       ? 0
		   : !strcmp(w[1], "launcher") ? GRANT_LAUNCHER
		   : !strcmp(w[1], "mem")      ? GRANT_MEM
					       : 0;

	if (!what)
		return "expected 'grant launcher|mem FILE...'";
	for (int i = 2; i < n; i++) {
		if (!find_file(w[i]))
			return "grant: not a boot file";
		if (ngrants == MAX_FILES)
			continue;
		grants[ngrants].what = what;
		snprintf(grants[ngrants++].file, sizeof grants[0].file, "%s",
			 w[i]);
	}
	return NULL;
}

/* `--listen=tcp:PORT` of a run line into r: an error message or NULL. */
static const char *parse_listen(struct run *r, const char *spec)
{
	char *end = NULL;
	unsigned long port = 0;

	if (!strncmp(spec, "tcp:", 4) && spec[4] >= '0' && spec[4] <= '9')
		port = strtoul(spec + 4, &end, 10);
	if (!port || port > 65535 || *end || r->nports == LISTEN_MAX)
		return "--listen=tcp:PORT: PORT 1..65535, at most 4 of them";
	r->ports[r->nports++] = (uint16_t)port;
	return NULL;
}

/* `run [--dir=PATH[::GUEST]]... [--listen=tcp:PORT]... FILE [ARG...]`:
 * an error message or NULL. Each --dir gives the program PATH of the
 * "fs" service as its preopen GUEST (PATH itself without ::GUEST), each
 * --listen a socket of the "net" service listening on PORT. */
static const char *parse_run(char **w, int n)
{
	struct run *r = &runs[nruns];
	const char *err;
	int i = 1;

	if (nruns == MAX_RUNS)
		return "too many run lines";
	for (; i < n && !strncmp(w[i], "--listen=", 9); i++)
		if ((err = parse_listen(r, w[i] + 9)))
			return err;
	for (; i < n && !strncmp(w[i], "--dir=", 6); i++, r->ndirs++) {
		char *path = w[i] + 6, *sep = strstr(path, "::");
		const char *guest = sep ? sep + 2 : path;
		if (sep)
			*sep = '\0';
		if (path[0] != '/' || !add_preopen(&r->dirs, guest, path))
			return "--dir=PATH[::GUEST]: PATH must be absolute, "
			       "both non-empty, at most 4 of them";
	}
	for (; i < n && !strncmp(w[i], "--listen=", 9); i++)
		if ((err = parse_listen(r, w[i] + 9)))
			return err;
	if (i == n || n - i > 17 || !find_file(w[i]))
		return "run: expected a boot file and at most 16 arguments";
	snprintf(r->file, sizeof r->file, "%s", w[i]);
	for (i++; i < n; i++)
		snprintf(r->args[r->nargs++], 129, "%s", w[i]);
	nruns++;
	return NULL;
}

/* One manifest line of n words: an error message or NULL. */
static const char *parse_line(char **w, int n)
{
	if (!strcmp(w[0], "service") && n >= 3)
		return parse_service(w, n);
	if (!strcmp(w[0], "driver"))
		return parse_driver(w, n);
	if (!strcmp(w[0], "grant"))
		return parse_grant(w, n);
	if (!strcmp(w[0], "publish"))
		return parse_publish(w, n);
	if (!strcmp(w[0], "run"))
		return parse_run(w, n);
	return "expected 'service NAME FILE ...', 'driver NAME FILE ...', "
	       "'run [--dir=PATH[::GUEST]]... [--listen=tcp:PORT]... FILE "
	       "[ARG...]', 'grant "
	       "launcher|mem FILE...' with boot files, or 'publish NAME "
	       "--handle=N'";
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
		const char *err = "unterminated quote or too many words";
		int n;
		lineno++;
		if (!(n = manifest_split(line, w, 20)))
			continue;
		if (n < 0 || (err = parse_line(w, n))) {
			fprintf(stderr, "init: %s:%d: %s\n", m->name, lineno,
				err);
			exit(1);
		}
	}
}

/*
 * Opens r's listening sockets with the "net" service (Net.listen, a
 * backlog of 16) and adds them to its preopens: startup handles 2, 3
 * for the first, then 4, 5, ... False after a message.
 */
static int run_listen(struct run *r)
{
	nb_handle net;
	nb_status s = FIR_ERR_UNAVAILABLE;
	char path[16], guest[16];

	if (!service_conn("net", &net)) {
		fprintf(stderr,
			"init: %s: --listen without a network "
			"(no \"net\" service)\n",
			r->file);
		return 0;
	}
	for (int i = 0; i < r->nports; i++) {
		net_listen_resp resp;
		uint32_t n = r->dirs.nsocks;
		if ((s = net_listen(net, &(net_listen_req){r->ports[i], 16},
				    &resp)))
			break;
		r->dirs.socks[r->dirs.nsocks++] = resp.socket;
		r->dirs.socks[r->dirs.nsocks++] = resp.ready;
		snprintf(guest, sizeof guest, "tcp:%u", r->ports[i]);
		snprintf(path, sizeof path, "#%u", 2 + n);
		add_preopen(&r->dirs, guest, path);
	}
	nb_handle_close(net);
	if (s == NB_OK)
		return 1;
	fprintf(stderr, "init: %s: --listen=tcp:%u: %s\n", r->file,
		r->ports[r->dirs.nsocks / 2], nb_strerror(s));
	fir_close_all(r->dirs.socks, r->dirs.nsocks);
	r->dirs.nsocks = 0;
	return 0;
}

/* Starts the next `run` program, with a Console connection while the
 * console service is up; false when there is none left. */
static int start_next_run(void)
{
	while (next_run < nruns) {
		struct run *r = &runs[next_run++];
		struct proc *p = new_proc();
		p->used = 1;
		p->id = next_id++;
		snprintf(p->name, sizeof p->name, "%s", r->file);
		snprintf(p->file, sizeof p->file, "%s", r->file);
		struct files *fl = r->ndirs || r->nports ? &r->dirs : NULL;
		if (fl)
			fl->fs = NB_HANDLE_INVALID;
		if (r->ndirs && !service_conn("fs", &fl->fs)) {
			fprintf(stderr,
				"init: %s: --dir without a file system "
				"(no \"fs\" service)\n",
				r->file);
			p->used = 0;
			continue;
		}
		if (r->nports && !run_listen(r)) {
			if (r->ndirs)
				nb_handle_close(fl->fs);
			p->used = 0;
			continue;
		}
		nb_status s = start(p, r->args, r->nargs, 1, fl);
		if (s == NB_OK) {
			run_id = p->id;
			return 1;
		}
		if (fl && r->ndirs)
			nb_handle_close(fl->fs);
		fprintf(stderr, "init: cannot start %s: %s\n", r->file,
			nb_strerror(s));
		p->used = 0;
	}
	return 0;
}

#define CONSOLE_WAIT_NS 30000000000ll /* 30 s */
static nb_time runs_at; /* until the `run` lines start: when they must */

/* True while name is published and its server end open. */
static int service_up(const char *name)
{
	struct entry *e = find_entry(name);

	return e && alive(e->listener);
}

/* True while service name runs but has not published itself yet. */
static int service_coming(const char *name)
{
	struct proc *c = find_service(name);

	return c && c->state == PROC_STATE_RUNNING && !service_up(name);
}

/*
 * Before the first `run` program: starts it once its WASI output can go
 * through the Console, i.e. "console" is published, or its service is
 * not running (there is none, or it failed before publishing), or
 * CONSOLE_WAIT_NS have passed (said on stderr), and, when it has --dir
 * lines, "fs" likewise; a program started while
 * the console service is not up writes to the kernel's console. Returns
 * the time to wake up at for it (NB_TIME_INFINITE once started).
 */
static nb_time runs_wait(void)
{
	struct proc *c = find_service("console");
	int late = nb_clock_monotonic() >= runs_at;
	int dirs = next_run < nruns && runs[next_run].ndirs;
	int net = next_run < nruns && runs[next_run].nports;

	if (!late &&
	    (service_coming("console") || (dirs && service_coming("fs")) ||
	     (net && service_coming("net"))))
		return runs_at;
	if (c && late && !service_up("console"))
		fprintf(stderr,
			"init: no console after %lld s: the run "
			"programs write to the kernel's console\n",
			CONSOLE_WAIT_NS / 1000000000ll);
	runs_at = 0;
	if (!start_next_run() && nruns > 0)
		shutdown(1); /* not one `run` program could start */
	return NB_TIME_INFINITE;
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
		nb_time deadline = runs_at ? runs_wait() : NB_TIME_INFINITE;
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
			fprintf(stderr, "init: wait failed: %s\n",
				nb_strerror(s));
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
	runs_at = nb_clock_monotonic() + CONSOLE_WAIT_NS; /* see runs_wait */
	loop();
}
