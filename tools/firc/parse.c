/*
 * parse.c: the firc lexer and recursive-descent parser. It stops at the
 * first error, printing "file:line:col: error: what" to stderr, and
 * checks the meaning as it goes (known types, unique names and
 * ordinals, bounds, message size limits).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tools/firc/firc.h"
#include "user/include/nebulet.h"

enum tok { T_EOF, T_IDENT, T_INT, T_PUNCT, T_ARROW };

struct parser {
	const char *path, *s;
	int line, col;
	enum tok tok; /* the current token */
	char text[FIRC_NAME];
	uint64_t num;
	int tline, tcol;
	struct firc_decl *decls;
	int failed;
};

/* Reports an error at the current token (first one only). */
static void err(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed++)
		return;
	fprintf(stderr, "%s:%d:%d: error: ", p->path, p->tline, p->tcol);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Consumes one character, tracking line and column. */
static char adv(struct parser *p)
{
	char c = *p->s++;

	if (c == '\n') {
		p->line++;
		p->col = 1;
	} else {
		p->col++;
	}
	return c;
}

/* Skips blanks and comments (# or // to the end of the line). */
static void skip_space(struct parser *p)
{
	for (;;) {
		if (isspace((unsigned char)*p->s)) {
			adv(p);
		} else if (*p->s == '#' || (p->s[0] == '/' && p->s[1] == '/')) {
			while (*p->s && *p->s != '\n')
				adv(p);
		} else {
			return;
		}
	}
}

/* Reads the next token into p->tok/text/num. */
static void next(struct parser *p)
{
	int n = 0;

	skip_space(p);
	p->tline = p->line;
	p->tcol = p->col;
	p->text[0] = 0;
	if (!*p->s) {
		p->tok = T_EOF;
		strcpy(p->text, "end of file");
	} else if (isalpha((unsigned char)*p->s) || *p->s == '_') {
		p->tok = T_IDENT;
		while (isalnum((unsigned char)*p->s) || *p->s == '_') {
			if (n == FIRC_NAME - 1) {
				err(p, "identifier longer than %d characters",
				    FIRC_NAME - 1);
				p->tok = T_EOF;
				return;
			}
			p->text[n++] = adv(p);
		}
		p->text[n] = 0;
	} else if (isdigit((unsigned char)*p->s) ||
		   (p->s[0] == '-' && isdigit((unsigned char)p->s[1]))) {
		char *end;
		int neg = *p->s == '-';
		errno = 0;
		p->num = neg ? (uint64_t)strtoll(p->s, &end, 0)
			     : strtoull(p->s, &end, 0);
		if (errno || end == p->s + neg || isalnum((unsigned char)*end))
			err(p, "bad number");
		p->tok = T_INT;
		snprintf(p->text, sizeof p->text, "%.*s",
			 (int)(end - p->s) < 60 ? (int)(end - p->s) : 60, p->s);
		while (p->s < end)
			adv(p);
	} else if (p->s[0] == '-' && p->s[1] == '>') {
		p->tok = T_ARROW;
		strcpy(p->text, "->");
		adv(p);
		adv(p);
	} else {
		p->tok = T_PUNCT;
		p->text[0] = adv(p);
		p->text[1] = 0;
		if (!strchr("{}()<>:;,=|", p->text[0]))
			err(p, "unexpected character '%c'", p->text[0]);
	}
}

/* True (and consumed) if the current token is punctuation c. */
static int accept(struct parser *p, char c)
{
	if (p->tok == T_PUNCT && p->text[0] == c) {
		next(p);
		return 1;
	}
	return 0;
}

/* Requires punctuation c; `what` says where, for the message. */
static void expect(struct parser *p, char c, const char *what)
{
	if (!accept(p, c))
		err(p, "expected '%c' %s, got '%s'", c, what, p->text);
}

static const char *const c_words[] = {
	"auto",	    "break",	"case",	    "char",   "const",	 "continue",
	"default",  "do",	"double",   "else",   "enum",	 "extern",
	"float",    "for",	"goto",	    "if",     "inline",	 "int",
	"long",	    "register", "restrict", "return", "short",	 "signed",
	"sizeof",   "static",	"struct",   "switch", "typedef", "union",
	"unsigned", "void",	"volatile", "while",  "bool",	 "true",
	"false",
};

/* Requires an identifier and copies it to out; C keywords, which would
 * break the generated C, are refused. */
static void ident(struct parser *p, char *out, const char *what)
{
	if (p->tok != T_IDENT) {
		err(p, "expected %s, got '%s'", what, p->text);
		out[0] = 0;
		return;
	}
	for (size_t i = 0; i < sizeof c_words / sizeof c_words[0]; i++)
		if (!strcmp(p->text, c_words[i]) && strcmp(what, "a type") &&
		    strncmp(what, "'struct'", 8))
			err(p, "'%s' is a C keyword", p->text);
	strcpy(out, p->text);
	next(p);
}

/* Requires an integer in [lo, hi]. */
static int64_t integer(struct parser *p, int64_t lo, int64_t hi,
		       const char *what)
{
	int64_t v = (int64_t)p->num;

	if (p->tok != T_INT) {
		err(p, "expected %s, got '%s'", what, p->text);
		return lo;
	}
	if (v < lo || v > hi || (p->text[0] != '-' && p->num > INT64_MAX))
		err(p, "%s %s out of range [%lld, %lld]", what, p->text,
		    (long long)lo, (long long)hi);
	next(p);
	return v < lo || v > hi ? lo : v;
}

static const char *const int_names[] = {"u8", "u16", "u32", "u64",
					"i8", "i16", "i32", "i64"};

/* The declaration named `name`, or NULL. */
static struct firc_decl *find(struct parser *p, const char *name)
{
	for (struct firc_decl *d = p->decls; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static const struct {
	const char *name;
	uint32_t bit;
} right_names[] = {
	{"duplicate", NB_RIGHT_DUPLICATE}, {"transfer", NB_RIGHT_TRANSFER},
	{"read", NB_RIGHT_READ},	   {"write", NB_RIGHT_WRITE},
	{"signal", NB_RIGHT_SIGNAL},	   {"wait", NB_RIGHT_WAIT},
	{"kill", NB_RIGHT_KILL},
};

/* handle [ "<" right { "|" right } ">" ]: the rights set. */
static uint32_t rights(struct parser *p)
{
	uint32_t r = 0;

	if (!accept(p, '<'))
		return NB_RIGHT_SAME_RIGHTS;
	do {
		char name[FIRC_NAME];
		size_t i, n = sizeof right_names / sizeof right_names[0];
		int line = p->tline, col = p->tcol;

		ident(p, name, "a right");
		for (i = 0; i < n && strcmp(right_names[i].name, name); i++)
			;
		if (i == n && !p->failed) {
			p->tline = line;
			p->tcol = col;
			err(p,
			    "unknown right '%s' (duplicate, transfer, read, "
			    "write, signal, wait, kill)",
			    name);
		}
		r |= i < n ? right_names[i].bit : 0;
	} while (accept(p, '|'));
	expect(p, '>', "after the rights");
	return r;
}

/* "<" bound ">" of string and bytes. */
static uint32_t bound(struct parser *p)
{
	uint32_t b;

	expect(p, '<', "before the bound");
	b = (uint32_t)integer(p, 1, FIR_BOUND_MAX, "bound");
	expect(p, '>', "after the bound");
	return b;
}

/* Parses a type. */
static struct firc_type *type(struct parser *p)
{
	struct firc_type *t = calloc(1, sizeof *t);
	char name[FIRC_NAME];
	int line = p->tline, col = p->tcol;

	ident(p, name, "a type");
	for (int i = 0; i < 8; i++)
		if (!strcmp(name, int_names[i]))
			t->kind = (enum firc_kind)(FK_U8 + i);
	if (!strcmp(name, "bool")) {
		t->kind = FK_BOOL;
	} else if (!strcmp(name, "string") || !strcmp(name, "bytes")) {
		t->kind = name[0] == 's' ? FK_STRING : FK_BYTES;
		t->max = bound(p);
	} else if (!strcmp(name, "array")) {
		t->kind = FK_ARRAY;
		expect(p, '<', "after 'array'");
		t->elem = type(p);
		expect(p, ',', "between the element type and the bound");
		t->max = (uint32_t)integer(p, 1, FIR_BOUND_MAX, "bound");
		expect(p, '>', "after the array bound");
	} else if (!strcmp(name, "handle")) {
		t->kind = FK_HANDLE;
		t->rights = rights(p);
	} else if (t->kind == FK_U8 && strcmp(name, "u8")) {
		struct firc_decl *d = find(p, name);
		if (!d || d->kind == FD_INTERFACE) {
			if (!p->failed) {
				p->tline = line;
				p->tcol = col;
			}
			err(p, "unknown type '%s'%s", name,
			    d ? " (an interface is not a type)"
			      : " (declare it before use)");
			return t;
		}
		t->kind = d->kind == FD_STRUCT ? FK_STRUCT : FK_ENUM;
		t->decl = d;
	}
	return t;
}

/* name ":" type, checked unique within fs. */
static void field(struct parser *p, struct firc_fields *fs)
{
	struct firc_field *f;

	if (fs->n == FIRC_MAX_ITEMS) {
		err(p, "more than %d fields", FIRC_MAX_ITEMS);
		return;
	}
	f = &fs->f[fs->n];
	for (int i = 0; i < fs->n && p->tok == T_IDENT; i++)
		if (!strcmp(fs->f[i].name, p->text))
			err(p, "duplicate field '%s'", p->text);
	ident(p, f->name, "a field name");
	expect(p, ':', "after the field name");
	f->type = type(p);
	fs->n++;
}

/* Checks that the fields of one message fit a channel message. */
static void check_size(struct parser *p, struct firc_fields *fs,
		       const char *what)
{
	uint64_t bytes = firc_msg_bytes(fs), handles = firc_msg_handles(fs);

	if (bytes > NB_CHANNEL_MAX_BYTES)
		err(p, "%s may be %llu bytes, over the %u of a message", what,
		    (unsigned long long)bytes, NB_CHANNEL_MAX_BYTES);
	if (handles > NB_CHANNEL_MAX_HANDLES)
		err(p, "%s may carry %llu handles, over the %u of a message",
		    what, (unsigned long long)handles, NB_CHANNEL_MAX_HANDLES);
}

/* Checks that a call's request and reply fit the stack it takes. */
static void check_call(struct parser *p, struct firc_method *m)
{
	uint64_t bytes = firc_msg_bytes(&m->req) + firc_msg_bytes(&m->resp);

	if (bytes > FIRC_CALL_MAX)
		err(p,
		    "request and reply may be %llu bytes, over the %u a "
		    "call keeps on the stack",
		    (unsigned long long)bytes, FIRC_CALL_MAX);
}

/* "(" [field { "," field }] ")" */
static void field_list(struct parser *p, struct firc_fields *fs,
		       const char *what)
{
	expect(p, '(', what);
	if (!accept(p, ')')) {
		do
			field(p, fs);
		while (!p->failed && accept(p, ','));
		expect(p, ')', "after the fields");
	}
}

/* ordinal ":" ["oneway"] name "(" fields ")" ["->" "(" fields ")"] ";" */
static void method(struct parser *p, struct firc_decl *d)
{
	struct firc_method *m;
	int line = p->tline, col = p->tcol;

	if (d->nmethods == FIRC_MAX_ITEMS) {
		err(p, "more than %d methods", FIRC_MAX_ITEMS);
		return;
	}
	m = &d->methods[d->nmethods];
	m->line = line;
	m->col = col;
	m->ordinal = (uint32_t)integer(p, 1, 0x7fffffff, "method ordinal");
	for (int i = 0; i < d->nmethods && !p->failed; i++)
		if (d->methods[i].ordinal == m->ordinal) {
			p->tline = line;
			p->tcol = col;
			err(p, "ordinal %u already used by '%s'", m->ordinal,
			    d->methods[i].name);
		}
	expect(p, ':', "after the ordinal");
	if (p->tok == T_IDENT && !strcmp(p->text, "oneway")) {
		m->oneway = 1;
		next(p);
	}
	for (int i = 0; i < d->nmethods && p->tok == T_IDENT; i++)
		if (!strcmp(d->methods[i].name, p->text))
			err(p, "duplicate method '%s'", p->text);
	ident(p, m->name, "a method name");
	field_list(p, &m->req, "before the parameters");
	if (p->tok == T_ARROW) {
		if (m->oneway)
			err(p, "a oneway method has no reply");
		next(p);
		field_list(p, &m->resp, "before the results");
	}
	if (!p->failed) {
		p->tline = line;
		p->tcol = col;
		check_size(p, &m->req, "the request");
		check_size(p, &m->resp, "the reply");
		check_call(p, m);
	}
	expect(p, ';', "after the method");
	d->nmethods++;
}

/* enum Name ":" inttype "{" name "=" int { "," ... } [","] "}" */
static void enum_body(struct parser *p, struct firc_decl *d)
{
	static const int64_t lo[] = {0,	       0,	  0,	     0,
				     INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN};
	static const int64_t hi[] = {UINT8_MAX, UINT16_MAX, UINT32_MAX,
				     INT64_MAX, INT8_MAX,   INT16_MAX,
				     INT32_MAX, INT64_MAX};
	struct firc_type *t;

	expect(p, ':', "after the enum name");
	t = type(p);
	if (t->kind > FK_I64 && !p->failed)
		err(p, "an enum's base must be an integer type");
	d->base = t->kind > FK_I64 ? FK_U32 : t->kind;
	expect(p, '{', "to open the enum");
	while (!p->failed && p->tok == T_IDENT) {
		struct firc_enumval *v = &d->vals[d->nvals];
		int64_t x;
		if (d->nvals == FIRC_MAX_ITEMS) {
			err(p, "more than %d enum values", FIRC_MAX_ITEMS);
			return;
		}
		for (int i = 0; i < d->nvals; i++)
			if (!strcmp(d->vals[i].name, p->text))
				err(p, "duplicate enum value '%s'", p->text);
		ident(p, v->name, "an enum value name");
		expect(p, '=', "after the enum value name");
		x = integer(p, lo[d->base], hi[d->base], "enum value");
		for (int i = 0; i < d->nvals; i++)
			if (d->vals[i].value == x)
				err(p, "enum value %lld repeated",
				    (long long)x);
		v->value = x;
		d->nvals++;
		if (!accept(p, ','))
			break;
	}
	if (!d->nvals)
		err(p, "an enum needs at least one value");
	expect(p, '}', "to close the enum");
}

/* One top-level declaration. */
static void decl(struct parser *p)
{
	struct firc_decl *d = calloc(1, sizeof *d), **tail;
	char kw[FIRC_NAME];

	ident(p, kw, "'struct', 'enum' or 'interface'");
	if (!strcmp(kw, "struct"))
		d->kind = FD_STRUCT;
	else if (!strcmp(kw, "enum"))
		d->kind = FD_ENUM;
	else if (!strcmp(kw, "interface"))
		d->kind = FD_INTERFACE;
	else if (!p->failed)
		err(p, "expected 'struct', 'enum' or 'interface', got '%s'",
		    kw);
	if (p->tok == T_IDENT && find(p, p->text))
		err(p, "'%s' is already declared", p->text);
	d->line = p->tline;
	d->col = p->tcol;
	ident(p, d->name, "a name");
	if (d->kind == FD_ENUM) {
		enum_body(p, d);
	} else {
		expect(p, '{', "to open the body");
		while (!p->failed && !accept(p, '}')) {
			if (p->tok == T_EOF) {
				err(p, "missing '}' before end of file");
				break;
			}
			if (d->kind == FD_STRUCT) {
				field(p, &d->fields);
				expect(p, ';', "after the field");
			} else {
				method(p, d);
			}
		}
		if (d->kind == FD_STRUCT && !d->fields.n && !p->failed)
			err(p, "struct '%s' has no fields", d->name);
	}
	for (tail = &p->decls; *tail; tail = &(*tail)->next)
		;
	*tail = d;
}

/*
 * The C names of two declarations must not meet: a type `Foo_bar` (C
 * `foo_bar`) against the functions and types of interface Foo's method
 * bar (`foo_bar`, `foo_bar_req`, ...). Reports the later one.
 */
static void check_clashes(struct parser *p)
{
	char t[2 * FIRC_NAME], in[2 * FIRC_NAME], f[4 * FIRC_NAME];

	for (struct firc_decl *d = p->decls; d && !p->failed; d = d->next) {
		if (d->kind == FD_INTERFACE)
			continue;
		firc_snake(t, d->name, 0);
		for (struct firc_decl *i = p->decls; i; i = i->next) {
			if (i->kind != FD_INTERFACE)
				continue;
			firc_snake(in, i->name, 0);
			for (int k = 0; k < i->nmethods; k++) {
				const struct firc_method *m = &i->methods[k];
				int mline = m->line, mcol = m->col;
				snprintf(f, sizeof f, "%s_%s", in, m->name);
				if (strncmp(t, f, strlen(f)) ||
				    (t[strlen(f)] &&
				     strcmp(t + strlen(f), "_req") &&
				     strcmp(t + strlen(f), "_resp")))
					continue;
				int later = d->line > mline ||
					    (d->line == mline && d->col > mcol);
				p->tline = later ? d->line : mline;
				p->tcol = later ? d->col : mcol;
				err(p,
				    "the C name '%s' of type '%s' clashes with "
				    "method '%s' of '%s'",
				    t, d->name, m->name, i->name);
				return;
			}
		}
	}
}

/* Parses a whole file. */
struct firc_decl *firc_parse(const char *path, const char *text)
{
	struct parser p = {.path = path, .s = text, .line = 1, .col = 1};

	next(&p);
	while (!p.failed && p.tok != T_EOF)
		decl(&p);
	if (!p.failed && !p.decls)
		err(&p, "no declarations");
	check_clashes(&p);
	return p.failed ? NULL : p.decls;
}
