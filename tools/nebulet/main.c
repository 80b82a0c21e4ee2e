/*
 * main.c: the hosted runner's command line, `nebulet COMMAND ...`.
 *
 *   run [--engine=interp|jit] [--env=NAME=VALUE]... [--dir=HOST[::GUEST]]...
 *       [--listen=tcp:ADDR:PORT]... prog.wasm [args...]
 *       runs a wasm32-wasi program with the host's directories and
 *       listening sockets preopened; exits with its proc_exit status,
 *       0 if _start returns, 1 for a bad module or a link error, 134 for
 *       a trap (like a process killed by SIGABRT), 2 for a usage error.
 *   boot [options] prog.wasm [args...]   the same in QEMU (boot.c)
 *   pack -o ARCHIVE [--manifest=FILE] FILE...   a boot archive (boot.c)
 *   validate file.wasm...   decodes and validates; "file: ok" or the error
 *   spec ...                the spec test runner (spec.c)
 *   kernel [--engine=E] init.wasm [image.wasm...]
 *                           the kernel on the hosted HAL: runs init with
 *                           the kernel calls; init reads the images from
 *                           its startup handle 0 (kernel/process.c)
 *   help                    the usage text
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "kernel/object.h"
#include "kernel/wasi.h"
#include "tools/nebulet/nebulet.h"
#include "nucleus/nucleus.h"

#define EXIT_TRAP 134
#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: nebulet COMMAND [ARGS...]\n"
	"commands:\n"
	"  run [--engine=jit|interp] [--env=NAME=VALUE]... "
	"[--dir=HOST[::GUEST]]...\n"
	"      [--listen=tcp:ADDR:PORT]... prog.wasm [args...]\n"
	"        run a wasm32-wasi program (exit status: the program's;\n"
	"        1 for a bad module or missing import, 134 for a trap);\n"
	"        --dir gives it the host directory HOST as GUEST (default:\n"
	"        HOST as written; nothing outside it is reachable), as\n"
	"        descriptors 3, 4, ...; --listen a listening TCP socket\n"
	"        (IPv4) as the next descriptor, for sock_accept\n"
	"  boot [--engine=E] [--env=NAME=VALUE]... [--timeout=S] [-v] "
	"[--timing]\n"
	"       prog.wasm [args...]\n"
	"        the same on the bare-metal kernel in QEMU (stdin, unless a\n"
	"        terminal, is packed into the boot archive; 124: timeout)\n"
	"  boot [--engine=E] [options] --kernel init.wasm [image.wasm...]\n"
	"        the same as kernel (below) in QEMU\n"
	"  boot [options] --initrd=ARCHIVE\n"
	"        boot an archive made by pack (manifest: bootld/README.md)\n"
	"        boot options also: --input=FILE [--input-after=TEXT] (serial\n"
	"        input, sent once stdout shows TEXT), --serial2=FILE\n"
	"        [--serial2-input=FILE] (COM2's output and input)\n"
	"  pack -o ARCHIVE [--manifest=FILE] FILE...\n"
	"        write a boot archive (default manifest: each .wasm file)\n"
	"  validate file.wasm...\n"
	"        decode and validate each module, print ok or the error\n"
	"  spec [--engine=interp|jit|base|opt] [--jit-simd=c] [-v] "
	"file.json...\n"
	"        run spec tests converted by wast2json\n"
	"  kernel [--engine=jit|interp] init.wasm [image.wasm...]\n"
	"        run init as the first process of the kernel (exit status:\n"
	"        init's); it gets the images over its boot channel\n"
	"  help  show this text\n";

static int usage(FILE *f, int status)
{
	fputs(usage_text, f);
	return status;
}

/*
 * Reads a whole file into a new buffer (*len bytes); NULL after printing
 * "path: error" on failure.
 */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nbuf;
	size_t cap = 0, n = 0, got;
	int error = 0;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				error = ENOMEM;
				break;
			}
			buf = nbuf;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				error = errno ? errno : EIO;
			break;
		}
	}
	fclose(f);
	if (error) {
		fprintf(stderr, "%s: %s\n", path, strerror(error));
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Reads and decodes+validates one module; NULL after printing the error
 * as "path: offset 0x..: message". */
static wasm_module *load_module(const char *path)
{
	wasm_error err = {0};
	wasm_module *m;
	uint8_t *bytes;
	size_t len;

	if ((bytes = read_file(path, &len)) == NULL)
		return NULL;
	m = wasm_module_new(bytes, len, &err);
	free(bytes);
	if (m == NULL)
		fprintf(stderr, "%s: %s\n", path, err.msg);
	return m;
}

/* --opt-stats (run, spec): what the optimizing tier compiled, and what
 * not, on stderr. */
void print_opt_stats(void)
{
	uint64_t done, left, n;
	const char *name;
	wasm_opt_counts(&done, &left);
	fprintf(stderr,
		"opt: %llu functions optimized, %llu left to the "
		"baseline\n",
		(unsigned long long)done, (unsigned long long)left);
	for (uint32_t i = 0; (name = wasm_opt_uncovered(i, &n)) != NULL; i++)
		fprintf(stderr, "opt: uncovered %s: %llu functions\n", name,
			(unsigned long long)n);
	wasm_jit_tier_counts(&done, &n);
	fprintf(stderr,
		"tier: %llu functions promoted, %llu on-stack "
		"replacements\n",
		(unsigned long long)done, (unsigned long long)n);
}

/* Parses --engine=NAME; false (after a message) for an unknown engine. */
static bool parse_engine(const char *name, enum wasm_engine *engine)
{
	if (strcmp(name, "interp") == 0) {
		*engine = WASM_ENGINE_INTERP;
		return true;
	}
	if (strcmp(name, "jit") == 0) {
		*engine = WASM_ENGINE_JIT; /* tiered: baseline, then opt */
		return true;
	}
	if (strcmp(name, "base") == 0) {
		*engine = WASM_ENGINE_BASE; /* the baseline JIT alone */
		return true;
	}
	if (strcmp(name, "opt") == 0) {
		*engine = WASM_ENGINE_OPT;
		return true;
	}
	fprintf(stderr,
		"nebulet: unknown engine '%s' (available: interp, jit, "
		"base, opt)\n",
		name);
	return false;
}

/* The exit status for a failed instantiation or call, after printing
 * what happened. */
static int report_failure(const char *path, const wasm_error *err)
{
	switch (err->kind) {
	case WASM_ERR_EXIT:
		return err->exit_code;
	case WASM_ERR_TRAP:
	case WASM_ERR_EXHAUSTED:
		fprintf(stderr, "%s: trap: %s\n", path, err->msg);
		if (strstr(err->msg, "in function #"))
			fprintf(stderr,
				"%s: (no function names: the module has no "
				"name section; clang drops it when one command "
				"optimizes and links: compile with -c, then "
				"link, see README.md)\n",
				path);
		return EXIT_TRAP;
	case WASM_ERR_LINK:
		fprintf(stderr, "%s: link error: %s\n", path, err->msg);
		return 1;
	default:
		fprintf(stderr, "%s: error: %s\n", path, err->msg);
		return 1;
	}
}

/* What run's options give the program besides its arguments. */
struct run_opts {
	enum wasm_engine engine;
	bool opt_stats;			/* --opt-stats */
	char **envp, **dirs, **listens; /* each up to argc entries */
	int envc, ndirs, nlistens;
};

/* Instantiates m with WASI imports and calls its _start; returns the
 * process exit status. */
static int run_module(const char *path, wasm_module *m,
		      const struct run_opts *o, int argc, char **argv)
{
	wasm_error err = {0};
	wasm_store *s = wasm_store_new(o->engine);
	wasm_instance *inst = NULL;
	wasm_extern start;
	wasm_val none[1]; /* _start has no params or results */
	wasi_ctx ctx;
	int status = 0;

	if (s == NULL) {
		fprintf(stderr, "%s: out of memory\n", path);
		return 1;
	}
	if (!wasi_ctx_init(&ctx, s, argc, argv, o->envc, o->envp)) {
		fprintf(stderr, "%s: out of memory\n", path);
		status = 1;
	} else if (host_wasi_attach(&ctx, o->dirs, o->ndirs, o->listens,
				    o->nlistens) < 0) {
		status = 1;
	} else if ((inst = wasm_instantiate(s, m, wasi_resolve, &ctx, &err)) ==
		   NULL) {
		status = report_failure(path, &err);
	} else if (!wasm_instance_export(inst, "_start", &start) ||
		   start.kind != WASM_EXTERN_FUNC) {
		fprintf(stderr, "%s: no _start export\n", path);
		status = 1;
	} else if (wasm_func_type(start.of.func)->nparams != 0 ||
		   wasm_func_type(start.of.func)->nresults != 0) {
		fprintf(stderr, "%s: _start has the wrong type\n", path);
		status = 1;
	} else if (!wasm_func_call(start.of.func, none, none, &err)) {
		status = report_failure(path, &err);
	}
	wasi_ctx_free(&ctx);
	wasm_store_free(s);
	return status;
}

/*
 * Parses run's options (argv[1..]) up to the program's file name; returns
 * the file name's index, or 0 after a message for a bad option or none.
 */
static int run_options(int argc, char **argv, struct run_opts *o)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : 0;
		if (strncmp(argv[i], "--engine=", 9) == 0) {
			if (!parse_engine(argv[i] + 9, &o->engine))
				return 0;
		} else if (strncmp(argv[i], "--env=", 6) == 0 &&
			   strchr(argv[i] + 6, '=') != NULL) {
			o->envp[o->envc++] = argv[i] + 6;
		} else if (strncmp(argv[i], "--dir=", 6) == 0 && argv[i][6]) {
			o->dirs[o->ndirs++] = argv[i] + 6;
		} else if (strncmp(argv[i], "--listen=", 9) == 0) {
			o->listens[o->nlistens++] = argv[i] + 9;
		} else if (strcmp(argv[i], "--opt-stats") == 0) {
			o->opt_stats = true;
		} else if (strncmp(argv[i], "--tier-budget=", 14) == 0 &&
			   atoi(argv[i] + 14) > 0) {
			wasm_jit_tier_budget(atoi(argv[i] + 14));
		} else {
			fprintf(stderr, "nebulet run: unknown option %s\n",
				argv[i]);
			return 0;
		}
	}
	return i < argc ? i : 0;
}

/* `nebulet run [options] prog.wasm [args...]`: argv[0] is "run". The
 * program's argv starts at its file name. */
int run_main(int argc, char **argv)
{
	struct run_opts o = {.engine = WASM_ENGINE_DEFAULT}; /* jit on x86-64 */
	int i, status = 1;
	wasm_module *m;

	o.envp = calloc((size_t)argc, sizeof *o.envp);
	o.dirs = calloc((size_t)argc, sizeof *o.dirs);
	o.listens = calloc((size_t)argc, sizeof *o.listens);
	if (o.envp == NULL || o.dirs == NULL || o.listens == NULL) {
		status = 1;
	} else if ((i = run_options(argc, argv, &o)) == 0) {
		fputs("usage: nebulet run [--engine=interp|jit|base|opt] "
		      "[--opt-stats] [--tier-budget=N] "
		      "[--env=NAME=VALUE]... [--dir=HOST[::GUEST]]...\n"
		      "       [--listen=tcp:ADDR:PORT]... "
		      "prog.wasm [args...]\n",
		      stderr);
		status = EXIT_USAGE;
	} else if ((m = load_module(argv[i])) != NULL) {
		status = run_module(argv[i], m, &o, argc - i, argv + i);
		wasm_module_free(m);
		if (o.opt_stats)
			print_opt_stats();
	}
	free(o.envp);
	free(o.dirs);
	free(o.listens);
	return status;
}

/* `nebulet validate file.wasm...`: 0 if every module is valid. */
int validate_main(int argc, char **argv)
{
	int i, status = 0;
	wasm_module *m;

	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	for (i = 1; i < argc; i++) {
		if ((m = load_module(argv[i])) == NULL) {
			status = 1;
			continue;
		}
		printf("%s: ok\n", argv[i]);
		wasm_module_free(m);
	}
	return status;
}

/* `nebulet kernel init.wasm [image.wasm...]`: init's exit status. */
int kernel_main(int argc, char **argv)
{
	int n, i, status = 1;
	uint8_t **images = calloc((size_t)argc, sizeof *images);
	size_t *lens = calloc((size_t)argc, sizeof *lens);

	if (argc > 1 && strncmp(argv[1], "--engine=", 9) == 0) {
		if (!parse_engine(argv[1] + 9, &kernel_engine)) {
			free(images);
			free(lens);
			return EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	n = argc - 1;
	if (n < 1) {
		fputs("usage: nebulet kernel [--engine=interp|jit] init.wasm "
		      "[image.wasm...]\n",
		      stderr);
		status = EXIT_USAGE;
	}
	for (i = 0; n >= 1 && images && lens && i < n; i++)
		if (!(images[i] = read_file(argv[i + 1], &lens[i])))
			break;
	if (n >= 1 && i == n) {
		const char *fail = getenv("NEBULET_FAIL_ALLOC");
		if (fail)
			kmem_fail_at(strtoull(fail, NULL, 10));
		status = kernel_run(n, argv + 1, images, lens);
		if (fail) /* for tests/failalloc.sh */
			fprintf(stderr, "nebulet: %llu kernel allocations\n",
				(unsigned long long)kmem_fail_at(0));
	}
	for (i = 0; images && i < n; i++)
		free(images[i]);
	free(images);
	free(lens);
	return status;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "help";

	hal_init();
	if (strcmp(cmd, "run") == 0)
		return run_main(argc - 1, argv + 1);
	if (strcmp(cmd, "boot") == 0)
		return boot_main(argc - 1, argv + 1);
	if (strcmp(cmd, "pack") == 0)
		return pack_main(argc - 1, argv + 1);
	if (strcmp(cmd, "validate") == 0)
		return validate_main(argc - 1, argv + 1);
	if (strcmp(cmd, "spec") == 0)
		return spec_main(argc - 1, argv + 1);
	if (strcmp(cmd, "kernel") == 0)
		return kernel_main(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0)
		return usage(stdout, 0);
	fprintf(stderr, "nebulet: unknown command '%s'\n", cmd);
	return usage(stderr, EXIT_USAGE);
}
