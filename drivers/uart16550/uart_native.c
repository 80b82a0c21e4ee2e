/*
 * uart_native.c: the 16550 UART Console driver compiled into the kernel.
 *
 * It serves exactly what the wasm driver (uart16550.c) serves, on the
 * same handles: clients arrive on the service listener as firmament
 * Listener.connect messages, and each speaks Console (write, read),
 * served by the very code firc generates for the wasm driver
 * (console_serve and listener_serve of NAME_wire.c, over the kernel's
 * channels: kernel/firport.h) with handlers doing what the wasm
 * driver's do, so a client cannot tell the two apart. It runs on a
 * kernel thread of a process of its own (the scheduler needs one; it
 * has no wasm module), touches the UART only through its I/O-port
 * range (hal_port_in/out after the range check) and waits for received
 * bytes on its interrupt object, like the wasm driver. Transmission
 * polls the line status register (QEMU's UART is ready at once). It ends
 * when the listener and all clients are closed.
 */
#include <stdlib.h>
#include <string.h>

#include "firmament/console_wire.h"
#include "firmament/directory_wire.h"
#include "drivers/uart16550/uart16550.h"
#include "drivers/uart16550/uart_native.h"
#include "kernel/device.h"
#include "kernel/firport.h"

#define MAX_CLIENTS 32
#define RX_SIZE 4096

/* The driver: its thread first, so that the scheduler's freeing of the
 * ended thread (thread_destroy) frees it all. */
struct unative {
	struct kthread t;
	struct process *proc;
	struct ioport *io;
	struct interrupt *irq;
	struct channel *listener; /* NULL once closed */
	struct channel *clients[MAX_CLIENTS];
	uint32_t nclients;
	uint8_t rx[RX_SIZE]; /* received, not yet read */
	uint32_t rx_len;
	struct firport port; /* of the message being served */
	bool killed;	     /* a read's wait was cut short */
};

/* One register access, only inside the driver's range. */
static uint8_t reg_in(struct unative *u, uint32_t reg)
{
	if (reg >= u->io->count)
		return 0xff;
	return (uint8_t)hal_port_in((uint16_t)(u->io->base + reg), 1);
}

static void reg_out(struct unative *u, uint32_t reg, uint8_t v)
{
	if (reg < u->io->count)
		hal_port_out((uint16_t)(u->io->base + reg), 1, v);
}

/* Moves received bytes into rx (what does not fit stays in the UART). */
static void rx_drain(struct unative *u)
{
	while (u->rx_len < RX_SIZE && (reg_in(u, UART_LSR) & UART_LSR_DATA))
		u->rx[u->rx_len++] = reg_in(u, UART_RBR);
}

/* The interrupt fired: takes the input, then acknowledges (clears the
 * signal, unmasks the line) and looks once more. */
static void on_irq(struct unative *u)
{
	rx_drain(u);
	kobj_signal(&u->irq->o, NB_SIGNAL_SIGNALED, 0);
	hal_irq_unmask(u->irq->line);
	rx_drain(u);
}

/* Writes one byte, waiting (boundedly) for room in the transmitter. */
static void tx(struct unative *u, uint8_t c)
{
	for (int i = 0; i < 100000 && !(reg_in(u, UART_LSR) & UART_LSR_THRE);
	     i++)
		;
	reg_out(u, UART_RBR, c);
}

/* Waits until received bytes are there; false if killed. */
static bool wait_input(struct unative *u)
{
	struct kobj *o = &u->irq->o;
	nb_signals want = NB_SIGNAL_SIGNALED, pending;

	while (!u->rx_len) {
		if (kobj_wait(&o, &want, 1, NB_TIME_INFINITE, &pending))
			return false;
		on_irq(u);
	}
	return true;
}

/* Console.write: each byte once the transmitter has room. */
static int32_t on_write(void *ctx, const console_write_req *req,
			console_write_resp *resp)
{
	for (uint32_t i = 0; i < req->data.len; i++)
		tx(ctx, req->data.b[i]);
	resp->written = req->data.len;
	return NB_OK;
}

/* Console.read: waits for input, then gives what is there (at most
 * max); BAD_STATE (and u->killed) if the driver is killed meanwhile. */
static int32_t on_read(void *ctx, const console_read_req *req,
		       console_read_resp *resp)
{
	struct unative *u = ctx;
	uint32_t n =
		req->max < sizeof resp->data.b ? req->max : sizeof resp->data.b;

	if (n && !wait_input(u)) {
		u->killed = true;
		return NB_ERR_BAD_STATE;
	}
	if (n > u->rx_len)
		n = u->rx_len;
	memcpy(resp->data.b, u->rx, n);
	memmove(u->rx, u->rx + n, u->rx_len - n);
	u->rx_len -= n;
	resp->data.len = n;
	return NB_OK;
}

/* Listener.connect adds a client: the channel handle of the message
 * being served (u->port), which the driver retains. */
static int32_t on_connect(void *ctx, const listener_connect_req *req)
{
	struct unative *u = ctx;
	struct kobj *h = u->port.m->handles[req->channel].obj;

	if (h->type != KOBJ_CHANNEL || u->nclients == MAX_CLIENTS)
		return NB_ERR_WRONG_TYPE;
	kobj_retain(h);
	u->clients[u->nclients++] = (struct channel *)h;
	return NB_OK;
}

static const struct console_ops console_ops = {on_write, on_read};
static const struct listener_ops listener_ops = {on_connect};

/* Serves message m of channel c (the listener if listen, else a
 * client's) through firc's generated server, then frees it with the
 * handles it still holds; false if killed meanwhile. */
static bool serve(struct unative *u, struct channel *c, struct kmsg *m,
		  bool listen)
{
	firport_init(&u->port, c, m);
	if (listen)
		listener_serve(&listener_ops, u, &firport_ops, &u->port,
			       m->bytes, m->nbytes, u->port.w, m->nhandles);
	else
		console_serve(&console_ops, u, &firport_ops, &u->port, m->bytes,
			      m->nbytes, u->port.w, m->nhandles);
	kmsg_free(m, true);
	return !u->killed;
}

/* Handles what is pending on the listener and client i; drops closed
 * ones. False if killed. */
static bool step(struct unative *u, const nb_signals *pending)
{
	struct kmsg *m;
	uint32_t i = 0, k = u->listener ? 1 : 0;

	if (u->listener) {
		while ((m = channel_peek(u->listener))) {
			channel_pop(u->listener);
			serve(u, u->listener, m, true);
		}
		if (pending[0] & NB_SIGNAL_PEER_CLOSED) {
			kobj_release(&u->listener->o);
			u->listener = NULL;
		}
	}
	for (; i < u->nclients; k++) {
		struct channel *c = u->clients[i];
		if ((m = channel_peek(c))) {
			channel_pop(c);
			if (!serve(u, c, m, false))
				return false;
		} else if (pending[k] & NB_SIGNAL_PEER_CLOSED) {
			kobj_release(&c->o);
			u->clients[i] = u->clients[--u->nclients];
			continue;
		}
		i++;
	}
	return true;
}

/* The driver's thread: serves until nothing is connected or killed. */
static void native_main(void *arg)
{
	struct unative *u = arg;
	struct kobj *objs[2 + MAX_CLIENTS];
	nb_signals masks[2 + MAX_CLIENTS], pending[2 + MAX_CLIENTS];
	const nb_signals ch = NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED;

	reg_out(u, UART_IER, UART_IER_RDA);
	reg_out(u, UART_MCR, 0x03 | UART_MCR_OUT2);
	rx_drain(u);
	while (u->listener || u->nclients) {
		uint32_t n = 0;
		if (u->listener) {
			objs[n] = &u->listener->o;
			masks[n++] = ch;
		}
		for (uint32_t i = 0; i < u->nclients; i++) {
			objs[n] = &u->clients[i]->o;
			masks[n++] = ch;
		}
		objs[n] = &u->irq->o;
		masks[n++] = NB_SIGNAL_SIGNALED;
		if (kobj_wait(objs, masks, n, NB_TIME_INFINITE, pending))
			break;
		if (pending[n - 1] & NB_SIGNAL_SIGNALED)
			on_irq(u);
		if (!step(u, pending))
			break;
	}
	reg_out(u, UART_IER, 0);
	for (uint32_t i = 0; i < u->nclients; i++)
		kobj_release(&u->clients[i]->o);
	if (u->listener)
		kobj_release(&u->listener->o);
	kobj_release(&u->io->o);
	kobj_release(&u->irq->o);
	u->proc->exit_code = u->proc->killed ? u->proc->exit_code : 0;
	u->proc->ended = true;
	kobj_signal(&u->proc->o, 0, NB_SIGNAL_TERMINATED);
	sched_exit(); /* u goes with the thread */
}

nb_status uart_native_start(const struct khandle *h, uint32_t n,
			    struct process **out)
{
	struct unative *u = calloc(1, sizeof *u);
	struct process *p = calloc(1, sizeof *p);

	if (!u || !p) {
		free(u);
		free(p);
		return NB_ERR_NO_MEMORY;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct kobj *o = h[i].obj;
		if (o->type == KOBJ_IOPORT && !u->io)
			u->io = (struct ioport *)o;
		else if (o->type == KOBJ_INTERRUPT && !u->irq)
			u->irq = (struct interrupt *)o;
		else if (o->type == KOBJ_CHANNEL && !u->listener)
			u->listener = (struct channel *)o;
	}
	if (!u->io || !u->irq || !u->listener || u->io->count < UART_PORTS) {
		free(u);
		free(p);
		return NB_ERR_INVALID_ARGS;
	}
	kobj_init(&p->o, KOBJ_PROCESS);
	memcpy(p->name, "uart16550-native", 17);
	p->priority = NB_PRIORITY_DEFAULT;
	kobj_init(&u->t.o, KOBJ_THREAD);
	u->t.proc = p;
	u->t.prio = p->priority;
	u->proc = p;
	if (!sched_spawn(&u->t, native_main)) {
		free(u);
		free(p);
		return NB_ERR_NO_MEMORY;
	}
	kobj_retain(&u->io->o);
	kobj_retain(&u->irq->o);
	kobj_retain(&u->listener->o);
	kobj_retain(&p->o); /* the thread's, released by thread_destroy */
	p->threads = &u->t;
	p->nthreads = 1;
	kobj_release(&u->t.o); /* the scheduler keeps its own */
	*out = p;
	return NB_OK;
}
