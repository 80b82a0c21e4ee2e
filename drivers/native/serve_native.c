/*
 * serve_native.c: the serving loop of native drivers (serve_native.h).
 * The thread waits on the listener, every client and the interrupt at
 * once; the interrupt's hook runs first, then each readable channel's
 * message is served (Listener.connect adds a client, whose channel the
 * driver retains; a client's request goes to the driver's serve hook);
 * closed channels are dropped. It ends when nothing is connected or the
 * process is killed.
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/native/serve_native.h"
#include "firmament/directory_wire.h"

/* Listener.connect adds a client: the channel handle of the message
 * being served (s->port), which the driver retains. */
static int32_t on_connect(void *ctx, const listener_connect_req *req)
{
	struct nserve *s = ctx;
	struct kobj *h = s->port.m->handles[req->channel].obj;

	if (h->type != KOBJ_CHANNEL || s->nclients == NSERVE_CLIENTS)
		return NB_ERR_WRONG_TYPE;
	kobj_retain(h);
	s->clients[s->nclients++] = (struct channel *)h;
	return NB_OK;
}

static const struct listener_ops listener_ops = {on_connect};

/* Serves message m of channel c, then frees it with the handles it
 * still holds; false if killed meanwhile. */
static bool serve(struct nserve *s, struct channel *c, struct kmsg *m,
		  bool listen)
{
	firport_init(&s->port, c, m);
	if (listen)
		listener_serve(&listener_ops, s, &firport_ops, &s->port,
			       m->bytes, m->nbytes, s->port.w, m->nhandles);
	else
		s->serve(s, m);
	kmsg_free(m, true);
	return !s->killed;
}

/* Handles what is pending on the listener and the clients (pending[k]
 * for the k-th channel waited on); drops closed ones. False if killed. */
static bool step(struct nserve *s, const nb_signals *pending)
{
	struct kmsg *m;
	uint32_t i = 0, k = s->listener ? 1 : 0;

	if (s->listener) {
		while ((m = channel_peek(s->listener))) {
			channel_pop(s->listener);
			serve(s, s->listener, m, true);
		}
		if (pending[0] & NB_SIGNAL_PEER_CLOSED) {
			kobj_release(&s->listener->o);
			s->listener = NULL;
		}
	}
	for (; i < s->nclients; k++) {
		struct channel *c = s->clients[i];
		if ((m = channel_peek(c))) {
			channel_pop(c);
			if (!serve(s, c, m, false))
				return false;
		} else if (pending[k] & NB_SIGNAL_PEER_CLOSED) {
			kobj_release(&c->o);
			s->clients[i] = s->clients[--s->nclients];
			continue;
		}
		i++;
	}
	return true;
}

/* The driver's thread: serves until nothing is connected or killed. */
static void nserve_main(void *arg)
{
	struct nserve *s = arg;
	struct kobj *objs[2 + NSERVE_CLIENTS];
	nb_signals masks[2 + NSERVE_CLIENTS], pending[2 + NSERVE_CLIENTS];
	const nb_signals ch = NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED;

	while (s->listener || s->nclients) {
		uint32_t n = 0;
		if (s->listener) {
			objs[n] = &s->listener->o;
			masks[n++] = ch;
		}
		for (uint32_t i = 0; i < s->nclients; i++) {
			objs[n] = &s->clients[i]->o;
			masks[n++] = ch;
		}
		objs[n] = s->irq;
		masks[n++] = NB_SIGNAL_SIGNALED;
		if (kobj_wait(objs, masks, n, NB_TIME_INFINITE, pending))
			break;
		if (pending[n - 1] & NB_SIGNAL_SIGNALED)
			s->on_irq(s);
		if (!step(s, pending))
			break;
	}
	s->stop(s);
	for (uint32_t i = 0; i < s->nclients; i++)
		kobj_release(&s->clients[i]->o);
	if (s->listener)
		kobj_release(&s->listener->o);
	kobj_release(s->irq);
	s->proc->exit_code = s->proc->killed ? s->proc->exit_code : 0;
	s->proc->ended = true;
	kobj_signal(&s->proc->o, 0, NB_SIGNAL_TERMINATED);
	sched_exit(); /* s goes with the thread */
}

bool nserve_wait_irq(struct nserve *s)
{
	return nserve_wait_irq_until(s, NB_TIME_INFINITE);
}

bool nserve_wait_irq_until(struct nserve *s, nb_time deadline)
{
	nb_signals want = NB_SIGNAL_SIGNALED, pending;
	nb_status st = kobj_wait(&s->irq, &want, 1, deadline, &pending);

	if (st) {
		s->killed = st != NB_ERR_TIMED_OUT;
		return false;
	}
	s->on_irq(s);
	return true;
}

bool nserve_connected(const struct nserve *s, uintptr_t ch)
{
	uint32_t i = 0;

	while (i < s->nclients && (uintptr_t)s->clients[i] != ch)
		i++;
	return i < s->nclients &&
	       !(s->clients[i]->o.signals & NB_SIGNAL_PEER_CLOSED);
}

nb_status nserve_start(struct nserve *s, const char *name, struct process **out)
{
	struct process *p = calloc(1, sizeof *p);

	if (!p)
		return NB_ERR_NO_MEMORY;
	kobj_init(&p->o, KOBJ_PROCESS);
	size_t len = strlen(name);
	memcpy(p->name, name, len < sizeof p->name ? len : sizeof p->name - 1);
	p->priority = NB_PRIORITY_DEFAULT;
	kobj_init(&s->t.o, KOBJ_THREAD);
	s->t.proc = p;
	s->t.prio = p->priority;
	s->proc = p;
	if (!sched_spawn(&s->t, nserve_main)) {
		free(p);
		return NB_ERR_NO_MEMORY;
	}
	kobj_retain(s->irq);
	kobj_retain(&s->listener->o);
	kobj_retain(&p->o); /* the thread's, released by thread_destroy */
	p->threads = &s->t;
	p->nthreads = 1;
	kobj_release(&s->t.o); /* the scheduler keeps its own */
	*out = p;
	return NB_OK;
}
