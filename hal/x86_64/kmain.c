/*
 * kmain.c: what the bare-metal kernel does after boot.S: bring the HAL up,
 * print the banner and a memory summary, run the self-test named by the
 * command line (`-append test=NAME`), and exit.
 *
 * tests/boot.sh runs them: `self` (selftest.c) and `echo` exit 0, the
 * others end in an exception that must be reported.
 *
 * Without a test, a boot archive (QEMU's -initrd) is run by bootld/,
 * each program a kernel process: the machine then exits with the last
 * manifest line's status. "console=mux"
 * on the command line multiplexes the console for `nebulet boot`
 * (serial.c) and ends with an exit record; "quiet" leaves out the memory
 * summary.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

void selftest(void);	  /* selftest.c */
int stack_hog(int depth); /* selftest.c */

/* True if s[0..n) holds a newline. */
static bool memchr_nl(const char *s, size_t n)
{
	while (n--)
		if (*s++ == '\n')
			return true;
	return false;
}

/* The value of `key=` in the command line, copied into out; false if the
 * key is absent. */
static bool cmdline_get(const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	for (const char *s = boot_cmdline(); *s;) {
		while (*s == ' ')
			s++;
		if (!strncmp(s, key, klen) && s[klen] == '=') {
			s += klen + 1;
			size_t n = 0;
			while (s[n] && s[n] != ' ' && n < size - 1)
				n++;
			memcpy(out, s, n);
			out[n] = 0;
			return true;
		}
		while (*s && *s != ' ')
			s++;
	}
	return false;
}

/* Prints the RAM ranges, free memory, kernel size, TSC rate, NX, and
 * what the ACPI tables said. */
static void summary(void)
{
	uint64_t total = 0;
	kprintf("memory:");
	for (int i = 0; i < nram; i++) {
		kprintf(" [%lx-%lx)", ram[i].start, ram[i].end);
		total += ram[i].end - ram[i].start;
	}
	kprintf("\n");
	kprintf("memory: %lu KiB RAM, %lu KiB free, kernel %lu KiB\n",
		total / 1024, pmm_free_pages() * 4,
		(uint64_t)(__kernel_end - __text_start) / 1024);
	kprintf("cpu: tsc %lu MHz, NX %s, command line \"%s\"\n",
		clock_tsc_hz() / 1000000, pte_nx ? "on" : "off",
		boot_cmdline());
	acpi_summary();
	kprintf("cpu: %u of %d CPUs online\n", smp_online(),
		acpi_ncpus ? acpi_ncpus : 1);
	pci_print();
}

/* A fresh page of the VM area with rights prot. */
static volatile char *test_page(int prot)
{
	volatile char *p = hal_vm_reserve(PAGE_SIZE);
	if (!p || !hal_vm_protect((void *)p, PAGE_SIZE, prot))
		panic("test: cannot make a page");
	return p;
}

/* Reads one line from the console and writes it back. */
static void echo_line(void)
{
	char line[80];
	size_t n = 0;
	kprintf("test echo: type a line\n");
	while (n < sizeof line) {
		long got = hal_console_read(line + n, sizeof line - n);
		if (got <= 0)
			break;
		n += (size_t)got;
		if (memchr_nl(line, n))
			break;
	}
	hal_console_write(1, "echo: ", 6);
	hal_console_write(1, line, n);
	hal_exit(0);
}

/* Faults on purpose; each case must end in an exception report. */
static void fault_test(const char *name)
{
	if (!strncmp(name, "pf", 3)) {
		volatile char *p = test_page(HAL_PROT_READ | HAL_PROT_WRITE);
		p[0] = 1;
		hal_vm_protect((void *)p, PAGE_SIZE, HAL_PROT_NONE);
		kprintf("test pf: reading %p\n", (void *)p);
		(void)p[0];
	} else if (!strncmp(name, "ud", 3)) {
		kprintf("test ud: ud2\n");
		__asm__ volatile("ud2");
	} else if (!strncmp(name, "de", 3)) {
		kprintf("test de: divide by zero\n");
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx"
				 :
				 : "a"(1), "d"(0)
				 : "ecx");
	} else if (!strncmp(name, "nx", 3)) {
		volatile char *p = test_page(HAL_PROT_READ | HAL_PROT_WRITE);
		p[0] = (char)0xc3; /* ret */
		kprintf("test nx: calling %p\n", (void *)p);
		((void (*)(void))(uintptr_t)p)();
	} else if (!strncmp(name, "wp", 3)) {
		static const char ro[] = "read-only";
		kprintf("test wp: writing %p\n", (void *)ro);
		*(volatile char *)(uintptr_t)ro = 'R';
	} else if (!strncmp(name, "df", 3)) {
		/* A non-canonical stack: the push is a stack fault, whose
		 * delivery on the same stack faults again, a double fault,
		 * which still runs on its own stack (IST1). */
		kprintf("test df: non-canonical stack\n");
		__asm__ volatile("movabsq $0x8000000000001000, %%rax; "
				 "movq %%rax, %%rsp; pushq $0"
				 :
				 :
				 : "rax", "memory");
	} else if (!strncmp(name, "so", 3)) {
		kprintf("test so: endless recursion\n");
		stack_hog(0);
	} else {
		kprintf("unknown test \"%s\"\n", name);
		hal_exit(2);
	}
	kprintf("test %s: no exception\n", name);
	hal_exit(1);
}

/* True if the command line holds the word w. */
bool cmdline_has(const char *w)
{
	size_t n = strlen(w);
	for (const char *s = boot_cmdline(); *s; s++)
		if ((s == boot_cmdline() || s[-1] == ' ') &&
		    !strncmp(s, w, n) && (s[n] == ' ' || !s[n]))
			return true;
	return false;
}

/* The stack init and the scheduler's boot context run on (programs run
 * on their own contexts' stacks, context.c): roomier than the 64 KiB boot
 * stack. Its pages are mapped on first use (page faults have a stack of
 * their own); the page below it stays unmapped, a guard. */
#define INIT_STACK (2ull << 20)

static const void *init_archive;
static size_t init_archive_len;

/* Runs the boot archive's programs and exits with the last status. */
static _Noreturn void init_main(void)
{
	int status = bootld_run(init_archive, init_archive_len);
	console_exit_record(status);
	hal_exit(status);
}

/* Calls init_main on a fresh INIT_STACK-byte stack, or on the boot stack
 * if there is no memory for one. */
static _Noreturn void run_archive(const void *archive, size_t len)
{
	char *base = hal_vm_reserve(INIT_STACK + PAGE_SIZE);
	init_archive = archive;
	init_archive_len = len;
	if (!base || !hal_vm_protect(base + PAGE_SIZE, INIT_STACK,
				     HAL_PROT_READ | HAL_PROT_WRITE))
		init_main();
	__asm__ volatile("movq %0, %%rsp; xorl %%ebp, %%ebp; call *%1; ud2"
			 :
			 : "r"(base + PAGE_SIZE + INIT_STACK), "r"(init_main)
			 : "memory");
	__builtin_unreachable();
}

void kmain(void)
{
	char test[16];
	const void *archive;
	size_t archive_len;
	uint64_t t0 = rdtsc();
	hal_init();
	console_mux = cmdline_has("console=mux");
	kprintf("Nebulet x86_64\n");
	if (!cmdline_has("quiet"))
		summary();
	kprintf("boot: %s, hal_init took %lu us\n", boot_loader_name(),
		(rdtsc() - t0) / (clock_tsc_hz() / 1000000 + 1));
	if (cmdline_get("test", test, sizeof test)) {
		if (!strncmp(test, "self", 5))
			selftest();
		else if (!strncmp(test, "echo", 5))
			echo_line();
		else if (!strncmp(test, "acpi", 5))
			acpi_selftest();
		else if (!strncmp(test, "level", 6))
			level_selftest();
		else if (!strncmp(test, "smp", 4))
			smp_selftest();
		else
			fault_test(test);
	}
	if (boot_module(&archive, &archive_len))
		run_archive(archive, archive_len);
	hal_exit(0);
}
