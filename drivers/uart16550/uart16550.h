/*
 * uart16550.h: the 16550 UART's registers, shared by the wasm driver
 * (uart16550.c) and the native one (uart_native.c). Offsets from the
 * port base; COM1 is 0x3f8 (IRQ 4, the kernel's console), COM2 0x2f8
 * (IRQ 3).
 */
#ifndef UART16550_H
#define UART16550_H

#define UART_RBR 0 /* receive buffer (read) / transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_IIR 2 /* interrupt identification (read) / FIFO control */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_PORTS 8

#define UART_IER_RDA 0x01  /* interrupt when a byte is received */
#define UART_LSR_DATA 0x01 /* a received byte is waiting */
#define UART_LSR_THRE 0x20 /* room for a byte to transmit */
#define UART_MCR_OUT2 0x08 /* gates the interrupt line on PCs */

#endif
