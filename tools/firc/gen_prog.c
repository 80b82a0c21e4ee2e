/*
 * gen_prog.c: writes the C of programs for parsed declarations,
 * NAME.[ch], on top of the pure NAME_wire.[ch] (gen.c) and fir.h's
 * runtime: client calls over a channel, the server's dispatcher over a
 * channel (the pure server through fir_chan_port) and its untyped twin,
 * and under FIR_FUZZ handlers and drivers for the fuzz target.
 */
#include "tools/firc/firc.h"

/* The client stub's parameter list for method m of interface `in`. */
static void params(FILE *f, const char *in, const struct firc_method *m)
{
	fprintf(f, "(nb_handle ch");
	if (m->req.n)
		fprintf(f, ", const %s_%s_req *req", in, m->name);
	if (m->resp.n)
		fprintf(f, ", %s_%s_resp *resp", in, m->name);
	fprintf(f, ")");
}

/*
 * The client stub of one method. Its buffer, on the caller's stack, holds
 * the request and then the reply (fir_call reads it only once the request
 * is sent), sized by the larger bound; so stubs keep no state of their
 * own and threads may call at once.
 */
static void gen_client(const char *in, const char *up,
		       const struct firc_method *m, FILE *c)
{
	uint64_t rq = firc_msg_bytes(&m->req), rp = firc_msg_bytes(&m->resp);

	fprintf(c, "/* Calls %s.%s over channel ch. */\n", in, m->name);
	fprintf(c, "nb_status %s_%s", in, m->name);
	params(c, in, m);
	fprintf(c, "\n{\n\tuint8_t b[%llu];\n",
		(unsigned long long)(m->oneway || rq > rp ? rq : rp));
	fprintf(c, "\tnb_handle th[%u];\n\tfir_enc e;\n",
		firc_hcap(firc_msg_handles(&m->req)));
	if (!m->oneway)
		fprintf(c,
			"\tnb_handle rh[%u];\n\tfir_dec d;\n\tnb_status s;\n",
			firc_hcap(firc_msg_handles(&m->resp)));
	fprintf(c, "\n\tfir_enc_init(&e, b, sizeof b, th, sizeof th / sizeof "
		   "*th);\n");
	fprintf(c, "\t%s_%s_req_enc(&e, 0%s);\n", in, m->name,
		m->req.n ? ", req" : "");
	if (m->oneway) {
		fprintf(c,
			"\treturn fir_send(ch, &e, %s_%s_ORDINAL, "
			"true);\n}\n\n",
			up, m->name);
		return;
	}
	fprintf(c,
		"\ts = fir_call(ch, &e, %s_%s_ORDINAL, &d, b, sizeof b, rh,\n"
		"\t\t     sizeof rh / sizeof *rh);\n"
		"\tif (s != NB_OK)\n\t\treturn s;\n",
		up, m->name);
	fprintf(c, "\tif (!%s_%s_resp_dec(&d%s)) {\n", in, m->name,
		m->resp.n ? ", resp" : "");
	fprintf(c, "\t\tfir_close_all(rh, d.nh);\n\t\treturn "
		   "FIR_ERR_MALFORMED;\n\t}\n\treturn NB_OK;\n}\n\n");
}

/* The prototype of X_dispatch_any (format argument: X). */
#define DISPATCH_ANY                                                           \
	"nb_status %s_dispatch_any(const void *ops, void *ctx, nb_handle ch,"  \
	"\n\t\tconst uint8_t *msg, uint32_t n, nb_handle *h, uint32_t nh)"

/* The dispatcher of interface d over a channel, and its untyped twin. */
static void gen_dispatch(const struct firc_decl *d, const char *in, FILE *c)
{
	fprintf(c,
		"/* Serves one %s message received on ch (%s_serve over "
		"the channel). */\n",
		d->name, in);
	fprintf(c,
		"nb_status %s_dispatch(const struct %s_ops *ops, void *ctx, "
		"nb_handle ch,\n\t\tconst uint8_t *msg, uint32_t n, nb_handle "
		"*h, uint32_t nh)\n{\n",
		in, in);
	fprintf(c,
		"\treturn %s_serve(ops, ctx, &fir_chan_port, &ch, msg, n, "
		"h, nh);\n}\n\n",
		in);
	fprintf(c, "/* %s_dispatch with ops untyped. */\n", in);
	fprintf(c,
		DISPATCH_ANY "\n{\n\treturn %s_dispatch(ops, ctx, ch, msg, "
			     "n, h, nh);\n}\n\n",
		in, in);
}

/* Fuzz support: handlers that close what they got (the handles the
 * request's encoder collects), and a client driver calling method
 * number i with zeroed arguments. */
static void gen_fuzz(const struct firc_decl *d, const char *in, FILE *c)
{
	fprintf(c, "#ifdef FIR_FUZZ\n");
	for (int i = 0; i < d->nmethods; i++) {
		const struct firc_method *m = &d->methods[i];
		fprintf(c, "static nb_status %s_fz_%s(void *ctx", in, m->name);
		if (m->req.n)
			fprintf(c, ", const %s_%s_req *req", in, m->name);
		if (m->resp.n)
			fprintf(c, ", %s_%s_resp *resp", in, m->name);
		fprintf(c, ")\n{\n\tnb_handle th[FIR_MAX_HANDLES];\n\tstatic "
			   "uint8_t b[FIR_MAX_BYTES];\n\tfir_enc e;\n\n");
		fprintf(c, "\tfir_enc_init(&e, b, sizeof b, th, "
			   "FIR_MAX_HANDLES);\n");
		fprintf(c, "\t%s_%s_req_enc(&e, 0%s);\n", in, m->name,
			m->req.n ? ", req" : "");
		fprintf(c, "\tfir_close_all(th, e.nh);\n");
		fprintf(c, "\treturn ctx ? NB_OK : FIR_ERR_INVALID;\n}\n\n");
	}
	fprintf(c, "const struct %s_ops %s_fuzz_ops = {\n", in, in);
	for (int i = 0; i < d->nmethods; i++)
		fprintf(c, "\t%s_fz_%s,\n", in, d->methods[i].name);
	fprintf(c, "};\n\n");
	fprintf(c, "nb_status %s_fuzz_client(nb_handle ch, uint32_t i)\n{\n",
		in);
	fprintf(c, "\tswitch (i %% %d) {\n", d->nmethods);
	for (int i = 0; i < d->nmethods; i++) {
		const struct firc_method *m = &d->methods[i];
		fprintf(c, "\tcase %d: {\n", i);
		if (m->req.n)
			fprintf(c, "\t\tstatic %s_%s_req req;\n", in, m->name);
		if (m->resp.n)
			fprintf(c, "\t\tstatic %s_%s_resp resp;\n", in,
				m->name);
		fprintf(c, "\t\treturn %s_%s(ch%s%s);\n\t}\n", in, m->name,
			m->req.n ? ", &req" : "", m->resp.n ? ", &resp" : "");
	}
	fprintf(c, "\t}\n\treturn NB_OK;\n}\n#endif\n\n");
}

/* An interface: client stubs, dispatchers, fuzz support. */
static void gen_interface(const struct firc_decl *d, FILE *h, FILE *c)
{
	char in[2 * FIRC_NAME], up[2 * FIRC_NAME];

	firc_snake(in, d->name, 0);
	firc_snake(up, d->name, 1);
	for (int i = 0; i < d->nmethods; i++) {
		const struct firc_method *m = &d->methods[i];
		fprintf(h, "nb_status %s_%s", in, m->name);
		params(h, in, m);
		fprintf(h, ";\n");
		gen_client(in, up, m, c);
	}
	fprintf(h,
		"nb_status %s_dispatch(const struct %s_ops *ops, void *ctx, "
		"nb_handle ch,\n\t\tconst uint8_t *msg, uint32_t n, nb_handle "
		"*h, uint32_t nh);\n",
		in, in);
	fprintf(h,
		"/* The same with ops untyped (a const struct %s_ops *): the "
		"one\n * signature of every interface's, for generic server "
		"loops. */\n" DISPATCH_ANY ";\n",
		in, in);
	fprintf(h,
		"#ifdef FIR_FUZZ\nextern const struct %s_ops "
		"%s_fuzz_ops;\nnb_status %s_fuzz_client(nb_handle ch, "
		"uint32_t i);\n#endif\n\n",
		in, in, in);
	gen_dispatch(d, in, c);
	gen_fuzz(d, in, c);
}

/* Writes both program files. */
int firc_gen_prog(struct firc_decl *decls, const char *base, FILE *h, FILE *c)
{
	char inc[2 * FIRC_NAME + 64];

	snprintf(inc, sizeof inc,
		 "#include \"fir.h\"\n#include \"%s_wire.h\"\n", base);
	firc_prologue(h, c, base, "", inc);
	fprintf(c, "#include \"%s.h\"\n\n", base);
	for (struct firc_decl *d = decls; d; d = d->next)
		if (d->kind == FD_INTERFACE)
			gen_interface(d, h, c);
	fprintf(h, "#endif\n");
	return ferror(h) || ferror(c);
}
