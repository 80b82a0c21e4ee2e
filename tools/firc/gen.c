/*
 * gen.c: writes the pure C for parsed declarations, NAME_wire.[ch]:
 * types, ordinals, message bounds, per-method encoders and decoders of
 * requests and replies, and the server (decode, the handler of an ops
 * table, encode the reply) over a fir_port. It calls only wire.h's
 * encoder and decoder, so it builds for wasm programs, the kernel and
 * native drivers alike. The programs' client calls and dispatchers are
 * gen_prog.c's.
 */
#include <ctype.h>
#include <string.h>

#include "tools/firc/firc.h"

static const char *const ctypes[] = {"uint8_t",	 "uint16_t", "uint32_t",
				     "uint64_t", "int8_t",   "int16_t",
				     "int32_t",	 "int64_t"};
static const int widths[] = {8, 16, 32, 64, 8, 16, 32, 64};

/* Converts an identifier to snake case (upper case if up). */
void firc_snake(char *out, const char *name, int up)
{
	int n = 0;

	for (int i = 0; name[i] && n < 2 * FIRC_NAME - 2; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isupper(c) && i > 0 && name[i - 1] != '_' &&
		    !isupper((unsigned char)name[i - 1]))
			out[n++] = '_';
		out[n++] = (char)(up ? toupper(c) : tolower(c));
	}
	out[n] = 0;
}

/* The largest encoded size of a value of type t. */
uint64_t firc_max_bytes(const struct firc_type *t)
{
	uint64_t n = 0;

	switch (t->kind) {
	case FK_STRING:
	case FK_BYTES:
		return 4 + (uint64_t)t->max;
	case FK_ARRAY:
		return 4 + (uint64_t)t->max * firc_max_bytes(t->elem);
	case FK_HANDLE:
	case FK_BOOL:
		return t->kind == FK_HANDLE ? 4 : 1;
	case FK_STRUCT:
		for (int i = 0; i < t->decl->fields.n; i++)
			n += firc_max_bytes(t->decl->fields.f[i].type);
		return n;
	case FK_ENUM:
		return (uint64_t)widths[t->decl->base] / 8;
	default:
		return (uint64_t)widths[t->kind] / 8;
	}
}

/* The largest number of handles a value of type t carries. */
uint64_t firc_max_handles(const struct firc_type *t)
{
	uint64_t n = 0;

	if (t->kind == FK_HANDLE)
		return 1;
	if (t->kind == FK_ARRAY)
		return (uint64_t)t->max * firc_max_handles(t->elem);
	if (t->kind == FK_STRUCT)
		for (int i = 0; i < t->decl->fields.n; i++)
			n += firc_max_handles(t->decl->fields.f[i].type);
	return n;
}

/* The largest encoded size of a message with fields fs, header included. */
uint64_t firc_msg_bytes(const struct firc_fields *fs)
{
	uint64_t n = FIR_HDR_BYTES;

	for (int i = 0; i < fs->n; i++)
		n += firc_max_bytes(fs->f[i].type);
	return n;
}

/* The largest number of handles a message with fields fs carries. */
uint64_t firc_msg_handles(const struct firc_fields *fs)
{
	uint64_t n = 0;

	for (int i = 0; i < fs->n; i++)
		n += firc_max_handles(fs->f[i].type);
	return n;
}

/* A handle array's length for up to n handles (C has no empty arrays). */
unsigned firc_hcap(uint64_t n)
{
	return n ? (unsigned)n : 1u;
}

/* Writes the C declaration of a member of type t named `declr`. */
static void ctype(FILE *f, const struct firc_type *t, const char *declr)
{
	char name[2 * FIRC_NAME];

	switch (t->kind) {
	case FK_BOOL:
		fprintf(f, "bool %s;", declr);
		break;
	case FK_STRING:
		fprintf(f, "struct { uint32_t len; char s[%u]; } %s;",
			t->max + 1, declr);
		break;
	case FK_BYTES:
		fprintf(f, "struct { uint32_t len; uint8_t b[%u]; } %s;",
			t->max, declr);
		break;
	case FK_ARRAY: {
		char items[64];
		snprintf(items, sizeof items, "items[%u]", t->max);
		fprintf(f, "struct { uint32_t len; ");
		ctype(f, t->elem, items);
		fprintf(f, " } %s;", declr);
		break;
	}
	case FK_HANDLE:
		fprintf(f, "fir_handle %s;", declr);
		break;
	case FK_STRUCT:
	case FK_ENUM:
		firc_snake(name, t->decl->name, 0);
		fprintf(f, "%s %s;", name, declr);
		break;
	default:
		fprintf(f, "%s %s;", ctypes[t->kind], declr);
	}
}

/* The put/get width of an integer kind. */
static int width(const struct firc_type *t)
{
	return widths[t->kind == FK_ENUM ? t->decl->base : t->kind];
}

/* Writes statements encoding expression x of type t into encoder `e`. */
static void enc(FILE *f, const struct firc_type *t, const char *x, int depth)
{
	char sub[512], name[2 * FIRC_NAME];

	switch (t->kind) {
	case FK_BOOL:
		fprintf(f, "\tfir_put_u8(e, (%s) ? 1 : 0);\n", x);
		break;
	case FK_STRING:
		fprintf(f, "\tfir_put_bytes(e, (%s).s, (%s).len, %u);\n", x, x,
			t->max);
		break;
	case FK_BYTES:
		fprintf(f, "\tfir_put_bytes(e, (%s).b, (%s).len, %u);\n", x, x,
			t->max);
		break;
	case FK_ARRAY:
		fprintf(f, "\tif ((%s).len > %u)\n\t\te->err = 1;\n", x,
			t->max);
		fprintf(f, "\tfir_put_u32(e, (%s).len);\n", x);
		fprintf(f,
			"\tfor (uint32_t i%d = 0; i%d < (%s).len && i%d < %u; "
			"i%d++) {\n",
			depth, depth, x, depth, t->max, depth);
		snprintf(sub, sizeof sub, "(%s).items[i%d]", x, depth);
		enc(f, t->elem, sub, depth + 1);
		fprintf(f, "\t}\n");
		break;
	case FK_HANDLE:
		fprintf(f, "\tfir_put_handle(e, %s);\n", x);
		break;
	case FK_STRUCT:
		firc_snake(name, t->decl->name, 0);
		fprintf(f, "\t%s_enc(e, &(%s));\n", name, x);
		break;
	default:
		fprintf(f, "\tfir_put_u%d(e, (uint%d_t)(%s));\n", width(t),
			width(t), x);
	}
}

/* Writes statements decoding into lvalue x of type t from `d`. */
static void dec(FILE *f, const struct firc_type *t, const char *x, int depth)
{
	char sub[512], name[2 * FIRC_NAME];

	switch (t->kind) {
	case FK_BOOL:
		fprintf(f, "\t%s = fir_get_bool(d);\n", x);
		break;
	case FK_STRING:
		fprintf(f, "\tfir_get_str(d, (%s).s, &(%s).len, %u);\n", x, x,
			t->max);
		break;
	case FK_BYTES:
		fprintf(f, "\tfir_get_bytes(d, (%s).b, &(%s).len, %u);\n", x, x,
			t->max);
		break;
	case FK_ARRAY:
		fprintf(f, "\t(%s).len = fir_get_count(d, %u);\n", x, t->max);
		fprintf(f,
			"\tfor (uint32_t i%d = 0; i%d < (%s).len && !d->err; "
			"i%d++) {\n",
			depth, depth, x, depth);
		snprintf(sub, sizeof sub, "(%s).items[i%d]", x, depth);
		dec(f, t->elem, sub, depth + 1);
		fprintf(f, "\t}\n");
		break;
	case FK_HANDLE:
		fprintf(f, "\t%s = fir_get_handle(d, 0x%xu);\n", x, t->rights);
		break;
	case FK_STRUCT:
		firc_snake(name, t->decl->name, 0);
		fprintf(f, "\t%s_dec(d, &(%s));\n", name, x);
		break;
	case FK_ENUM:
		firc_snake(name, t->decl->name, 0);
		fprintf(f, "\t%s = (%s)fir_get_u%d(d);\n", x, name, width(t));
		fprintf(f, "\tif (!%s_valid(%s))\n\t\td->err = 1;\n", name, x);
		break;
	default:
		fprintf(f, "\t%s = (%s)fir_get_u%d(d);\n", x, ctypes[t->kind],
			width(t));
	}
}

/* Encodes or decodes every field of fs, as members of pointer `v`. */
void firc_fields_code(FILE *f, const struct firc_fields *fs, const char *v,
		      int decode)
{
	char x[256];

	for (int i = 0; i < fs->n; i++) {
		snprintf(x, sizeof x, "%s->%s", v, fs->f[i].name);
		(decode ? dec : enc)(f, fs->f[i].type, x, 0);
	}
}

/* Writes a struct typedef with the fields fs. */
static void struct_def(FILE *h, const char *name, const struct firc_fields *fs)
{
	fprintf(h, "typedef struct %s {\n", name);
	for (int i = 0; i < fs->n; i++) {
		fprintf(h, "\t");
		ctype(h, fs->f[i].type, fs->f[i].name);
		fprintf(h, "\n");
	}
	fprintf(h, "} %s;\n\n", name);
}

/* An enum: its base typedef, value macros and validity check. */
static void gen_enum(const struct firc_decl *d, FILE *h, FILE *c)
{
	char name[2 * FIRC_NAME], up[2 * FIRC_NAME], v[2 * FIRC_NAME];

	firc_snake(name, d->name, 0);
	firc_snake(up, d->name, 1);
	fprintf(h, "typedef %s %s;\n", ctypes[d->base], name);
	for (int i = 0; i < d->nvals; i++) {
		firc_snake(v, d->vals[i].name, 1);
		fprintf(h, "#define %s_%s ((%s)%lldll)\n", up, v, name,
			(long long)d->vals[i].value);
	}
	fprintf(h, "bool %s_valid(%s v);\n\n", name, name);
	fprintf(c, "/* True if v is one of %s's values. */\n", d->name);
	fprintf(c, "bool %s_valid(%s v)\n{\n\tswitch (v) {\n", name, name);
	for (int i = 0; i < d->nvals; i++) {
		firc_snake(v, d->vals[i].name, 1);
		fprintf(c, "\tcase %s_%s:\n", up, v);
	}
	fprintf(c, "\t\treturn true;\n\t}\n\treturn false;\n}\n\n");
}

/* A struct: its typedef, encoder and decoder. */
static void gen_struct(const struct firc_decl *d, FILE *h, FILE *c)
{
	char name[2 * FIRC_NAME];

	firc_snake(name, d->name, 0);
	struct_def(h, name, &d->fields);
	fprintf(h, "void %s_enc(fir_enc *e, const %s *v);\n", name, name);
	fprintf(h, "void %s_dec(fir_dec *d, %s *v);\n\n", name, name);
	fprintf(c, "/* Encodes a %s. */\n", d->name);
	fprintf(c, "void %s_enc(fir_enc *e, const %s *v)\n{\n", name, name);
	firc_fields_code(c, &d->fields, "v", 0);
	fprintf(c, "}\n\n/* Decodes a %s (d->err on failure). */\n", d->name);
	fprintf(c, "void %s_dec(fir_dec *d, %s *v)\n{\n", name, name);
	firc_fields_code(c, &d->fields, "v", 1);
	fprintf(c, "}\n\n");
}

/*
 * The prototype of one of method m's four codecs, of its reply if resp,
 * an encoder if enc. An encoder writes the whole message, header first
 * (a request's with txid, a reply's from its request); a decoder reads
 * the fields after a checked header, and checks the end.
 */
static void codec_proto(FILE *f, const char *in, const struct firc_method *m,
			int resp, int enc)
{
	const char *dir = resp ? "resp" : "req";

	fprintf(f, "%s %s_%s_%s_%s(%s", enc ? "void" : "bool", in, m->name, dir,
		enc ? "enc" : "dec", enc ? "fir_enc *e" : "fir_dec *d");
	if (enc)
		fprintf(f, resp ? ", const fir_hdr *req" : ", uint32_t txid");
	if ((resp ? &m->resp : &m->req)->n)
		fprintf(f, ", %s%s_%s_%s *%s", enc ? "const " : "", in, m->name,
			dir, enc ? "v" : "out");
	fprintf(f, ")");
}

/* Method m's codecs (codec_proto): prototypes into h, bodies into c. */
static void gen_codecs(const char *in, const char *up,
		       const struct firc_method *m, FILE *h, FILE *c)
{
	for (int i = 0; i < (m->oneway ? 1 : 2); i++) {
		const struct firc_fields *fs = i ? &m->resp : &m->req;
		codec_proto(h, in, m, i, 1);
		fprintf(h, ";\n");
		codec_proto(h, in, m, i, 0);
		fprintf(h, ";\n");
		fprintf(c, "/* Encodes a %s.%s %s, header included. */\n", in,
			m->name, i ? "reply" : "request");
		codec_proto(c, in, m, i, 1);
		if (i)
			fprintf(c, "\n{\n\tfir_hdr hdr = {req->txid, "
				   "req->ordinal, 0, FIR_MAGIC | "
				   "FIR_FLAG_REPLY};\n\n");
		else
			fprintf(c,
				"\n{\n\tfir_hdr hdr = {txid, %s_%s_ORDINAL, "
				"0, FIR_MAGIC};\n\n",
				up, m->name);
		fprintf(c, "\tfir_put_hdr(e, &hdr);\n");
		firc_fields_code(c, fs, "v", 0);
		fprintf(c, "}\n\n");
		fprintf(c,
			"/* Decodes a %s.%s %s's fields (after its header) "
			"into *out, zeroed\n * first and again on failure; "
			"false if the message is malformed. */\n",
			in, m->name, i ? "reply" : "request");
		codec_proto(c, in, m, i, 0);
		fprintf(c, "\n{\n");
		if (fs->n)
			fprintf(c, "\tmemset(out, 0, sizeof *out);\n");
		firc_fields_code(c, fs, "out", 1);
		fprintf(c, "\tif (fir_dec_done(d))\n\t\treturn true;\n");
		if (fs->n)
			fprintf(c, "\tmemset(out, 0, sizeof *out);\n");
		fprintf(c, "\treturn false;\n}\n\n");
	}
}

/* The server side of one method: decode, call the handler, reply
 * through the port. The request, the reply and its encoding live on the
 * stack (no statics: threads may serve at once). */
static void gen_server(const char *in, const struct firc_method *m, FILE *c)
{
	fprintf(c, "/* Serves one %s.%s request whose header is read. */\n", in,
		m->name);
	fprintf(c,
		"static int32_t %s_do_%s(const struct %s_ops *ops, void "
		"*ctx,\n\t\tconst fir_port *port, void *arg, fir_dec *d, "
		"const fir_hdr *hdr)\n{\n",
		in, m->name, in);
	if (m->req.n)
		fprintf(c, "\t%s_%s_req req;\n", in, m->name);
	if (m->resp.n)
		fprintf(c, "\t%s_%s_resp resp;\n", in, m->name);
	if (!m->oneway) {
		fprintf(c, "\tuint8_t b[%llu];\n",
			(unsigned long long)firc_msg_bytes(&m->resp));
		fprintf(c, "\tfir_handle rh[%u];\n\tfir_enc e;\n",
			firc_hcap(firc_msg_handles(&m->resp)));
	}
	fprintf(c, "\tint32_t s;\n\n");
	fprintf(c, "\tif (!%s_%s_req_dec(d%s) || !ops->%s) {\n", in, m->name,
		m->req.n ? ", &req" : "", m->name);
	fprintf(c, "\t\ts = d->err ? FIR_ERR_MALFORMED : "
		   "FIR_ERR_UNKNOWN_METHOD;\n");
	fprintf(c, "\t\tport->close(arg, d->h, d->nh);\n");
	if (!m->oneway)
		fprintf(c, "\t\tfir_port_status(port, arg, hdr, s);\n");
	fprintf(c, "\t\treturn s;\n\t}\n");
	if (m->resp.n)
		fprintf(c, "\tmemset(&resp, 0, sizeof resp);\n");
	fprintf(c, "\ts = ops->%s(ctx%s%s);\n", m->name,
		m->req.n ? ", &req" : "", m->resp.n ? ", &resp" : "");
	if (m->oneway) {
		fprintf(c, "\t(void)hdr;\n\treturn s;\n}\n\n");
		return;
	}
	fprintf(c, "\tfir_enc_init(&e, b, sizeof b, rh, sizeof rh / sizeof "
		   "*rh);\n");
	fprintf(c, "\t%s_%s_resp_enc(&e, hdr%s);\n", in, m->name,
		m->resp.n ? ", &resp" : "");
	fprintf(c, "\tif (s == FIR_OK && e.err)\n\t\ts = FIR_ERR_INTERNAL;\n");
	fprintf(c, "\tif (s != FIR_OK) {\n\t\tport->close(arg, rh, e.nh);\n"
		   "\t\tfir_port_status(port, arg, hdr, s);\n\t\treturn s;\n"
		   "\t}\n");
	fprintf(c, "\treturn port->send(arg, e.buf, e.len, rh, e.nh);\n}\n\n");
}

/* The server of interface d: header checks, then per ordinal. */
static void gen_serve(const struct firc_decl *d, const char *in, FILE *c)
{
	fprintf(c,
		"/* Serves one received %s message (its handles are the "
		"server's\n * after success, closed through the port after "
		"failure); returns the\n * status. */\n",
		d->name);
	fprintf(c,
		"int32_t %s_serve(const struct %s_ops *ops, void *ctx,\n\t\t"
		"const fir_port *port, void *arg, const uint8_t *msg, "
		"uint32_t n,\n\t\tfir_handle *h, uint32_t nh)\n{\n",
		in, in);
	fprintf(c, "\tfir_dec d;\n\tfir_hdr hdr;\n\n");
	fprintf(c, "\tfir_dec_init(&d, msg, n, h, nh, port, arg);\n");
	fprintf(c, "\tif (!fir_dec_header(&d, &hdr) || (hdr.flags & "
		   "FIR_FLAG_REPLY) || hdr.status) {\n");
	fprintf(c, "\t\tport->close(arg, h, nh);\n\t\tif (hdr.txid)\n\t\t\t"
		   "fir_port_status(port, arg, &hdr, FIR_ERR_MALFORMED);\n");
	fprintf(c, "\t\treturn FIR_ERR_MALFORMED;\n\t}\n");
	fprintf(c, "\tswitch (hdr.ordinal) {\n");
	for (int i = 0; i < d->nmethods; i++)
		fprintf(c,
			"\tcase %u:\n\t\treturn %s_do_%s(ops, ctx, port, arg, "
			"&d, &hdr);\n",
			d->methods[i].ordinal, in, d->methods[i].name);
	fprintf(c, "\t}\n\tport->close(arg, h, nh);\n\tif (hdr.txid)\n\t\t"
		   "fir_port_status(port, arg, &hdr, "
		   "FIR_ERR_UNKNOWN_METHOD);\n"
		   "\treturn FIR_ERR_UNKNOWN_METHOD;\n}\n\n");
}

/* An interface: ordinals, bounds, message types, codecs, the ops table
 * and the server. */
static void gen_interface(const struct firc_decl *d, FILE *h, FILE *c)
{
	char in[2 * FIRC_NAME], up[2 * FIRC_NAME], t[4 * FIRC_NAME];

	firc_snake(in, d->name, 0);
	firc_snake(up, d->name, 1);
	for (int i = 0; i < d->nmethods; i++) {
		const struct firc_method *m = &d->methods[i];
		fprintf(h, "#define %s_%s_ORDINAL %uu\n", up, m->name,
			m->ordinal);
		fprintf(h, "#define %s_%s_REQ_BYTES %lluu\n", up, m->name,
			(unsigned long long)firc_msg_bytes(&m->req));
		fprintf(h, "#define %s_%s_REQ_HANDLES %lluu\n", up, m->name,
			(unsigned long long)firc_msg_handles(&m->req));
		if (!m->oneway) {
			fprintf(h, "#define %s_%s_RESP_BYTES %lluu\n", up,
				m->name,
				(unsigned long long)firc_msg_bytes(&m->resp));
			fprintf(h, "#define %s_%s_RESP_HANDLES %lluu\n", up,
				m->name,
				(unsigned long long)firc_msg_handles(&m->resp));
		}
		snprintf(t, sizeof t, "%s_%s_req", in, m->name);
		if (m->req.n)
			struct_def(h, t, &m->req);
		snprintf(t, sizeof t, "%s_%s_resp", in, m->name);
		if (m->resp.n)
			struct_def(h, t, &m->resp);
		gen_codecs(in, up, m, h, c);
		fprintf(h, "\n");
	}
	fprintf(h,
		"/* A %s server's handlers; NULL ones answer "
		"FIR_ERR_UNKNOWN_METHOD. */\nstruct %s_ops {\n",
		d->name, in);
	for (int i = 0; i < d->nmethods; i++) {
		const struct firc_method *m = &d->methods[i];
		fprintf(h, "\tint32_t (*%s)(void *ctx", m->name);
		if (m->req.n)
			fprintf(h, ", const %s_%s_req *req", in, m->name);
		if (m->resp.n)
			fprintf(h, ", %s_%s_resp *resp", in, m->name);
		fprintf(h, ");\n");
		gen_server(in, m, c);
	}
	fprintf(h, "};\n");
	fprintf(h,
		"/* Serves one received message: decodes it, calls its "
		"handler, replies\n * through port (arg is port's). */\n"
		"int32_t %s_serve(const struct %s_ops *ops, void *ctx,\n\t\t"
		"const fir_port *port, void *arg, const uint8_t *msg, "
		"uint32_t n,\n\t\tfir_handle *h, uint32_t nh);\n\n",
		in, in);
	gen_serve(d, in, c);
}

/* Opens both generated files of base.fir: the notice in each, the
 * header's guard FIR_<BASE><SFX>_H and its includes (a C fragment). */
void firc_prologue(FILE *h, FILE *c, const char *base, const char *sfx,
		   const char *includes)
{
	char guard[2 * FIRC_NAME];

	firc_snake(guard, base, 1);
	fprintf(h, "/* Generated by firc from %s.fir: do not edit. */\n", base);
	fprintf(c, "/* Generated by firc from %s.fir: do not edit. */\n", base);
	fprintf(h, "#ifndef FIR_%s%s_H\n#define FIR_%s%s_H\n\n%s\n", guard, sfx,
		guard, sfx, includes);
}

/* Writes both pure files. */
int firc_gen_wire(struct firc_decl *decls, const char *base, FILE *h, FILE *c)
{
	firc_prologue(
		h, c, base, "_WIRE",
		"#include <stdbool.h>\n\n#include \"firmament/wire.h\"\n");
	fprintf(c, "#include <string.h>\n\n#include \"%s_wire.h\"\n\n", base);
	for (struct firc_decl *d = decls; d; d = d->next) {
		if (d->kind == FD_ENUM)
			gen_enum(d, h, c);
		else if (d->kind == FD_STRUCT)
			gen_struct(d, h, c);
		else
			gen_interface(d, h, c);
	}
	fprintf(h, "#endif\n");
	return ferror(h) || ferror(c);
}
