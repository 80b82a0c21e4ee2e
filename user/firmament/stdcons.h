/*
 * stdcons.h: Console handlers over this process's WASI standard streams,
 * shared by the Console services (console.c, tests/firmament/tagcons.c).
 */
#ifndef STDCONS_H
#define STDCONS_H

#include "console.h"

/* Console.read: what one read of standard input gives (empty at EOF). */
nb_status stdcons_read(void *ctx, const console_read_req *req,
		       console_read_resp *resp);

/* Writes all of b[0..n) to standard output: NB_OK, or NB_ERR_BAD_STATE
 * when a write fails or writes nothing. */
nb_status stdcons_write_all(const void *b, size_t n);

#endif
