/*
 * serve_native.h: what every driver compiled into the kernel shares: a
 * kernel thread of a process of its own that serves a firmament
 * interface to the clients arriving on a service listener (firmament's
 * Listener.connect), through firc's generated server over the kernel's
 * port (kernel/firport.h), and waits on the device's interrupt between
 * messages; exactly what a wasm driver's svc_serve_on does.
 */
#ifndef SERVE_NATIVE_H
#define SERVE_NATIVE_H

#include "kernel/firport.h"
#include "kernel/object.h"

#define NSERVE_CLIENTS 32

struct nserve {
	struct kthread t; /* first: the thread's end frees the driver */
	struct process *proc;
	struct channel *listener; /* NULL once closed */
	struct channel *clients[NSERVE_CLIENTS];
	uint32_t nclients;
	struct kobj *irq;    /* waited on for SIGNALED (retained) */
	struct firport port; /* of the message being served */
	bool killed;	     /* a handler's wait was cut short */
	/* The driver's: serve client request m (firc's X_serve with
	 * &s->port), handle the interrupt, and release its objects once
	 * nothing is connected. */
	void (*serve)(struct nserve *s, struct kmsg *m);
	void (*on_irq)(struct nserve *s);
	void (*stop)(struct nserve *s);
};

/*
 * Starts s (zeroed but for the hooks, irq and listener, and the first
 * member of the driver's calloc'd state, which the thread's end frees)
 * on a kernel thread of a new process called name, retaining irq and
 * listener. *out gets the process (a reference for the caller), which
 * ends (status 0) once the listener and every client are closed. On
 * failure (NO_MEMORY) nothing is retained and the caller frees s.
 */
nb_status nserve_start(struct nserve *s, const char *name,
		       struct process **out);
/* Waits (in a handler) until the interrupt fires, then calls on_irq;
 * false, with s->killed set, if the process is killed meanwhile. */
bool nserve_wait_irq(struct nserve *s);
/* The same until deadline (kernel_now's clock): false, s->killed
 * unset, if it passes first. */
bool nserve_wait_irq_until(struct nserve *s, nb_time deadline);
/* True while ch is one of s's clients and its peer is still there. */
bool nserve_connected(const struct nserve *s, uintptr_t ch);

#endif
