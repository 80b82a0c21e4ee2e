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
 * bootld_run, which hal/hal.h declares (the HAL's upcall), starts every
 * program of the manifest in the boot archive (bootfs.h), in order, and
 * runs them concurrently until all have ended; a program that traps or
 * fails to load is reported on stderr and the others go on. Its statuses
 * are those of `nebulet run` and `nebulet kernel`.
 */
#include "hal/hal.h"

#endif
