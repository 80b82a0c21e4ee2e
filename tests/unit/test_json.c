/*
 * test_json.c: the spec runner's JSON parser (tools/nebulet/json.c, built
 * into this program since unit tests link only the core). Prints
 * "PASS name" or "FAIL name" per case; exits 1 if any failed.
 */
#include "tools/nebulet/json.c"

#include "tests/unit/check.h"

/* Parses a NUL-terminated text. */
static struct json *parse(const char *text, char *err, size_t n)
{
	return json_parse(text, strlen(text), err, n);
}

/* True if text is rejected with an error that mentions `where`. */
static bool rejects(const char *text, const char *where)
{
	char err[200];
	struct json *v = parse(text, err, sizeof err);

	if (v) {
		json_free(v);
		return false;
	}
	if (!strstr(err, where)) {
		printf("  error \"%s\" lacks \"%s\"\n", err, where);
		return false;
	}
	return true;
}

static void test_scalars(void)
{
	char err[200];
	struct json *v;

	v = parse(" true ", err, sizeof err);
	check("true", v && v->type == JSON_BOOL && v->b);
	json_free(v);
	v = parse("false", err, sizeof err);
	check("false", v && v->type == JSON_BOOL && !v->b);
	json_free(v);
	v = parse("null", err, sizeof err);
	check("null", v && v->type == JSON_NULL);
	json_free(v);
	v = parse("-12.5e+3", err, sizeof err);
	check("number kept as text",
	      v && v->type == JSON_NUMBER && strcmp(v->str, "-12.5e+3") == 0);
	json_free(v);
	v = parse("18446744073709551615", err, sizeof err);
	check("big number exact",
	      v && strcmp(v->str, "18446744073709551615") == 0);
	json_free(v);
	v = parse("0", err, sizeof err);
	check("zero", v && strcmp(v->str, "0") == 0);
	json_free(v);
}

static void test_strings(void)
{
	char err[200];
	struct json *v;

	v = parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", err, sizeof err);
	check("simple escapes",
	      v && v->type == JSON_STRING &&
		      strcmp(v->str, "a\"b\\c/d\b\f\n\r\t") == 0);
	json_free(v);
	v = parse("\"\\u0041\\u00e9\\u20AC\"", err, sizeof err);
	check("\\u escapes to UTF-8",
	      v && strcmp(v->str, "A\xC3\xA9\xE2\x82\xAC") == 0);
	json_free(v);
	v = parse("\"\\ud83d\\ude00\"", err, sizeof err);
	check("surrogate pair", v && strcmp(v->str, "\xF0\x9F\x98\x80") == 0);
	json_free(v);
	v = parse("\"x\\u0000y\"", err, sizeof err);
	check("embedded NUL keeps length",
	      v && v->len == 3 && memcmp(v->str, "x\0y", 3) == 0);
	json_free(v);
	v = parse("\"\xC3\xA9\xF0\x9F\x98\x80\"", err, sizeof err);
	check("raw UTF-8 kept",
	      v && strcmp(v->str, "\xC3\xA9\xF0\x9F\x98\x80") == 0);
	json_free(v);
	v = parse("\"\"", err, sizeof err);
	check("empty string", v && v->len == 0 && v->str[0] == '\0');
	json_free(v);
}

static void test_containers(void)
{
	const char *text = "{\"commands\": [{\"type\": \"module\", "
			   "\"line\": 3}, [], {}],\n \"x\": null,"
			   " \"x\": 1}";
	char err[200];
	struct json *v = parse(text, err, sizeof err);
	const struct json *c = json_get(v, "commands");

	check("object parsed", v && v->type == JSON_OBJECT && v->n == 3);
	check("array member", c && c->type == JSON_ARRAY && c->n == 3);
	check("nested object member",
	      c && c->n == 3 &&
		      strcmp(json_get_str(&c->items[0], "type"), "module") ==
			      0 &&
		      strcmp(json_get(&c->items[0], "line")->str, "3") == 0);
	check("empty containers",
	      c && c->n == 3 && c->items[1].type == JSON_ARRAY &&
		      c->items[1].n == 0 && c->items[2].type == JSON_OBJECT &&
		      c->items[2].n == 0);
	check("duplicate key: first wins",
	      json_get(v, "x") && json_get(v, "x")->type == JSON_NULL);
	check("missing key", json_get(v, "nope") == NULL);
	check("json_get_str on non-string", json_get_str(v, "x") == NULL);
	check("json_get on non-object", json_get(c, "type") == NULL);
	json_free(v);
}

static void test_errors(void)
{
	char deep[2000];
	size_t i;

	check("trailing comma in array", rejects("[1,]", "column 4"));
	check("trailing comma in object", rejects("{\"a\":1,}", "column 8"));
	check("missing colon", rejects("{\"a\" 1}", "expected ':'"));
	check("error line number", rejects("{\n\n  \"a\": tru}", "line 3"));
	check("leading zero", rejects("01", "leading zero"));
	check("bare minus", rejects("-", "digit"));
	check("dot without digits", rejects("1.", "digit"));
	check("exponent without digits", rejects("1e+", "digit"));
	check("unterminated string", rejects("\"abc", "unterminated"));
	check("bad escape", rejects("\"\\x\"", "bad escape"));
	check("bad hex", rejects("\"\\u12g4\"", "hex"));
	check("truncated \\u", rejects("\"\\u12\"", "escape"));
	check("lone high surrogate", rejects("\"\\ud800\"", "surrogate"));
	check("lone low surrogate", rejects("\"\\udc00\"", "surrogate"));
	check("high then non-low", rejects("\"\\ud800\\u0041\"", "surrogate"));
	check("control char in string", rejects("\"a\nb\"", "control"));
	check("invalid UTF-8", rejects("\"\xC0\xAF\"", "UTF-8"));
	check("UTF-8 surrogate", rejects("\"\xED\xA0\x80\"", "UTF-8"));
	check("truncated UTF-8", rejects("\"\xE2\x82\"", "UTF-8"));
	check("trailing garbage", rejects("{} x", "after the value"));
	check("empty input", rejects("   ", "end of input"));
	check("bad word", rejects("nul", "unexpected word"));
	check("single quotes", rejects("'a'", "unexpected character"));
	check("unclosed array", rejects("[1, 2", "expected ','"));
	check("non-string key", rejects("{1: 2}", "member name"));
	for (i = 0; i < sizeof deep - 1; i++)
		deep[i] = '[';
	deep[i] = '\0';
	check("nesting limit", rejects(deep, "too deep"));
}

/* A parse of a buffer not ended by NUL must not read past its length. */
static void test_bounds(void)
{
	char err[200];
	char *buf = malloc(5);
	struct json *v;

	memcpy(buf, "[123", 4);
	v = json_parse(buf, 4, err, sizeof err);
	check("no read past length", !v && strstr(err, "column 5"));
	memcpy(buf, "\"ab\\", 4);
	v = json_parse(buf, 4, err, sizeof err);
	check("escape at end", !v && strstr(err, "unterminated"));
	memcpy(buf, "true", 4);
	v = json_parse(buf, 3, err, sizeof err);
	check("word cut by length", !v);
	free(buf);
}

int main(void)
{
	test_scalars();
	test_strings();
	test_containers();
	test_errors();
	test_bounds();
	return failures ? 1 : 0;
}
