/*
 * vblk_native.h: the virtio-blk Block driver compiled into the kernel
 * (vblk_native.c), the twin of the wasm driver drivers/virtio_blk/.
 */
#ifndef VBLK_NATIVE_H
#define VBLK_NATIVE_H

#include "kernel/object.h"

/*
 * Starts the driver on a kernel thread of a process of its own, given
 * startup handles like the wasm driver's: a PCI device object and a
 * service listener (any order). *out gets the process (a reference for
 * the caller), which ends (status 0) once the listener and every client
 * are closed. INVALID_ARGS if a handle is missing, NOT_SUPPORTED if the
 * device cannot be driven (no interrupt, not a modern virtio-blk),
 * NO_MEMORY.
 */
nb_status vblk_native_start(const struct khandle *h, uint32_t n,
			    struct process **out);

#endif
