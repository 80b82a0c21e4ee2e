/*
 * channel.c: channel pairs. Each end queues the messages written to its
 * peer, up to NB_CHANNEL_QUEUE_MAX; READABLE is set while its queue is
 * not empty, PEER_CLOSED once the peer is destroyed (its last handle
 * closed). A message is one allocation: header, handles, bytes. The
 * handles in a queued message hold their objects' references. A message
 * is charged to its writer's account until it is read or dropped; the
 * two ends to their creator's.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/object.h"

nb_status channel_create(struct channel **a, struct channel **b)
{
	struct channel *x = kobj_alloc(sizeof *x, KOBJ_CHANNEL),
		       *y = kobj_alloc(sizeof *y, KOBJ_CHANNEL);

	if (!x || !y) {
		if (x)
			kobj_free(&x->o);
		if (y)
			kobj_free(&y->o);
		return NB_ERR_NO_MEMORY;
	}
	x->peer = y;
	y->peer = x;
	*a = x;
	*b = y;
	return NB_OK;
}

nb_status channel_can_write(const struct channel *c)
{
	if (!c->peer)
		return NB_ERR_PEER_CLOSED;
	if (c->peer->count >= NB_CHANNEL_QUEUE_MAX)
		return NB_ERR_SHOULD_WAIT;
	return NB_OK;
}

/* The bytes a message of nbytes and nhandles takes. */
static size_t kmsg_size(uint32_t nbytes, uint32_t nhandles)
{
	return sizeof(struct kmsg) + (size_t)nhandles * sizeof(struct khandle) +
	       nbytes;
}

/* Sizes must be within the limits (the caller checked). NULL when out of
 * memory or past the writer's limit. */
struct kmsg *kmsg_alloc(uint32_t nbytes, uint32_t nhandles)
{
	size_t hsize = (size_t)nhandles * sizeof(struct khandle);
	size_t size = kmsg_size(nbytes, nhandles);
	struct kacct *a = kacct_current();
	struct kmsg *m = kmem_charged(a, size, false);

	if (!m)
		return NULL;
	m->acct = a;
	m->next = NULL;
	m->nbytes = nbytes;
	m->nhandles = nhandles;
	m->handles = (struct khandle *)(m + 1);
	m->bytes = (uint8_t *)m->handles + hsize;
	return m;
}

/* Queues m for c's peer (channel_can_write said yes). The channels it
 * carries are cycle candidates; enough of them start a collection. */
void channel_queue(struct channel *c, struct kmsg *m)
{
	struct channel *p = c->peer;

	for (uint32_t i = 0; i < m->nhandles; i++)
		if (m->handles[i].obj->type == KOBJ_CHANNEL)
			cycle_candidate((struct channel *)m->handles[i].obj);

	if (p->tail)
		p->tail->next = m;
	else
		p->head = m;
	p->tail = m;
	p->count++;
	kobj_signal(&p->o, 0, NB_SIGNAL_READABLE);
	cycle_collect(false);
}

nb_status channel_write(struct channel *c, const uint8_t *bytes,
			uint32_t nbytes)
{
	nb_status s = channel_can_write(c);
	struct kmsg *m;

	if (s != NB_OK)
		return s;
	if (nbytes > NB_CHANNEL_MAX_BYTES)
		return NB_ERR_INVALID_ARGS;
	if (!(m = kmsg_alloc(nbytes, 0)))
		return NB_ERR_NO_MEMORY;
	memcpy(m->bytes, bytes, nbytes);
	channel_queue(c, m);
	return NB_OK;
}

struct kmsg *channel_peek(struct channel *c)
{
	return c->head;
}

/* Unlinks the first message (the caller frees it). */
void channel_pop(struct channel *c)
{
	struct kmsg *m = c->head;

	if (!m)
		return;
	c->head = m->next;
	if (!c->head)
		c->tail = NULL;
	c->count--;
	if (!c->head)
		kobj_signal(&c->o, NB_SIGNAL_READABLE, 0);
}

void kmsg_free(struct kmsg *m, bool release_handles)
{
	if (release_handles)
		for (uint32_t i = 0; i < m->nhandles; i++)
			kobj_release(m->handles[i].obj);
	kmem_uncharged(m->acct, m, kmsg_size(m->nbytes, m->nhandles));
}

/* The last reference is gone: drop the queue and tell the peer. */
/* Frees every message queued on c, releasing the handles they carry. */
void channel_drop_queue(struct channel *c)
{
	struct kmsg *m = c->head, *next;

	c->head = c->tail = NULL;
	c->count = 0;
	for (; m; m = next) {
		next = m->next;
		kmsg_free(m, true);
	}
}

void channel_destroy(struct channel *c)
{
	cycle_forget(c);
	if (c->peer) {
		c->peer->peer = NULL;
		kobj_signal(&c->peer->o, 0, NB_SIGNAL_PEER_CLOSED);
	}
	channel_drop_queue(c);
	kobj_free(&c->o);
}
