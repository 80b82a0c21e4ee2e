/*
 * cmdline.h: numbers on the kernel command line (hal_cmdline), as
 * `KEY=N` words: bootld's failalloc=N, the native virtio-blk driver's
 * vblk_timeout_ms=N.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

/* True, with *n = N, if the word `key=N` is on the command line (key
 * names it without the '='); N's digits read up to 2^40. */
bool cmdline_number(const char *key, uint64_t *n);

#endif
