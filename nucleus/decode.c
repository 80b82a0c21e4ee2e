/*
 * decode.c: the WebAssembly 2.0 binary format (no SIMD) into a wasm_module.
 *
 * The decoder checks the structure of the binary: header, section order and
 * sizes, every field's encoding, UTF-8 names. Function bodies and constant
 * expressions are kept raw (their instructions are checked by validate.c);
 * a constant expression is only scanned to find its `end`.
 *
 * One reader walks the module copy; while a section is read its `end` is the
 * section's end, so nothing can read past it. Errors are MALFORMED, with the
 * spec suite's wording, "offset 0x1f: unexpected end".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/module.h"
#include "nucleus/opcodes.h"
#include "nucleus/reader.h"

#define MAX_LOCALS 50000

enum {
	SEC_CUSTOM,
	SEC_TYPE,
	SEC_IMPORT,
	SEC_FUNC,
	SEC_TABLE,
	SEC_MEMORY,
	SEC_GLOBAL,
	SEC_EXPORT,
	SEC_START,
	SEC_ELEM,
	SEC_CODE,
	SEC_DATA,
	SEC_DATACOUNT,
};

/* Position of each known section in the required order (datacount sits
 * between elem and code). */
static const uint8_t sec_rank[] = {
	[SEC_TYPE] = 1,	      [SEC_IMPORT] = 2, [SEC_FUNC] = 3,
	[SEC_TABLE] = 4,      [SEC_MEMORY] = 5, [SEC_GLOBAL] = 6,
	[SEC_EXPORT] = 7,     [SEC_START] = 8,	[SEC_ELEM] = 9,
	[SEC_DATACOUNT] = 10, [SEC_CODE] = 11,	[SEC_DATA] = 12,
};

typedef struct dec {
	wasm_reader r;
	const uint8_t *mod_end;
	wasm_module *m;
	bool oom;
	uint32_t num_def_funcs; /* from the function section */
	bool has_code, has_data_sec;
	const uint8_t *data_use; /* first memory.init/data.drop */
	const uint8_t *names;	 /* the "name" custom section's payload */
	uint32_t names_len;
} dec;

static void fail(dec *d, const char *msg)
{
	rd_fail(&d->r, msg);
}

static void fail_at(dec *d, const uint8_t *at, const char *msg)
{
	rd_fail_at(&d->r, at, msg);
}

static bool ok(const dec *d)
{
	return d->r.err == NULL;
}

static size_t left(const dec *d)
{
	return (size_t)(d->r.end - d->r.p);
}

/* calloc that records failure; n may be 0 (then NULL without error). */
static void *dalloc(dec *d, size_t n, size_t size)
{
	if (n == 0)
		return NULL;
	void *p = calloc(n, size);
	if (!p) {
		d->oom = true;
		fail(d, "out of memory");
	}
	return p;
}

static void *dgrow(dec *d, void *old, size_t n, size_t size)
{
	void *p = realloc(old, n * size + 1);
	if (!p) {
		d->oom = true;
		fail(d, "out of memory");
		return old;
	}
	return p;
}

static uint32_t u32(dec *d)
{
	return rd_u32(&d->r);
}

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF). */
static bool utf8_valid(const uint8_t *s, uint32_t len)
{
	uint32_t i = 0;
	while (i < len) {
		uint8_t c = s[i];
		uint32_t n, cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i - 1 < n)
			return false;
		for (uint32_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

/* A name: u32 length, UTF-8 bytes. Returns a NUL-terminated copy. */
static char *rd_name(dec *d, uint32_t *len_out)
{
	const uint8_t *at = d->r.p;
	uint32_t len = u32(d);
	if (!ok(d))
		return NULL;
	if (len > left(d)) {
		fail_at(d, at, "length out of bounds");
		return NULL;
	}
	const uint8_t *s = d->r.p;
	if (!utf8_valid(s, len)) {
		fail_at(d, s, "malformed UTF-8 encoding");
		return NULL;
	}
	d->r.p += len;
	char *copy = malloc((size_t)len + 1);
	if (!copy) {
		d->oom = true;
		fail(d, "out of memory");
		return NULL;
	}
	memcpy(copy, s, len);
	copy[len] = 0;
	if (len_out)
		*len_out = len;
	return copy;
}

/*
 * limits: flag 0 (min) or 1 (min, max); a memory's flag may also be 2 or
 * 3, the same shared (threads), returned in *shared. module.h writes an
 * absent max as UINT32_MAX; for a memory that would hide an explicit max
 * of 2^32-1 pages, so that one (invalid anyway) is stored as 65537.
 */
static void rd_limits(dec *d, wasm_limits *l, bool *shared)
{
	const uint8_t *at = d->r.p;
	uint8_t flag = rd_u8(&d->r);
	if (ok(d) && flag > (shared ? 3 : 1))
		fail_at(d, at,
			flag & 0x80 ? "integer representation too long"
				    : "integer too large");
	if (shared)
		*shared = flag & 2;
	l->min = u32(d);
	l->max = flag & 1 ? u32(d) : UINT32_MAX;
	if (shared && flag & 1 && l->max == UINT32_MAX)
		l->max = 65537;
}

static void rd_tabletype(dec *d, wasm_tabletype *t)
{
	t->elem = rd_reftype(&d->r);
	rd_limits(d, &t->limits, NULL);
}

static void rd_globaltype(dec *d, wasm_globaltype *g)
{
	g->type = rd_valtype(&d->r);
	const uint8_t *at = d->r.p;
	uint8_t mut = rd_u8(&d->r);
	if (ok(d) && mut > 1)
		fail_at(d, at, "malformed mutability");
	g->mut = mut;
}

/*
 * Instructions up to the `end` that closes depth 0, checking only their
 * encoding (typing is the validator's business), as the binary format's
 * grammar requires: this puts every malformed error before any invalid one.
 */
static void scan_instrs(dec *d)
{
	uint32_t depth = 0;
	wasm_immval im = {0};
	while (ok(d)) {
		const uint8_t *at = d->r.p;
		enum wasm_op op = rd_op(&d->r);
		if (!ok(d))
			break;
		if ((op == OP_MEMORY_INIT || op == OP_DATA_DROP) &&
		    !d->data_use)
			d->data_use = at;
		rd_imm(&d->r, op, &im);
		if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF) {
			depth++;
		} else if (op == OP_END) {
			if (depth == 0)
				break;
			depth--;
		}
	}
}

/* A constant expression: its bytes through the closing `end`. */
static void rd_constexpr(dec *d, wasm_constexpr *ce)
{
	const uint8_t *start = d->r.p;
	ce->code = start;
	ce->offset = rd_offset(&d->r, start);
	scan_instrs(d);
	ce->len = (uint32_t)(d->r.p - start);
}

static void sec_type(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	m->types = dalloc(d, n, sizeof *m->types);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		wasm_functype *t = &m->types[i];
		const uint8_t *at = d->r.p;
		uint8_t form = rd_u8(&d->r);
		if (ok(d) && form != 0x60)
			fail_at(d, at,
				form & 0x80 ? "integer representation too long"
					    : "malformed function type");
		t->nparams = rd_count(&d->r);
		t->params = d->r.p;
		for (uint32_t k = 0; k < t->nparams && ok(d); k++)
			rd_valtype(&d->r);
		t->nresults = rd_count(&d->r);
		t->results = d->r.p;
		for (uint32_t k = 0; k < t->nresults && ok(d); k++)
			rd_valtype(&d->r);
		if (ok(d))
			m->num_types = i + 1;
	}
}

/* Counts the imports of one kind. */
static uint32_t count_imports(const wasm_module *m, uint8_t kind)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->num_imports; i++)
		n += m->imports[i].kind == kind;
	return n;
}

/* After the import section: the imported part of each index space. */
static void index_imports(dec *d)
{
	wasm_module *m = d->m;
	m->num_funcs = m->num_imported_funcs =
		count_imports(m, WASM_EXTERN_FUNC);
	m->num_tables = m->num_imported_tables =
		count_imports(m, WASM_EXTERN_TABLE);
	m->num_mems = m->num_imported_mems =
		count_imports(m, WASM_EXTERN_MEMORY);
	m->num_globals = m->num_imported_globals =
		count_imports(m, WASM_EXTERN_GLOBAL);
	m->func_types = dalloc(d, m->num_funcs, sizeof *m->func_types);
	m->tables = dalloc(d, m->num_tables, sizeof *m->tables);
	m->mems = dalloc(d, m->num_mems, sizeof *m->mems);
	m->globals = dalloc(d, m->num_globals, sizeof *m->globals);
	if (!ok(d)) {
		m->num_funcs = m->num_tables = m->num_mems = m->num_globals = 0;
		m->num_imported_funcs = m->num_imported_tables = 0;
		m->num_imported_mems = m->num_imported_globals = 0;
		return;
	}
	uint32_t f = 0, t = 0, me = 0, g = 0;
	for (uint32_t i = 0; i < m->num_imports; i++) {
		wasm_import *im = &m->imports[i];
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			m->func_types[f++] = im->of.func_type;
			break;
		case WASM_EXTERN_TABLE:
			m->tables[t++] = im->of.table;
			break;
		case WASM_EXTERN_MEMORY:
			m->mems[me++] = im->of.mem;
			break;
		default:
			m->globals[g++] = im->of.global;
			break;
		}
	}
}

static void sec_import(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	m->imports = dalloc(d, n, sizeof *m->imports);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		wasm_import *im = &m->imports[i];
		m->num_imports = i + 1;
		im->module = rd_name(d, &im->module_len);
		im->name = rd_name(d, &im->name_len);
		const uint8_t *at = d->r.p;
		im->kind = rd_u8(&d->r);
		if (!ok(d))
			break;
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			im->of.func_type = u32(d);
			break;
		case WASM_EXTERN_TABLE:
			rd_tabletype(d, &im->of.table);
			break;
		case WASM_EXTERN_MEMORY:
			rd_limits(d, &im->of.mem.limits, &im->of.mem.shared);
			break;
		case WASM_EXTERN_GLOBAL:
			rd_globaltype(d, &im->of.global);
			break;
		default:
			fail_at(d, at, "malformed import kind");
			break;
		}
	}
	if (ok(d))
		index_imports(d);
}

static void sec_func(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	if (!ok(d))
		return;
	m->func_types = dgrow(d, m->func_types, (size_t)m->num_funcs + n,
			      sizeof *m->func_types);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		uint32_t t = u32(d);
		if (ok(d))
			m->func_types[m->num_funcs++] = t;
	}
	d->num_def_funcs = n;
}

static void sec_table(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	if (!ok(d))
		return;
	m->tables = dgrow(d, m->tables, (size_t)m->num_tables + n,
			  sizeof *m->tables);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		rd_tabletype(d, &m->tables[m->num_tables]);
		if (ok(d))
			m->num_tables++;
	}
}

static void sec_memory(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	if (!ok(d))
		return;
	m->mems = dgrow(d, m->mems, (size_t)m->num_mems + n, sizeof *m->mems);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		rd_limits(d, &m->mems[m->num_mems].limits,
			  &m->mems[m->num_mems].shared);
		if (ok(d))
			m->num_mems++;
	}
}

static void sec_global(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	if (!ok(d))
		return;
	m->globals = dgrow(d, m->globals, (size_t)m->num_globals + n,
			   sizeof *m->globals);
	m->global_inits = dalloc(d, n, sizeof *m->global_inits);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		rd_globaltype(d, &m->globals[m->num_globals]);
		rd_constexpr(d, &m->global_inits[i]);
		if (ok(d))
			m->num_globals++;
	}
}

static void sec_export(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	m->exports = dalloc(d, n, sizeof *m->exports);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		wasm_export *e = &m->exports[i];
		m->num_exports = i + 1;
		e->name = rd_name(d, &e->name_len);
		const uint8_t *at = d->r.p;
		e->kind = rd_u8(&d->r);
		if (ok(d) && e->kind > WASM_EXTERN_GLOBAL)
			fail_at(d, at, "malformed export kind");
		e->index = u32(d);
	}
}

static void sec_start(dec *d)
{
	d->m->start = u32(d);
	d->m->has_start = ok(d);
}

/* Element kind byte of the legacy forms 1-3: only 0x00 (funcref). */
static void rd_elemkind(dec *d)
{
	const uint8_t *at = d->r.p;
	if (rd_u8(&d->r) != 0 && ok(d))
		fail_at(d, at, "malformed elements segment kind");
}

/* One element segment, flags 0..7 (bit 0: passive/declarative, bit 1:
 * explicit table or declarative, bit 2: expressions instead of indices). */
static void rd_elem(dec *d, wasm_elem *e)
{
	const uint8_t *at = d->r.p;
	uint32_t flags = u32(d);
	if (!ok(d))
		return;
	if (flags > 7) {
		fail_at(d, at, "malformed elements segment kind");
		return;
	}
	e->type = WASM_FUNCREF;
	if (flags & 1)
		e->mode = (flags & 2) ? WASM_SEG_DECLARATIVE : WASM_SEG_PASSIVE;
	else
		e->mode = WASM_SEG_ACTIVE;
	if (e->mode == WASM_SEG_ACTIVE) {
		if (flags & 2)
			e->table = u32(d);
		rd_constexpr(d, &e->offset);
	}
	if (flags & 3) {
		if (flags & 4)
			e->type = rd_reftype(&d->r);
		else
			rd_elemkind(d);
	}
	uint32_t n = rd_count(&d->r);
	if (flags & 4) {
		e->exprs = dalloc(d, n, sizeof *e->exprs);
		for (uint32_t i = 0; i < n && ok(d); i++)
			rd_constexpr(d, &e->exprs[i]);
	} else {
		e->funcs = dalloc(d, n, sizeof *e->funcs);
		for (uint32_t i = 0; i < n && ok(d); i++)
			e->funcs[i] = u32(d);
	}
	e->count = ok(d) ? n : 0;
}

static void sec_elem(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	m->elems = dalloc(d, n, sizeof *m->elems);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		m->num_elems = i + 1;
		rd_elem(d, &m->elems[i]);
	}
}

static void sec_datacount(dec *d)
{
	d->m->data_count = u32(d);
	d->m->has_data_count = ok(d);
}

/* A function body's local declarations, expanded into c->local_types. */
static void rd_locals(dec *d, wasm_code *c)
{
	wasm_reader save = d->r;
	uint32_t groups = rd_count(&d->r);
	uint64_t total = 0;
	for (uint32_t i = 0; i < groups && ok(d); i++) {
		const uint8_t *at = d->r.p;
		total += u32(d);
		rd_valtype(&d->r);
		if (ok(d) && total > MAX_LOCALS)
			fail_at(d, at, "too many locals");
	}
	if (!ok(d))
		return;
	c->local_types = dalloc(d, total, 1);
	if (!ok(d))
		return;
	d->r = save; /* second pass: expand */
	u32(d);
	uint32_t k = 0;
	for (uint32_t i = 0; i < groups; i++) {
		uint32_t cnt = u32(d);
		uint8_t t = rd_u8(&d->r);
		if (cnt)
			memset(c->local_types + k, t, cnt);
		k += cnt;
	}
	c->num_locals = (uint32_t)total;
}

static void sec_code(dec *d)
{
	wasm_module *m = d->m;
	const uint8_t *at = d->r.p;
	uint32_t n = rd_count(&d->r);
	if (!ok(d))
		return;
	if (n != d->num_def_funcs) {
		fail_at(d, at,
			"function and code section have inconsistent lengths");
		return;
	}
	m->code = dalloc(d, n, sizeof *m->code);
	d->has_code = true;
	for (uint32_t i = 0; i < n && ok(d); i++) {
		wasm_code *c = &m->code[i];
		uint32_t size = u32(d);
		if (ok(d) && size > left(d))
			fail(d, "unexpected end");
		if (!ok(d))
			break;
		const uint8_t *sec_end = d->r.end, *body_end = d->r.p + size;
		d->r.end = body_end;
		rd_locals(d, c);
		if (ok(d) && d->r.p == body_end)
			fail(d, "unexpected end");
		c->body = d->r.p;
		c->body_len = (uint32_t)(body_end - d->r.p);
		c->body_offset = rd_offset(&d->r, d->r.p);
		scan_instrs(d);
		if (ok(d) && d->r.p != body_end)
			fail(d, "section size mismatch");
		/* a body without its final `end`: the suite expects this */
		if (!ok(d) && d->r.err_at == body_end && body_end != sec_end &&
		    strcmp(d->r.err, "unexpected end") == 0)
			d->r.err = "END opcode expected";
		if (!ok(d))
			break;
		d->r.end = sec_end;
		d->r.p = body_end;
	}
}

static void rd_data(dec *d, wasm_data *s)
{
	const uint8_t *at = d->r.p;
	uint32_t flags = u32(d);
	if (!ok(d))
		return;
	if (flags > 2) {
		fail_at(d, at, "malformed data segment kind");
		return;
	}
	s->mode = flags == 1 ? WASM_SEG_PASSIVE : WASM_SEG_ACTIVE;
	if (flags == 2)
		s->mem = u32(d);
	if (flags != 1)
		rd_constexpr(d, &s->offset);
	uint32_t len = u32(d);
	if (ok(d) && len > left(d))
		fail(d, "unexpected end");
	if (!ok(d))
		return;
	s->bytes = d->r.p;
	s->len = len;
	d->r.p += len;
}

static void sec_data(dec *d)
{
	wasm_module *m = d->m;
	uint32_t n = rd_count(&d->r);
	d->has_data_sec = true;
	m->datas = dalloc(d, n, sizeof *m->datas);
	for (uint32_t i = 0; i < n && ok(d); i++) {
		m->num_datas = i + 1;
		rd_data(d, &m->datas[i]);
	}
}

static void sec_custom(dec *d)
{
	wasm_module *m = d->m;
	uint32_t name_len = 0;
	char *name = rd_name(d, &name_len);
	if (!ok(d))
		return;
	m->customs = dgrow(d, m->customs, (size_t)m->num_customs + 1,
			   sizeof *m->customs);
	if (!ok(d)) {
		free(name);
		return;
	}
	wasm_custom *c = &m->customs[m->num_customs++];
	c->name = name;
	c->data = d->r.p;
	c->len = (uint32_t)left(d);
	if (name_len == 4 && memcmp(name, "name", 4) == 0 && !d->names) {
		d->names = c->data;
		d->names_len = c->len;
	}
	d->r.p = d->r.end;
}

/* The reader of each section's contents, by id. */
static void (*const sec_read[])(dec *) = {
	[SEC_CUSTOM] = sec_custom,	 [SEC_TYPE] = sec_type,
	[SEC_IMPORT] = sec_import,	 [SEC_FUNC] = sec_func,
	[SEC_TABLE] = sec_table,	 [SEC_MEMORY] = sec_memory,
	[SEC_GLOBAL] = sec_global,	 [SEC_EXPORT] = sec_export,
	[SEC_START] = sec_start,	 [SEC_ELEM] = sec_elem,
	[SEC_CODE] = sec_code,		 [SEC_DATA] = sec_data,
	[SEC_DATACOUNT] = sec_datacount,
};

/* Every section in order, then the cross-section counts. */
static void decode_sections(dec *d)
{
	unsigned last = 0;
	bool imports_indexed = false;
	while (ok(d) && d->r.p < d->mod_end) {
		const uint8_t *at = d->r.p;
		uint8_t id = rd_u8(&d->r);
		if (id > SEC_DATACOUNT) {
			fail_at(d, at, "malformed section id");
			break;
		}
		const uint8_t *size_at = d->r.p;
		uint32_t size = u32(d);
		if (!ok(d))
			break;
		if (size > left(d)) {
			fail_at(d, size_at, "length out of bounds");
			break;
		}
		if (id != SEC_CUSTOM) {
			if (sec_rank[id] <= last) {
				fail_at(d, at,
					"unexpected content after last "
					"section");
				break;
			}
			last = sec_rank[id];
			if (id > SEC_IMPORT && !imports_indexed) {
				index_imports(d);
				imports_indexed = true;
			}
			if (id == SEC_IMPORT)
				imports_indexed = true;
		}
		const uint8_t *sec_end = d->r.p + size;
		d->r.end = sec_end;
		sec_read[id](d);
		if (!ok(d) && strcmp(d->r.err, "unexpected end") == 0)
			d->r.err = "unexpected end of section or function";
		if (ok(d) && d->r.p != sec_end)
			fail(d, "section size mismatch");
		d->r.end = d->mod_end;
		if (ok(d))
			d->r.p = sec_end;
	}
	if (ok(d) && !imports_indexed)
		index_imports(d);
	if (ok(d) && !d->has_code && d->num_def_funcs)
		fail(d, "function and code section have inconsistent lengths");
	/* Data indices in code need the data count section; a module with
	 * no data section at all is left to the validator (no such data). */
	if (ok(d) && d->data_use && !d->m->has_data_count && d->has_data_sec)
		fail_at(d, d->data_use, "data count section required");
	if (ok(d) && d->m->has_data_count &&
	    d->m->data_count != d->m->num_datas)
		fail(d,
		     "data count and data section have inconsistent lengths");
}

/* The name section (module name, function names); any defect makes us
 * ignore it all, as the spec allows. */
static void decode_names(dec *d)
{
	wasm_module *m = d->m;
	wasm_reader r0 = d->r;
	d->r.p = d->names;
	d->r.end = d->names + d->names_len;
	int last = -1;
	while (ok(d) && d->r.p < d->r.end) {
		uint8_t id = rd_u8(&d->r);
		uint32_t size = u32(d);
		if (ok(d) && (size > left(d) || id <= last))
			fail(d, "malformed name section");
		if (!ok(d))
			break;
		last = id;
		const uint8_t *end = d->r.p + size, *outer = d->r.end;
		d->r.end = end;
		if (id == 0) {
			m->module_name = rd_name(d, NULL);
		} else if (id == 1) {
			uint32_t n = rd_count(&d->r);
			if (ok(d) && !m->func_names && m->num_funcs)
				m->func_names =
					dalloc(d, m->num_funcs, sizeof(char *));
			int64_t prev = -1;
			for (uint32_t i = 0; i < n && ok(d); i++) {
				uint32_t idx = u32(d);
				char *s = rd_name(d, NULL);
				if (ok(d) && ((int64_t)idx <= prev ||
					      idx >= m->num_funcs))
					fail(d, "malformed name section");
				if (!ok(d)) {
					free(s);
					break;
				}
				m->func_names[idx] = s;
				prev = idx;
			}
		}
		if (ok(d) && id <= 1 && d->r.p != end)
			fail(d, "malformed name section");
		if (ok(d))
			d->r.p = end;
		d->r.end = outer;
	}
	if (!ok(d) && !d->oom) {
		free(m->module_name);
		m->module_name = NULL;
		if (m->func_names) {
			for (uint32_t i = 0; i < m->num_funcs; i++)
				free(m->func_names[i]);
			free(m->func_names);
			m->func_names = NULL;
		}
		d->r = r0;
	}
}

/*
 * Decodes bytes[0..len) (copied into m->bytes) into *m. On failure fills
 * err (MALFORMED, or RESOURCE when memory ran out), frees what it made and
 * returns false.
 */
bool wasm_decode(wasm_module *m, const uint8_t *bytes, size_t len,
		 wasm_error *err)
{
	static const uint8_t magic[4] = {0, 'a', 's', 'm'};
	static const uint8_t version[4] = {1, 0, 0, 0};
	dec d = {0};
	memset(m, 0, sizeof *m);
	if (len > UINT32_MAX) {
		err->kind = WASM_ERR_RESOURCE;
		snprintf(err->msg, sizeof err->msg, "module too large");
		return false;
	}
	m->bytes = malloc(len ? len : 1);
	if (!m->bytes) {
		err->kind = WASM_ERR_RESOURCE;
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return false;
	}
	if (len)
		memcpy(m->bytes, bytes, len);
	m->len = len;
	d.m = m;
	d.r.p = d.r.base = m->bytes;
	d.r.end = d.r.limit = d.mod_end = m->bytes + len;

	if (len < 4)
		fail_at(&d, m->bytes + len, "unexpected end");
	else if (memcmp(m->bytes, magic, 4) != 0)
		fail(&d, "magic header not detected");
	else if (len < 8)
		fail_at(&d, m->bytes + 4, "unexpected end");
	else if (memcmp(m->bytes + 4, version, 4) != 0)
		fail_at(&d, m->bytes + 4, "unknown binary version");
	d.r.p = m->bytes + (len < 8 ? len : 8);
	if (ok(&d))
		decode_sections(&d);
	if (ok(&d) && d.names)
		decode_names(&d);
	if (ok(&d))
		return true;

	const char *msg = d.r.err;
	err->kind = d.oom ? WASM_ERR_RESOURCE : WASM_ERR_MALFORMED;
	snprintf(err->msg, sizeof err->msg, "offset 0x%x: %s",
		 rd_offset(&d.r, d.r.err_at), msg);
	wasm_module_release(m);
	return false;
}
