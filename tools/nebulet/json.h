/*
 * json.h: a small strict JSON parser (RFC 8259) for the spec runner.
 *
 * json_parse() builds a tree of values. Strings are decoded to UTF-8
 * (escapes included, \uXXXX surrogate pairs joined); numbers are kept as
 * their text, for the caller to convert as it likes. Anything that is not
 * JSON (trailing commas, comments, lone surrogates, bad UTF-8, control
 * characters in strings, leading zeros, trailing garbage) is an error
 * that names its line and column.
 */
#ifndef NEBULET_JSON_H
#define NEBULET_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json {
	enum json_type type;
	char *key;	    /* member name when inside an object, else NULL */
	size_t key_len;	    /* bytes in key (it may hold a NUL) */
	char *str;	    /* STRING: text; NUMBER: its literal; NUL-ended */
	size_t len;	    /* bytes in str */
	bool b;		    /* BOOL */
	size_t n;	    /* ARRAY/OBJECT: number of items */
	struct json *items; /* ARRAY elements, or OBJECT members (key set) */
};

/*
 * Parses len bytes of text. Returns the root value (free with json_free),
 * or NULL with a message "line L, column C: ..." in err (errsize bytes).
 */
struct json *json_parse(const char *text, size_t len, char *err,
			size_t errsize);
void json_free(struct json *v);

/* The member `key` of an object, or NULL (also when v is not an object). */
const struct json *json_get(const struct json *v, const char *key);
/* The member `key` if it is a string (its text), else NULL. */
const char *json_get_str(const struct json *v, const char *key);

#endif
