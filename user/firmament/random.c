/*
 * random.c: the Random service over WASI random_get (the HAL's random
 * source). Published as "random".
 */
#include <unistd.h>

#include "random.h"
#include "svc.h"

/* Random.get: exactly count bytes; FIR_ERR_INVALID above 256. */
static nb_status on_get(void *ctx, const random_get_req *req,
			random_get_resp *resp)
{
	if (req->count > sizeof resp->data.b)
		return FIR_ERR_INVALID;
	if (req->count && getentropy(resp->data.b, req->count))
		return NB_ERR_BAD_STATE;
	resp->data.len = req->count;
	return NB_OK;
}

static const struct random_ops ops = {on_get};

int main(void)
{
	return -svc_serve("random", random_dispatch_any, &ops, NULL);
}
