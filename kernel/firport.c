/*
 * firport.c: the firmament's port over kernel channels (firport.h).
 * No locking: it runs in the serving kernel thread, like the channel
 * calls it makes.
 */
#include <string.h>

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

/* Writes a reply to the client, with the handles firport_give made. */
static int32_t send(void *arg, const uint8_t *b, uint32_t n, fir_handle *h,
		    uint32_t nh)
{
	struct firport *p = arg;
	struct kmsg *m;
	nb_status s;

	if (!nh)
		return channel_write(p->c, b, n);
	for (uint32_t i = 0; i < nh; i++)
		if (h[i] >= p->ngive)
			return NB_ERR_INVALID_ARGS;
	if ((s = channel_can_write(p->c)))
		return s;
	if (!(m = kmsg_alloc(n, nh)))
		return NB_ERR_NO_MEMORY;
	memcpy(m->bytes, b, n);
	for (uint32_t i = 0; i < nh; i++) {
		m->handles[i] = p->give[h[i]];
		kobj_retain(m->handles[i].obj);
	}
	channel_queue(p->c, m);
	return NB_OK;
}

fir_handle firport_give(struct firport *p, struct kobj *o, nb_rights r)
{
	if (p->ngive == FIR_MAX_HANDLES)
		return FIR_MAX_HANDLES;
	p->give[p->ngive] = (struct khandle){o, r};
	return p->ngive++;
}

const fir_port firport_ops = {narrow, close_none, send};

void firport_init(struct firport *p, struct channel *c, struct kmsg *m)
{
	p->c = c;
	p->m = m;
	p->ngive = 0;
	for (uint32_t i = 0; i < m->nhandles && i < FIR_MAX_HANDLES; i++)
		p->w[i] = i;
}

/* The txid of message m (0 if it is too short to have a header). */
static uint32_t msg_txid(const struct kmsg *m)
{
	uint32_t t;

	if (m->nbytes < sizeof(fir_hdr))
		return 0;
	memcpy(&t, m->bytes, 4);
	return t;
}

struct kmsg *firport_call(struct channel *c, struct process *p,
			  const uint8_t *req, uint32_t n, uint32_t txid)
{
	struct kobj *o = &c->o;
	nb_signals pend, want = NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED;
	struct kmsg *m;

	if (channel_write(c, req, n) != NB_OK)
		return NULL;
	for (;;) {
		while (!(m = channel_peek(c)))
			if (!c->peer || p->killed ||
			    kobj_wait(&o, &want, 1, NB_TIME_INFINITE, &pend) ==
				    NB_ERR_BAD_STATE)
				return NULL;
		channel_pop(c);
		if (msg_txid(m) == txid)
			return m;
		kmsg_free(m, true);
	}
}
