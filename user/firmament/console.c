/*
 * console.c: the Console service, hosted: writes go to this process's
 * standard output (WASI fd_write, the kernel's console), reads come from
 * its standard input. Published in the Directory as "console".
 */

#include "stdcons.h"
#include "svc.h"

/* Console.write: all of data, or the error of the failing write. */
static nb_status on_write(void *ctx, const console_write_req *req,
			  console_write_resp *resp)
{
	nb_status s = stdcons_write_all(req->data.b, req->data.len);

	if (s)
		return s;
	resp->written = req->data.len;
	return NB_OK;
}

static const struct console_ops ops = {on_write, stdcons_read};

int main(void)
{
	return -svc_serve("console", console_dispatch_any, &ops, NULL);
}
