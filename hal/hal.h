/*
 * hal.h: the whole hardware abstraction layer. Everything above it
 * (nucleus, kernel, firmament) is machine-independent; everything machine-
 * specific is below it, in hal/hosted (a Linux process) or hal/x86_64
 * (bare metal). The HAL calls up only through what this header declares:
 * the handlers and hooks registered with it, and bootld_run (the upcall).
 */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Start-up: call once before anything else in this header. */
void hal_init(void);

/* Console: the serial port on bare metal, stdin/stdout/stderr hosted. */
void hal_console_write(int stream, const void *buf, size_t len); /* 1 or 2 */
/* Reads up to len bytes of input; returns bytes read, 0 at end, -1 error. */
long hal_console_read(void *buf, size_t len);

/* Virtual memory. Addresses and lengths are multiples of hal_page_size(). */
enum {
	HAL_PROT_NONE = 0,
	HAL_PROT_READ = 1,
	HAL_PROT_WRITE = 2,
	HAL_PROT_EXEC = 4
};
size_t hal_page_size(void);
/* Reserves `len` bytes of address space, inaccessible; NULL on failure. */
void *hal_vm_reserve(size_t len);
/* Changes access to [addr, addr+len), mapping zeroed pages on first use. */
bool hal_vm_protect(void *addr, size_t len, int prot);
/* Returns the range's pages to the system; it reads as zero afterwards
 * and keeps its protection. */
bool hal_vm_discard(void *addr, size_t len);
/* A hint: backs the accessible pages of [addr, addr+len) with zeroed
 * memory now instead of on first touch (one call instead of a fault per
 * page). False changes nothing: the pages still arrive on first use. */
bool hal_vm_commit(void *addr, size_t len);
/* Not a hint: makes sure that touching the accessible pages of [addr,
 * addr+len) will never run out of memory. Bare metal maps zeroed frames
 * there now, or, when RAM is short, drops the range's private frames
 * (it reads as zero) and returns false; hosted, the OS backs pages as it
 * likes and this is true. (memory.grow fails when this does.) */
bool hal_vm_back(void *addr, size_t len);
void hal_vm_release(void *addr, size_t len);
/* The machine's RAM (hosted: the host's) and the part not in use. */
void hal_memory_info(uint64_t *total, uint64_t *avail);
/* The kernel command line (bare metal: the boot loader's; hosted: ""). */
const char *hal_cmdline(void);

/*
 * Shared memory: pages that can appear at several places at once (a
 * kernel memory object mapped into linear memories). hal_shm_data is the
 * kernel's own view of all of them. Mapping replaces whatever was at
 * [addr, addr+len) (inside a hal_vm_reserve range); unmapping puts back
 * private demand-zero pages with protection prot. Destroy only after
 * every mapping is gone. Offsets and lengths are page multiples.
 */
typedef struct hal_shm hal_shm;
hal_shm *hal_shm_create(size_t len); /* zeroed; NULL on failure */
void *hal_shm_data(hal_shm *s);
bool hal_shm_map(hal_shm *s, size_t off, void *addr, size_t len, int prot);
bool hal_shm_unmap(void *addr, size_t len, int prot);
/* As hal_shm_unmap(addr, len, HAL_PROT_READ | HAL_PROT_WRITE), but the
 * range's private pages may stay, cleared in place: cheaper when the range
 * is soon used again (no page faults then). For recycling a reservation. */
bool hal_vm_reset(void *addr, size_t len);
void hal_shm_destroy(hal_shm *s);
/* Page flipping: moves the pages of [from, from+len) to [to, to+len)
 * (both private pages inside reservations) without copying them; `to`
 * takes `from`'s contents and `from` reads as zero afterwards. Both
 * ranges keep their protection. */
bool hal_vm_move(void *from, void *to, size_t len);

/*
 * Faults. The nucleus installs one handler; the HAL calls it, on a stack of
 * its own, for a memory access fault, a divide error or a stack overflow
 * in the running code. The handler either does not return (it jumps out
 * with hal_longjmp to where the wasm call began) or returns to let the HAL
 * treat the fault as fatal.
 */
enum hal_fault {
	HAL_FAULT_MEMORY,
	HAL_FAULT_DIVIDE,
	HAL_FAULT_ILLEGAL,
	HAL_FAULT_NO_MEMORY /* an allowed access to a page no RAM was left for
			     */
};
typedef void (*hal_fault_fn)(enum hal_fault kind, uintptr_t addr, void *pc);
void hal_set_fault_handler(hal_fault_fn fn);

/*
 * The upcall, the one function the layer above provides to the HAL: the
 * bare-metal HAL, once started, calls it with the boot archive (QEMU's
 * first module) on a roomy stack of its own and ends the machine with
 * the status it returns (bootld/ provides it: it starts every program of
 * the archive's manifest, all at once, as processes of the kernel, and
 * returns the last line's exit status: 0 if _start returns, its
 * proc_exit code, 1 for a bad module, a link error or a malformed
 * manifest line, 134 for a trap, 137 when killed; 1 if the archive or
 * its manifest is unusable). The hosted HAL never calls it: there the
 * runner (tools/nebulet) is the program.
 */
int bootld_run(const void *archive, size_t len);

/* Non-local exit that is safe to take out of the fault handler. */
#if __STDC_HOSTED__
#include <setjmp.h>
typedef sigjmp_buf hal_jmp_buf;
#define hal_setjmp(buf) sigsetjmp(buf, 1)
#define hal_longjmp(buf, v) siglongjmp(buf, v)
#else
/* Freestanding (hal/x86_64/jmp.S): callee-saved registers, stack, return
 * address and RFLAGS (so the interrupt flag comes back, as the signal mask
 * does with sigsetjmp). */
typedef uint64_t hal_jmp_buf[10];
__attribute__((returns_twice)) int hal_setjmp(hal_jmp_buf buf);
_Noreturn void hal_longjmp(hal_jmp_buf buf, int v);

/* Freestanding: the kernel heap (hal/x86_64/heap.c), which libk's
 * malloc, calloc, realloc and free wrap; kzalloc's memory is zeroed;
 * NULL when out of memory. */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kfree(void *p);
void *krealloc(void *p, size_t n);
#endif

/*
 * Contexts: an execution context with a stack of its own, for the kernel's
 * threads. Switching is cooperative and saves only what the C ABI says a
 * call preserves. hal_context_create(NULL, NULL, 0) makes an empty context
 * that only records where the caller is when it first switches away (the
 * boot context). A context's function must never return: it ends by
 * switching away for the last time (hal_context_exit), after which
 * another context may destroy it.
 */
typedef struct hal_context hal_context;
hal_context *hal_context_create(void (*fn)(void *), void *arg,
				size_t stack_size);
/* Saves the running context in `from` and resumes `to`. */
void hal_context_switch(hal_context *from, hal_context *to);
/* The same for a context that will never run again (its stack may go). */
_Noreturn void hal_context_exit(hal_context *from, hal_context *to);
void hal_context_destroy(hal_context *c);

/* Clocks, in nanoseconds. */
uint64_t hal_clock_monotonic_ns(void);
uint64_t hal_clock_realtime_ns(void);
uint64_t hal_clock_resolution_ns(void);

/*
 * A periodic timer: calls tick every period_ns of CPU time (hosted:
 * SIGVTALRM), in a signal/interrupt context, so tick may only set flags.
 * A period of 0 (or a NULL tick) stops it. Bare metal: each CPU has its
 * own (its local APIC's), started by a call on that CPU with the same
 * tick; a stop stops the tick on every CPU.
 */
void hal_timer_start(uint64_t period_ns, void (*tick)(void));

/*
 * CPUs. The kernel may run on hal_cpu_count() CPUs, numbered from 0 (the
 * one hal_init ran on); hal_cpu_id() is the caller's. _Thread_local
 * variables of the layers above are per CPU on bare metal (each CPU has
 * its own copy at the same address) and per host thread hosted, so they
 * hold "this CPU's" state; a thread that may move to another CPU must not
 * keep their addresses across a context switch. Bare metal uses
 * every CPU it starts unless its command line says "nosmp"; hosted, there
 * is one.
 * hal_cpu_start runs fn on every other CPU (each with a stack of its own
 * and interrupts on; fn must not return), once. hal_cpu_kick interrupts
 * CPU cpu (not the caller's): it calls the function of hal_cpu_set_kick
 * (interrupt context: it may only set flags) and leaves hal_idle.
 * Timers (hal_timer_start) and hal_idle act on the calling CPU.
 */
unsigned hal_cpu_count(void);
unsigned hal_cpu_id(void);
void hal_cpu_start(void (*fn)(void));
void hal_cpu_set_kick(void (*fn)(void));
void hal_cpu_kick(unsigned cpu);

/* Fills buf with random bytes; false if no source is available. */
bool hal_random(void *buf, size_t len);

/* Ends the machine (bare metal) or the process (hosted) with `code`. */
_Noreturn void hal_exit(int code);

/*
 * Devices (bare metal; the hosted HAL has none: hal_ports_available and
 * hal_irq_unmask fail there). I/O ports for drivers, the ISA interrupt
 * lines (IRQ 0-15) routed to the CPU, and halting while idle.
 */
/* True if ports [base, base+count) exist and the HAL does not use them
 * itself (its console, the interrupt and timer chips), so a driver may
 * have them. */
bool hal_ports_available(uint32_t base, uint32_t count);
/* One port access of width 1, 2 or 4 bytes. */
uint32_t hal_port_in(uint16_t port, unsigned width);
void hal_port_out(uint16_t port, unsigned width, uint32_t value);
/*
 * Unmasks line irq for a driver; false if there is no such line or the
 * HAL keeps it for itself. When it fires the HAL masks it again, records
 * it for hal_irq_take and calls the notify function (interrupt context:
 * it may only set flags); the driver unmasks it once it has served the
 * device.
 */
bool hal_irq_unmask(unsigned irq);
void hal_irq_mask(unsigned irq);
/* The lines that fired since the last call (bit n: IRQ n), cleared. The
 * console's line is reported too (hal_console_irq), but never masked. */
uint32_t hal_irq_take(void);
void hal_irq_set_notify(void (*notify)(void));
/* The line whose bit in hal_irq_take means "console input arrived", or
 * -1 when the console has no input interrupt (hosted). */
int hal_console_irq(void);
/*
 * Called by hal_console_read when no input is there: the kernel blocks
 * the calling thread until the console's line fires (true) or gives up
 * (false: the read fails). Without one, the read halts the CPU itself.
 */
void hal_console_set_wait(bool (*wait)(void));
/* Bare metal: hal_console_read, in the running context, returns
 * buf[0..len) and then end of input (a program's stdin from the boot
 * archive); NULL restores the device. Each context has its own. */
void hal_console_set_input(const void *buf, size_t len);
/* Nothing to run: halts until an interrupt, or at most until deadline_ns
 * (hal_clock_monotonic_ns); may return early. */
void hal_idle(uint64_t deadline_ns);

/*
 * PCI (bare metal; the hosted HAL has none: hal_pci_count is 0, the
 * shm calls below return NULL and hal_msi_alloc -1). hal_init finds
 * every function (configuration mechanism #1), gives each memory BAR an
 * address of its own (naturally aligned, at least a page, in a window
 * above RAM below 0xfec00000) and turns on memory space and bus
 * mastering. Functions are numbered 0..hal_pci_count()-1.
 */
#define HAL_PCI_BARS 6
enum { HAL_PCI_BAR_IO = 1, HAL_PCI_BAR_64 = 2, HAL_PCI_BAR_PREFETCH = 4 };
struct hal_pci_func {
	uint8_t bus, dev, fn;
	uint8_t irq; /* the ISA line its INTx reaches (level), or 0xff */
	uint16_t vendor, device;
	uint32_t class_rev; /* class, subclass, prog-if, revision */
	struct {
		uint64_t addr, size; /* size 0: no BAR (or the upper half) */
		uint8_t flags;	     /* HAL_PCI_BAR_* */
	} bar[HAL_PCI_BARS];
};
unsigned hal_pci_count(void);
const struct hal_pci_func *hal_pci_func(unsigned i); /* NULL past the end */
/* A configuration register of function i: off < 256, a multiple of
 * width (1, 2 or 4); reads of anything else give all ones. */
uint32_t hal_pci_read(unsigned i, unsigned off, unsigned width);
void hal_pci_write(unsigned i, unsigned off, unsigned width, uint32_t v);
/* Shared memory over device registers: [pa, pa+len), page multiples,
 * mapped uncached (its kernel view too); its frames are never freed. */
hal_shm *hal_shm_create_mmio(uint64_t pa, size_t len);
/* Shared memory for DMA: zeroed, physically contiguous, never moved
 * while it lives; hal_shm_phys gives its first byte's address (0 for
 * other shared memory). */
hal_shm *hal_shm_create_dma(size_t len);
uint64_t hal_shm_phys(hal_shm *s);
/*
 * MSI: a vector of this CPU's local APIC for one device interrupt, n in
 * 0..31; the device writes *data to *addr to raise it. When it fires the
 * HAL records it for hal_msi_take and calls the notify function of
 * hal_irq_set_notify (nothing is masked: an MSI is an edge). -1 when all
 * are taken (or hosted).
 */
int hal_msi_alloc(uint64_t *addr, uint32_t *data);
void hal_msi_free(int n);
uint32_t hal_msi_take(void); /* bit n: vector n fired since the last call */

#endif
