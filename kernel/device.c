/*
 * device.c: device objects (I/O-port ranges, interrupts), their calls,
 * and the kernel's side of interrupts.
 *
 * Interrupts arrive in the HAL, which records the line and calls
 * `notify` (interrupt context: it only sets the preemption flag). The
 * scheduler calls device_poll at each preemption check and while idle;
 * it turns the recorded lines into signals: SIGNALED on the line's
 * interrupt object, and on the console event that a thread reading the
 * console waits on (hal_console_read calls console_wait when no input is
 * there, so a reader blocks instead of polling and others run).
 */
#include <stdlib.h>

#include "kernel/device.h"
#include "kernel/syscall.h"

#define LINES 32

static struct {
	struct interrupt *bound[LINES];
	struct interrupt *msi[LINES]; /* by HAL MSI vector */
	struct event *console;	      /* SIGNALED: console input arrived */
} D;

/* Interrupt context: makes running code reach a preemption check. */
static void notify(void)
{
	wasm_preempt_flag = 1;
}

/* hal_console_read's wait: blocks the calling thread until the console's
 * line fires; false if its process is being killed. The boot context
 * (no thread) halts instead. */
static bool console_wait(void)
{
	struct kobj *o;
	nb_signals want = NB_SIGNAL_SIGNALED, pending;

	if (!sched_current() || !D.console) {
		hal_idle(hal_clock_monotonic_ns() + 1000000000ull);
		return true;
	}
	o = &D.console->o;
	kobj_signal(o, NB_SIGNAL_SIGNALED, 0);
	return kobj_wait(&o, &want, 1, NB_TIME_INFINITE, &pending) == NB_OK;
}

void device_init(void)
{
	if (!D.console)
		D.console = event_create();
	hal_irq_set_notify(notify);
	if (hal_console_irq() >= 0)
		hal_console_set_wait(console_wait);
}

void device_poll(void)
{
	uint32_t m = hal_irq_take(), v = hal_msi_take();
	int ci = hal_console_irq();

	for (uint32_t i = 0; v && i < LINES; i++)
		if ((v & (1u << i)) && D.msi[i])
			kobj_signal(&D.msi[i]->o, 0, NB_SIGNAL_SIGNALED);
	if (!m)
		return;
	if (ci >= 0 && (m & (1u << ci)) && D.console)
		kobj_signal(&D.console->o, 0, NB_SIGNAL_SIGNALED);
	for (uint32_t i = 0; i < LINES; i++)
		if ((m & (1u << i)) && D.bound[i])
			kobj_signal(&D.bound[i]->o, 0, NB_SIGNAL_SIGNALED);
}

bool device_waiting(void)
{
	if (D.console && D.console->o.waiters)
		return true;
	for (uint32_t i = 0; i < LINES; i++)
		if ((D.bound[i] && D.bound[i]->o.waiters) ||
		    (D.msi[i] && D.msi[i]->o.waiters))
			return true;
	return false;
}

nb_status ioport_create(uint32_t base, uint32_t count, struct ioport **out)
{
	struct ioport *p;

	if (count == 0 || base > 0xffff || count > 0x10000 - base)
		return NB_ERR_INVALID_ARGS;
	if (!hal_ports_available(base, count))
		return NB_ERR_NOT_SUPPORTED;
	if (!(p = kobj_alloc(sizeof *p, KOBJ_IOPORT)))
		return NB_ERR_NO_MEMORY;
	p->base = base;
	p->count = count;
	*out = p;
	return NB_OK;
}

nb_status interrupt_create(uint32_t line, struct interrupt **out)
{
	struct interrupt *i;

	if (line >= LINES)
		return NB_ERR_INVALID_ARGS;
	if (D.bound[line])
		return NB_ERR_BAD_STATE;
	if (!(i = kobj_alloc(sizeof *i, KOBJ_INTERRUPT)))
		return NB_ERR_NO_MEMORY;
	if (!hal_irq_unmask(line)) {
		kobj_free(&i->o);
		return NB_ERR_NOT_SUPPORTED;
	}
	i->line = line;
	i->msi = -1;
	D.bound[line] = i;
	*out = i;
	return NB_OK;
}

nb_status interrupt_create_msi(int n, struct interrupt **out)
{
	struct interrupt *i;

	if (n < 0 || n >= LINES || D.msi[n])
		return NB_ERR_INVALID_ARGS;
	if (!(i = kobj_alloc(sizeof *i, KOBJ_INTERRUPT)))
		return NB_ERR_NO_MEMORY;
	i->msi = n;
	D.msi[n] = i;
	*out = i;
	return NB_OK;
}

void ioport_destroy(struct ioport *p)
{
	kobj_free(&p->o);
}

/* The line (or MSI-X entry) is masked and free for another object. */
void interrupt_destroy(struct interrupt *i)
{
	if (i->msi >= 0) {
		pcidev_msix_release(i);
		D.msi[i->msi] = NULL;
		hal_msi_free(i->msi);
	} else {
		hal_irq_mask(i->line);
		D.bound[i->line] = NULL;
	}
	kobj_free(&i->o);
}

/* Checks a port access: width, then handle and right, then range. */
static nb_status port_check(struct process *p, nb_handle h, nb_rights need,
			    uint32_t port, uint32_t width)
{
	struct kobj *o;
	struct ioport *r;
	nb_status s;

	if (width != 1 && width != 2 && width != 4)
		return NB_ERR_INVALID_ARGS;
	if ((s = htable_get(&p->handles, h, KOBJ_IOPORT, need, &o)))
		return s;
	r = (struct ioport *)o;
	if (port < r->base ||
	    (uint64_t)port + width > (uint64_t)r->base + r->count)
		return NB_ERR_OUT_OF_RANGE;
	return NB_OK;
}

nb_status sys_ioport_read(struct ucall *u, uint32_t h, uint32_t port,
			  uint32_t width, uint32_t value)
{
	nb_status s;

	if (width != 1 && width != 2 && width != 4)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, value, 4))
		return NB_ERR_FAULT;
	if ((s = port_check(u->p, h, NB_RIGHT_READ, port, width)))
		return s;
	put32(u, value, hal_port_in((uint16_t)port, width));
	return NB_OK;
}

nb_status sys_ioport_write(struct ucall *u, uint32_t h, uint32_t port,
			   uint32_t width, uint32_t value)
{
	nb_status s;

	if ((s = port_check(u->p, h, NB_RIGHT_WRITE, port, width)))
		return s;
	hal_port_out((uint16_t)port, width, value);
	return NB_OK;
}

/* Clears SIGNALED and unmasks the line (an MSI is never masked). */
nb_status sys_interrupt_ack(struct ucall *u, uint32_t h)
{
	struct kobj *o;
	nb_status s;

	if ((s = htable_get(&u->p->handles, h, KOBJ_INTERRUPT, NB_RIGHT_WRITE,
			    &o)))
		return s;
	kobj_signal(o, NB_SIGNAL_SIGNALED, 0);
	if (((struct interrupt *)o)->msi < 0)
		hal_irq_unmask(((struct interrupt *)o)->line);
	return NB_OK;
}
