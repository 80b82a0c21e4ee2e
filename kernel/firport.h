/*
 * firport.h: the firmament's pure code (firmament/wire.h and firc's
 * NAME_wire.h) over kernel channels, for the kernel's own servers
 * (native drivers) and clients. In a message the kernel serves, a
 * handle word is the index of the handle in the message's kmsg; the
 * handles stay in the kmsg, which the caller frees (releasing them)
 * after serving it, so a handler that keeps one retains its object.
 */
#ifndef KERNEL_FIRPORT_H
#define KERNEL_FIRPORT_H

#include "kernel/object.h"
#include "firmament/wire.h"

/* The port's argument while serving request m from channel c. */
struct firport {
	struct channel *c;		      /* where replies go */
	struct kmsg *m;			      /* the request */
	fir_handle w[FIR_MAX_HANDLES];	      /* its handle words: 0, 1, ... */
	struct khandle give[FIR_MAX_HANDLES]; /* firport_give's */
	uint32_t ngive;
};

/* In a handler: the reply handle word for object o with rights r (the
 * reply, once sent, holds its own reference; o stays the caller's), or
 * FIR_MAX_HANDLES when the table is full (sending then fails). */
fir_handle firport_give(struct firport *p, struct kobj *o, nb_rights r);

/* narrow: m's handle *h must have the rights, and keeps exactly them;
 * close: nothing (the kmsg holds the handles); send: the reply, its
 * handle words firport_give's (another gives NB_ERR_INVALID_ARGS),
 * channel_write's status. */
extern const fir_port firport_ops;

/* Sets p up to serve request m of channel c: afterwards pass
 * (&firport_ops, p, m->bytes, m->nbytes, p->w, m->nhandles) to a
 * generated X_serve. */
void firport_init(struct firport *p, struct channel *c, struct kmsg *m);

/*
 * The kernel as a client: writes request req[0..n) (no handles) on c
 * and blocks the calling thread in the scheduler (others run) until the
 * reply with txid arrives; replies to other txids are dropped. Returns
 * the reply, off the queue (the caller frees it with kmsg_free), or
 * NULL: write failed, peer closed, or process p killed. The caller
 * keeps other threads of p off c meanwhile.
 */
struct kmsg *firport_call(struct channel *c, struct process *p,
			  const uint8_t *req, uint32_t n, uint32_t txid);

#endif
