/*
 * test_decode.c: the binary decoder (nucleus/decode.c): handcrafted
 * malformed modules with their exact messages, truncation of a valid module
 * at every length, and the fields of a decoded module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "nucleus/module.h"

#define HDR 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00

/* Decoding bytes must fail with exactly `msg`, kind MALFORMED. */
static void malformed(const char *name, const uint8_t *b, size_t len,
		      const char *msg)
{
	wasm_module m;
	wasm_error err = {0};
	bool ok = !wasm_decode(&m, b, len, &err) &&
		  err.kind == WASM_ERR_MALFORMED && strcmp(err.msg, msg) == 0;
	if (!ok)
		printf("  got kind %d \"%s\", want \"%s\"\n", err.kind, err.msg,
		       msg);
	check(name, ok);
}

#define MALFORMED(name, msg, ...)                                              \
	do {                                                                   \
		static const uint8_t b_[] = {__VA_ARGS__};                     \
		malformed(name, b_, sizeof b_, msg);                           \
	} while (0)

static void test_header(void)
{
	malformed("empty", NULL, 0, "offset 0x0: unexpected end");
	MALFORMED("short magic", "offset 0x3: unexpected end", 0, 'a', 's');
	MALFORMED("bad magic", "offset 0x0: magic header not detected", 0, 'A',
		  'S', 'M', 1, 0, 0, 0);
	MALFORMED("short version", "offset 0x4: unexpected end", 0, 'a', 's',
		  'm', 1);
	MALFORMED("bad version", "offset 0x4: unknown binary version", 0, 'a',
		  's', 'm', 2, 0, 0, 0);
}

static void test_sections(void)
{
	MALFORMED("section id", "offset 0x8: malformed section id", HDR, 0x0e,
		  0x01, 0x00);
	MALFORMED("section past end", "offset 0x9: length out of bounds", HDR,
		  0x01, 0x05, 0x01);
	MALFORMED("section size mismatch", "offset 0xe: section size mismatch",
		  HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00);
	MALFORMED("count past section",
		  "offset 0xe: unexpected end of section or function", HDR,
		  0x01, 0x04, 0x02, 0x60, 0x00, 0x00);
	MALFORMED("section order",
		  "offset 0xb: unexpected content after last section", HDR,
		  0x03, 0x01, 0x00, 0x01, 0x01, 0x00);
	MALFORMED("duplicate section",
		  "offset 0xb: unexpected content after last section", HDR,
		  0x01, 0x01, 0x00, 0x01, 0x01, 0x00);
	MALFORMED("leb too long", "offset 0x9: integer representation too long",
		  HDR, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
	MALFORMED("leb too large", "offset 0x9: integer too large", HDR, 0x01,
		  0x80, 0x80, 0x80, 0x80, 0x70);
	MALFORMED("function type form", "offset 0xb: malformed function type",
		  HDR, 0x01, 0x04, 0x01, 0x61, 0x00, 0x00);
	MALFORMED("value type", "offset 0xd: malformed value type", HDR, 0x01,
		  0x05, 0x01, 0x60, 0x01, 0x40, 0x00);
	/* import "\xff" "" with a bad name */
	MALFORMED("utf8 name", "offset 0xc: malformed UTF-8 encoding", HDR,
		  0x02, 0x06, 0x01, 0x01, 0xff, 0x00, 0x00, 0x00);
	MALFORMED("overlong utf8", "offset 0xc: malformed UTF-8 encoding", HDR,
		  0x02, 0x07, 0x01, 0x02, 0xc0, 0x80, 0x00, 0x00, 0x00);
	MALFORMED("import kind", "offset 0xd: malformed import kind", HDR, 0x02,
		  0x05, 0x01, 0x00, 0x00, 0x04, 0x00);
	MALFORMED("mutability", "offset 0xf: malformed mutability", HDR, 0x02,
		  0x06, 0x01, 0x00, 0x00, 0x03, 0x7f, 0x02);
	/* memory limits flags 0-3 are valid (2 and 3: shared, threads) */
	MALFORMED("limits flag", "offset 0xb: integer too large", HDR, 0x05,
		  0x02, 0x01, 0x04);
	MALFORMED("custom name past section",
		  "offset 0xa: length out of bounds", HDR, 0x00, 0x02, 0x05,
		  'a');
}

static void test_code(void)
{
	/* type () -> (), one function */
#define FUNC1 HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00
	MALFORMED("no code section",
		  "offset 0x12: function and code section have inconsistent "
		  "lengths",
		  FUNC1);
	MALFORMED("code count",
		  "offset 0x14: function and code section have inconsistent "
		  "lengths",
		  FUNC1, 0x0a, 0x01, 0x00);
	MALFORMED("too many locals", "offset 0x19: too many locals", FUNC1,
		  0x0a, 0x0a, 0x01, 0x08, 0x02, 0x7f, 0x7f, 0x80, 0x87, 0x03,
		  0x7e, 0x0b);
	MALFORMED("illegal opcode", "offset 0x17: illegal opcode", FUNC1, 0x0a,
		  0x05, 0x01, 0x03, 0x00, 0xff, 0x0b);
	MALFORMED("illegal 0xfc opcode", "offset 0x17: illegal opcode", FUNC1,
		  0x0a, 0x06, 0x01, 0x04, 0x00, 0xfc, 0x12, 0x0b);
	MALFORMED("zero byte", "offset 0x1d: zero byte expected", HDR, 0x01,
		  0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05,
		  0x03, 0x01, 0x00, 0x00, 0x0a, 0x07, 0x01, 0x05, 0x00, 0x3f,
		  0x01, 0x1a, 0x0b);
	MALFORMED("missing end at section end",
		  "offset 0x19: unexpected end of section or function", FUNC1,
		  0x0a, 0x05, 0x01, 0x03, 0x00, 0x41, 0x01);
	MALFORMED("missing end", "offset 0x19: END opcode expected", FUNC1,
		  0x0a, 0x07, 0x01, 0x03, 0x00, 0x41, 0x01, 0x00, 0x00);
	MALFORMED("junk after end", "offset 0x19: section size mismatch", FUNC1,
		  0x0a, 0x06, 0x01, 0x04, 0x00, 0x01, 0x0b, 0x01);
	/* memory.init 0 with a data section but no data count section */
	MALFORMED("data count required",
		  "offset 0x22: data count section required", HDR, 0x01, 0x04,
		  0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03,
		  0x01, 0x00, 0x00, 0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x41, 0x00,
		  0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00, 0x0b, 0x0b,
		  0x03, 0x01, 0x01, 0x00);
	MALFORMED("data count mismatch",
		  "offset 0xe: data count and data section have inconsistent "
		  "lengths",
		  HDR, 0x0c, 0x01, 0x02, 0x0b, 0x01, 0x00);
	MALFORMED("elem kind", "offset 0xb: malformed elements segment kind",
		  HDR, 0x09, 0x02, 0x01, 0x08);
	MALFORMED("elem reftype", "offset 0xc: malformed reference type", HDR,
		  0x09, 0x04, 0x01, 0x05, 0x7f, 0x00);
	MALFORMED("constexpr opcode", "offset 0xd: illegal opcode", HDR, 0x06,
		  0x05, 0x01, 0x7f, 0x00, 0xf3, 0x0b);
}

static const uint8_t sink[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0e, 0x03, 0x60,
	0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x60, 0x00, 0x02, 0x7f, 0x7f,
	0x02, 0x2a, 0x04, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00, 0x03,
	0x65, 0x6e, 0x76, 0x03, 0x74, 0x61, 0x62, 0x01, 0x70, 0x00, 0x01, 0x03,
	0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x01, 0x01, 0x02, 0x03,
	0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7f, 0x00, 0x03, 0x03, 0x02, 0x00,
	0x01, 0x04, 0x05, 0x01, 0x6f, 0x01, 0x02, 0x0a, 0x06, 0x0b, 0x02, 0x7e,
	0x01, 0x42, 0x07, 0x0b, 0x70, 0x00, 0xd2, 0x01, 0x0b, 0x07, 0x12, 0x03,
	0x03, 0x61, 0x64, 0x64, 0x00, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
	0x02, 0x67, 0x6d, 0x03, 0x01, 0x08, 0x01, 0x02, 0x09, 0x19, 0x04, 0x00,
	0x41, 0x00, 0x0b, 0x01, 0x01, 0x01, 0x00, 0x01, 0x02, 0x06, 0x01, 0x41,
	0x00, 0x0b, 0x6f, 0x01, 0xd0, 0x6f, 0x0b, 0x03, 0x00, 0x01, 0x01, 0x0c,
	0x01, 0x02, 0x0a, 0x28, 0x02, 0x0d, 0x02, 0x01, 0x7e, 0x02, 0x7d, 0x20,
	0x00, 0x23, 0x00, 0x6a, 0x10, 0x00, 0x0b, 0x18, 0x00, 0x41, 0x00, 0x41,
	0x00, 0x41, 0x01, 0xfc, 0x08, 0x01, 0x00, 0xfc, 0x09, 0x00, 0x02, 0x02,
	0x41, 0x01, 0x41, 0x02, 0x0b, 0x1a, 0x1a, 0x0b, 0x0b, 0x11, 0x02, 0x00,
	0x41, 0x08, 0x0b, 0x02, 0x68, 0x69, 0x01, 0x07, 0x70, 0x61, 0x73, 0x73,
	0x69, 0x76, 0x65, 0x00, 0x49, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x00, 0x05,
	0x04, 0x73, 0x69, 0x6e, 0x6b, 0x01, 0x12, 0x03, 0x00, 0x03, 0x69, 0x6d,
	0x70, 0x01, 0x03, 0x61, 0x64, 0x64, 0x02, 0x05, 0x73, 0x74, 0x61, 0x72,
	0x74, 0x02, 0x07, 0x03, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04, 0x09,
	0x02, 0x00, 0x02, 0x74, 0x30, 0x01, 0x02, 0x74, 0x31, 0x05, 0x05, 0x01,
	0x01, 0x02, 0x74, 0x32, 0x07, 0x0c, 0x03, 0x00, 0x01, 0x67, 0x01, 0x02,
	0x67, 0x6d, 0x02, 0x02, 0x67, 0x72};

/* sink.wat (wat2wasm --debug-names): every section kind, all index
 * spaces with imports, elem forms 0/1/3/6, passive data, names. */
static void test_valid(void)
{
	wasm_module m;
	wasm_error err = {0};
	bool ok = wasm_decode(&m, sink, sizeof sink, &err);
	check("decode valid", ok);
	if (!ok) {
		printf("  %s\n", err.msg);
		return;
	}
	check("types", m.num_types == 3 && m.types[0].nparams == 1 &&
			       m.types[0].params[0] == WASM_I32 &&
			       m.types[2].nresults == 2);
	check("imports", m.num_imports == 4 &&
				 strcmp(m.imports[0].module, "env") == 0 &&
				 strcmp(m.imports[2].name, "mem") == 0 &&
				 m.imports[2].of.mem.limits.max == 2);
	check("index spaces", m.num_funcs == 3 && m.num_imported_funcs == 1 &&
				      m.num_tables == 2 && m.num_mems == 1 &&
				      m.num_globals == 3 &&
				      m.num_imported_globals == 1);
	check("table", m.tables[1].elem == WASM_EXTERNREF &&
			       m.tables[1].limits.min == 2 &&
			       m.tables[1].limits.max == 10 &&
			       m.tables[0].limits.max == UINT32_MAX);
	check("globals", m.globals[1].mut && m.globals[1].type == WASM_I64 &&
				 m.global_inits[0].len == 3 &&
				 m.global_inits[0].code[2] == 0x0b);
	check("exports", m.num_exports == 3 &&
				 strcmp(m.exports[1].name, "mem") == 0 &&
				 m.exports[1].kind == WASM_EXTERN_MEMORY);
	check("start", m.has_start && m.start == 2);
	check("elems", m.num_elems == 4 && m.elems[0].mode == WASM_SEG_ACTIVE &&
			       m.elems[0].funcs[0] == 1 &&
			       m.elems[1].mode == WASM_SEG_PASSIVE &&
			       m.elems[2].table == 1 && m.elems[2].exprs &&
			       m.elems[2].type == WASM_EXTERNREF &&
			       m.elems[3].mode == WASM_SEG_DECLARATIVE);
	check("code", m.code[0].num_locals == 3 &&
			      m.code[0].local_types[0] == WASM_I64 &&
			      m.code[0].local_types[2] == WASM_F32 &&
			      m.code[0].body[m.code[0].body_len - 1] == 0x0b);
	check("datas", m.has_data_count && m.data_count == 2 &&
			       m.num_datas == 2 && m.datas[0].len == 2 &&
			       memcmp(m.datas[0].bytes, "hi", 2) == 0 &&
			       m.datas[1].mode == WASM_SEG_PASSIVE);
	check("names", m.module_name && strcmp(m.module_name, "sink") == 0 &&
			       wasm_func_name(&m, 0) &&
			       strcmp(wasm_func_name(&m, 2), "start") == 0 &&
			       wasm_func_name(&m, 3) == NULL);
	check("customs",
	      m.num_customs == 1 && strcmp(m.customs[0].name, "name") == 0);
	wasm_module_release(&m);
}

/* Every proper prefix of a valid module is malformed, and never crashes. */
static void test_truncation(void)
{
	bool ok = true;
	for (size_t n = 0; n < sizeof sink; n++) {
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, sink, n);
		wasm_module m;
		wasm_error err = {0};
		/* a cut right after a section is a valid (smaller) module */
		if (wasm_decode(&m, b, n, &err))
			wasm_module_release(&m);
		else if (err.kind != WASM_ERR_MALFORMED ||
			 strncmp(err.msg, "offset 0x", 9) != 0)
			ok = false;
		wasm_module *mod = wasm_module_new(b, n, &err);
		wasm_module_free(mod);
		free(b);
	}
	check("truncation at every length", ok);
}

/* A broken name section is ignored, the module still loads. */
static void test_bad_names(void)
{
	static const uint8_t b[] = {HDR, 0x00, 0x08, 0x04, 'n', 'a',
				    'm', 'e',  0x01, 0x05, 0x01};
	static const uint8_t c[] = {HDR,  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
				    0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01,
				    0x02, 0x00, 0x0b, 0x00, 0x0c, 0x04, 'n',
				    'a',  'm',	'e',  0x01, 0x05, 0x01, 0x00,
				    0x02, 0xff, 0xfe};
	wasm_module m;
	wasm_error err = {0};
	bool ok = wasm_decode(&m, b, sizeof b, &err);
	check("truncated name section ignored", ok && m.module_name == NULL);
	if (ok)
		wasm_module_release(&m);
	ok = wasm_decode(&m, c, sizeof c, &err);
	check("bad UTF-8 function name ignored",
	      ok && m.func_names == NULL && wasm_func_name(&m, 0) == NULL);
	if (ok)
		wasm_module_release(&m);
}

static void test_module_new(void)
{
	wasm_error err = {0};
	wasm_module *m = wasm_module_new(sink, sizeof sink, &err);
	check("module_new valid", m != NULL && err.kind == WASM_OK);
	wasm_module_free(m);
	static const uint8_t bad[] = {HDR, 0x0e};
	m = wasm_module_new(bad, sizeof bad, &err);
	check("module_new malformed",
	      m == NULL && err.kind == WASM_ERR_MALFORMED);
}

int main(void)
{
	test_header();
	test_sections();
	test_code();
	test_valid();
	test_truncation();
	test_bad_names();
	test_module_new();
	printf("%s\n", failures ? "some tests FAILED" : "all passed");
	return failures != 0;
}
