/*
 * init.h: the first thing the kernel runs: the programs listed in the boot
 * archive's manifest, one after another, with WASI over the console.
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stddef.h>

/*
 * Runs every program of the manifest in the boot archive (bootfs.h) in
 * order; a program that traps or fails to load is reported on stderr and
 * the next one runs. Returns the last program's exit status (0 if _start
 * returns, its proc_exit code, 1 for a bad module, a link error or a
 * malformed manifest line, 134 for a trap: the statuses of `nebulet run`),
 * or 1 if the archive or its manifest is unusable.
 */
int init_run(const void *archive, size_t len);

/* From the HAL that runs init (hal/x86_64/hal.c): hal_console_read
 * returns buf[0..len) and then end of input; NULL restores the device. */
void hal_console_set_input(const void *buf, size_t len);

#endif
