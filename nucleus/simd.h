/*
 * simd.h: the SIMD instructions' semantics (simd.c), which the
 * interpreter runs for every 0xFD instruction and the JIT calls for the
 * ones it does not inline. Internal to nucleus/.
 */
#ifndef NUCLEUS_SIMD_H
#define NUCLEUS_SIMD_H

#include "nucleus/lower.h"

/*
 * Runs SIMD instruction op (IOP_W_x of a 0xFD row) whose cells are pc[0
 * .. LOWER_SIMD_LEN) (lower.h), on frame fp and memory 0 at mb. Memory
 * accesses are not checked: the guard pages catch them, as for the
 * scalar ones, so the caller must have saved what locates a fault.
 */
void simd_run(enum iop op, wasm_val *fp, const icell *pc, uint8_t *mb);
/* The bytes a SIMD load or store accesses; 0 for the other ops. */
uint32_t simd_access_width(enum iop op);

#endif
