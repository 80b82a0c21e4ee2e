/*
 * modcache.c: modules shared between processes. A process image is
 * decoded and validated once per distinct content: the processes started
 * from the same bytes share one wasm_module, and with it the code the
 * nucleus makes for it (the lowered code of the interpreter and the
 * JIT's machine code: nucleus/module.h), so a second spawn neither
 * validates nor compiles again. An entry is found by a hash of the bytes
 * and their length, then confirmed by comparing the bytes with the
 * module's copy. Counted: the last process of a module frees it.
 *
 * Accounting: a module is charged once, its image's length, to the
 * process that created the first process of it (kacct_current: the
 * running one; at boot nobody), until the module goes; the others
 * share it for nothing. Under the kernel lock.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/object.h"

struct modentry {
	struct modentry *next;
	uint64_t hash;
	wasm_module *m;
	uint32_t users; /* processes holding it */
	struct kacct *acct;
	uint64_t charge;
};

static struct modentry *entries;
static uint32_t nentries;
static uint64_t nbytes; /* images of the live modules */

/* FNV-1a over b[0..len). */
static uint64_t image_hash(const uint8_t *b, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* The entry of image[0..len) with hash h, or NULL. */
static struct modentry *find(const uint8_t *image, size_t len, uint64_t h)
{
	for (struct modentry *e = entries; e; e = e->next) {
		size_t n;
		const uint8_t *b = wasm_module_bytes(e->m, &n);
		if (e->hash == h && n == len && memcmp(b, image, len) == 0)
			return e;
	}
	return NULL;
}

/*
 * The module of image[0..len), shared with every other process of the
 * same bytes: a new user of a known one, else a new module (decoded and
 * validated: NB_ERR_BAD_IMAGE, err filled) charged to the running
 * process (NB_ERR_NO_MEMORY past its limit or out of memory).
 */
nb_status modcache_get(const uint8_t *image, uint32_t len, wasm_error *err,
		       wasm_module **out)
{
	uint64_t h = image_hash(image, len);
	struct modentry *e = find(image, len, h);

	if (e) {
		e->users++;
		*out = e->m;
		return NB_OK;
	}
	if (!(e = kmem_alloc(sizeof *e, true)))
		return NB_ERR_NO_MEMORY;
	e->acct = kacct_current();
	e->charge = len;
	if (kacct_charge(e->acct, e->charge) != NB_OK) {
		free(e);
		return NB_ERR_NO_MEMORY;
	}
	if (!(e->m = wasm_module_new(image, len, err))) {
		kacct_uncharge(e->acct, e->charge);
		free(e);
		return err->kind == WASM_ERR_RESOURCE ? NB_ERR_NO_MEMORY
						      : NB_ERR_BAD_IMAGE;
	}
	if (e->acct)
		kacct_retain(e->acct);
	e->hash = h;
	e->users = 1;
	e->next = entries;
	entries = e;
	nentries++;
	nbytes += len;
	*out = e->m;
	return NB_OK;
}

/* One user of m fewer (m from modcache_get; NULL: nothing): the last
 * frees m, its shared code and its charge. m's instances must be gone. */
void modcache_put(wasm_module *m)
{
	struct modentry **p = &entries, *e;

	if (!m)
		return;
	while ((e = *p) && e->m != m)
		p = &e->next;
	if (!e || --e->users)
		return;
	*p = e->next;
	nentries--;
	nbytes -= e->charge;
	wasm_module_free(m);
	kacct_uncharge(e->acct, e->charge);
	kacct_release(e->acct);
	free(e);
}

/* How many modules live (each once, however many processes share it)
 * and the bytes of their images. */
void modcache_usage(uint32_t *modules, uint64_t *bytes)
{
	*modules = nentries;
	*bytes = nbytes;
}
