/*
 * uart_native.h: the 16550 UART Console driver compiled into the kernel
 * (uart_native.c), the twin of the wasm driver drivers/uart16550/.
 */
#ifndef UART_NATIVE_H
#define UART_NATIVE_H

#include "kernel/object.h"

/*
 * Starts the driver on a kernel thread of a process of its own, given
 * startup handles like the wasm driver's: an I/O-port range, an
 * interrupt and a service listener (any order; it retains what it
 * keeps). *out gets the process (a reference for the caller), which
 * ends (status 0) once the listener and every client are closed.
 * INVALID_ARGS if a handle is missing, NO_MEMORY.
 */
nb_status uart_native_start(const struct khandle *h, uint32_t n,
			    struct process **out);

#endif
