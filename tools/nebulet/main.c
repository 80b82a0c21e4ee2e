/*
 * main.c: the hosted runner's command line, `nebulet COMMAND ...`.
 *
 *   run [--engine=interp|jit] [--env=NAME=VALUE]... prog.wasm [args...]
 *       runs a wasm32-wasi program; exits with its proc_exit status,
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
	"  run [--engine=jit|interp] [--env=NAME=VALUE]... prog.wasm "
	"[args...]\n"
	"        run a wasm32-wasi program (exit status: the program's;\n"
	"        1 for a bad module or missing import, 134 for a trap)\n"
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
	"  spec [--engine=interp|jit] [--jit-simd=c] [-v] file.json...\n"
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

/* Parses --engine=NAME; false (after a message) for an unknown engine. */
static bool parse_engine(const char *name, enum wasm_engine *engine)
{
	if (strcmp(name, "interp") == 0) {
		*engine = WASM_ENGINE_INTERP;
		return true;
	}
	if (strcmp(name, "jit") == 0) {
		*engine = WASM_ENGINE_JIT;
		return true;
	}
	fprintf(stderr,
		"nebulet: unknown engine '%s' (available: interp, jit)\n",
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

/* Instantiates m with WASI imports and calls its _start; returns the
 * process exit status. */
static int run_module(const char *path, wasm_module *m, enum wasm_engine engine,
		      int argc, char **argv, int envc, char **envp)
{
	wasm_error err = {0};
	wasm_store *s = wasm_store_new(engine);
	wasm_instance *inst;
	wasm_extern start;
	wasm_val none[1]; /* _start has no params or results */
	wasi_ctx ctx;
	int status = 0;

	if (s == NULL) {
		fprintf(stderr, "%s: out of memory\n", path);
		return 1;
	}
	wasi_ctx_init(&ctx, s, argc, argv, envc, envp);
	inst = wasm_instantiate(s, m, wasi_resolve, &ctx, &err);
	if (inst == NULL) {
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
	wasm_store_free(s);
	return status;
}

/*
 * Parses run's options (argv[1..]) up to the program's file name; returns
 * the file name's index, or 0 after a message for a bad option or none.
 */
static int run_options(int argc, char **argv, enum wasm_engine *engine,
		       char **envp, int *envc)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : 0;
		if (strncmp(argv[i], "--engine=", 9) == 0) {
			if (!parse_engine(argv[i] + 9, engine))
				return 0;
		} else if (strncmp(argv[i], "--env=", 6) == 0 &&
			   strchr(argv[i] + 6, '=') != NULL) {
			envp[(*envc)++] = argv[i] + 6;
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
	enum wasm_engine engine = WASM_ENGINE_DEFAULT; /* jit on x86-64 */
	int i, envc = 0, status = 1;
	char **envp = calloc((size_t)argc, sizeof *envp);
	wasm_module *m;

	if (envp == NULL)
		return 1;
	if ((i = run_options(argc, argv, &engine, envp, &envc)) == 0) {
		fputs("usage: nebulet run [--engine=interp|jit] "
		      "[--env=NAME=VALUE]... "
		      "prog.wasm [args...]\n",
		      stderr);
		status = EXIT_USAGE;
	} else if ((m = load_module(argv[i])) != NULL) {
		status = run_module(argv[i], m, engine, argc - i, argv + i,
				    envc, envp);
		wasm_module_free(m);
	}
	free(envp);
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
