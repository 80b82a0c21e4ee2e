/*
 * test_device.c: device objects on the hosted kernel, where a Linux
 * process has no I/O ports or interrupt lines: creating either fails
 * with NB_ERR_NOT_SUPPORTED (bad arguments first: INVALID_ARGS), no
 * interrupt is ever pending, nothing waits, and the console has no
 * input interrupt. Prints "PASS name" or "FAIL name" per case.
 */
#include <stdio.h>

#include "tests/unit/check.h"
#include "hal/hal.h"
#include "kernel/device.h"

int main(void)
{
	struct ioport *p = NULL;
	struct interrupt *i = NULL;

	hal_init();
	device_init();
	check("ioport: count 0",
	      ioport_create(0x2f8, 0, &p) == NB_ERR_INVALID_ARGS);
	check("ioport: past 0xffff",
	      ioport_create(0xfff0, 0x20, &p) == NB_ERR_INVALID_ARGS);
	check("ioport: hosted has none",
	      ioport_create(0x2f8, 8, &p) == NB_ERR_NOT_SUPPORTED && !p);
	check("irq: line 32", interrupt_create(32, &i) == NB_ERR_INVALID_ARGS);
	check("irq: hosted has none",
	      interrupt_create(3, &i) == NB_ERR_NOT_SUPPORTED && !i);
	check("irq: a failed bind leaves the line free",
	      interrupt_create(3, &i) == NB_ERR_NOT_SUPPORTED);
	device_poll();
	check("nothing pending", hal_irq_take() == 0);
	check("nobody waits", !device_waiting());
	check("console: no input interrupt", hal_console_irq() == -1);
	check("ports: none available", !hal_ports_available(0x2f8, 8));
	return failures != 0;
}
