/*
 * bootld.c: the boot loader: runs the boot archive's manifest (see
 * bootld.h) as kernel processes.
 *
 * The manifest is in the manifest language (bootld/README.md, read by
 * manifest.h's lexer), one program per line:
 *
 *   [--engine=interp|jit] [--env=NAME=VALUE]... [--stdin=FILE]
 *       [--memory=SIZE] [HANDLES] PROGRAM [ARG]...
 *   [--engine=interp|jit] [--memory=SIZE] [HANDLES] --kernel PROGRAM
 *       [IMAGE]...
 *   --native=DRIVER [HANDLES]
 *
 * PROGRAM and FILE name files of the archive; PROGRAM is also the
 * program's argv[0]. Without --stdin the program reads the console. With
 * --kernel, PROGRAM runs as `nebulet kernel` runs its init: its startup
 * handle 0 is a boot channel carrying the IMAGEs (archive files).
 * --memory=SIZE (bytes, or with a suffix K, M or G) bounds the program's
 * linear memory, and so that of the processes it creates (kernel/README.md,
 * "Memory accounts"): memory.grow fails past it.
 *
 * HANDLES give the program startup handles, in the order written (after
 * the boot channel): --ioport=BASE:COUNT (an I/O-port range object),
 * --irq=LINE (an interrupt object), --pci=VENDOR:DEVICE[#N] (a PCI device
 * object for the Nth such function, from 0), --serve=NAME (the listener of
 * service NAME: a channel on which the boot loader sends, as firmament's
 * Listener.connect, one end of a new channel per client), --connect=NAME (the
 * client's end of such a channel), --listener=NAME (the boot loader's own
 * end of service NAME's listener, for the firmament's init to publish).
 * --native=DRIVER starts a driver compiled
 * into the kernel (uart16550, virtio-net, virtio-blk) on a kernel thread
 * instead of a program; it takes the same HANDLES as its wasm twin.
 *
 * Every line becomes a process of the kernel (kernel/process.c), created
 * in manifest order once all lines are read (so a client may come before
 * its service); they all run concurrently under the kernel's preemptive
 * scheduler, and bootld_run returns when every one has ended.
 */
#include "bootld/bootld.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootld/bootfs.h"
#include "bootld/manifest.h"
#include "firmament/directory_wire.h"
#include "drivers/uart16550/uart_native.h"
#include "drivers/virtio/vblk_native.h"
#include "drivers/virtio/vnet_native.h"
#include "hal/hal.h"
#include "kernel/cmdline.h"
#include "kernel/device.h"
#include "kernel/object.h"
#include "nucleus/nucleus.h"
#include "user/include/nb_strerror.h"

#define MAX_WORDS 256
#define MAX_HSPECS 16
#define MAX_SERVICES 16

/* A startup handle a line asks for. */
struct hspec {
	char kind; /* 'p' --ioport, 'i' --irq, 'd' --pci, 's' --serve,
		      'c' --connect, 'l' --listener */
	uint32_t a, b, c;
	const char *name;
};

/* A service: the listener's two ends (bootld writes, the server reads). */
static struct service {
	const char *name;
	struct channel *mine, *theirs;
} services[MAX_SERVICES];
static int nservices;

/* One manifest line, parsed, and the process running it. */
struct job {
	enum wasm_engine engine;
	bool kernel;		/* --kernel: argv[1..] are boot images */
	const char *stdin_name; /* NULL: the console */
	const char *native;	/* --native=DRIVER: no program */
	uint64_t memory;	/* --memory=SIZE: bytes; 0: the default */
	struct hspec hs[MAX_HSPECS];
	int nhs;
	char *env[MAX_WORDS];
	int envc;
	char **argv; /* PROGRAM, ARG... (point into words) */
	int argc;
	char *line;   /* the line's text, split in place */
	char **words; /* MAX_WORDS pointers */
	struct bootfs_file in;
	struct process_args args;
	struct process *proc; /* NULL: it did not start */
	int status;	      /* when it did not start */
	struct job *next;
};

/* Prints the concatenation of the strings on stderr (stream 2). */
static void say(const char *a, const char *b, const char *c)
{
	char line[300];
	int n = snprintf(line, sizeof line, "%s%s%s\n", a, b, c);
	hal_console_write(2, line,
			  n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

/* Parses a HANDLES option into job; false if w is not one (or bad). */
static bool parse_hspec(const char *w, struct job *job)
{
	struct hspec h = {0};
	const char *colon;

	if (job->nhs == MAX_HSPECS)
		return false;
	if (strncmp(w, "--ioport=", 9) == 0) {
		colon = strchr(w + 9, ':');
		h.kind = 'p';
		if (!colon || !manifest_number(w + 9, ':', &h.a) ||
		    !manifest_number(colon + 1, 0, &h.b))
			return false;
	} else if (strncmp(w, "--irq=", 6) == 0) {
		h.kind = 'i';
		if (!manifest_number(w + 6, 0, &h.a))
			return false;
	} else if (strncmp(w, "--pci=", 6) == 0) {
		const char *hash = strchr(w + 6, '#');
		colon = strchr(w + 6, ':');
		h.kind = 'd';
		if (!colon || !manifest_number(w + 6, ':', &h.a) ||
		    !manifest_number(colon + 1, hash ? '#' : 0, &h.b) ||
		    (hash && !manifest_number(hash + 1, 0, &h.c)) ||
		    h.a > 0xffff || h.b > 0xffff)
			return false;
	} else if (strncmp(w, "--serve=", 8) == 0 && w[8]) {
		h.kind = 's';
		h.name = w + 8;
	} else if (strncmp(w, "--connect=", 10) == 0 && w[10]) {
		h.kind = 'c';
		h.name = w + 10;
	} else if (strncmp(w, "--listener=", 11) == 0 && w[11]) {
		h.kind = 'l';
		h.name = w + 11;
	} else {
		return false;
	}
	job->hs[job->nhs++] = h;
	return true;
}

/* A size: decimal digits and an optional suffix K, M or G; 0 if w is
 * not one (or is 0, or too large). */
static uint64_t parse_size(const char *w)
{
	uint64_t v = 0;

	for (; *w >= '0' && *w <= '9'; w++) {
		if (v > ((uint64_t)1 << 40))
			return 0;
		v = v * 10 + (uint64_t)(*w - '0');
	}
	if (*w == 'K' || *w == 'M' || *w == 'G')
		v <<= *w == 'K' ? 10 : *w == 'M' ? 20 : 30;
	else if (*w)
		return 0;
	return *w && w[1] ? 0 : v;
}

/* Fills job from the words of one line; false after a message. */
static bool parse_job(char **w, int n, struct job *job)
{
	int i;

	job->engine = KERNEL_ENGINE_DEFAULT;
	for (i = 0; i < n && strncmp(w[i], "--", 2) == 0; i++) {
		if (parse_hspec(w[i], job)) {
			continue;
		} else if (strncmp(w[i], "--native=", 9) == 0) {
			job->native = w[i] + 9;
		} else if (strcmp(w[i], "--kernel") == 0) {
			job->kernel = true;
		} else if (strcmp(w[i], "--engine=interp") == 0) {
			job->engine = WASM_ENGINE_INTERP;
		} else if (strcmp(w[i], "--engine=jit") == 0) {
			job->engine = WASM_ENGINE_JIT;
		} else if (strcmp(w[i], "--engine=opt") == 0) {
			job->engine = WASM_ENGINE_OPT;
		} else if (strcmp(w[i], "--engine=base") == 0) {
			job->engine = WASM_ENGINE_BASE;
		} else if (strncmp(w[i], "--env=", 6) == 0 &&
			   strchr(w[i] + 6, '=') != NULL) {
			job->env[job->envc++] = w[i] + 6;
		} else if (strncmp(w[i], "--stdin=", 8) == 0) {
			job->stdin_name = w[i] + 8;
		} else if (strncmp(w[i], "--memory=", 9) == 0 &&
			   (job->memory = parse_size(w[i] + 9))) {
			continue;
		} else {
			say("bootld: manifest: unknown or malformed option ",
			    w[i], "");
			return false;
		}
	}
	if (job->native) {
		if (i < n || job->kernel || job->envc || job->stdin_name) {
			say("bootld: manifest: --native takes only handle "
			    "options",
			    "", "");
			return false;
		}
		return true;
	}
	if (i == n) {
		say("bootld: manifest: a line names no program", "", "");
		return false;
	}
	if (job->kernel && (job->envc || job->stdin_name)) {
		say("bootld: manifest: --kernel takes no --env or --stdin", "",
		    "");
		return false;
	}
	job->argv = w + i;
	job->argc = n - i;
	return true;
}

/* Runs in the new process's own thread before anything else: gives it
 * the standard input its line names (or the console). */
static void job_on_start(void *arg)
{
	struct job *job = arg;
	if (job->stdin_name)
		hal_console_set_input(job->in.data, job->in.len);
	else
		hal_console_set_input(NULL, 0);
}

/* Sends the boot images (archive files) over c with process_boot_send,
 * the format of `nebulet kernel`'s boot channel. False after a
 * message. */
static bool send_images(const void *archive, size_t len, struct channel *c,
			char **names, int n)
{
	for (int i = 0; i < n; i++) {
		struct bootfs_file f;
		nb_status s;
		if (!bootfs_find(archive, len, names[i], &f)) {
			say(names[i], ": not in the boot archive", "");
			return false;
		}
		if ((s = process_boot_send(c, names[i], f.data, f.len))) {
			say("bootld: the boot images do not fit the boot "
			    "channel: ",
			    nb_strerror(s), "");
			return false;
		}
	}
	return true;
}

/* The startup handle of a --kernel line: a boot channel holding its
 * images. False after a message. */
static bool boot_channel(const void *archive, size_t len, const struct job *job,
			 struct khandle *h)
{
	struct channel *a, *b;
	if (channel_create(&a, &b) != NB_OK) {
		say("bootld: out of memory", "", "");
		return false;
	}
	bool ok = send_images(archive, len, a, job->argv + 1, job->argc - 1);
	kobj_release(&a->o);
	if (!ok) {
		kobj_release(&b->o);
		return false;
	}
	h->obj = &b->o;
	h->rights = NB_RIGHT_READ | NB_RIGHT_WAIT | NB_RIGHT_TRANSFER |
		    NB_RIGHT_DUPLICATE;
	return true;
}

#define CH_RIGHTS                                                              \
	(NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_WAIT | NB_RIGHT_TRANSFER |  \
	 NB_RIGHT_DUPLICATE)

/* The service named `name`, or NULL. */
static struct service *service_find(const char *name)
{
	for (int i = 0; i < nservices; i++)
		if (strcmp(services[i].name, name) == 0)
			return &services[i];
	return NULL;
}

/* Creates the listener of every --serve; false after a message (a
 * name served twice, too many, out of memory). */
static bool services_create(const struct job *job)
{
	for (int i = 0; i < job->nhs; i++) {
		const struct hspec *h = &job->hs[i];
		struct service *s;
		if (h->kind != 's')
			continue;
		if (service_find(h->name) || nservices == MAX_SERVICES) {
			say("bootld: manifest: service ", h->name,
			    " served twice, or too many services");
			return false;
		}
		s = &services[nservices];
		if (channel_create(&s->mine, &s->theirs) != NB_OK) {
			say("bootld: out of memory", "", "");
			return false;
		}
		s->name = h->name;
		nservices++;
	}
	return true;
}

/* Sends s's server firmament's Listener.connect (encoded by firc's
 * directory_wire.c) carrying `end`, whose reference it takes; false if
 * it cannot. */
static bool listener_connect(struct service *s, struct channel *end)
{
	uint8_t b[LISTENER_connect_REQ_BYTES];
	fir_handle w[LISTENER_connect_REQ_HANDLES];
	listener_connect_req req = {0}; /* the handle's index */
	fir_enc e;
	struct kmsg *m;

	fir_enc_init(&e, b, sizeof b, w, LISTENER_connect_REQ_HANDLES);
	listener_connect_req_enc(&e, 0, &req);
	if (e.err || channel_can_write(s->mine) != NB_OK ||
	    !(m = kmsg_alloc(e.len, e.nh)))
		return false;
	memcpy(m->bytes, b, e.len);
	m->handles[0] = (struct khandle){&end->o, CH_RIGHTS};
	channel_queue(s->mine, m);
	return true;
}

/* Makes one startup handle of job's list into *k; false after a
 * message. */
static bool make_handle(const struct hspec *h, struct khandle *k)
{
	nb_status st = NB_OK;
	struct service *s = h->name ? service_find(h->name) : NULL;

	if (h->kind == 'p') {
		struct ioport *p;
		if ((st = ioport_create(h->a, h->b, &p)) == NB_OK)
			*k = (struct khandle){&p->o,
					      NB_RIGHT_READ | NB_RIGHT_WRITE |
						      NB_RIGHT_DUPLICATE |
						      NB_RIGHT_TRANSFER};
	} else if (h->kind == 'i') {
		struct interrupt *irq;
		if ((st = interrupt_create(h->a, &irq)) == NB_OK)
			*k = (struct khandle){&irq->o,
					      NB_RIGHT_WAIT | NB_RIGHT_WRITE |
						      NB_RIGHT_DUPLICATE |
						      NB_RIGHT_TRANSFER};
	} else if (h->kind == 'd') {
		struct pcidev *d;
		int idx = pcidev_find((uint16_t)h->a, (uint16_t)h->b, h->c);
		if (idx < 0 && hal_pci_count()) {
			say("bootld: manifest: no such PCI function (--pci)",
			    "", "");
			return false;
		}
		if ((st = pcidev_create(idx, &d)) == NB_OK)
			*k = (struct khandle){&d->o,
					      NB_RIGHT_READ | NB_RIGHT_WRITE |
						      NB_RIGHT_DUPLICATE |
						      NB_RIGHT_TRANSFER};
	} else if (h->kind == 's') {
		kobj_retain(&s->theirs->o);
		*k = (struct khandle){&s->theirs->o, CH_RIGHTS};
	} else if (!s) {
		say("bootld: manifest: no service ", h->name, "");
		return false;
	} else if (h->kind == 'l') {
		kobj_retain(&s->mine->o);
		*k = (struct khandle){&s->mine->o, CH_RIGHTS};
	} else {
		struct channel *mine, *theirs;
		if ((st = channel_create(&mine, &theirs)) == NB_OK &&
		    !listener_connect(s, theirs)) {
			kobj_release(&mine->o);
			kobj_release(&theirs->o);
			st = NB_ERR_NO_RESOURCES;
		}
		if (st == NB_OK)
			*k = (struct khandle){&mine->o, CH_RIGHTS};
	}
	if (st != NB_OK) {
		say("bootld: cannot make a startup handle: ", nb_strerror(st),
		    h->kind == 'p'   ? " (--ioport)"
		    : h->kind == 'i' ? " (--irq)"
		    : h->kind == 'd' ? " (--pci)"
				     : " (--connect)");
		return false;
	}
	return true;
}

/* Appends job's startup handles to k[*n]; false after a message (those
 * made are released). */
static bool make_handles(const struct job *job, struct khandle *k, uint32_t *n)
{
	for (int i = 0; i < job->nhs; i++) {
		if (!make_handle(&job->hs[i], &k[*n])) {
			for (uint32_t j = 0; j < *n; j++)
				kobj_release(k[j].obj);
			*n = 0;
			return false;
		}
		(*n)++;
	}
	return true;
}

/* The drivers compiled into the kernel, and what each wants. */
static const struct {
	const char *name, *wants;
	nb_status (*start)(const struct khandle *h, uint32_t n,
			   struct process **out);
} natives[] = {
	{"uart16550", "--ioport, --irq and --serve", uart_native_start},
	{"virtio-net", "--pci (a modern virtio-net) and --serve",
	 vnet_native_start},
	{"virtio-blk", "--pci (a modern virtio-blk) and --serve",
	 vblk_native_start},
};

/* Starts a --native line's driver on its handles. */
static void start_native(struct job *job)
{
	struct khandle k[MAX_HSPECS];
	uint32_t n = 0, d = 0;

	job->status = 1;
	while (d < sizeof natives / sizeof natives[0] &&
	       strcmp(job->native, natives[d].name) != 0)
		d++;
	if (d == sizeof natives / sizeof natives[0]) {
		say("bootld: manifest: unknown native driver ", job->native,
		    " (available: uart16550, virtio-net, virtio-blk)");
		return;
	}
	if (!make_handles(job, k, &n))
		return;
	if (natives[d].start(k, n, &job->proc) != NB_OK) {
		char why[120];
		snprintf(why, sizeof why, "bootld: %s: wants %s",
			 natives[d].name, natives[d].wants);
		say(why, "", "");
		job->proc = NULL;
	}
	for (uint32_t j = 0; j < n; j++)
		kobj_release(k[j].obj);
}

/*
 * Creates the process for a parsed line; on failure prints why and sets
 * job->status (1, as `nebulet run` gives for a bad module). A malformed
 * module is reported here, with its offset, before the kernel sees it.
 */
static void start_job(const void *archive, size_t len, struct job *job)
{
	struct bootfs_file prog;
	struct khandle start[1 + MAX_HSPECS];
	uint32_t nstart = 0;
	wasm_error err = {0};
	wasm_module *m;

	job->status = 1;
	if (job->native) {
		start_native(job);
		return;
	}
	if (!bootfs_find(archive, len, job->argv[0], &prog)) {
		say(job->argv[0], ": not in the boot archive", "");
		return;
	}
	if (job->stdin_name &&
	    !bootfs_find(archive, len, job->stdin_name, &job->in)) {
		say(job->stdin_name, ": not in the boot archive", "");
		return;
	}
	if (!(m = wasm_module_new(prog.data, prog.len, &err))) {
		say(job->argv[0], ": ", err.msg);
		return;
	}
	wasm_module_free(m);
	if (job->kernel && !boot_channel(archive, len, job, &start[nstart++]))
		return;
	if (!make_handles(job, start, &nstart))
		return;
	if (job->kernel)
		kernel_engine = job->engine; /* also for what it starts */
	nb_status s =
		process_create(prog.data, (uint32_t)prog.len, start, nstart,
			       process_base_name(job->argv[0]), &job->proc);
	if (s != NB_OK) {
		say(job->argv[0], ": cannot start: ", nb_strerror(s));
		for (uint32_t i = 0; i < nstart; i++)
			kobj_release(start[i].obj);
		job->proc = NULL;
		return;
	}
	if (job->memory) /* it has not run yet */
		job->proc->acct->lim.memory = job->memory;
	job->args = (struct process_args){
		.argc = job->kernel ? 1 : job->argc,
		.argv = job->argv,
		.envc = job->envc,
		.envp = job->env,
		.engine = job->engine,
		.on_start = job_on_start,
		.arg = job,
	};
	job->proc->args = &job->args;
}

/* Parses one manifest line (a NUL-terminated copy, kept by the job);
 * NULL after a message, or for a line that runs nothing (*blank set). */
static struct job *parse_line(char *line, bool *blank)
{
	struct job *job = calloc(1, sizeof *job);
	char **words = malloc(MAX_WORDS * sizeof *words);
	int n = -1;

	*blank = false;
	if (job == NULL || words == NULL)
		say("bootld: out of memory", "", "");
	else if ((n = manifest_split(line, words, MAX_WORDS)) < 0)
		say("bootld: manifest: unterminated quote or too many words",
		    "", "");
	else if (n == 0)
		*blank = true;
	else if (parse_job(words, n, job)) {
		job->line = line;
		job->words = words;
		return job;
	}
	free(words);
	free(job);
	return NULL;
}

/* Status of a failed line: a job that never starts. */
static struct job *failed_job(void)
{
	struct job *job = calloc(1, sizeof *job);
	if (job)
		job->status = 1;
	return job;
}

/* Frees the jobs; returns the last one's exit status (0 if none). */
static int finish(struct job *jobs)
{
	int status = 0;
	while (jobs) {
		struct job *j = jobs;
		jobs = j->next;
		status = j->proc ? j->proc->exit_code : j->status;
		if (j->proc)
			kobj_release(&j->proc->o);
		free(j->words);
		free(j->line);
		free(j);
	}
	return status;
}

/* `failalloc=N` on the kernel command line: true, and *n = N, if it is
 * there. The Nth kernel allocation of the boot then fails (kmem_fail_at;
 * 0: none) and bootld_run ends by printing how many there were
 * (tests/failboot.sh). */
static bool failalloc_option(uint64_t *n)
{
	return cmdline_number("failalloc", n);
}

/* Runs the manifest's jobs (the body of bootld_run). */
static int run_manifest(const void *archive, size_t len)
{
	struct bootfs_file man;
	const char *why, *p, *end, *nl;
	struct job *jobs = NULL, **tail = &jobs;

	if (!bootfs_check(archive, len, &why)) {
		say("bootld: ", why, "");
		return 1;
	}
	if (!bootfs_find(archive, len, BOOTFS_MANIFEST, &man)) {
		say("bootld: the boot archive has no manifest", "", "");
		return 1;
	}
	p = (const char *)man.data;
	end = p + man.len;
	for (; p < end; p = nl + 1) {
		size_t n;
		char *line;
		bool blank;
		struct job *job;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if ((line = malloc(n + 1)) == NULL) {
			say("bootld: out of memory", "", "");
			return 1;
		}
		memcpy(line, p, n);
		line[n] = 0;
		if ((job = parse_line(line, &blank)) != NULL &&
		    !services_create(job))
			job->status = -1; /* does not start */
		if (!job)
			free(line);
		if (!job && !blank)
			job = failed_job();
		if (job) {
			*tail = job;
			tail = &job->next;
		}
	}
	device_init();
	for (struct job *j = jobs; j; j = j->next)
		if (j->line && j->status == 0)
			start_job(archive, len, j);
		else if (j->status == -1)
			j->status = 1;
	for (int i = 0; i < nservices; i++) {
		kobj_release(&services[i].mine->o);
		kobj_release(&services[i].theirs->o);
	}
	nservices = 0;
	sched_run();
	return finish(jobs);
}

int bootld_run(const void *archive, size_t len)
{
	uint64_t fail;
	char line[64];
	int status;

	if (!failalloc_option(&fail))
		return run_manifest(archive, len);
	kmem_fail_at(fail);
	status = run_manifest(archive, len);
	snprintf(line, sizeof line, "%llu kernel allocations",
		 (unsigned long long)kmem_fail_at(0));
	say("bootld: ", line, "");
	return status;
}
