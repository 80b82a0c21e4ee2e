/*
 * init.c: runs the boot archive's manifest (see init.h).
 *
 * The manifest is text, one program per line; blank lines and lines
 * starting with '#' are skipped. A line is words separated by spaces or
 * tabs; a word may be quoted with "..." (spaces inside are kept, "" is an
 * empty word), and a backslash takes the next character literally, except
 * that \n and \t stand for a newline and a tab. The words are
 *
 *   [--engine=interp|jit] [--env=NAME=VALUE]... [--stdin=FILE] PROGRAM [ARG]...
 *
 * PROGRAM and FILE name files of the archive; PROGRAM is also the
 * program's argv[0]. Without --stdin the program reads the console.
 */
#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootfs.h"
#include "hal.h"
#include "kernel/wasi.h"
#include "nucleus.h"

#define EXIT_TRAP 134 /* as `nebulet run`: a trap looks like SIGABRT */
#define MAX_WORDS 256

/* One manifest line, parsed. */
struct job {
	enum wasm_engine engine;
	const char *stdin_name; /* NULL: the console */
	char *env[MAX_WORDS];
	int envc;
	char **argv; /* PROGRAM, ARG... */
	int argc;
};

/* Prints the concatenation of the strings on stderr (stream 2). */
static void say(const char *a, const char *b, const char *c)
{
	char line[300];
	int n = snprintf(line, sizeof line, "%s%s%s\n", a, b, c);
	hal_console_write(2, line,
			  n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

/* The character that backslash-c stands for. */
static char unescape(char c)
{
	if (c == 'n')
		return '\n';
	return c == 't' ? '\t' : c;
}

/*
 * Splits s into words in place (quotes and backslashes as described
 * above); returns the number of words, or -1 for an unterminated quote
 * or more than max words.
 */
static int split(char *s, char **words, int max)
{
	int n = 0;
	char *out = s;

	for (;;) {
		bool quoted = false;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == max)
			return -1;
		words[n++] = out;
		for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++) {
			if (*s == '"') {
				quoted = !quoted;
			} else if (*s == '\\' && s[1]) {
				s++;
				*out++ = unescape(*s);
			} else {
				*out++ = *s;
			}
		}
		if (quoted)
			return -1;
		*out++ = 0;
	}
}

/* Fills job from the words of one line; false after a message. */
static bool parse_job(char **w, int n, struct job *job)
{
	int i;

	memset(job, 0, sizeof *job);
	job->engine = WASM_ENGINE_INTERP;
	for (i = 0; i < n && strncmp(w[i], "--", 2) == 0; i++) {
		if (strcmp(w[i], "--engine=interp") == 0) {
			job->engine = WASM_ENGINE_INTERP;
		} else if (strcmp(w[i], "--engine=jit") == 0) {
			job->engine = WASM_ENGINE_JIT;
		} else if (strncmp(w[i], "--env=", 6) == 0 &&
			   strchr(w[i] + 6, '=') != NULL) {
			job->env[job->envc++] = w[i] + 6;
		} else if (strncmp(w[i], "--stdin=", 8) == 0) {
			job->stdin_name = w[i] + 8;
		} else {
			say("init: manifest: unknown option ", w[i], "");
			return false;
		}
	}
	if (i == n) {
		say("init: manifest: a line names no program", "", "");
		return false;
	}
	job->argv = w + i;
	job->argc = n - i;
	return true;
}

/* The exit status for a failed instantiation or call, after printing
 * what happened (the same words as `nebulet run`). */
static int report_failure(const char *path, const wasm_error *err)
{
	switch (err->kind) {
	case WASM_ERR_EXIT:
		return err->exit_code;
	case WASM_ERR_TRAP:
	case WASM_ERR_EXHAUSTED:
		say(path, ": trap: ", err->msg);
		return EXIT_TRAP;
	case WASM_ERR_LINK:
		say(path, ": link error: ", err->msg);
		return 1;
	default:
		say(path, ": error: ", err->msg);
		return 1;
	}
}

/* Instantiates m with WASI and calls its _start; returns the status. */
static int run_module(wasm_module *m, const struct job *job)
{
	const char *path = job->argv[0];
	wasm_error err = {0};
	wasm_store *s = wasm_store_new(job->engine);
	wasm_instance *inst;
	wasm_extern start;
	wasm_val none[1];
	wasi_ctx *ctx = malloc(sizeof *ctx);
	int status = 0;

	if (s == NULL || ctx == NULL) {
		say(path, ": out of memory", "");
		wasm_store_free(s);
		free(ctx);
		return 1;
	}
	wasi_ctx_init(ctx, s, job->argc, job->argv, job->envc, job->env);
	inst = wasm_instantiate(s, m, wasi_resolve, ctx, &err);
	if (inst == NULL) {
		status = report_failure(path, &err);
	} else if (!wasm_instance_export(inst, "_start", &start) ||
		   start.kind != WASM_EXTERN_FUNC) {
		say(path, ": no _start export", "");
		status = 1;
	} else if (wasm_func_type(start.of.func)->nparams != 0 ||
		   wasm_func_type(start.of.func)->nresults != 0) {
		say(path, ": _start has the wrong type", "");
		status = 1;
	} else if (!wasm_func_call(start.of.func, none, none, &err)) {
		status = report_failure(path, &err);
	}
	wasm_store_free(s);
	free(ctx);
	return status;
}

/* Runs one parsed manifest line; returns its exit status. */
static int run_job(const void *archive, size_t len, const struct job *job)
{
	struct bootfs_file prog, in;
	wasm_error err = {0};
	wasm_module *m;
	int status;

	if (!bootfs_find(archive, len, job->argv[0], &prog)) {
		say(job->argv[0], ": not in the boot archive", "");
		return 1;
	}
	if (job->stdin_name) {
		if (!bootfs_find(archive, len, job->stdin_name, &in)) {
			say(job->stdin_name, ": not in the boot archive", "");
			return 1;
		}
		hal_console_set_input(in.data, in.len);
	} else {
		hal_console_set_input(NULL, 0);
	}
	m = wasm_module_new(prog.data, prog.len, &err);
	if (m == NULL) {
		say(job->argv[0], ": ", err.msg);
		status = 1;
	} else {
		status = run_module(m, job);
		wasm_module_free(m);
	}
	hal_console_set_input(NULL, 0);
	return status;
}

/* Parses and runs one manifest line (a NUL-terminated copy); returns its
 * status, or -1 for a line that runs nothing (blank or comment). */
static int run_line(const void *archive, size_t len, char *line)
{
	char **words = malloc(MAX_WORDS * sizeof *words);
	struct job *job = malloc(sizeof *job);
	int n, status = 1;

	if (words == NULL || job == NULL) {
		say("init: out of memory", "", "");
	} else if ((n = split(line, words, MAX_WORDS)) < 0) {
		say("init: manifest: unterminated quote or too many words", "",
		    "");
	} else if (n == 0 || words[0][0] == '#') {
		status = -1;
	} else if (parse_job(words, n, job)) {
		status = run_job(archive, len, job);
	}
	free(words);
	free(job);
	return status;
}

int init_run(const void *archive, size_t len)
{
	struct bootfs_file man;
	const char *why, *p, *end, *nl;
	int status = 0, s;

	if (!bootfs_check(archive, len, &why)) {
		say("init: ", why, "");
		return 1;
	}
	if (!bootfs_find(archive, len, BOOTFS_MANIFEST, &man)) {
		say("init: the boot archive has no manifest", "", "");
		return 1;
	}
	p = (const char *)man.data;
	end = p + man.len;
	for (; p < end; p = nl + 1) {
		size_t n;
		char *line;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if ((line = malloc(n + 1)) == NULL) {
			say("init: out of memory", "", "");
			return 1;
		}
		memcpy(line, p, n);
		line[n] = 0;
		if ((s = run_line(archive, len, line)) >= 0)
			status = s;
		free(line);
	}
	return status;
}
