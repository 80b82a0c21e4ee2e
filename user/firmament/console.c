/*
 * console.c: the Console service, hosted: writes go to this process's
 * standard output (WASI fd_write, the kernel's console), reads come from
 * its standard input. Published in the Directory as "console".
 */
#include <unistd.h>

#include "console.h"
#include "svc.h"

/* Console.write: all of data, or the error of the failing write. */
static nb_status on_write(void *ctx, const console_write_req *req,
			  console_write_resp *resp)
{
	uint32_t off = 0;

	while (off < req->data.len) {
		ssize_t k = write(1, req->data.b + off, req->data.len - off);
		if (k <= 0)
			return NB_ERR_BAD_STATE;
		off += (uint32_t)k;
	}
	resp->written = off;
	return NB_OK;
}

/* Console.read: what one read of standard input gives (empty at EOF). */
static nb_status on_read(void *ctx, const console_read_req *req,
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

static const struct console_ops ops = {on_write, on_read};

static nb_status dispatch(void *ctx, nb_handle ch, const uint8_t *msg,
			  uint32_t n, nb_handle *h, uint32_t nh)
{
	return console_dispatch(&ops, ctx, ch, msg, n, h, nh);
}

int main(void)
{
	return -svc_serve("console", dispatch, NULL);
}
