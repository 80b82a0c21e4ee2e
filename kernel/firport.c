/*
 * firport.c: the firmament's port over kernel channels (firport.h).
 * No locking: it runs in the serving kernel thread, like the channel
 * calls it makes.
 */
#include "kernel/firport.h"

/* A handle word of the request indexes its kmsg's table; the handle
 * keeps exactly rights (FIR_RIGHTS_SAME: all it has), refused if it
 * lacks one. */
static _Bool narrow(void *arg, fir_handle *h, uint32_t rights)
{
	struct firport *p = arg;
	struct khandle *k;

	if (*h >= p->m->nhandles)
		return 0;
	k = &p->m->handles[*h];
	if (rights == FIR_RIGHTS_SAME)
		return 1;
	if (rights & ~k->rights)
		return 0;
	k->rights = rights;
	return 1;
}

/* The kmsg keeps the handles until the caller frees it. */
static void close_none(void *arg, fir_handle *h, uint32_t n)
{
}

/* Writes a reply to the client; none with handles yet (native servers
 * give none). */
static int32_t send(void *arg, const uint8_t *b, uint32_t n, fir_handle *h,
		    uint32_t nh)
{
	struct firport *p = arg;

	if (nh)
		return NB_ERR_INVALID_ARGS;
	return channel_write(p->c, b, n);
}

const fir_port firport_ops = {narrow, close_none, send};

void firport_init(struct firport *p, struct channel *c, struct kmsg *m)
{
	p->c = c;
	p->m = m;
	for (uint32_t i = 0; i < m->nhandles && i < FIR_MAX_HANDLES; i++)
		p->w[i] = i;
}
