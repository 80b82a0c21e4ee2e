/*
 * tagcons.c: a Console service for the tests that shows what went
 * through it: every line it writes to its standard output (the kernel's
 * console) starts with "console| ", which nothing else prints. Started
 * from a file whose name holds "short" (its argv[0]), it acknowledges at
 * most SHORT bytes of each write (written < n) and marks the start of
 * each piece with '~', so a test sees that the rest came as another
 * write, and nothing twice; from a file whose name holds "zero", it
 * acknowledges nothing (written = 0, which the kernel must not retry
 * forever). Published as "console"; reads as console.c does
 * (stdcons_read).
 */
#include <string.h>

#include "stdcons.h"
#include "svc.h"

#define SHORT 7
#define TAG "console| "

static int short_mode, zero_mode, line_start = 1;
static char out[2 * 4096 * sizeof TAG];

/* Console.write: the first SHORT bytes in short mode, else all, tagged. */
static nb_status on_write(void *ctx, const console_write_req *req,
			  console_write_resp *resp)
{
	uint32_t n = req->data.len, len = 0;

	if (short_mode && n > SHORT)
		n = SHORT;
	if (zero_mode)
		n = 0;
	if (short_mode && n)
		out[len++] = '~';
	for (uint32_t i = 0; i < n; i++) {
		if (line_start) {
			memcpy(out + len, TAG, sizeof TAG - 1);
			len += sizeof TAG - 1;
		}
		out[len++] = (char)req->data.b[i];
		line_start = req->data.b[i] == '\n';
	}
	if (stdcons_write_all(out, len))
		return NB_ERR_BAD_STATE;
	resp->written = n;
	return NB_OK;
}

static const struct console_ops ops = {on_write, stdcons_read};

int main(int argc, char **argv)
{
	short_mode = argc > 0 && strstr(argv[0], "short") != NULL;
	zero_mode = argc > 0 && strstr(argv[0], "zero") != NULL;
	return -svc_serve("console", console_dispatch_any, &ops, NULL);
}
