/*
 * serial.c: the console, a 16550 UART on COM1 (port 0x3f8), polled.
 */
#include "arch.h"
#include "x86.h"

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

/* Writes one byte, waiting (boundedly) for room in the transmitter. */
void serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
		;
	outb(COM1 + THR, (uint8_t)c);
}

/* True when a received byte is waiting. */
bool serial_ready(void)
{
	return inb(COM1 + LSR) & LSR_DATA;
}

/* Waits for and returns the next received byte. */
int serial_getc(void)
{
	while (!serial_ready())
		__asm__ volatile("pause");
	return inb(COM1 + THR);
}
