/*
 * serial.c: the console, a 16550 UART on COM1 (port 0x3f8). Output is
 * polled; input arrives by interrupt (IRQ 4, irq.c) once the kernel has
 * interrupts on: the handler moves received bytes into a ring buffer,
 * which hal_console_read empties (polling the UART too, for reads made
 * with interrupts still off, as by the test=echo self-test).
 *
 * Multiplexed mode (command line "console=mux", used by `nebulet boot`)
 * carries three streams and an exit status over the one serial line, so
 * that the host can give a program's stdout and stderr back separately and
 * byte for byte. Control sequences start with DLE (0x10):
 *   DLE '0' | DLE '1' | DLE '2'   what follows is kernel messages | stdout
 *                                 | stderr (kernel messages at start)
 *   DLE DLE                       one data byte 0x10
 *   DLE 'x' DIGITS '\n'           the run ended with this exit status
 */
#include "hal/x86_64/arch.h"
#include "hal/x86_64/x86.h"

#define COM1 0x3f8
#define THR 0 /* transmit holding (write) / receive buffer (read) */
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DATA 0x01
#define LSR_THRE 0x20

/* Sets COM1 to 115200 baud, 8N1, interrupts off; keeps any byte that
 * arrived before. */
void serial_init(void)
{
	outb(COM1 + IER, 0);
	outb(COM1 + LCR, 0x80); /* divisor latch */
	outb(COM1 + 0, 1);	/* 115200 / 1 */
	outb(COM1 + 1, 0);
	outb(COM1 + LCR, 0x03); /* 8 bits, no parity, 1 stop */
	outb(COM1 + FCR, 0);	/* no FIFOs: switching them on drops input */
	outb(COM1 + MCR, 0x03); /* DTR, RTS */
}

#define DLE 0x10

bool console_mux;
static int console_stream; /* multiplexed mode: 0 kernel, 1, 2 */

/* Writes one byte, waiting (boundedly) for room in the transmitter. */
static void serial_raw(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
		;
	outb(COM1 + THR, (uint8_t)c);
}

/* Writes one data byte (doubling DLE in multiplexed mode). */
void serial_putc(char c)
{
	if (console_mux && c == DLE)
		serial_raw(DLE);
	serial_raw(c);
}

/* Multiplexed mode: makes the following bytes belong to stream 0-2. */
void console_select(int stream)
{
	if (!console_mux || stream == console_stream)
		return;
	serial_raw(DLE);
	serial_raw((char)('0' + stream));
	console_stream = stream;
}

/* Multiplexed mode: reports the exit status of the run. */
void console_exit_record(int status)
{
	char num[12];
	int n = 0;
	unsigned u = status < 0 ? 0u - (unsigned)status : (unsigned)status;
	if (!console_mux)
		return;
	serial_raw(DLE);
	serial_raw('x');
	if (status < 0)
		serial_raw('-');
	do {
		num[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n)
		serial_raw(num[--n]);
	serial_raw('\n');
}

#define IER_RDA 0x01  /* interrupt when a byte is received */
#define MCR_OUT2 0x08 /* gates the UART's interrupt line on PCs */
#define RX_SIZE 1024

static char rx[RX_SIZE];
static size_t rx_head, rx_len; /* under rx_busy, interrupts off */
static volatile int rx_busy;

/* Moves received bytes from the UART into the ring while there is room;
 * a full ring leaves them in the UART (QEMU then holds back the rest). */
static void rx_drain(void)
{
	while (rx_len < RX_SIZE && (inb(COM1 + LSR) & LSR_DATA)) {
		rx[(rx_head + rx_len) % RX_SIZE] = (char)inb(COM1 + THR);
		rx_len++;
	}
}

/* Routes IRQ 4 and enables the receive interrupt; false if the line
 * cannot be routed (then input stays polled). */
bool serial_irq_init(void)
{
	if (!irq_route(SERIAL_IRQ))
		return false;
	outb(COM1 + MCR, 0x03 | MCR_OUT2);
	outb(COM1 + IER, IER_RDA);
	return true;
}

/* IRQ 4's handler, interrupts off. */
void serial_interrupt(void)
{
	uint64_t f = spin_lock_irq(&rx_busy);
	rx_drain();
	spin_unlock_irq(&rx_busy, f);
}

/* Takes up to len received bytes (never waits); returns how many. */
size_t serial_take(char *buf, size_t len)
{
	uint64_t f = spin_lock_irq(&rx_busy);
	size_t n = 0;

	rx_drain();
	for (; n < len && rx_len; n++, rx_len--) {
		buf[n] = rx[rx_head];
		rx_head = (rx_head + 1) % RX_SIZE;
	}
	rx_drain();
	spin_unlock_irq(&rx_busy, f);
	return n;
}

/* True when a received byte is waiting. */
bool serial_ready(void)
{
	return rx_len || (inb(COM1 + LSR) & LSR_DATA);
}

/* Waits (polling) for and returns the next received byte. */
int serial_getc(void)
{
	char c;

	while (!serial_take(&c, 1))
		__asm__ volatile("pause");
	return (unsigned char)c;
}
