/*
 * devices.c: the device objects from a driver's side, hostile
 * (tests/boot.sh). Booted with the manifest line
 *   --ioport=0x2f8:8 --irq=3 devices.wasm
 * and QEMU's COM2 present: startup handle 0 is the port range of COM2,
 * 1 its interrupt. Checks each call's status for accesses inside and
 * outside the range, bad widths and pointers, wrong handle types,
 * missing rights, closed handles, and a real interrupt: COM2 raises IRQ
 * 3 when its transmit-empty interrupt is enabled; the object is then
 * SIGNALED until acknowledged. Prints PASS/FAIL lines and "done".
 */
#include "kt.h"

#define BASE 0x2f8
#define IER 1
#define IIR 2
#define LSR 5
#define IER_THRE 0x02

int main(void)
{
	nb_handle io = nb_startup_handle(0), irq = nb_startup_handle(1);
	nb_handle ro, wo, nowait, noack, ev, a, b;
	uint32_t v = 0;
	nb_signals seen = 0;

	EXPECT("io handle", io != NB_HANDLE_INVALID, 1);
	EXPECT("irq handle", irq != NB_HANDLE_INVALID, 1);
	/* Inside the range: LSR of a present, idle UART has THRE set. */
	EXPECT("read lsr", nb_ioport_read(io, BASE + LSR, 1, &v), NB_OK);
	EXPECT("lsr thre", (v & 0x20) != 0, 1);
	EXPECT("read 16 at start", nb_ioport_read(io, BASE, 2, &v), NB_OK);
	EXPECT("read 32 at end", nb_ioport_read(io, BASE + 4, 4, &v), NB_OK);
	EXPECT("write ier 0", nb_ioport_write(io, BASE + IER, 1, 0), NB_OK);
	/* Outside the range, or crossing its end. */
	EXPECT("read below", nb_ioport_read(io, BASE - 1, 1, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("read past", nb_ioport_read(io, BASE + 8, 1, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("read 32 crossing end", nb_ioport_read(io, BASE + 5, 4, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("read 16 crossing end", nb_ioport_read(io, BASE + 7, 2, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("read com1", nb_ioport_read(io, 0x3f8 + LSR, 1, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("read port 2^32-1", nb_ioport_read(io, 0xffffffffu, 4, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("write pic", nb_ioport_write(io, 0x21, 1, 0xff),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("write debug-exit", nb_ioport_write(io, 0xf4, 1, 0),
	       NB_ERR_OUT_OF_RANGE);
	/* Widths, pointers, and the order of the checks. */
	EXPECT("width 0", nb_ioport_read(io, BASE, 0, &v), NB_ERR_INVALID_ARGS);
	EXPECT("width 3", nb_ioport_read(io, BASE, 3, &v), NB_ERR_INVALID_ARGS);
	EXPECT("width 8 write", nb_ioport_write(io, BASE, 8, 0),
	       NB_ERR_INVALID_ARGS);
	EXPECT("bad pointer",
	       nb_ioport_read(io, BASE, 1, (uint32_t *)0xfffffff0u),
	       NB_ERR_FAULT);
	EXPECT("width before handle", nb_ioport_read(12345, BASE, 3, &v),
	       NB_ERR_INVALID_ARGS);
	EXPECT("pointer before handle",
	       nb_ioport_read(12345, BASE, 1, (uint32_t *)0xfffffff0u),
	       NB_ERR_FAULT);
	EXPECT("handle before range", nb_ioport_read(12345, 0, 1, &v),
	       NB_ERR_BAD_HANDLE);
	/* Wrong types. */
	EXPECT("event_create", nb_event_create(&ev), NB_OK);
	EXPECT("channel_create", nb_channel_create(&a, &b), NB_OK);
	EXPECT("read on irq", nb_ioport_read(irq, BASE, 1, &v),
	       NB_ERR_WRONG_TYPE);
	EXPECT("write on event", nb_ioport_write(ev, BASE, 1, 0),
	       NB_ERR_WRONG_TYPE);
	EXPECT("ack on io", nb_interrupt_ack(io), NB_ERR_WRONG_TYPE);
	EXPECT("ack on channel", nb_interrupt_ack(a), NB_ERR_WRONG_TYPE);
	EXPECT("signal irq", nb_object_signal(irq, 0, NB_SIGNAL_USER0),
	       NB_ERR_WRONG_TYPE);
	/* Rights. */
	EXPECT("dup read-only", nb_handle_duplicate(io, NB_RIGHT_READ, &ro),
	       NB_OK);
	EXPECT("dup write-only", nb_handle_duplicate(io, NB_RIGHT_WRITE, &wo),
	       NB_OK);
	EXPECT("read-only reads", nb_ioport_read(ro, BASE + LSR, 1, &v), NB_OK);
	EXPECT("read-only writes", nb_ioport_write(ro, BASE + IER, 1, 0),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("write-only reads", nb_ioport_read(wo, BASE + LSR, 1, &v),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("rights before range", nb_ioport_read(wo, 0, 1, &v),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("dup irq no wait",
	       nb_handle_duplicate(irq, NB_RIGHT_WRITE, &nowait), NB_OK);
	EXPECT("dup irq no ack",
	       nb_handle_duplicate(irq, NB_RIGHT_WAIT, &noack), NB_OK);
	EXPECT("wait without WAIT",
	       nb_object_wait_one(nowait, NB_SIGNAL_SIGNALED, 0, NULL),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("ack without WRITE", nb_interrupt_ack(noack),
	       NB_ERR_ACCESS_DENIED);
	/* No interrupt yet: waiting times out. */
	EXPECT("no interrupt yet",
	       nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
				  nb_clock_monotonic() + 20000000, NULL),
	       NB_ERR_TIMED_OUT);
	/* A real one: transmit-empty raises IRQ 3 at once. */
	EXPECT("enable thre irq", nb_ioport_write(io, BASE + IER, 1, IER_THRE),
	       NB_OK);
	EXPECT("interrupt arrives",
	       nb_object_wait_one(noack, NB_SIGNAL_SIGNALED,
				  nb_clock_monotonic() + 5000000000ll, &seen),
	       NB_OK);
	EXPECT("signaled", seen & NB_SIGNAL_SIGNALED, NB_SIGNAL_SIGNALED);
	EXPECT("still signaled before ack",
	       nb_object_wait_one(irq, NB_SIGNAL_SIGNALED, 0, NULL), NB_OK);
	EXPECT("disable irqs", nb_ioport_write(io, BASE + IER, 1, 0), NB_OK);
	EXPECT("read iir", nb_ioport_read(io, BASE + IIR, 1, &v), NB_OK);
	EXPECT("ack", nb_interrupt_ack(irq), NB_OK);
	EXPECT("cleared after ack",
	       nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
				  nb_clock_monotonic() + 20000000, NULL),
	       NB_ERR_TIMED_OUT);
	/* Again, through the acked and unmasked line. */
	EXPECT("enable thre irq again",
	       nb_ioport_write(io, BASE + IER, 1, IER_THRE), NB_OK);
	EXPECT("second interrupt",
	       nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
				  nb_clock_monotonic() + 5000000000ll, NULL),
	       NB_OK);
	nb_ioport_write(io, BASE + IER, 1, 0);
	EXPECT("ack again", nb_interrupt_ack(irq), NB_OK);
	/* Closed handles. */
	EXPECT("close io", nb_handle_close(io), NB_OK);
	EXPECT("read closed", nb_ioport_read(io, BASE, 1, &v),
	       NB_ERR_BAD_HANDLE);
	EXPECT("dup still works", nb_ioport_read(ro, BASE + LSR, 1, &v), NB_OK);
	EXPECT("close irq", nb_handle_close(irq), NB_OK);
	EXPECT("ack closed", nb_interrupt_ack(irq), NB_ERR_BAD_HANDLE);
	printf("done\n");
	return kt_failed != 0;
}
