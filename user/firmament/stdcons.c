/*
 * stdcons.c: Console handlers over the standard streams (see stdcons.h).
 */
#include <unistd.h>

#include "stdcons.h"

/* Loops write(1, ...) until all n bytes are out. */
nb_status stdcons_write_all(const void *b, size_t n)
{
	const uint8_t *p = b;

	while (n) {
		ssize_t k = write(1, p, n);
		if (k <= 0)
			return NB_ERR_BAD_STATE;
		p += k, n -= (size_t)k;
	}
	return NB_OK;
}

/* Reads at most req->max bytes (and what resp holds) from fd 0. */
nb_status stdcons_read(void *ctx, const console_read_req *req,
		       console_read_resp *resp)
{
	uint32_t max =
		req->max < sizeof resp->data.b ? req->max : sizeof resp->data.b;
	ssize_t k = max ? read(0, resp->data.b, max) : 0;

	if (k < 0)
		return NB_ERR_BAD_STATE;
	resp->data.len = (uint32_t)k;
	return NB_OK;
}
