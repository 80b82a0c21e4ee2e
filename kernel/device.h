/*
 * device.h: device objects and the kernel's side of interrupts (device.c):
 * I/O-port ranges and interrupt lines that the boot init gives drivers,
 * the console's input wait, and what the scheduler asks while idle.
 */
#ifndef KERNEL_DEVICE_H
#define KERNEL_DEVICE_H

#include "kernel/object.h"

/* Ports [base, base + count) for one driver. */
struct ioport {
	struct kobj o;
	uint32_t base, count;
};

/* One interrupt line, bound to this object alone while it lives. */
struct interrupt {
	struct kobj o;
	uint32_t line;
};

/* Installs the interrupt notification and the console's input wait
 * (hal.h); the boot init calls it before running anything. */
void device_init(void);
/* Turns the interrupts that came since the last call into signals. */
void device_poll(void);
/* True if some thread waits for an interrupt (so waiting forever is no
 * deadlock while interrupts can come). */
bool device_waiting(void);

/* INVALID_ARGS (count 0, past port 0xffff), NOT_SUPPORTED (the HAL
 * keeps them, or no ports: hosted), NO_MEMORY. */
nb_status ioport_create(uint32_t base, uint32_t count, struct ioport **out);
/* INVALID_ARGS (line > 31), BAD_STATE (already bound), NOT_SUPPORTED
 * (the HAL keeps the line or has none), NO_MEMORY. Unmasks the line. */
nb_status interrupt_create(uint32_t line, struct interrupt **out);
void ioport_destroy(struct ioport *p);
void interrupt_destroy(struct interrupt *i);

#endif
