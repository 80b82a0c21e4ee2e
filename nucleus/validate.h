/*
 * validate.h: the split between validate.c (module-level rules, constant
 * expressions) and validate_code.c (function bodies). Internal to nucleus/.
 */
#ifndef NUCLEUS_VALIDATE_H
#define NUCLEUS_VALIDATE_H

#include "nucleus/module.h"

/*
 * Validates the body of defined function `func` (an index in the function
 * index space). `declared[f]` is nonzero for every function that ref.func
 * may name. On failure fills err (INVALID, or MALFORMED for encoding
 * errors such as an illegal opcode) and returns false; on success fills
 * *prof, the body's profile for the JIT.
 */
bool wasm_validate_code(const wasm_module *m, uint32_t func,
			const uint8_t *declared, wasm_error *err,
			wasm_profile *prof);

#endif
