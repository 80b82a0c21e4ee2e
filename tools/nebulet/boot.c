/*
 * boot.c: `nebulet boot [options] prog.wasm [args...]` runs a wasm32-wasi
 * program on the bare-metal kernel in QEMU, as `nebulet run` runs it on
 * the hosted HAL: same output on stdout and stderr, same exit status.
 *
 * It packs the program (and, when standard input is not a terminal, all of
 * stdin) into a boot archive with a one-line manifest (bootld/bootfs.h,
 * bootld/README.md); with --kernel, init.wasm and its boot images, run as
 * `nebulet kernel` runs them (manifest line `--kernel init.wasm
 * image.wasm...`). It boots build/nebulet.elf (the kernel beside this
 * executable, or $NEBULET_KERNEL) headless with the archive as -initrd
 * and "console=mux" on the command line, and takes the serial line apart
 * (hal/x86_64/serial.c): the program's stdout and stderr go to ours, the
 * kernel's messages are kept and shown only if the boot fails, and the
 * exit record gives the status. With --kernel or --initrd, standard
 * input (a pipe or file: a script driving `make run`) is not packed but
 * forwarded to the serial line as it comes (relay; a terminal is QEMU's
 * own). Without a terminal on stdin, a boot that stays silent for
 * --timeout (60 s), neither writing output (serial or COM2) nor taking
 * input, is killed and reported with its serial log: a program still
 * writing is not hung, however long it runs. QEMU runs with KVM when /dev/kvm
 * is usable, TCG otherwise, and qboot when it is installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bootld/bootfs.h"
#include "tools/nebulet/nebulet.h"

#define DLE 0x10
#define EXIT_TIMEOUT 124 /* as timeout(1) */
#define DEFAULT_TIMEOUT 60
#define QBOOT "/usr/share/qemu/qboot.rom"

/* A growing byte buffer; a failed allocation ends the runner. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		if ((b->p = realloc(b->p, cap)) == NULL) {
			fputs("nebulet boot: out of memory\n", stderr);
			exit(1);
		}
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Reads all of fd into b; false on a read error. */
static bool read_all(int fd, struct buf *b)
{
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		buf_add(b, chunk, (size_t)n);
	}
	return true;
}

/* Appends one archive record (bootfs.h). */
static void add_file(struct buf *ar, const char *name, const void *data,
		     size_t len)
{
	static const char zeros[8];
	uint32_t hdr[2] = {(uint32_t)strlen(name), (uint32_t)len};
	buf_add(ar, hdr, sizeof hdr); /* x86-64: little-endian already */
	buf_str(ar, name);
	buf_add(ar, zeros, BOOTFS_ALIGN(ar->len) - ar->len);
	buf_add(ar, data, len);
	buf_add(ar, zeros, BOOTFS_ALIGN(ar->len) - ar->len);
}

/* Appends s to a manifest line as one quoted word (bootld/README.md). */
static void add_word(struct buf *line, const char *s)
{
	buf_str(line, line->len ? " \"" : "\"");
	for (; *s; s++) {
		if (*s == '\n')
			buf_str(line, "\\n");
		else if (*s == '"' || *s == '\\')
			buf_add(line, (char[]){'\\', *s}, 2);
		else
			buf_add(line, s, 1);
	}
	buf_str(line, "\"");
}

struct boot_opts {
	const char *initrd; /* a packed archive to boot instead */
	const char *engine; /* NULL: the kernel's default */
	char **env;
	int envc;
	int timeout;		 /* seconds */
	bool kernel;		 /* --kernel: init.wasm and its boot images */
	bool verbose;		 /* kernel messages to stderr as they come */
	bool timing;		 /* report the time to the first output */
	const char *input;	 /* --input: bytes for the serial line */
	const char *input_after; /* ... sent once stdout holds this */
	const char *serial2;	 /* --serial2: COM2's output to this file */
	const char *serial2_in;	 /* --serial2-input: COM2's input */
	const char *memory;	 /* --memory: QEMU's -m (default 512M) */
	const char *disk;	 /* --disk: a raw image on virtio-blk-pci */
	const char *device;	 /* --device: one more QEMU -device */
	bool nic;		 /* --nic: virtio-net-pci, user network */
	const char *hostfwd;	 /* --hostfwd: QEMU's hostfwd rule (--nic) */
	const char *pci;	 /* --pci: a device for --kernel's init */
	const char *smp;	 /* --smp: CPUs, scheduled on all (1) */
	const char *append;	 /* --append: more kernel command line */
};

/* Reads the file at path into b; false after a message. */
static bool read_file(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && read_all(fd, b);

	if (fd >= 0)
		close(fd);
	if (!ok)
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
	return ok;
}

/* Builds the archive for argv (prog.wasm [args...], or with --kernel
 * init.wasm [image.wasm...]) into ar; false after a message. stdin is
 * packed when it is not a terminal (not with --kernel). */
static bool pack(struct buf *ar, const struct boot_opts *o, int argc,
		 char **argv)
{
	struct buf in = {0}, man = {0};
	int nfiles = o->kernel ? argc : 1;
	bool with_stdin = !o->kernel && !isatty(0);

	for (int i = 0; i < nfiles; i++)
		if (strcmp(argv[i], BOOTFS_MANIFEST) == 0 ||
		    strcmp(argv[i], "stdin") == 0) {
			fprintf(stderr,
				"nebulet boot: rename %s (a reserved name)\n",
				argv[i]);
			return false;
		}
	if (o->engine) {
		char w[64];
		snprintf(w, sizeof w, "--engine=%s", o->engine);
		add_word(&man, w);
	}
	if (o->kernel && o->disk) /* the disk: init's startup handle 1 */
		add_word(&man, "--pci=0x1af4:0x1042");
	if (o->kernel && o->pci) {
		char w[64];
		snprintf(w, sizeof w, "--pci=%s", o->pci);
		add_word(&man, w);
	}
	if (o->kernel)
		add_word(&man, "--kernel");
	for (int i = 0; i < o->envc; i++) {
		char *w = malloc(strlen(o->env[i]) + 7);
		if (w == NULL)
			return false;
		sprintf(w, "--env=%s", o->env[i]);
		add_word(&man, w);
		free(w);
	}
	if (with_stdin) {
		if (!read_all(0, &in)) {
			perror("nebulet boot: stdin");
			return false;
		}
		add_word(&man, "--stdin=stdin");
	}
	for (int i = 0; i < argc; i++)
		add_word(&man, argv[i]);
	buf_str(&man, "\n");

	buf_add(ar, BOOTFS_MAGIC, 8);
	buf_add(ar, (uint32_t[]){(uint32_t)(nfiles + 1 + with_stdin), 0}, 8);
	add_file(ar, BOOTFS_MANIFEST, man.p, man.len);
	for (int i = 0; i < nfiles; i++) {
		struct buf f = {0};
		if (!read_file(argv[i], &f))
			return false;
		add_file(ar, argv[i], f.p ? f.p : "", f.len);
		free(f.p);
	}
	if (with_stdin)
		add_file(ar, "stdin", in.p ? in.p : "", in.len);
	free(in.p);
	free(man.p);
	return true;
}

/* The kernel image: $NEBULET_KERNEL, else nebulet.elf beside us. */
static char *kernel_path(void)
{
	static char path[4096];
	const char *env = getenv("NEBULET_KERNEL");
	ssize_t n;
	char *slash;

	if (env && *env)
		return strdup(env);
	n = readlink("/proc/self/exe", path, sizeof path - 16);
	if (n <= 0)
		return strdup("build/nebulet.elf");
	path[n] = 0;
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "nebulet.elf");
	return strdup(path);
}

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * COM2 (--serial2): a QEMU pipe character device on two FIFOs in a
 * temporary directory, BASE.in (what the guest receives: the bytes of
 * --serial2-input, written at once) and BASE.out (what it sends, copied
 * into the --serial2 file as it comes). Both are held open read-write
 * here, so neither side ever blocks on opening them.
 */
struct com2 {
	char dir[64], base[96];
	int in, out, file; /* -1: none */
};

/* Makes the FIFOs and fills BASE.in; false after a message. */
static bool com2_open(struct com2 *c, const struct boot_opts *o)
{
	char path[128];
	struct buf input = {0};

	*c = (struct com2){.in = -1, .out = -1, .file = -1};
	if (!o->serial2)
		return true;
	strcpy(c->dir, "/tmp/nebulet-com2-XXXXXX");
	if (!mkdtemp(c->dir)) {
		perror("nebulet boot: COM2 directory");
		c->dir[0] = 0;
		return false;
	}
	snprintf(c->base, sizeof c->base, "%s/c", c->dir);
	snprintf(path, sizeof path, "%s.in", c->base);
	if (mkfifo(path, 0600) == 0)
		c->in = open(path, O_RDWR | O_NONBLOCK);
	snprintf(path, sizeof path, "%s.out", c->base);
	if (mkfifo(path, 0600) == 0)
		c->out = open(path, O_RDWR | O_NONBLOCK);
	c->file = open(o->serial2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (c->in < 0 || c->out < 0 || c->file < 0) {
		fprintf(stderr, "nebulet boot: COM2 (%s): %s\n", o->serial2,
			strerror(errno));
		return false;
	}
	if (o->serial2_in && !read_file(o->serial2_in, &input))
		return false;
	if (input.len > 65536 || write(c->in, input.p ? input.p : "",
				       input.len) != (ssize_t)input.len) {
		fputs("nebulet boot: --serial2-input: more than 64 KiB\n",
		      stderr);
		free(input.p);
		return false;
	}
	free(input.p);
	return true;
}

/* Copies what COM2 sent so far into the --serial2 file; true if any. */
static bool com2_drain(struct com2 *c)
{
	char chunk[4096];
	ssize_t n;
	bool any = false;

	while (c->out >= 0 && (n = read(c->out, chunk, sizeof chunk)) > 0) {
		(void)!write(c->file, chunk, (size_t)n);
		any = true;
	}
	return any;
}

/* Drains, closes and removes the FIFOs. */
static void com2_close(struct com2 *c)
{
	char path[128];

	com2_drain(c);
	if (c->in >= 0)
		close(c->in);
	if (c->out >= 0)
		close(c->out);
	if (c->file >= 0)
		close(c->file);
	if (!c->dir[0])
		return;
	snprintf(path, sizeof path, "%s.in", c->base);
	unlink(path);
	snprintf(path, sizeof path, "%s.out", c->base);
	unlink(path);
	rmdir(c->dir);
}

/* True when our standard input goes to the serial line as it comes: it
 * is not a terminal (QEMU's then), not packed into the archive (pack)
 * and there is no --input. */
static bool forwards_stdin(const struct boot_opts *o)
{
	return (o->kernel || o->initrd) && !o->input && !isatty(0);
}

/* Starts QEMU with its stdout on a pipe (*out) and its stderr in errfd;
 * with --input or stdin forwarded (forwards_stdin), its stdin (the
 * serial line's input) is a pipe too (*in, else -1). Returns its pid, or
 * -1 after a message. */
static pid_t start_qemu(const char *kernel, const char *initrd, int errfd,
			const struct boot_opts *o, const struct com2 *c,
			int *out, int *in)
{
	bool kvm = access("/dev/kvm", R_OK | W_OK) == 0;
	bool tty = isatty(0);
	const char *argv[40];
	int n = 0, p[2], q[2] = {-1, -1};
	pid_t pid;
	static char com2[4200], cmdline[256];

	argv[n++] = "qemu-system-x86_64";
	argv[n++] = "-accel"; /* TCG: one host thread per CPU */
	argv[n++] = kvm			  ? "kvm"
		    : strcmp(o->smp, "1") ? "tcg,thread=multi"
					  : "tcg";
	argv[n++] = "-smp";
	argv[n++] = o->smp;
	argv[n++] = "-cpu"; /* the host's CPU, or all TCG has (RDRAND) */
	argv[n++] = kvm ? "host" : "max";
	if (access(QBOOT, R_OK) == 0) {
		argv[n++] = "-bios";
		argv[n++] = QBOOT;
	}
	argv[n++] = "-nodefaults";
	argv[n++] = "-m";
	argv[n++] = o->memory ? o->memory : "512M";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-no-reboot";
	argv[n++] = "-serial";
	argv[n++] = tty ? "mon:stdio" : "stdio";
	if (c->dir[0]) {
		snprintf(com2, sizeof com2, "pipe,id=com2,path=%s", c->base);
		argv[n++] = "-chardev";
		argv[n++] = com2;
		argv[n++] = "-serial";
		argv[n++] = "chardev:com2";
	}
	argv[n++] = "-device";
	argv[n++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
	if (o->disk) { /* a modern-only virtio 1.x block device */
		static char drive[8200];
		size_t k = strlen(strcpy(drive, "file="));
		for (const char *c = o->disk; *c; c++) /* QEMU's escape */
			k += (size_t)sprintf(drive + k, *c == ',' ? ",," : "%c",
					     *c);
		strcpy(drive + k, ",if=none,id=disk0,format=raw");
		argv[n++] = "-drive";
		argv[n++] = drive;
		argv[n++] = "-device";
		argv[n++] = "virtio-blk-pci,drive=disk0,disable-legacy=on";
	}
	if (o->nic) { /* restrict=on: the guest reaches no host network */
		static char netdev[200];
		/* QEMU drops a restricted guest's UDP (bar DHCP and TFTP),
		 * so a UDP forward's replies need it off (bench/net.sh's
		 * echo answers its sender on the host's loopback only). */
		bool udp = o->hostfwd && !strncmp(o->hostfwd, "udp:", 4);
		snprintf(netdev, sizeof netdev, "user,id=net0,restrict=%s%s%s",
			 udp ? "off" : "on", o->hostfwd ? ",hostfwd=" : "",
			 o->hostfwd ? o->hostfwd : "");
		argv[n++] = "-netdev";
		argv[n++] = netdev;
		argv[n++] = "-device";
		argv[n++] = "virtio-net-pci,netdev=net0,disable-legacy=on";
	}
	if (o->device) {
		argv[n++] = "-device";
		argv[n++] = o->device;
	}
	argv[n++] = "-kernel";
	argv[n++] = kernel;
	argv[n++] = "-initrd";
	argv[n++] = initrd;
	argv[n++] = "-append";
	snprintf(cmdline, sizeof cmdline, "console=mux quiet%s%s",
		 o->append ? " " : "", o->append ? o->append : "");
	argv[n++] = cmdline;
	argv[n] = NULL;
	if (pipe(p) < 0 || ((o->input || forwards_stdin(o)) && pipe(q) < 0)) {
		perror("nebulet boot: pipe");
		return -1;
	}
	if ((pid = fork()) < 0) {
		perror("nebulet boot: fork");
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		/* QEMU ends with the runner, even one killed (a test's). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (q[0] >= 0)
			dup2(q[0], 0);
		else if (!tty && null >= 0)
			dup2(null, 0);
		if (q[1] >= 0)
			close(q[1]);
		dup2(p[1], 1);
		dup2(errfd, 2);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], (char **)argv);
		fprintf(stderr, "nebulet boot: %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (q[0] >= 0)
		close(q[0]);
	*out = p[0];
	*in = q[1];
	return pid;
}

/* The serial line's decoder state (see hal/x86_64/serial.c). */
struct demux {
	int stream;   /* 0 kernel, 1 stdout, 2 stderr */
	bool dle;     /* the last byte was DLE */
	bool in_exit; /* reading the exit record's digits */
	bool have_status;
	int status, sign;
	struct buf log; /* the kernel's messages */
	bool verbose;
	uint64_t first_ms; /* when the program's first byte came (0: not) */
	struct buf out;	   /* stdout so far, while --input waits for it */
	bool keep_out;
};

/* Passes one data byte to its stream. */
static void emit(struct demux *d, char c)
{
	if (d->stream == 0) {
		buf_add(&d->log, &c, 1);
		if (d->verbose)
			(void)!write(2, &c, 1);
		return;
	}
	if (!d->first_ms)
		d->first_ms = now_ms();
	if (d->keep_out && d->stream == 1)
		buf_add(&d->out, &c, 1);
	(void)!write(d->stream, &c, 1);
}

/* Decodes one byte of the serial line. */
static void demux_byte(struct demux *d, char c)
{
	if (d->in_exit) {
		if (c == '-')
			d->sign = -1;
		else if (c >= '0' && c <= '9')
			d->status = d->status * 10 + (c - '0');
		else if (c == '\n') {
			d->in_exit = false;
			d->have_status = true;
			d->status *= d->sign;
		}
		return;
	}
	if (!d->dle) {
		if (c == DLE)
			d->dle = true;
		else
			emit(d, c);
		return;
	}
	d->dle = false;
	if (c == DLE)
		emit(d, c);
	else if (c >= '0' && c <= '2')
		d->stream = c - '0';
	else if (c == 'x') {
		d->in_exit = true;
		d->status = 0;
		d->sign = 1;
	}
}

/* Prints why the boot failed, with the serial log and QEMU's errors. */
static void boot_failed(const char *why, struct demux *d, int errfd)
{
	struct buf qerr = {0};
	fprintf(stderr, "nebulet boot: %s; serial log:\n", why);
	(void)!write(2, d->log.p, d->log.len);
	if (d->log.len && d->log.p[d->log.len - 1] != '\n')
		fputc('\n', stderr);
	lseek(errfd, 0, SEEK_SET);
	if (read_all(errfd, &qerr) && qerr.len) {
		fputs("nebulet boot: QEMU said:\n", stderr);
		(void)!write(2, qerr.p, qerr.len);
	}
	free(qerr.p);
}

/* --input: sends the input (once) when stdout holds --input-after's
 * text (at once without it). */
static void feed(struct demux *d, int in, const struct buf *input)
{
	size_t n;

	if (in < 0 || !d->keep_out)
		return;
	d->keep_out = false;
	for (size_t off = 0; off < input->len; off += n) {
		ssize_t k = write(in, input->p + off, input->len - off);
		if (k <= 0)
			break;
		n = (size_t)k;
	}
	free(d->out.p);
	d->out = (struct buf){0};
}

/* True when the stdout seen so far holds s. */
static bool seen(const struct demux *d, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= d->out.len; i++)
		if (memcmp(d->out.p + i, s, n) == 0)
			return true;
	return false;
}

/*
 * Standard input forwarded to the serial line (forwards_stdin): bytes
 * read from fd 0 and not yet written to QEMU's stdin pipe `to` (made
 * non-blocking, so that a guest not reading never stops the relay).
 */
struct fwd {
	int to;	  /* -1: not forwarding, or closed at our input's end */
	bool eof; /* our input ended (or failed) */
	char buf[4096];
	size_t off, len;
};

/* Moves input along after a poll: reads fd 0 into the empty buffer when
 * it is ready (in_ev), writes what the pipe takes (out_ev); at the end
 * of our input, closes the pipe. Returns true when it read input. */
static bool fwd_step(struct fwd *f, short in_ev, short out_ev)
{
	bool got = false;

	if (f->to < 0)
		return false;
	if (!f->len && (in_ev & (POLLIN | POLLHUP | POLLERR))) {
		ssize_t n = read(0, f->buf, sizeof f->buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return false;
		if (n <= 0)
			f->eof = true;
		else
			f->off = 0, f->len = (size_t)n, got = true;
	}
	if (f->len && (out_ev & (POLLOUT | POLLERR))) {
		ssize_t k = write(f->to, f->buf + f->off, f->len);
		if (k > 0)
			f->off += (size_t)k, f->len -= (size_t)k;
		else if (errno != EAGAIN && errno != EINTR)
			f->eof = true, f->len = 0; /* QEMU is gone */
	}
	if (f->eof && !f->len) {
		close(f->to);
		f->to = -1;
	}
	return got;
}

/* Relays QEMU's serial output (and forwards stdin to it) until it exits
 * or the time is up; returns the program's exit status. */
static int relay(pid_t pid, int fd, int in, int errfd,
		 const struct boot_opts *o, struct com2 *c, uint64_t t0)
{
	bool fw = forwards_stdin(o); /* then in is that pipe */
	struct demux d = {.verbose = o->verbose, .keep_out = in >= 0 && !fw};
	struct fwd f = {.to = fw ? in : -1};
	struct buf input = {0};
	uint64_t limit = (uint64_t)o->timeout * 1000;
	uint64_t deadline = o->timeout ? t0 + limit : UINT64_MAX;
	char chunk[4096];
	int wstatus = 0;
	bool timed_out = false;

	if (fw) {
		in = -1;
		fcntl(f.to, F_SETFL, fcntl(f.to, F_GETFL) | O_NONBLOCK);
	}
	if (in >= 0 && !read_file(o->input, &input))
		in = -1;
	signal(SIGPIPE, SIG_IGN);
	if (in >= 0 && !o->input_after)
		feed(&d, in, &input);
	for (;;) {
		uint64_t t = now_ms();
		struct pollfd pfd[4] = {
			{fd, POLLIN, 0},
			{c->out, POLLIN, 0},
			{f.to >= 0 && !f.len && !f.eof ? 0 : -1, POLLIN, 0},
			{f.to >= 0 && f.len ? f.to : -1, POLLOUT, 0}};
		if (t >= deadline) {
			timed_out = true;
			break;
		}
		int r = poll(pfd, 4,
			     deadline == UINT64_MAX ? -1 : (int)(deadline - t));
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if ((pfd[1].revents & POLLIN) && com2_drain(c) && o->timeout)
			deadline = now_ms() + limit; /* output: not hung */
		if (fwd_step(&f, pfd[2].revents, pfd[3].revents) && o->timeout)
			deadline = now_ms() + limit; /* input: not hung */
		if (!(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (o->timeout)
			deadline = now_ms() + limit; /* output: not hung */
		for (ssize_t i = 0; i < n; i++)
			demux_byte(&d, chunk[i]);
		if (d.keep_out && seen(&d, o->input_after))
			feed(&d, in, &input);
	}
	if (in >= 0)
		close(in);
	if (f.to >= 0)
		close(f.to);
	free(input.p);
	if (timed_out)
		kill(pid, SIGKILL);
	waitpid(pid, &wstatus, 0);
	close(fd);
	if (o->timing && d.first_ms)
		fprintf(stderr, "boot: first_output_ms %llu\n",
			(unsigned long long)(d.first_ms - t0));
	if (timed_out) {
		char why[80];
		snprintf(why, sizeof why, "timeout after %d s", o->timeout);
		boot_failed(why, &d, errfd);
		return EXIT_TIMEOUT;
	}
	if (!d.have_status) {
		char why[120];
		snprintf(why, sizeof why,
			 "the kernel stopped without an exit status (QEMU "
			 "status %d)",
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
		boot_failed(why, &d, errfd);
		return 1;
	}
	free(d.log.p);
	return d.status & 0xff;
}

static const char boot_usage[] =
	"usage: nebulet boot [--engine=E] [--env=NAME=VALUE]... "
	"[--timeout=SECONDS] [-v] [--timing] prog.wasm [args...]\n"
	"       nebulet boot [--engine=E] [--timeout=SECONDS] [-v] "
	"[--timing] --kernel init.wasm [image.wasm...]\n"
	"       nebulet boot [--timeout=SECONDS] [-v] [--timing] "
	"--initrd=ARCHIVE\n"
	"  (also: --input=FILE [--input-after=TEXT]: FILE's bytes to the "
	"serial line,\n"
	"   once stdout shows TEXT; --serial2=FILE [--serial2-input=FILE]:\n"
	"   COM2's output to FILE, its input from FILE; --memory=SIZE: the\n"
	"   machine's RAM, as QEMU's -m (64M, 1G), 512M by default;\n"
	"   --disk=IMG: raw image IMG as a virtio-blk-pci disk (virtio 1.x\n"
	"   only; IMG may be QEMU's json:{...}; with --kernel, init's\n"
	"   startup handle 1);\n"
	"   --nic: a virtio-net-pci (1.x only) on\n"
	"   QEMU's user network, restricted; "
	"--hostfwd=tcp|udp:[HOSTADDR]:PORT-:\n"
	"   GUESTPORT: --nic with a host port forwarded to the guest's;\n"
	"   --pci=VENDOR:DEVICE: with --kernel, that PCI device for init,\n"
	"   its next startup handle (after the disk's); --device=SPEC: QEMU's\n"
	"   -device SPEC; --smp=N: N CPUs (1-16, default 1), the kernel\n"
	"   scheduling on all; --append=WORDS: more kernel command line, e.g.\n"
	"   failalloc=N: the Nth kernel allocation fails)\n";

/*
 * `nebulet pack -o ARCHIVE [--manifest=FILE] FILE...`: writes a boot
 * archive holding the files (named as given) and a manifest: FILE's text,
 * or one line per file ending in ".wasm" that runs it without arguments.
 */
int pack_main(int argc, char **argv)
{
	const char *out = NULL, *manifest = NULL;
	struct buf ar = {0}, man = {0}, data;
	int i, fd;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strncmp(argv[i], "--manifest=", 11) == 0)
			manifest = argv[i] + 11;
		else
			break;
	}
	if (out == NULL || i == argc) {
		fputs("usage: nebulet pack -o ARCHIVE [--manifest=FILE] "
		      "FILE...\n",
		      stderr);
		return 2;
	}
	if (manifest) {
		if ((fd = open(manifest, O_RDONLY)) < 0 ||
		    !read_all(fd, &man)) {
			fprintf(stderr, "%s: %s\n", manifest, strerror(errno));
			return 1;
		}
		close(fd);
	} else {
		for (int j = i; j < argc; j++) {
			size_t n = strlen(argv[j]);
			if (n > 5 && strcmp(argv[j] + n - 5, ".wasm") == 0) {
				struct buf line = {0};
				add_word(&line, argv[j]);
				buf_add(&man, line.p, line.len);
				buf_str(&man, "\n");
				free(line.p);
			}
		}
	}
	buf_add(&ar, BOOTFS_MAGIC, 8);
	buf_add(&ar, (uint32_t[]){(uint32_t)(argc - i + 1), 0}, 8);
	add_file(&ar, BOOTFS_MANIFEST, man.p ? man.p : "", man.len);
	for (; i < argc; i++) {
		data = (struct buf){0};
		if ((fd = open(argv[i], O_RDONLY)) < 0 ||
		    !read_all(fd, &data)) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		close(fd);
		add_file(&ar, argv[i], data.p ? data.p : "", data.len);
		free(data.p);
	}
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    write(fd, ar.p, ar.len) != (ssize_t)ar.len) {
		fprintf(stderr, "%s: %s\n", out, strerror(errno));
		return 1;
	}
	close(fd);
	free(ar.p);
	free(man.p);
	return 0;
}

/* Parses boot's options; returns the program's index in argv, or 0 after
 * a message. */
static int boot_options(int argc, char **argv, struct boot_opts *o)
{
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : 0;
		if (strncmp(argv[i], "--engine=", 9) == 0) {
			o->engine = argv[i] + 9;
			if (strcmp(o->engine, "interp") != 0 &&
			    strcmp(o->engine, "jit") != 0 &&
			    strcmp(o->engine, "opt") != 0 &&
			    strcmp(o->engine, "base") != 0) {
				fprintf(stderr,
					"nebulet: unknown engine '%s' "
					"(available: interp, jit, opt, "
					"base)\n",
					o->engine);
				return 0;
			}
		} else if (strncmp(argv[i], "--env=", 6) == 0 &&
			   strchr(argv[i] + 6, '=') != NULL) {
			o->env[o->envc++] = argv[i] + 6;
		} else if (strncmp(argv[i], "--timeout=", 10) == 0 &&
			   atoi(argv[i] + 10) > 0) {
			o->timeout = atoi(argv[i] + 10);
		} else if (strncmp(argv[i], "--initrd=", 9) == 0) {
			o->initrd = argv[i] + 9;
		} else if (strcmp(argv[i], "--kernel") == 0) {
			o->kernel = true;
		} else if (strcmp(argv[i], "-v") == 0) {
			o->verbose = true;
		} else if (strcmp(argv[i], "--timing") == 0) {
			o->timing = true;
		} else if (strncmp(argv[i], "--input=", 8) == 0) {
			o->input = argv[i] + 8;
		} else if (strncmp(argv[i], "--input-after=", 14) == 0) {
			o->input_after = argv[i] + 14;
		} else if (strncmp(argv[i], "--serial2=", 10) == 0) {
			o->serial2 = argv[i] + 10;
		} else if (strncmp(argv[i], "--serial2-input=", 16) == 0) {
			o->serial2_in = argv[i] + 16;
		} else if (strncmp(argv[i], "--memory=", 9) == 0 &&
			   strspn(argv[i] + 9, "0123456789") > 0 &&
			   strspn(argv[i] + 9, "0123456789MG") ==
				   strlen(argv[i] + 9)) {
			o->memory = argv[i] + 9;
		} else if (strncmp(argv[i], "--disk=", 7) == 0 && argv[i][7] &&
			   strlen(argv[i]) < 4000) {
			o->disk = argv[i] + 7;
		} else if (strncmp(argv[i], "--append=", 9) == 0 &&
			   strlen(argv[i]) < 200) {
			o->append = argv[i] + 9;
		} else if (strcmp(argv[i], "--nic") == 0) {
			o->nic = true;
		} else if ((strncmp(argv[i], "--hostfwd=tcp:", 14) == 0 ||
			    strncmp(argv[i], "--hostfwd=udp:", 14) == 0) &&
			   strchr(argv[i], '-') && !strchr(argv[i], ',') &&
			   strlen(argv[i]) < 100) {
			o->hostfwd = argv[i] + 10;
			o->nic = true;
		} else if (strncmp(argv[i], "--pci=", 6) == 0 && argv[i][6] &&
			   strlen(argv[i]) < 40 &&
			   strspn(argv[i] + 6, "0123456789abcdefxABCDEF:#") ==
				   strlen(argv[i] + 6)) {
			o->pci = argv[i] + 6;
		} else if (strncmp(argv[i], "--smp=", 6) == 0 &&
			   atoi(argv[i] + 6) >= 1 && atoi(argv[i] + 6) <= 16 &&
			   strspn(argv[i] + 6, "0123456789") ==
				   strlen(argv[i] + 6)) {
			o->smp = argv[i] + 6;
		} else if (strncmp(argv[i], "--device=", 9) == 0 &&
			   argv[i][9]) {
			o->device = argv[i] + 9;
		} else {
			fprintf(stderr, "nebulet boot: unknown option %s\n",
				argv[i]);
			return 0;
		}
	}
	return i < argc || o->initrd ? i : 0;
}

int boot_main(int argc, char **argv)
{
	/* An interactive boot (stdin a terminal) has no time limit. */
	struct boot_opts o = {.timeout = isatty(0) ? 0 : DEFAULT_TIMEOUT,
			      .smp = "1"};
	struct buf ar = {0};
	char initrd[] = "/tmp/nebulet-boot-XXXXXX";
	char qerr[] = "/tmp/nebulet-qemu-XXXXXX";
	int i, fd, errfd, out, in = -1, status;
	struct com2 c2;
	char *kernel;
	uint64_t t0;
	pid_t pid;

	if ((o.env = calloc((size_t)argc, sizeof *o.env)) == NULL)
		return 1;
	if ((i = boot_options(argc, argv, &o)) == 0) {
		fputs(boot_usage, stderr);
		return 2;
	}
	if (o.initrd && (i < argc || o.kernel)) {
		fputs("nebulet boot: --initrd takes no program\n", stderr);
		return 2;
	}
	if (o.serial2_in && !o.serial2) {
		fputs("nebulet boot: --serial2-input needs --serial2\n",
		      stderr);
		return 2;
	}
	if (o.pci && !o.kernel) {
		fputs("nebulet boot: --pci needs --kernel\n", stderr);
		return 2;
	}
	if (o.kernel && o.envc) {
		fputs("nebulet boot: --kernel takes no --env\n", stderr);
		return 2;
	}
	if (o.initrd) {
		int afd = open(o.initrd, O_RDONLY);
		if (afd < 0 || !read_all(afd, &ar)) {
			fprintf(stderr, "%s: %s\n", o.initrd, strerror(errno));
			return 1;
		}
		close(afd);
	} else if (!pack(&ar, &o, argc - i, argv + i)) {
		return 1;
	}
	kernel = kernel_path();
	if (access(kernel, R_OK) != 0) {
		fprintf(stderr, "nebulet boot: %s: %s (make %s)\n", kernel,
			strerror(errno), "build/nebulet.elf");
		return 1;
	}
	if ((fd = mkstemp(initrd)) < 0 || (errfd = mkstemp(qerr)) < 0) {
		perror("nebulet boot: temporary file");
		return 1;
	}
	unlink(qerr);
	if (write(fd, ar.p, ar.len) != (ssize_t)ar.len) {
		perror("nebulet boot: temporary file");
		unlink(initrd);
		return 1;
	}
	close(fd);
	free(ar.p);
	t0 = now_ms();
	if (!com2_open(&c2, &o)) {
		com2_close(&c2);
		unlink(initrd);
		return 1;
	}
	pid = start_qemu(kernel, initrd, errfd, &o, &c2, &out, &in);
	status = pid < 0 ? 1 : relay(pid, out, in, errfd, &o, &c2, t0);
	com2_close(&c2);
	unlink(initrd);
	close(errfd);
	free(kernel);
	free(o.env);
	return status;
}
