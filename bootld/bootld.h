/*
 * bootld.h: the boot loader, the first thing the bare-metal kernel runs:
 * the programs listed in the boot archive's manifest, all at once, as
 * processes of the kernel (WASI over the console, the kernel's calls),
 * under its preemptive scheduler.
 */
#ifndef BOOTLD_BOOTLD_H
#define BOOTLD_BOOTLD_H

#include <stddef.h>

/*
 * Starts every program of the manifest in the boot archive (bootfs.h), in
 * order, and runs them concurrently until all have ended; a program that
 * traps or fails to load is reported on stderr and the others go on.
 * Returns the last line's exit status (0 if _start returns, its proc_exit
 * code, 1 for a bad module, a link error or a malformed manifest line,
 * 134 for a trap, 137 when killed: the statuses of `nebulet run` and
 * `nebulet kernel`), or 1 if the archive or its manifest is unusable.
 */
int bootld_run(const void *archive, size_t len);

/* From the HAL that runs the boot loader (hal/x86_64/hal.c): hal_console_read,
 * in the running context, returns buf[0..len) and then end of input; NULL
 * restores the device. */
void hal_console_set_input(const void *buf, size_t len);

#endif
