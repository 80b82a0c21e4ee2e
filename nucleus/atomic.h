/*
 * atomic.h: the atomic instructions (0xFE) on the internal code (lower.h),
 * run in C for both engines: the interpreter's handlers and the JIT's
 * jit_slow call atomic_run. Internal to nucleus/.
 */
#ifndef NUCLEUS_ATOMIC_H
#define NUCLEUS_ATOMIC_H

#include "nucleus/lower.h"

/*
 * Runs atomic instruction op, whose handler cell is p[0], on inst's
 * memory 0 with frame fp: -1, or the trap (enum rt_trap) the caller must
 * raise. memory.atomic.wait may block in the kernel's hook.
 */
int atomic_run(wasm_instance *inst, enum iop op, wasm_val *fp, const icell *p);

#endif
