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

static nb_status dispatch(void *ctx, nb_handle ch, const uint8_t *msg,
			  uint32_t n, nb_handle *h, uint32_t nh)
{
	return random_dispatch(&ops, ctx, ch, msg, n, h, nh);
}

int main(void)
{
	return -svc_serve("random", dispatch, NULL);
}
