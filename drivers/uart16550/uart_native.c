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
 * when the listener and all clients are closed. The serving loop is the
 * one all native drivers share (drivers/native/serve_native.c).
 */
#include <stdlib.h>
#include <string.h>

#include "firmament/console_wire.h"
#include "drivers/native/serve_native.h"
#include "drivers/uart16550/uart16550.h"
#include "drivers/uart16550/uart_native.h"
#include "kernel/device.h"

#define RX_SIZE 4096

/* The driver: its serving loop first, so that the scheduler's freeing of
 * the ended thread (thread_destroy) frees it all. */
struct unative {
	struct nserve s;
	struct ioport *io;
	struct interrupt *irq;
	uint8_t rx[RX_SIZE]; /* received, not yet read */
	uint32_t rx_len;
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
static void on_irq(struct nserve *s)
{
	struct unative *u = (struct unative *)s;

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
	while (!u->rx_len)
		if (!nserve_wait_irq(&u->s))
			return false;
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
 * max); BAD_STATE if the driver is killed meanwhile. */
static int32_t on_read(void *ctx, const console_read_req *req,
		       console_read_resp *resp)
{
	struct unative *u = ctx;
	uint32_t n =
		req->max < sizeof resp->data.b ? req->max : sizeof resp->data.b;

	if (n && !wait_input(u))
		return NB_ERR_BAD_STATE;
	if (n > u->rx_len)
		n = u->rx_len;
	memcpy(resp->data.b, u->rx, n);
	memmove(u->rx, u->rx + n, u->rx_len - n);
	u->rx_len -= n;
	resp->data.len = n;
	return NB_OK;
}

static const struct console_ops console_ops = {on_write, on_read};

/* A client's request, through firc's generated Console server. */
static void serve(struct nserve *s, struct kmsg *m)
{
	console_serve(&console_ops, s, &firport_ops, &s->port, m->bytes,
		      m->nbytes, s->port.w, m->nhandles);
}

/* Nothing is connected any more: interrupts off, objects released. */
static void stop(struct nserve *s)
{
	struct unative *u = (struct unative *)s;

	reg_out(u, UART_IER, 0);
	kobj_release(&u->io->o);
}

nb_status uart_native_start(const struct khandle *h, uint32_t n,
			    struct process **out)
{
	struct unative *u = calloc(1, sizeof *u);
	nb_status st;

	if (!u)
		return NB_ERR_NO_MEMORY;
	for (uint32_t i = 0; i < n; i++) {
		struct kobj *o = h[i].obj;
		if (o->type == KOBJ_IOPORT && !u->io)
			u->io = (struct ioport *)o;
		else if (o->type == KOBJ_INTERRUPT && !u->irq)
			u->irq = (struct interrupt *)o;
		else if (o->type == KOBJ_CHANNEL && !u->s.listener)
			u->s.listener = (struct channel *)o;
	}
	if (!u->io || !u->irq || !u->s.listener || u->io->count < UART_PORTS) {
		free(u);
		return NB_ERR_INVALID_ARGS;
	}
	u->s.irq = &u->irq->o;
	u->s.serve = serve;
	u->s.on_irq = on_irq;
	u->s.stop = stop;
	reg_out(u, UART_IER, UART_IER_RDA);
	reg_out(u, UART_MCR, 0x03 | UART_MCR_OUT2);
	rx_drain(u);
	if ((st = nserve_start(&u->s, "uart16550-native", out))) {
		free(u);
		return st;
	}
	kobj_retain(&u->io->o);
	return NB_OK;
}
