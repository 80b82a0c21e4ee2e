/*
 * firc.h: the interface compiler's syntax tree, between the parser
 * (parse.c: text to tree, every error with file:line:column) and the
 * generator (gen.c: tree to C). The grammar is in firmament/README.md.
 */
#ifndef FIRC_H
#define FIRC_H

#include <stdint.h>
#include <stdio.h>

#define FIRC_NAME 64
#define FIRC_MAX_ITEMS 64
#define FIR_BOUND_MAX 65536 /* largest string, bytes or array bound */
#define FIR_HDR_BYTES 16
/* The most a call's request and reply (headers included) may add up to:
 * the generated code keeps both, and the server their structs, on the
 * caller's stack (wasm32-wasi's default shadow stack is 64 KiB). */
#define FIRC_CALL_MAX 16384

enum firc_kind {
	FK_U8,
	FK_U16,
	FK_U32,
	FK_U64,
	FK_I8,
	FK_I16,
	FK_I32,
	FK_I64,
	FK_BOOL,
	FK_STRING,
	FK_BYTES,
	FK_ARRAY,
	FK_HANDLE,
	FK_STRUCT,
	FK_ENUM,
};

struct firc_decl;

struct firc_type {
	enum firc_kind kind;
	uint32_t max;		/* string, bytes, array: the bound */
	uint32_t rights;	/* handle: exactly these rights */
	struct firc_type *elem; /* array */
	struct firc_decl *decl; /* struct, enum */
};

struct firc_field {
	char name[FIRC_NAME];
	struct firc_type *type;
};

struct firc_fields {
	struct firc_field f[FIRC_MAX_ITEMS];
	int n;
};

struct firc_method {
	char name[FIRC_NAME];
	int line, col;
	uint32_t ordinal;
	int oneway;
	struct firc_fields req, resp;
};

struct firc_enumval {
	char name[FIRC_NAME];
	int64_t value;
};

enum firc_decl_kind { FD_STRUCT, FD_ENUM, FD_INTERFACE };

struct firc_decl {
	enum firc_decl_kind kind;
	char name[FIRC_NAME];
	int line, col;
	struct firc_fields fields;		  /* struct */
	enum firc_kind base;			  /* enum */
	struct firc_enumval vals[FIRC_MAX_ITEMS]; /* enum */
	int nvals;
	struct firc_method methods[FIRC_MAX_ITEMS]; /* interface */
	int nmethods;
	struct firc_decl *next;
};

/* Parses the text of file `path`; NULL after printing the first error. */
struct firc_decl *firc_parse(const char *path, const char *text);
/* Write the header and the C file for the declarations, 0 on success:
 * the pure pair NAME_wire.[ch] (gen.c) or the programs' NAME.[ch]
 * (gen_prog.c). */
int firc_gen_wire(struct firc_decl *decls, const char *base, FILE *h, FILE *c);
int firc_gen_prog(struct firc_decl *decls, const char *base, FILE *h, FILE *c);
/* Shared by the two: a handle array's length for up to n handles (at
 * least 1), the files' opening (notice, guard, includes), and the
 * statements encoding (or decoding) every field of fs as members of
 * pointer v. */
unsigned firc_hcap(uint64_t n);
void firc_prologue(FILE *h, FILE *c, const char *base, const char *sfx,
		   const char *includes);
void firc_fields_code(FILE *f, const struct firc_fields *fs, const char *v,
		      int decode);
/* Snake case of an identifier ("ProcInfo" -> "proc_info"), upper if up. */
void firc_snake(char *out, const char *name, int up);
/* The encoded size bound of a type, and its handle count bound. */
uint64_t firc_max_bytes(const struct firc_type *t);
uint64_t firc_max_handles(const struct firc_type *t);
/* The same for a whole message: header plus fields. */
uint64_t firc_msg_bytes(const struct firc_fields *fs);
uint64_t firc_msg_handles(const struct firc_fields *fs);

#endif
