/*
 * spec.h: what the spec test runner's files share (tools/nebulet/):
 * spec.c runs the json scripts' commands, spec_value.c reads, compares
 * and prints wasm values, spec_host.c holds the "spectest" host module
 * and the names modules are bound to. Internal to those three.
 */
#ifndef NEBULET_SPEC_H
#define NEBULET_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/nebulet/json.h"
#include "nucleus/nucleus.h"

#define NUM_PRINTS 7
#define NUM_SPECTEST (NUM_PRINTS + 7)

/* A name bound to an instance: "$M" module names, and registrations. */
struct binding {
	char *name;
	wasm_instance *inst;
};

struct bindings {
	struct binding *v;
	size_t n, cap;
};

struct runner;

/* env of a spectest print function. */
struct print_env {
	struct runner *r;
	const char *name;
	const wasm_functype *type;
};

/* State for one json file. */
struct runner {
	const char *path; /* the json file, for messages */
	char *dir;	  /* its directory with a trailing '/', or "" */
	bool verbose;
	unsigned line; /* of the command being run */
	wasm_store *store;
	wasm_instance
		*current;      /* the last module defined (NULL if it failed) */
	struct bindings names; /* "$name" -> instance */
	struct bindings regs;  /* registered name -> instance */
	wasm_module **mods;    /* every decoded module; freed after the store */
	size_t nmods, capmods;
	struct print_env prints[NUM_PRINTS];
	struct {
		const char *name;
		wasm_extern ext;
	} spectest[NUM_SPECTEST]; /* the spectest module's fields */
	unsigned passed, failed, skipped;
};

/* spec.c: realloc and strdup that end the runner when out of memory. */
void *spec_realloc(void *p, size_t n);
char *spec_strdup(const char *s);

/* spec_value.c */
/* A value as "type:value" in out (size n), floats as bits plus their
 * decimal reading. */
void spec_describe_value(char *out, size_t n, uint8_t type, wasm_val v);
/* Parses a decimal string of at most max; false if it is not one. */
bool spec_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* Reads a json value {"type", "value"} into *type and *v; false if it
 * is not one this runner reads. */
bool spec_read_value(const struct json *j, uint8_t *type, wasm_val *v);
/* Compares result (type, v) with the expected json value; fills `want`
 * (size n) with the expected value's description for a failure
 * message. */
bool spec_match_value(const struct json *e, uint8_t type, wasm_val v,
		      char *want, size_t n);

/* spec_host.c */
/* Creates the spectest objects in r->store; false if the store refused. */
bool spec_host_create(struct runner *r);
/* The resolver of every instantiation: registered instances first, then
 * spectest. */
bool spec_resolve(void *ctx, const char *module, const char *name,
		  enum wasm_extern_kind kind, wasm_extern *out);
/* Binds name to inst in b (a later binding hides an earlier one). */
void spec_bind(struct bindings *b, const char *name, wasm_instance *inst);
/* The latest binding of name; *found tells whether there was one (the
 * instance may be NULL when its module failed). */
wasm_instance *spec_lookup(const struct bindings *b, const char *name,
			   bool *found);
void spec_bindings_free(struct bindings *b);

#endif
