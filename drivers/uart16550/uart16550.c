/*
 * uart16550.c: the 16550 UART Console driver, a wasm program.
 *
 * It holds nothing but its startup handles: 0 an I/O-port range (the
 * UART's 8 registers; argv[1] is the base port, default 0x2f8, COM2),
 * 1 the UART's interrupt, 2 a service listener, on which each client
 * arrives as firmament's Listener.connect. Clients speak Console
 * (firmament/console.fir) through the code firc generates, served by
 * svc_serve_on (user/firmament/svc.c) with the interrupt as its extra
 * object. Received bytes come by interrupt: the driver waits on the
 * interrupt object, drains the UART, acknowledges (which unmasks the
 * line) and looks once more. Transmission polls the line status
 * register. It ends when the listener and every client are closed.
 * Its twin compiled into the kernel is uart_native.c; the boot manifest
 * (or a `driver` line of the firmament's init) picks one.
 */
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "svc.h"
#include "uart16550.h"

#define RX_SIZE 4096

static nb_handle io, irq;
static uint32_t base = 0x2f8;
static uint8_t rx[RX_SIZE];
static uint32_t rx_len;

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
static void on_irq(void *ctx)
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
		on_irq(NULL);
	}
	if (n > rx_len)
		n = rx_len;
	memcpy(resp->data.b, rx, n);
	memmove(rx, rx + n, rx_len - n);
	rx_len -= n;
	resp->data.len = n;
	return NB_OK;
}

static const struct console_ops ops = {on_write, on_read};

int main(int argc, char **argv)
{
	nb_handle listener;
	struct svc_extra intr = {0, NB_SIGNAL_SIGNALED, on_irq};
	nb_status s;

	io = nb_startup_handle(0);
	irq = nb_startup_handle(1);
	listener = nb_startup_handle(2);
	if (argc > 1)
		base = (uint32_t)strtoul(argv[1], NULL, 0);
	if (!io || !irq || !listener)
		return 2;
	intr.h = irq;
	reg_out(UART_IER, UART_IER_RDA);
	reg_out(UART_MCR, 0x03 | UART_MCR_OUT2);
	rx_drain();
	s = svc_serve_on(listener, console_dispatch_any, &ops, NULL, &intr);
	reg_out(UART_IER, 0);
	return s == NB_ERR_PEER_CLOSED ? 0 : 3;
}
