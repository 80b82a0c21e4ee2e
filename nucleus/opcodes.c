/*
 * opcodes.c: the opcode table derived from opcodes.h's list (wasm_ops)
 * and the map from an opcode's encoding to it (wasm_op_at). Read-only
 * data, no locking.
 */
#include "nucleus/opcodes.h"
#include "nucleus/nucleus.h"

/* A type column as a value type (0: none or special). */
#define VT___ 0
#define VT_SP 0
#define VT_I32 WASM_I32
#define VT_I64 WASM_I64
#define VT_F32 WASM_F32
#define VT_F64 WASM_F64
#define VT_V128 WASM_V128
/* 1 when a type column is special (SP). */
#define SP___ 0
#define SP_SP 1
#define SP_I32 0
#define SP_I64 0
#define SP_F32 0
#define SP_F64 0
#define SP_V128 0
/* 1 when a type column is a float. */
#define FLT___ 0
#define FLT_SP 0
#define FLT_I32 0
#define FLT_I64 0
#define FLT_F32 1
#define FLT_F64 1
#define FLT_V128 0

/* enum wasm_opclass of a row. */
#define OP_CLASS(prefix, imm, p1, p2, res)                                     \
	(SP_##p1	    ? OPC_SPECIAL                                      \
	 : (prefix) == 0xFD ? OPC_SIMD                                         \
	 : (prefix) == 0xFE ? OPC_ATOMIC                                       \
	 : (imm) >= IMM_MEM1 && (imm) <= IMM_MEM8                              \
		 ? (VT_##res ? OPC_LOAD : OPC_STORE)                           \
	 : (imm) != IMM_NONE || !VT_##p1 || !VT_##res ? OPC_OTHER              \
	 : !VT_##p2				      ? OPC_UNARY              \
	 : FLT_##p1				      ? OPC_FBINARY            \
						      : OPC_IBINARY)

#define INFO_ROW(name, prefix, code, imm, p1, p2, res, text)                   \
	[OP_##name] = {imm,	 OP_CLASS(prefix, imm, p1, p2, res),           \
		       VT_##p1,	 VT_##p2,                                      \
		       VT_##res, text},
const wasm_opinfo wasm_ops[OP_COUNT + 1] = {WASM_OPCODES(INFO_ROW)};

#define AT_ROW(name, prefix, code, imm, p1, p2, res, text)                     \
	[OP_INDEX(prefix, code)] = OP_##name + 1,
const uint16_t wasm_op_at[OP_INDEX_COUNT + 1] = {WASM_OPCODES(AT_ROW)};
