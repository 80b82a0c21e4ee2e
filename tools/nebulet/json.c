/*
 * json.c: a strict recursive-descent JSON parser (see json.h).
 *
 * The parser walks the text once; each value becomes a struct json, arrays
 * and objects holding their items in one growing array. Nesting is capped
 * so hostile input cannot overflow the C stack.
 */
#include "tools/nebulet/json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 512

struct parser {
	const char *start, *p, *end;
	char *err;
	size_t errsize;
	bool failed;
	int depth;
};

static bool parse_value(struct parser *ps, struct json *out);

/* Records the first error with the line and column of `at`; returns false. */
static bool fail_at(struct parser *ps, const char *at, const char *msg)
{
	const char *q;
	unsigned line = 1, col = 1;

	if (ps->failed)
		return false;
	ps->failed = true;
	for (q = ps->start; q < at && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (ps->err && ps->errsize)
		snprintf(ps->err, ps->errsize, "line %u, column %u: %s", line,
			 col, msg);
	return false;
}

static bool fail(struct parser *ps, const char *msg)
{
	return fail_at(ps, ps->p, msg);
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

/* True (and consumes it) if the literal word `w` is next. */
static bool accept_word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, kept as text. */
static bool parse_number(struct parser *ps, struct json *out)
{
	const char *s = ps->p;
	size_t n;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || !is_digit(*ps->p))
		return fail(ps, "expected a digit");
	if (*ps->p == '0') {
		ps->p++;
		if (ps->p < ps->end && is_digit(*ps->p))
			return fail(ps, "leading zero in number");
	} else {
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p))
			return fail(ps, "expected a digit after '.'");
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || !is_digit(*ps->p))
			return fail(ps, "expected a digit in exponent");
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	n = (size_t)(ps->p - s);
	out->str = malloc(n + 1);
	if (!out->str)
		return fail_at(ps, s, "out of memory");
	memcpy(out->str, s, n);
	out->str[n] = '\0';
	out->len = n;
	out->type = JSON_NUMBER;
	return true;
}

/*
 * Length of the valid UTF-8 sequence at s (at most `avail` bytes), or 0
 * if it is not one (overlong forms, surrogates and values past U+10FFFF
 * are rejected).
 */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	return n;
}

/* Writes code point c as UTF-8 at o; returns the bytes written. */
static size_t utf8_put(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Reads the 4 hex digits after "\u"; false (error set) if malformed. */
static bool parse_hex4(struct parser *ps, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	if (ps->end - ps->p < 4)
		return fail(ps, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char c = ps->p[i];
		v <<= 4;
		if (is_digit(c))
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return fail_at(ps, ps->p + i,
				       "bad hex digit in \\u escape");
	}
	ps->p += 4;
	*out = v;
	return true;
}

/* After a backslash: decodes \uXXXX (joining surrogate pairs) into *c. */
static bool parse_unicode_escape(struct parser *ps, uint32_t *c)
{
	const char *at = ps->p - 2;
	uint32_t lo;

	if (!parse_hex4(ps, c))
		return false;
	if (*c >= 0xDC00 && *c <= 0xDFFF)
		return fail_at(ps, at, "lone low surrogate in \\u escape");
	if (*c < 0xD800 || *c > 0xDBFF)
		return true;
	if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
		return fail_at(ps, at, "high surrogate without low surrogate");
	ps->p += 2;
	if (!parse_hex4(ps, &lo))
		return false;
	if (lo < 0xDC00 || lo > 0xDFFF)
		return fail_at(ps, at, "high surrogate without low surrogate");
	*c = 0x10000 + ((*c - 0xD800) << 10) + (lo - 0xDC00);
	return true;
}

/* One escape sequence (after the backslash); appends its bytes at *o. */
static bool parse_escape(struct parser *ps, char **o)
{
	uint32_t c;

	if (ps->p >= ps->end)
		return fail(ps, "unterminated string");
	switch (*ps->p++) {
	case '"':
		*(*o)++ = '"';
		return true;
	case '\\':
		*(*o)++ = '\\';
		return true;
	case '/':
		*(*o)++ = '/';
		return true;
	case 'b':
		*(*o)++ = '\b';
		return true;
	case 'f':
		*(*o)++ = '\f';
		return true;
	case 'n':
		*(*o)++ = '\n';
		return true;
	case 'r':
		*(*o)++ = '\r';
		return true;
	case 't':
		*(*o)++ = '\t';
		return true;
	case 'u':
		if (!parse_unicode_escape(ps, &c))
			return false;
		*o += utf8_put(*o, c);
		return true;
	default:
		return fail_at(ps, ps->p - 2, "bad escape in string");
	}
}

/*
 * A string at ps->p (the opening quote). Sets *str (malloc'd, NUL-ended)
 * and *len. Decoded text is never longer than its source, so the buffer
 * is sized from a first scan to the closing quote.
 */
static bool parse_string_raw(struct parser *ps, char **str, size_t *len)
{
	const char *q = ps->p + 1;
	char *buf, *o;

	while (q < ps->end && *q != '"')
		q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
	if (q >= ps->end)
		return fail(ps, "unterminated string");
	buf = malloc((size_t)(q - ps->p));
	if (!buf)
		return fail(ps, "out of memory");
	o = buf;
	ps->p++;
	while (*ps->p != '"') {
		unsigned char ch = (unsigned char)*ps->p;
		size_t n;

		if (ch == '\\') {
			ps->p++;
			if (!parse_escape(ps, &o))
				goto bad;
			continue;
		}
		if (ch < 0x20) {
			fail(ps, "control character in string");
			goto bad;
		}
		n = utf8_seq_len((const unsigned char *)ps->p,
				 (size_t)(ps->end - ps->p));
		if (n == 0) {
			fail(ps, "invalid UTF-8 in string");
			goto bad;
		}
		memcpy(o, ps->p, n);
		o += n;
		ps->p += n;
	}
	ps->p++;
	*o = '\0';
	*str = buf;
	*len = (size_t)(o - buf);
	return true;
bad:
	free(buf);
	return false;
}

/* Appends a zeroed item to an array/object value; NULL if out of memory. */
static struct json *push_item(struct parser *ps, struct json *v, size_t *cap)
{
	if (v->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct json *ni = realloc(v->items, ncap * sizeof *ni);
		if (!ni) {
			fail(ps, "out of memory");
			return NULL;
		}
		v->items = ni;
		*cap = ncap;
	}
	memset(&v->items[v->n], 0, sizeof v->items[0]);
	return &v->items[v->n++];
}

/* Array or object at ps->p ('[' or '{'); items go into out. */
static bool parse_container(struct parser *ps, struct json *out)
{
	bool obj = *ps->p == '{';
	char close = obj ? '}' : ']';
	size_t cap = 0;

	out->type = obj ? JSON_OBJECT : JSON_ARRAY;
	if (++ps->depth > JSON_MAX_DEPTH)
		return fail(ps, "nesting too deep");
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return true;
	}
	for (;;) {
		struct json *it = push_item(ps, out, &cap);
		if (!it)
			return false;
		skip_space(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "expected a member name");
			if (!parse_string_raw(ps, &it->key, &it->key_len))
				return false;
			skip_space(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail(ps, "expected ':'");
			ps->p++;
		}
		if (!parse_value(ps, it))
			return false;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return true;
		}
		return fail(ps, obj ? "expected ',' or '}'"
				    : "expected ',' or ']'");
	}
}

/* Any value, after optional white space. */
static bool parse_value(struct parser *ps, struct json *out)
{
	skip_space(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of input");
	switch (*ps->p) {
	case '{':
	case '[':
		return parse_container(ps, out);
	case '"':
		out->type = JSON_STRING;
		return parse_string_raw(ps, &out->str, &out->len);
	case 't':
	case 'f':
	case 'n':
		if (accept_word(ps, "true")) {
			out->type = JSON_BOOL;
			out->b = true;
		} else if (accept_word(ps, "false")) {
			out->type = JSON_BOOL;
		} else if (accept_word(ps, "null")) {
			out->type = JSON_NULL;
		} else {
			return fail(ps, "unexpected word");
		}
		return true;
	default:
		if (*ps->p == '-' || is_digit(*ps->p))
			return parse_number(ps, out);
		return fail(ps, "unexpected character");
	}
}

/* Frees what v owns, not v itself. */
static void json_clear(struct json *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		json_clear(&v->items[i]);
	free(v->items);
	free(v->str);
	free(v->key);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errsize)
{
	struct parser ps = {text, text, text + len, err, errsize, false, 0};
	struct json *root = calloc(1, sizeof *root);

	if (err && errsize)
		err[0] = '\0';
	if (!root) {
		fail(&ps, "out of memory");
		return NULL;
	}
	if (parse_value(&ps, root)) {
		skip_space(&ps);
		if (ps.p == ps.end)
			return root;
		fail(&ps, "unexpected text after the value");
	}
	json_free(root);
	return NULL;
}

void json_free(struct json *v)
{
	if (!v)
		return;
	json_clear(v);
	free(v);
}

const struct json *json_get(const struct json *v, const char *key)
{
	size_t i, n = strlen(key);

	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->items[i].key_len == n &&
		    memcmp(v->items[i].key, key, n) == 0)
			return &v->items[i];
	return NULL;
}

const char *json_get_str(const struct json *v, const char *key)
{
	const struct json *m = json_get(v, key);

	return m && m->type == JSON_STRING ? m->str : NULL;
}
