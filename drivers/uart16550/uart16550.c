/*
 * uart16550.c: the 16550 UART Console driver, a wasm program.
 *
 * It holds nothing but its startup handles: 0 an I/O-port range (the
 * UART's 8 registers; argv[1] is the base port, default 0x2f8, COM2),
 * 1 the UART's interrupt, 2 a service listener, on which each client
 * arrives as firmament's Listener.connect. Clients speak Console
 * (firmament/console.fir) through the code firc generates. Received
 * bytes come by interrupt: the driver waits on the interrupt object,
 * drains the UART, acknowledges (which unmasks the line) and looks once
 * more. Transmission polls the line status register. It ends when the
 * listener and every client are closed. Its twin compiled into the
 * kernel is uart_native.c; the boot manifest picks one.
 */
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "directory.h"
#include "uart16550.h"

#define RX_SIZE 4096
#define MAX_ITEMS 34 /* irq, listener, 32 clients */

static nb_handle io, irq, listener; /* listener 0 once closed */
static uint32_t base = 0x2f8;
static uint8_t rx[RX_SIZE];
static uint32_t rx_len;
static nb_wait_item items[MAX_ITEMS]; /* 0 irq, then listener, clients */
static uint32_t nitems;
static uint8_t msg[FIR_MAX_BYTES];

static uint8_t reg_in(uint32_t reg)
{
	uint32_t v = 0xff;
	nb_ioport_read(io, base + reg, 1, &v);
	return (uint8_t)v;
}

static void reg_out(uint32_t reg, uint8_t v)
{
	nb_ioport_write(io, base + reg, 1, v);
}

/* Moves received bytes into rx (what does not fit stays in the UART). */
static void rx_drain(void)
{
	while (rx_len < RX_SIZE && (reg_in(UART_LSR) & UART_LSR_DATA))
		rx[rx_len++] = reg_in(UART_RBR);
}

/* The interrupt fired: take the input, acknowledge, look once more. */
static void on_irq(void)
{
	rx_drain();
	nb_interrupt_ack(irq);
	rx_drain();
}

/* Console.write: each byte once the transmitter has room. */
static nb_status on_write(void *ctx, const console_write_req *req,
			  console_write_resp *resp)
{
	for (uint32_t i = 0; i < req->data.len; i++) {
		for (int k = 0;
		     k < 100000 && !(reg_in(UART_LSR) & UART_LSR_THRE); k++)
			;
		reg_out(UART_RBR, req->data.b[i]);
	}
	resp->written = req->data.len;
	return NB_OK;
}

/* Console.read: waits for input, then gives what is there (at most max). */
static nb_status on_read(void *ctx, const console_read_req *req,
			 console_read_resp *resp)
{
	uint32_t n =
		req->max < sizeof resp->data.b ? req->max : sizeof resp->data.b;
	nb_status s;

	while (n && !rx_len) {
		if ((s = nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
					    NB_TIME_INFINITE, NULL)))
			return s;
		on_irq();
	}
	if (n > rx_len)
		n = rx_len;
	memcpy(resp->data.b, rx, n);
	memmove(rx, rx + n, rx_len - n);
	rx_len -= n;
	resp->data.len = n;
	return NB_OK;
}

/* Listener.connect: a new client joins (or is refused when full). */
static nb_status on_connect(void *ctx, const listener_connect_req *req)
{
	if (nitems == MAX_ITEMS) {
		nb_handle_close(req->channel);
		return NB_ERR_NO_RESOURCES;
	}
	items[nitems].handle = req->channel;
	items[nitems].waitfor = NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED;
	items[nitems++].pending = 0;
	return NB_OK;
}

/* Serves one message of item i; false once its channel is closed. */
static int serve_item(uint32_t i)
{
	static const struct console_ops cops = {on_write, on_read};
	static const struct listener_ops lops = {on_connect};
	nb_handle h[FIR_MAX_HANDLES], ch = items[i].handle;
	uint32_t n, nh;
	nb_status s;

	s = nb_channel_read(ch, 0, msg, sizeof msg, h, FIR_MAX_HANDLES, &n,
			    &nh);
	if (s == NB_ERR_SHOULD_WAIT)
		return 1;
	if (s != NB_OK)
		return 0;
	if (ch == listener)
		listener_dispatch(&lops, NULL, ch, msg, n, h, nh);
	else
		console_dispatch(&cops, NULL, ch, msg, n, h, nh);
	return 1;
}

int main(int argc, char **argv)
{
	io = nb_startup_handle(0);
	irq = nb_startup_handle(1);
	listener = nb_startup_handle(2);
	if (argc > 1)
		base = (uint32_t)strtoul(argv[1], NULL, 0);
	if (!io || !irq || !listener)
		return 2;
	items[0] = (nb_wait_item){irq, NB_SIGNAL_SIGNALED, 0};
	items[1] = (nb_wait_item){
		listener, NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED, 0};
	nitems = 2;
	reg_out(UART_IER, UART_IER_RDA);
	reg_out(UART_MCR, 0x03 | UART_MCR_OUT2);
	rx_drain();
	while (nitems > 1) {
		if (nb_object_wait_many(items, nitems, NB_TIME_INFINITE))
			return 3;
		if (items[0].pending & NB_SIGNAL_SIGNALED)
			on_irq();
		for (uint32_t i = nitems; i-- > 1;) {
			if (!(items[i].pending & items[i].waitfor) ||
			    serve_item(i))
				continue;
			if (items[i].handle == listener)
				listener = 0;
			nb_handle_close(items[i].handle);
			items[i] = items[--nitems];
		}
	}
	reg_out(UART_IER, 0);
	return 0;
}
