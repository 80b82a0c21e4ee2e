/*
 * spec_value.c: wasm values in the spec test runner (spec.h): read from
 * the json scripts (numbers as decimal strings, v128 lanes, NaN
 * patterns), compared with results, printed in failure messages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tools/nebulet/spec.h"

/* A value as "type:value", floats as bits plus their decimal reading. */
void spec_describe_value(char *out, size_t n, uint8_t type, wasm_val v)
{
	float f;
	double d;

	switch (type) {
	case WASM_I32:
		snprintf(out, n, "i32:%" PRIu32, v.i32);
		break;
	case WASM_I64:
		snprintf(out, n, "i64:%" PRIu64, v.i64);
		break;
	case WASM_F32:
		memcpy(&f, &v.f32, 4);
		snprintf(out, n, "f32:0x%08" PRIx32 " (%.9g)", v.f32, f);
		break;
	case WASM_F64:
		memcpy(&d, &v.f64, 8);
		snprintf(out, n, "f64:0x%016" PRIx64 " (%.17g)", v.f64, d);
		break;
	case WASM_FUNCREF:
		snprintf(out, n, v.ref ? "funcref:%p" : "funcref:null", v.ref);
		break;
	case WASM_EXTERNREF:
		if (v.ref)
			snprintf(out, n, "externref:%" PRIuPTR,
				 (uintptr_t)v.ref - 1);
		else
			snprintf(out, n, "externref:null");
		break;
	case WASM_V128: {
		uint32_t w[4];
		memcpy(w, v.v128, 16);
		snprintf(out, n,
			 "v128:i32x4 0x%08" PRIx32 " 0x%08" PRIx32
			 " 0x%08" PRIx32 " 0x%08" PRIx32,
			 w[0], w[1], w[2], w[3]);
		break;
	}
	default:
		snprintf(out, n, "type 0x%02x", type);
	}
}

/* Parses a decimal string of at most max; false if it is not one. */
bool spec_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* The valtype named by a json "type" string, or 0. */
static uint8_t type_code(const char *t)
{
	static const struct {
		const char *name;
		uint8_t code;
	} types[] = {
		{"i32", WASM_I32},	   {"i64", WASM_I64},
		{"f32", WASM_F32},	   {"f64", WASM_F64},
		{"funcref", WASM_FUNCREF}, {"externref", WASM_EXTERNREF},
		{"v128", WASM_V128},
	};
	size_t i;

	for (i = 0; t && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(t, types[i].name) == 0)
			return types[i].code;
	return 0;
}

/* The width in bytes of a v128's "lane_type" (i8 ... f64), or 0. */
static unsigned lane_width(const char *t)
{
	if (!t || (t[0] != 'i' && t[0] != 'f'))
		return 0;
	return strcmp(t + 1, "8") == 0	  ? 1
	       : strcmp(t + 1, "16") == 0 ? 2
	       : strcmp(t + 1, "32") == 0 ? 4
	       : strcmp(t + 1, "64") == 0 ? 8
					  : 0;
}

/* Reads a v128's lanes (a json array of decimal strings of its
 * lane_type's width) into v; a NaN pattern is not a value. */
static bool read_v128(const struct json *j, wasm_val *v)
{
	const struct json *lanes = json_get(j, "value");
	unsigned w = lane_width(json_get_str(j, "lane_type"));
	uint64_t x;
	if (!w || !lanes || lanes->type != JSON_ARRAY || lanes->n != 16 / w)
		return false;
	for (size_t i = 0; i < lanes->n; i++) {
		const struct json *l = &lanes->items[i];
		if (l->type != JSON_STRING ||
		    !spec_parse_u64(l->str,
				    w == 8 ? UINT64_MAX : (1ull << 8 * w) - 1,
				    &x))
			return false;
		memcpy(v->v128 + i * w, &x, w);
	}
	return true;
}

/*
 * Reads a json value {"type": T, "value": V} that is not a NaN pattern
 * into *type and *v. A host reference N becomes the pointer N+1, so that
 * reference 0 is not null. False if it cannot be represented.
 */
bool spec_read_value(const struct json *j, uint8_t *type, wasm_val *v)
{
	const char *s = json_get_str(j, "value");
	uint64_t x;

	*type = type_code(json_get_str(j, "type"));
	memset(v, 0, sizeof *v);
	switch (*type) {
	case WASM_I32:
	case WASM_F32:
		if (!spec_parse_u64(s, UINT32_MAX, &x))
			return false;
		v->i32 = (uint32_t)x;
		return true;
	case WASM_I64:
	case WASM_F64:
		return spec_parse_u64(s, UINT64_MAX, &v->i64);
	case WASM_FUNCREF:
	case WASM_EXTERNREF:
		if (s && strcmp(s, "null") == 0)
			return true;
		if (*type == WASM_FUNCREF ||
		    !spec_parse_u64(s, UINTPTR_MAX - 1, &x))
			return false;
		v->ref = (void *)(uintptr_t)(x + 1);
		return true;
	case WASM_V128:
		return read_v128(j, v);
	default:
		return false;
	}
}

/* True if bits (of an f32 or f64) match "nan:canonical"/"nan:arithmetic". */
static bool match_nan(uint8_t type, wasm_val v, const char *pattern)
{
	bool canonical = strcmp(pattern, "nan:canonical") == 0;

	if (type == WASM_F32) {
		uint32_t quiet = 0x7FC00000;
		return canonical ? (v.f32 & 0x7FFFFFFF) == quiet
				 : (v.f32 & quiet) == quiet;
	}
	uint64_t quiet = 0x7FF8000000000000;
	return canonical ? (v.f64 & 0x7FFFFFFFFFFFFFFF) == quiet
			 : (v.f64 & quiet) == quiet;
}

/* Compares a v128 result with expected lanes that hold NaN patterns
 * (f32 or f64 lanes): each lane a pattern or exact bits. */
static bool match_v128_nan(const struct json *e, wasm_val v)
{
	const struct json *lanes = json_get(e, "value");
	unsigned w = lane_width(json_get_str(e, "lane_type"));
	uint64_t x;
	if ((w != 4 && w != 8) || !lanes || lanes->type != JSON_ARRAY ||
	    lanes->n != 16 / w)
		return false;
	for (size_t i = 0; i < lanes->n; i++) {
		const char *s = lanes->items[i].str;
		wasm_val lane = {0};
		memcpy(&lane, v.v128 + i * w, w);
		if (!s)
			return false;
		if (strncmp(s, "nan:", 4) == 0) {
			if (!match_nan(w == 4 ? WASM_F32 : WASM_F64, lane, s))
				return false;
		} else if (!spec_parse_u64(s, UINT64_MAX, &x) ||
			   memcmp(&x, v.v128 + i * w, w) != 0) {
			return false;
		}
	}
	return true;
}

/* Does a v128's expected value hold a NaN pattern in some lane? */
static bool has_nan_lane(const struct json *e)
{
	const struct json *lanes = json_get(e, "value");
	for (size_t i = 0; lanes && lanes->type == JSON_ARRAY && i < lanes->n;
	     i++)
		if (lanes->items[i].str &&
		    strncmp(lanes->items[i].str, "nan:", 4) == 0)
			return true;
	return false;
}

/*
 * Compares result (type, v) with the expected json value; fills `want`
 * with the expected value's description for a failure message.
 */
bool spec_match_value(const struct json *e, uint8_t type, wasm_val v,
		      char *want, size_t n)
{
	const char *s = json_get_str(e, "value");
	const char *tname = json_get_str(e, "type");
	uint8_t etype = type_code(tname);
	wasm_val ev;

	if (s && strncmp(s, "nan:", 4) == 0 &&
	    (etype == WASM_F32 || etype == WASM_F64)) {
		snprintf(want, n, "%s:%s", tname, s);
		return etype == type && match_nan(type, v, s);
	}
	if (etype == WASM_V128 && has_nan_lane(e)) {
		snprintf(want, n, "v128:%s with NaN lanes",
			 json_get_str(e, "lane_type"));
		return type == WASM_V128 && match_v128_nan(e, v);
	}
	if (etype == WASM_FUNCREF && s && strcmp(s, "null") != 0) {
		snprintf(want, n, "funcref:non-null");
		return type == WASM_FUNCREF && v.ref != NULL;
	}
	if (!spec_read_value(e, &etype, &ev)) {
		snprintf(want, n, "%s:%s (unsupported)", tname ? tname : "?",
			 s ? s : "?");
		return false;
	}
	spec_describe_value(want, n, etype, ev);
	if (etype != type)
		return false;
	switch (type) {
	case WASM_I32:
	case WASM_F32:
		return v.i32 == ev.i32;
	case WASM_I64:
	case WASM_F64:
		return v.i64 == ev.i64;
	case WASM_V128:
		return memcmp(v.v128, ev.v128, 16) == 0;
	default:
		return v.ref == ev.ref;
	}
}
