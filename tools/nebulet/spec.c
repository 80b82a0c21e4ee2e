/*
 * spec.c: the WebAssembly spec test runner, `nebulet spec FILE.json...`.
 *
 * Each FILE.json is a script converted by wabt's wast2json: a list of
 * commands (module, register, action, assert_*) whose modules are binary
 * files beside the json. Each file gets its own store, with the
 * "spectest" host module that the scripts import from. Each assertion
 * (assert_*) counts as passed, failed or skipped; a module, register or
 * action command counts only when it fails. Each failure prints
 * "FILE:LINE: FAIL what — expected X, got Y". Only the public nucleus API
 * is used. Values are spec_value.c's, the host module and bindings
 * spec_host.c's (spec.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/nebulet/json.h"
#include "tools/nebulet/nebulet.h"
#include "tools/nebulet/spec.h"
#include "nucleus/nucleus.h"

#define SPEC_MAX_FILE (1u << 30)

/* An action's outcome: results (with their types) or an error. A runner
 * problem (no such module or export, bad arguments) has kind WASM_OK. */
struct outcome {
	bool ok;
	uint32_t n;
	const uint8_t *types;
	wasm_val *vals;
	uint8_t get_type; /* storage for a global's type */
	wasm_error err;
};

static const char *kind_name(enum wasm_error_kind k)
{
	static const char *const names[] = {
		[WASM_OK] = "runner error",
		[WASM_ERR_MALFORMED] = "MALFORMED",
		[WASM_ERR_INVALID] = "INVALID",
		[WASM_ERR_LINK] = "LINK",
		[WASM_ERR_TRAP] = "TRAP",
		[WASM_ERR_EXHAUSTED] = "EXHAUSTED",
		[WASM_ERR_EXIT] = "EXIT",
		[WASM_ERR_RESOURCE] = "RESOURCE",
	};

	if ((unsigned)k < sizeof names / sizeof names[0] && names[k])
		return names[k];
	return "unknown error";
}

void *spec_realloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "nebulet spec: out of memory\n");
		exit(2);
	}
	return p;
}

char *spec_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(spec_realloc(NULL, n), s, n);
}

/* ---- reporting ---- */

static void skip(struct runner *r, const char *what, const char *why)
{
	r->skipped++;
	if (r->verbose)
		printf("%s:%u: skip %s: %s\n", r->path, r->line, what, why);
}

static void fail(struct runner *r, const char *what, const char *expected,
		 const char *got)
{
	r->failed++;
	printf("%s:%u: FAIL %s — expected %s, got %s\n", r->path, r->line, what,
	       expected, got);
}

/* Writes the UTF-8 string s into out (size n), control bytes escaped as
 * \xx, cut (at a character boundary) if it does not fit. */
static void quote_name(char *out, size_t n, const char *s)
{
	size_t o = 0, k;

	while (*s) {
		unsigned char c = (unsigned char)*s;
		k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (o + 5 >= n)
			break;
		if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(out + o, n - o, "\\%02x", c);
		} else {
			memcpy(out + o, s, k);
			o += k;
		}
		s += k;
	}
	out[o] = '\0';
}

/* "KIND (message)" for an error. */
static void describe_error(char *out, size_t n, const wasm_error *e)
{
	snprintf(out, n, "%s (%s)", kind_name(e->kind), e->msg);
}

/* ---- modules and instances ---- */

/* Reads a whole file (NUL added); NULL with a message in err on failure. */
static char *read_file(const char *path, size_t *len, char *err, size_t n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, got = 0, k = 1;

	if (!f) {
		snprintf(err, n, "cannot open %s", path);
		return NULL;
	}
	while (k > 0) {
		if (got == cap) {
			if (cap >= SPEC_MAX_FILE)
				break;
			cap = cap ? cap * 2 : 65536;
			buf = spec_realloc(buf, cap + 1);
		}
		k = fread(buf + got, 1, cap - got, f);
		got += k;
	}
	if (ferror(f) || k > 0) {
		snprintf(err, n, "cannot read %s%s", path,
			 k > 0 ? ": too large" : "");
		free(buf);
		buf = NULL;
	} else {
		buf[got] = '\0';
		*len = got;
	}
	fclose(f);
	return buf;
}

/* Keeps m until the store is freed (the store may point into it). */
static void keep_module(struct runner *r, wasm_module *m)
{
	if (r->nmods == r->capmods) {
		r->capmods = r->capmods ? r->capmods * 2 : 16;
		r->mods = spec_realloc(r->mods, r->capmods * sizeof r->mods[0]);
	}
	r->mods[r->nmods++] = m;
}

/* The bytes of the command's "filename" (to free); NULL with err filled
 * (kind WASM_OK) if it cannot be read. */
static char *module_bytes(struct runner *r, const struct json *cmd, size_t *len,
			  wasm_error *err)
{
	const char *file = json_get_str(cmd, "filename");
	char *path, *bytes;

	memset(err, 0, sizeof *err);
	if (!file) {
		snprintf(err->msg, sizeof err->msg, "no filename");
		return NULL;
	}
	path = spec_realloc(NULL, strlen(r->dir) + strlen(file) + 1);
	strcpy(path, r->dir);
	strcpy(path + strlen(r->dir), file);
	bytes = read_file(path, len, err->msg, sizeof err->msg);
	free(path);
	return bytes;
}

/* Decodes and validates the command's "filename" module. NULL with err
 * filled on failure (kind WASM_OK if the file cannot be read). */
static wasm_module *load_module(struct runner *r, const struct json *cmd,
				wasm_error *err)
{
	size_t len = 0;
	char *bytes = module_bytes(r, cmd, &len, err);
	wasm_module *m;

	if (!bytes)
		return NULL;
	m = wasm_module_new((const uint8_t *)bytes, len, err);
	free(bytes);
	return m;
}

/* Loads and instantiates the command's module; NULL with err on failure. */
static wasm_instance *load_instance(struct runner *r, const struct json *cmd,
				    wasm_error *err)
{
	wasm_module *m = load_module(r, cmd, err);

	if (!m)
		return NULL;
	keep_module(r, m);
	memset(err, 0, sizeof *err);
	return wasm_instantiate(r->store, m, spec_resolve, r, err);
}

/* ---- actions ---- */

/* The instance an action or register command names ("module"), or the
 * current one; NULL with err filled if there is none. */
static wasm_instance *target(struct runner *r, const struct json *j,
			     const char *key, wasm_error *err)
{
	const char *name = json_get_str(j, key);
	wasm_instance *inst = r->current;
	bool found = true;

	if (name)
		inst = spec_lookup(&r->names, name, &found);
	if (!inst && !found)
		snprintf(err->msg, sizeof err->msg, "no module named %s", name);
	else if (!inst)
		snprintf(err->msg, sizeof err->msg, "module %s did not load",
			 name ? name : "(current)");
	return inst;
}

/* Converts the action's "args" for f's parameters into args. */
static bool read_args(const struct json *act, const wasm_functype *t,
		      wasm_val *args, wasm_error *err)
{
	const struct json *a = json_get(act, "args");
	size_t n = a && a->type == JSON_ARRAY ? a->n : 0;
	uint8_t type;
	size_t i;

	if (n != t->nparams) {
		snprintf(err->msg, sizeof err->msg,
			 "%zu arguments for %" PRIu32 " parameters", n,
			 t->nparams);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!spec_read_value(&a->items[i], &type, &args[i]) ||
		    type != t->params[i]) {
			snprintf(err->msg, sizeof err->msg,
				 "argument %zu: unsupported or wrong type", i);
			return false;
		}
	}
	return true;
}

/* Invokes a function export: fills out (results, or error). */
static void invoke(const struct json *act, wasm_instance *inst,
		   const struct json *field, struct outcome *out)
{
	wasm_extern ext;
	const wasm_functype *t;
	wasm_val *args;

	if (!wasm_instance_export_n(inst, field->str, field->len, &ext) ||
	    ext.kind != WASM_EXTERN_FUNC) {
		snprintf(out->err.msg, sizeof out->err.msg,
			 "no function export \"%s\"", field->str);
		return;
	}
	t = wasm_func_type(ext.of.func);
	args = spec_realloc(NULL, (t->nparams + 1) * sizeof *args);
	out->vals = spec_realloc(NULL, (t->nresults + 1) * sizeof *out->vals);
	if (read_args(act, t, args, &out->err) &&
	    wasm_func_call(ext.of.func, args, out->vals, &out->err)) {
		out->ok = true;
		out->n = t->nresults;
		out->types = t->results;
	}
	free(args);
}

/* Reads a global export: fills out (one result, or error). */
static void get(wasm_instance *inst, const struct json *field,
		struct outcome *out)
{
	wasm_extern ext;

	if (!wasm_instance_export_n(inst, field->str, field->len, &ext) ||
	    ext.kind != WASM_EXTERN_GLOBAL) {
		snprintf(out->err.msg, sizeof out->err.msg,
			 "no global export \"%s\"", field->str);
		return;
	}
	out->vals = spec_realloc(NULL, sizeof *out->vals);
	out->vals[0] = wasm_global_get(ext.of.global);
	out->get_type = (uint8_t)wasm_global_type(ext.of.global);
	out->types = &out->get_type;
	out->n = 1;
	out->ok = true;
}

/* A json value list as "i32:1, f32:nan:canonical" (as written). */
static void describe_list(char *out, size_t n, const struct json *list)
{
	size_t i, o = 0;
	const char *t, *v;

	out[0] = '\0';
	for (i = 0; list && list->type == JSON_ARRAY && i < list->n; i++) {
		t = json_get_str(&list->items[i], "type");
		v = json_get_str(&list->items[i], "value");
		o += (size_t)snprintf(out + o, n - o, "%s%s:%s", i ? ", " : "",
				      t ? t : "?", v ? v : "?");
		if (o >= n)
			return;
	}
}

/*
 * Runs the command's "action" (invoke or get), filling out; `what` gets a
 * description for messages. Returns false, with nothing run, if the
 * action cannot be expressed through the API (it is counted skipped).
 */
static bool run_action(struct runner *r, const struct json *cmd,
		       struct outcome *out, char *what, size_t n)
{
	const struct json *act = json_get(cmd, "action");
	const char *type = json_get_str(act, "type");
	const struct json *field = json_get(act, "field");
	char name[128], args[200];
	wasm_instance *inst;

	memset(out, 0, sizeof *out);
	if (!field || field->type != JSON_STRING || !type) {
		snprintf(what, n, "%s (bad action)", json_get_str(cmd, "type"));
		snprintf(out->err.msg, sizeof out->err.msg, "bad action");
		return true;
	}
	quote_name(name, sizeof name, field->str);
	snprintf(what, n, "%s %s \"%s\"", json_get_str(cmd, "type"), type,
		 name);
	if (strcmp(type, "invoke") == 0) {
		describe_list(args, sizeof args, json_get(act, "args"));
		snprintf(what + strlen(what), n - strlen(what), "(%s)", args);
	}
	inst = target(r, act, "module", &out->err);
	if (!inst)
		return true;
	if (strcmp(type, "invoke") == 0)
		invoke(act, inst, field, out);
	else if (strcmp(type, "get") == 0)
		get(inst, field, out);
	else
		snprintf(out->err.msg, sizeof out->err.msg, "unknown action %s",
			 type);
	return true;
}

/* ---- commands ---- */

/*
 * Where our message says the same thing in other words than the spec's
 * reference interpreter (tests/spec-skip.md says why for each).
 */
static const struct {
	const char *spec, *ours;
} same_meaning[] = {
	/* binary.wast: the reference decoder reads past a section's end */
	{"section size mismatch", "unexpected end of section or function"},
	{"illegal opcode", "unexpected end of section or function"},
	{"length out of bounds", "unexpected end of section or function"},
	/* select.wast: wast2json encodes `select (result)` as plain select */
	{"invalid result arity", "type mismatch"},
};

/*
 * True if error e's message carries the command's expected "text": it
 * contains it (a trailing element index the spec appends aside), or says
 * the same per same_meaning. Notes the difference when verbose.
 */
static bool check_text(struct runner *r, const struct json *cmd,
		       const wasm_error *e)
{
	const char *text = json_get_str(cmd, "text");
	size_t n, i;

	if (!text || strstr(e->msg, text))
		return true;
	n = strlen(text);
	while (n > 0 && text[n - 1] >= '0' && text[n - 1] <= '9')
		n--;
	if (n > 1 && n < strlen(text) && text[n - 1] == ' ' &&
	    memmem(e->msg, strlen(e->msg), text, n - 1))
		return true;
	for (i = 0; i < sizeof same_meaning / sizeof same_meaning[0]; i++) {
		if (strcmp(text, same_meaning[i].spec) == 0 &&
		    strstr(e->msg, same_meaning[i].ours)) {
			if (r->verbose)
				printf("%s:%u: note: \"%s\" taken for \"%s\"\n",
				       r->path, r->line, e->msg, text);
			return true;
		}
	}
	return false;
}

/* module: decode, validate, instantiate; it becomes the current module. */
static void cmd_module(struct runner *r, const struct json *cmd)
{
	const char *name = json_get_str(cmd, "name");
	char what[160], got[400];
	wasm_error err;

	r->current = load_instance(r, cmd, &err);
	if (name)
		spec_bind(&r->names, name, r->current);
	if (r->current)
		return;
	snprintf(what, sizeof what, "module %s",
		 json_get_str(cmd, "filename") ? json_get_str(cmd, "filename")
					       : "?");
	describe_error(got, sizeof got, &err);
	fail(r, what, "success", got);
}

/* register: makes a module's exports importable under "as". */
static void cmd_register(struct runner *r, const struct json *cmd)
{
	const char *as = json_get_str(cmd, "as");
	char what[160];
	wasm_error err;
	wasm_instance *inst;

	memset(&err, 0, sizeof err);
	inst = target(r, cmd, "name", &err);
	snprintf(what, sizeof what, "register \"%s\"", as ? as : "?");
	if (as)
		spec_bind(&r->regs, as, inst);
	if (!inst || !as)
		fail(r, what, "a module", as ? err.msg : "no \"as\"");
}

/* Compares out's results with the command's "expected" list. */
static void check_results(struct runner *r, const struct json *cmd,
			  const char *what, const struct outcome *out)
{
	const struct json *exp = json_get(cmd, "expected");
	size_t n = exp && exp->type == JSON_ARRAY ? exp->n : 0;
	char want[128], got[128], w[160], g[160];
	size_t i;

	if (n != out->n) {
		snprintf(want, sizeof want, "%zu results", n);
		snprintf(got, sizeof got, "%" PRIu32, out->n);
		fail(r, what, want, got);
		return;
	}
	for (i = 0; i < n; i++) {
		if (spec_match_value(&exp->items[i], out->types[i],
				     out->vals[i], want, sizeof want))
			continue;
		spec_describe_value(got, sizeof got, out->types[i],
				    out->vals[i]);
		if (n > 1) {
			snprintf(w, sizeof w, "[%zu] %s", i, want);
			snprintf(g, sizeof g, "[%zu] %s", i, got);
			fail(r, what, w, g);
		} else {
			fail(r, what, want, got);
		}
		return;
	}
	r->passed++;
}

/* action (must run without error) and assert_return (its results must
 * equal the expected values). */
static void cmd_action(struct runner *r, const struct json *cmd, bool check)
{
	struct outcome out;
	char what[400], got[400], want[200];

	if (!run_action(r, cmd, &out, what, sizeof what))
		return;
	if (out.ok && check) {
		check_results(r, cmd, what, &out);
	} else if (!out.ok) {
		describe_error(got, sizeof got, &out.err);
		describe_list(want, sizeof want, json_get(cmd, "expected"));
		fail(r, what,
		     check ? (want[0] ? want : "no results") : "success", got);
	}
	free(out.vals);
}

/* Checks that err is of kind `want`; `what` describes the command. */
static void expect_error(struct runner *r, const struct json *cmd,
			 const char *what, bool failed, const wasm_error *err,
			 enum wasm_error_kind want)
{
	const char *text = json_get_str(cmd, "text");
	char exp[300], got[400];

	if (failed && err->kind == want && check_text(r, cmd, err)) {
		r->passed++;
		return;
	}
	snprintf(exp, sizeof exp, "%s (%s)", kind_name(want), text ? text : "");
	if (failed)
		describe_error(got, sizeof got, err);
	else
		snprintf(got, sizeof got, "success");
	fail(r, what, exp, got);
}

/* assert_trap / assert_exhaustion on an action, or a module's start. */
static void cmd_assert_trap(struct runner *r, const struct json *cmd,
			    enum wasm_error_kind want)
{
	const char *file = json_get_str(cmd, "filename");
	struct outcome out;
	char what[400];
	wasm_error err;
	bool failed;

	if (!json_get(cmd, "action")) {
		snprintf(what, sizeof what, "%s %s", json_get_str(cmd, "type"),
			 file ? file : "?");
		failed = !load_instance(r, cmd, &err);
		expect_error(r, cmd, what, failed, &err, want);
		return;
	}
	if (!run_action(r, cmd, &out, what, sizeof what))
		return;
	expect_error(r, cmd, what, !out.ok, &out.err, want);
	free(out.vals);
}

/* An unsigned LEB128 at b[*i], bounded by n (0 past the end). */
static uint64_t leb_u(const uint8_t *b, size_t n, size_t *i)
{
	uint64_t v = 0;
	for (unsigned shift = 0; *i < n && shift < 64; shift += 7) {
		uint8_t x = b[(*i)++];
		v |= (uint64_t)(x & 0x7F) << shift;
		if (!(x & 0x80))
			break;
	}
	return v;
}

/* True if the binary module's memory section starts with a limits flag
 * of 2 or 3 (shared under the threads proposal). */
static bool has_shared_flag(const uint8_t *b, size_t n)
{
	size_t i = 8;
	while (i < n) {
		uint8_t id = b[i++];
		uint64_t size = leb_u(b, n, &i);
		if (id == 5) {
			if (leb_u(b, n, &i) == 0 || i >= n)
				return false;
			return b[i] == 2 || b[i] == 3;
		}
		if (size > n - i)
			return false;
		i += size;
	}
	return false;
}

/*
 * Why an assertion of the core or threads suite cannot hold with both
 * (tests/spec-skip.md), or NULL: the core suite predates the threads
 * proposal, which makes memory limits flags 2 and 3 shared memories; the
 * threads suite predates WebAssembly 2.0, which allows several tables.
 */
static const char *predates(struct runner *r, const struct json *cmd,
			    enum wasm_error_kind want)
{
	const char *text = json_get_str(cmd, "text");
	const char *why = NULL;
	size_t len = 0;
	char *bytes;
	wasm_error err;

	if (want == WASM_ERR_INVALID && text &&
	    strcmp(text, "multiple tables") == 0)
		return "several tables are valid since WebAssembly 2.0";
	if (want != WASM_ERR_MALFORMED || !text ||
	    strcmp(text, "integer too large") != 0)
		return NULL;
	bytes = module_bytes(r, cmd, &len, &err);
	if (bytes && has_shared_flag((const uint8_t *)bytes, len))
		why = "memory limits flag 2 or 3 is a shared memory (threads)";
	free(bytes);
	return why;
}

/*
 * assert_invalid / assert_malformed (decoding fails with `want`), and
 * assert_unlinkable / assert_uninstantiable (decoding succeeds and
 * instantiation fails with `want`).
 */
static void cmd_assert_module(struct runner *r, const struct json *cmd,
			      enum wasm_error_kind want)
{
	const char *mtype = json_get_str(cmd, "module_type");
	const char *file = json_get_str(cmd, "filename");
	char what[400], got[400];
	const char *why;
	wasm_module *m;
	wasm_error err;
	bool failed;

	snprintf(what, sizeof what, "%s %s", json_get_str(cmd, "type"),
		 file ? file : "?");
	if (mtype && strcmp(mtype, "binary") != 0) {
		skip(r, what, "text-format module");
		return;
	}
	if ((why = predates(r, cmd, want))) {
		skip(r, what, why);
		return;
	}
	m = load_module(r, cmd, &err);
	if (want == WASM_ERR_INVALID || want == WASM_ERR_MALFORMED) {
		if (m)
			wasm_module_free(m);
		expect_error(r, cmd, what, m == NULL, &err, want);
		return;
	}
	if (!m) {
		describe_error(got, sizeof got, &err);
		fail(r, what, "a module that loads", got);
		return;
	}
	keep_module(r, m);
	memset(&err, 0, sizeof err);
	failed = !wasm_instantiate(r->store, m, spec_resolve, r, &err);
	expect_error(r, cmd, what, failed, &err, want);
}

/* Runs one command. */
static void run_command(struct runner *r, const struct json *cmd)
{
	const char *type = json_get_str(cmd, "type");
	const struct json *line = json_get(cmd, "line");
	uint64_t ln = 0;

	if (line && line->type == JSON_NUMBER)
		spec_parse_u64(line->str, UINT32_MAX, &ln);
	r->line = (unsigned)ln;
	if (!type)
		fail(r, "command", "a \"type\"", "none");
	else if (strcmp(type, "module") == 0)
		cmd_module(r, cmd);
	else if (strcmp(type, "register") == 0)
		cmd_register(r, cmd);
	else if (strcmp(type, "action") == 0)
		cmd_action(r, cmd, false);
	else if (strcmp(type, "assert_return") == 0)
		cmd_action(r, cmd, true);
	else if (strcmp(type, "assert_trap") == 0)
		cmd_assert_trap(r, cmd, WASM_ERR_TRAP);
	else if (strcmp(type, "assert_exhaustion") == 0)
		cmd_assert_trap(r, cmd, WASM_ERR_EXHAUSTED);
	else if (strcmp(type, "assert_invalid") == 0)
		cmd_assert_module(r, cmd, WASM_ERR_INVALID);
	else if (strcmp(type, "assert_malformed") == 0)
		cmd_assert_module(r, cmd, WASM_ERR_MALFORMED);
	else if (strcmp(type, "assert_unlinkable") == 0)
		cmd_assert_module(r, cmd, WASM_ERR_LINK);
	else if (strcmp(type, "assert_uninstantiable") == 0)
		cmd_assert_module(r, cmd, WASM_ERR_TRAP);
	else
		fail(r, type, "a known command", "an unknown one");
}

/* Frees the store, then the modules and bindings, for the next file. */
static void runner_reset(struct runner *r)
{
	size_t i;

	if (r->store)
		wasm_store_free(r->store);
	r->store = NULL;
	for (i = 0; i < r->nmods; i++)
		wasm_module_free(r->mods[i]);
	free(r->mods);
	r->mods = NULL;
	r->nmods = r->capmods = 0;
	spec_bindings_free(&r->names);
	spec_bindings_free(&r->regs);
	r->current = NULL;
	free(r->dir);
	r->dir = NULL;
}

/* The directory part of path, with its '/', or "" (malloc'd). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) + 1 : 0;
	char *d = spec_realloc(NULL, n + 1);

	memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

/* Runs every command of one json file, counting into r. */
static void run_file(struct runner *r, const char *path,
		     enum wasm_engine engine)
{
	char err[300];
	struct json *root;
	const struct json *cmds;
	size_t len, i;
	char *text = read_file(path, &len, err, sizeof err);

	r->path = path;
	r->line = 0;
	if (!text) {
		fail(r, "file", "a readable json file", err);
		return;
	}
	root = json_parse(text, len, err, sizeof err);
	free(text);
	cmds = json_get(root, "commands");
	if (!cmds || cmds->type != JSON_ARRAY) {
		fail(r, "file", "a wast2json script",
		     root ? "no \"commands\" array" : err);
		json_free(root);
		return;
	}
	r->dir = dir_of(path);
	r->store = wasm_store_new(engine);
	if (!r->store || !spec_host_create(r)) {
		fail(r, "store", "a store with spectest", "out of memory");
	} else {
		for (i = 0; i < cmds->n; i++)
			run_command(r, &cmds->items[i]);
	}
	runner_reset(r);
	json_free(root);
}

/* "N passed, N failed" plus ", N skipped" when any were. */
static void print_counts(unsigned p, unsigned f, unsigned s)
{
	printf("%u passed, %u failed", p, f);
	if (s)
		printf(", %u skipped", s);
	printf("\n");
}

static int usage(void)
{
	fprintf(stderr, "usage: nebulet spec [--engine=interp|jit|base|opt] "
			"[--jit-simd=c] [--opt-stats] [--tier-budget=N] [-v] "
			"FILE.json...\n");
	return 2;
}

int spec_main(int argc, char **argv)
{
	enum wasm_engine engine = WASM_ENGINE_DEFAULT; /* jit on x86-64 */
	struct runner r;
	unsigned p = 0, f = 0, s = 0;
	int i, nfiles = 0;
	bool opt_stats = false;

	memset(&r, 0, sizeof r);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--engine=interp") == 0)
			engine = WASM_ENGINE_INTERP;
		else if (strcmp(argv[i], "--engine=jit") == 0)
			engine = WASM_ENGINE_JIT;
		else if (strcmp(argv[i], "--engine=base") == 0)
			engine = WASM_ENGINE_BASE;
		else if (strcmp(argv[i], "--engine=opt") == 0)
			engine = WASM_ENGINE_OPT;
		else if (strcmp(argv[i], "--jit-simd=c") == 0)
			wasm_jit_simd_inline(false); /* as without SSE4.1 */
		else if (strcmp(argv[i], "-v") == 0 ||
			 strcmp(argv[i], "--verbose") == 0)
			r.verbose = true;
		else if (strcmp(argv[i], "--opt-stats") == 0)
			opt_stats = true;
		else if (strncmp(argv[i], "--tier-budget=", 14) == 0 &&
			 atoi(argv[i] + 14) > 0)
			wasm_jit_tier_budget(atoi(argv[i] + 14));
		else if (argv[i][0] == '-')
			return usage();
		else
			nfiles++;
	}
	if (nfiles == 0)
		return usage();
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		r.passed = r.failed = r.skipped = 0;
		run_file(&r, argv[i], engine);
		fflush(stdout);
		p += r.passed;
		f += r.failed;
		s += r.skipped;
		if (nfiles > 1) {
			printf("%s: ", argv[i]);
			print_counts(r.passed, r.failed, r.skipped);
		}
	}
	print_counts(p, f, s);
	if (opt_stats)
		print_opt_stats();
	return f ? 1 : 0;
}
