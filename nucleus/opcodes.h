/*
 * opcodes.h: every WebAssembly instruction the nucleus knows, one line each.
 *
 * X-macro list: define OP(name, prefix, code, imm, p1, p2, res, text), then
 * expand WASM_OPCODES(OP). The decoder, validator, interpreter (and later the
 * JIT) all expand this one table, so a new instruction is one line here plus
 * its semantics.
 *
 *   name    enum suffix: OP_##name
 *   prefix  0 for one-byte opcodes, 0xFC, 0xFD or 0xFE for the prefixed ones
 *   code    the opcode byte (or the LEB128 sub-opcode after the prefix)
 *   imm     immediate kind, IMM_* below
 *   p1, p2  operand types popped (p1 deeper, p2 on top), `__` for none;
 *           an atomic access (IMM_ATOMIC*) first pops its i32 address,
 *           below p1, which the row does not repeat
 *   res     result type pushed, `__` for none
 *           SP in p1 means "special": the validator types it by hand
 *   text    the instruction's name in the text format
 *
 * The 0xFE rows (threads proposal) are a list of their own,
 * WASM_ATOMIC_OPCODES; atomic.c reads an atomic access's kind and width
 * off its code. The 0xFD rows (SIMD), WASM_SIMD_OPCODES, come last.
 *
 * Below the list, the one table derived from it (wasm_opinfo, opcodes.c):
 * each opcode's immediate kind, types and class. reader.h reads opcodes
 * (rd_op) and immediates (rd_imm) with it for the decoder, the validator
 * and the lowering alike.
 */
#ifndef NUCLEUS_OPCODES_H
#define NUCLEUS_OPCODES_H

#include <stdint.h>

/* Immediate kinds. */
enum wasm_imm {
	IMM_NONE,	   /* no immediate */
	IMM_BLOCKTYPE,	   /* s33 block type */
	IMM_LABEL,	   /* u32 label depth */
	IMM_BR_TABLE,	   /* vec(u32) labels, u32 default */
	IMM_FUNC,	   /* u32 function index */
	IMM_CALL_INDIRECT, /* u32 type index, u32 table index */
	IMM_LOCAL,	   /* u32 local index */
	IMM_GLOBAL,	   /* u32 global index */
	IMM_TABLE,	   /* u32 table index */
	IMM_MEM1,	   /* memarg (u32 align, u32 offset), natural align 1 */
	IMM_MEM2,	   /* memarg, natural align 2 */
	IMM_MEM4,	   /* memarg, natural align 4 */
	IMM_MEM8,	   /* memarg, natural align 8 */
	IMM_MEMIDX,	   /* one byte 0x00 (memory index) */
	IMM_I32,	   /* s32 LEB128 */
	IMM_I64,	   /* s64 LEB128 */
	IMM_F32,	   /* 4 bytes little-endian */
	IMM_F64,	   /* 8 bytes little-endian */
	IMM_SELECT_T,	   /* vec(valtype), length 1 */
	IMM_REFTYPE,	   /* one byte reftype */
	IMM_MEM_INIT,	   /* u32 data index, byte 0x00 */
	IMM_DATA,	   /* u32 data index */
	IMM_MEM_COPY,	   /* bytes 0x00 0x00 */
	IMM_TABLE_INIT,	   /* u32 elem index, u32 table index */
	IMM_ELEM,	   /* u32 elem index */
	IMM_TABLE_COPY,	   /* u32 dst table, u32 src table */
	IMM_ATOMIC1,	   /* memarg, alignment exactly 1 */
	IMM_ATOMIC2,	   /* memarg, alignment exactly 2 */
	IMM_ATOMIC4,	   /* memarg, alignment exactly 4 */
	IMM_ATOMIC8,	   /* memarg, alignment exactly 8 */
	IMM_FENCE,	   /* one byte 0x00 (reserved) */
	IMM_MEM16,	   /* memarg, natural align 16 (v128.load, .store) */
	IMM_MEMLANE1,	   /* memarg, then a lane index byte: 8-bit lanes */
	IMM_MEMLANE2,	   /* the same, 16-bit lanes */
	IMM_MEMLANE4,	   /* 32-bit lanes */
	IMM_MEMLANE8,	   /* 64-bit lanes */
	IMM_LANE16,	   /* a lane index byte, below 16 */
	IMM_LANE8,	   /* below 8 */
	IMM_LANE4,	   /* below 4 */
	IMM_LANE2,	   /* below 2 */
	IMM_V128,	   /* 16 bytes (v128.const) */
	IMM_SHUFFLE,	   /* 16 lane index bytes, each below 32 */
};

/*
 * Index of an opcode in byte-indexed tables: one-byte opcodes at their
 * byte, 0xFC sub-opcodes at 256 + code, 0xFE ones at 288 + code.
 * 0xFD (SIMD) ones at 368 + code.
 * OP_SUB_INDEX maps a prefix and its sub-opcode to that index, or to
 * OP_INDEX_COUNT (no such opcode) when the sub-opcode is out of range.
 */
#define OP_INDEX(prefix, code)                                                 \
	((prefix) == 0xFD   ? 368 + (code)                                     \
	 : (prefix) == 0xFE ? 288 + (code)                                     \
	 : (prefix)	    ? 256 + (code)                                     \
			    : (code))
#define OP_INDEX_COUNT (368 + 256)
#define OP_SUB_INDEX(prefix, sub)                                              \
	((sub) < ((prefix) == 0xFD   ? 256u                                    \
		  : (prefix) == 0xFE ? 80u                                     \
				     : 32u)                                    \
		 ? OP_INDEX(prefix, sub)                                       \
		 : OP_INDEX_COUNT)

/* clang-format off */
#define WASM_OPCODES(OP) \
	WASM_CORE_OPCODES(OP) WASM_ATOMIC_OPCODES(OP) WASM_SIMD_OPCODES(OP)

#define WASM_CORE_OPCODES(OP) \
	/* control */ \
	OP(UNREACHABLE,   0, 0x00, IMM_NONE,      SP,  __,  __,  "unreachable") \
	OP(NOP,           0, 0x01, IMM_NONE,      __,  __,  __,  "nop") \
	OP(BLOCK,         0, 0x02, IMM_BLOCKTYPE, SP,  __,  __,  "block") \
	OP(LOOP,          0, 0x03, IMM_BLOCKTYPE, SP,  __,  __,  "loop") \
	OP(IF,            0, 0x04, IMM_BLOCKTYPE, SP,  __,  __,  "if") \
	OP(ELSE,          0, 0x05, IMM_NONE,      SP,  __,  __,  "else") \
	OP(END,           0, 0x0B, IMM_NONE,      SP,  __,  __,  "end") \
	OP(BR,            0, 0x0C, IMM_LABEL,     SP,  __,  __,  "br") \
	OP(BR_IF,         0, 0x0D, IMM_LABEL,     SP,  __,  __,  "br_if") \
	OP(BR_TABLE,      0, 0x0E, IMM_BR_TABLE,  SP,  __,  __,  "br_table") \
	OP(RETURN,        0, 0x0F, IMM_NONE,      SP,  __,  __,  "return") \
	OP(CALL,          0, 0x10, IMM_FUNC,      SP,  __,  __,  "call") \
	OP(CALL_INDIRECT, 0, 0x11, IMM_CALL_INDIRECT, SP, __, __, "call_indirect") \
	/* parametric */ \
	OP(DROP,          0, 0x1A, IMM_NONE,      SP,  __,  __,  "drop") \
	OP(SELECT,        0, 0x1B, IMM_NONE,      SP,  __,  __,  "select") \
	OP(SELECT_T,      0, 0x1C, IMM_SELECT_T,  SP,  __,  __,  "select") \
	/* variables */ \
	OP(LOCAL_GET,     0, 0x20, IMM_LOCAL,     SP,  __,  __,  "local.get") \
	OP(LOCAL_SET,     0, 0x21, IMM_LOCAL,     SP,  __,  __,  "local.set") \
	OP(LOCAL_TEE,     0, 0x22, IMM_LOCAL,     SP,  __,  __,  "local.tee") \
	OP(GLOBAL_GET,    0, 0x23, IMM_GLOBAL,    SP,  __,  __,  "global.get") \
	OP(GLOBAL_SET,    0, 0x24, IMM_GLOBAL,    SP,  __,  __,  "global.set") \
	OP(TABLE_GET,     0, 0x25, IMM_TABLE,     SP,  __,  __,  "table.get") \
	OP(TABLE_SET,     0, 0x26, IMM_TABLE,     SP,  __,  __,  "table.set") \
	/* memory */ \
	OP(I32_LOAD,      0, 0x28, IMM_MEM4,      I32, __,  I32, "i32.load") \
	OP(I64_LOAD,      0, 0x29, IMM_MEM8,      I32, __,  I64, "i64.load") \
	OP(F32_LOAD,      0, 0x2A, IMM_MEM4,      I32, __,  F32, "f32.load") \
	OP(F64_LOAD,      0, 0x2B, IMM_MEM8,      I32, __,  F64, "f64.load") \
	OP(I32_LOAD8_S,   0, 0x2C, IMM_MEM1,      I32, __,  I32, "i32.load8_s") \
	OP(I32_LOAD8_U,   0, 0x2D, IMM_MEM1,      I32, __,  I32, "i32.load8_u") \
	OP(I32_LOAD16_S,  0, 0x2E, IMM_MEM2,      I32, __,  I32, "i32.load16_s") \
	OP(I32_LOAD16_U,  0, 0x2F, IMM_MEM2,      I32, __,  I32, "i32.load16_u") \
	OP(I64_LOAD8_S,   0, 0x30, IMM_MEM1,      I32, __,  I64, "i64.load8_s") \
	OP(I64_LOAD8_U,   0, 0x31, IMM_MEM1,      I32, __,  I64, "i64.load8_u") \
	OP(I64_LOAD16_S,  0, 0x32, IMM_MEM2,      I32, __,  I64, "i64.load16_s") \
	OP(I64_LOAD16_U,  0, 0x33, IMM_MEM2,      I32, __,  I64, "i64.load16_u") \
	OP(I64_LOAD32_S,  0, 0x34, IMM_MEM4,      I32, __,  I64, "i64.load32_s") \
	OP(I64_LOAD32_U,  0, 0x35, IMM_MEM4,      I32, __,  I64, "i64.load32_u") \
	OP(I32_STORE,     0, 0x36, IMM_MEM4,      I32, I32, __,  "i32.store") \
	OP(I64_STORE,     0, 0x37, IMM_MEM8,      I32, I64, __,  "i64.store") \
	OP(F32_STORE,     0, 0x38, IMM_MEM4,      I32, F32, __,  "f32.store") \
	OP(F64_STORE,     0, 0x39, IMM_MEM8,      I32, F64, __,  "f64.store") \
	OP(I32_STORE8,    0, 0x3A, IMM_MEM1,      I32, I32, __,  "i32.store8") \
	OP(I32_STORE16,   0, 0x3B, IMM_MEM2,      I32, I32, __,  "i32.store16") \
	OP(I64_STORE8,    0, 0x3C, IMM_MEM1,      I32, I64, __,  "i64.store8") \
	OP(I64_STORE16,   0, 0x3D, IMM_MEM2,      I32, I64, __,  "i64.store16") \
	OP(I64_STORE32,   0, 0x3E, IMM_MEM4,      I32, I64, __,  "i64.store32") \
	OP(MEMORY_SIZE,   0, 0x3F, IMM_MEMIDX,    __,  __,  I32, "memory.size") \
	OP(MEMORY_GROW,   0, 0x40, IMM_MEMIDX,    I32, __,  I32, "memory.grow") \
	/* constants */ \
	OP(I32_CONST,     0, 0x41, IMM_I32,       __,  __,  I32, "i32.const") \
	OP(I64_CONST,     0, 0x42, IMM_I64,       __,  __,  I64, "i64.const") \
	OP(F32_CONST,     0, 0x43, IMM_F32,       __,  __,  F32, "f32.const") \
	OP(F64_CONST,     0, 0x44, IMM_F64,       __,  __,  F64, "f64.const") \
	/* i32 comparisons */ \
	OP(I32_EQZ,       0, 0x45, IMM_NONE,      I32, __,  I32, "i32.eqz") \
	OP(I32_EQ,        0, 0x46, IMM_NONE,      I32, I32, I32, "i32.eq") \
	OP(I32_NE,        0, 0x47, IMM_NONE,      I32, I32, I32, "i32.ne") \
	OP(I32_LT_S,      0, 0x48, IMM_NONE,      I32, I32, I32, "i32.lt_s") \
	OP(I32_LT_U,      0, 0x49, IMM_NONE,      I32, I32, I32, "i32.lt_u") \
	OP(I32_GT_S,      0, 0x4A, IMM_NONE,      I32, I32, I32, "i32.gt_s") \
	OP(I32_GT_U,      0, 0x4B, IMM_NONE,      I32, I32, I32, "i32.gt_u") \
	OP(I32_LE_S,      0, 0x4C, IMM_NONE,      I32, I32, I32, "i32.le_s") \
	OP(I32_LE_U,      0, 0x4D, IMM_NONE,      I32, I32, I32, "i32.le_u") \
	OP(I32_GE_S,      0, 0x4E, IMM_NONE,      I32, I32, I32, "i32.ge_s") \
	OP(I32_GE_U,      0, 0x4F, IMM_NONE,      I32, I32, I32, "i32.ge_u") \
	/* i64 comparisons */ \
	OP(I64_EQZ,       0, 0x50, IMM_NONE,      I64, __,  I32, "i64.eqz") \
	OP(I64_EQ,        0, 0x51, IMM_NONE,      I64, I64, I32, "i64.eq") \
	OP(I64_NE,        0, 0x52, IMM_NONE,      I64, I64, I32, "i64.ne") \
	OP(I64_LT_S,      0, 0x53, IMM_NONE,      I64, I64, I32, "i64.lt_s") \
	OP(I64_LT_U,      0, 0x54, IMM_NONE,      I64, I64, I32, "i64.lt_u") \
	OP(I64_GT_S,      0, 0x55, IMM_NONE,      I64, I64, I32, "i64.gt_s") \
	OP(I64_GT_U,      0, 0x56, IMM_NONE,      I64, I64, I32, "i64.gt_u") \
	OP(I64_LE_S,      0, 0x57, IMM_NONE,      I64, I64, I32, "i64.le_s") \
	OP(I64_LE_U,      0, 0x58, IMM_NONE,      I64, I64, I32, "i64.le_u") \
	OP(I64_GE_S,      0, 0x59, IMM_NONE,      I64, I64, I32, "i64.ge_s") \
	OP(I64_GE_U,      0, 0x5A, IMM_NONE,      I64, I64, I32, "i64.ge_u") \
	/* float comparisons */ \
	OP(F32_EQ,        0, 0x5B, IMM_NONE,      F32, F32, I32, "f32.eq") \
	OP(F32_NE,        0, 0x5C, IMM_NONE,      F32, F32, I32, "f32.ne") \
	OP(F32_LT,        0, 0x5D, IMM_NONE,      F32, F32, I32, "f32.lt") \
	OP(F32_GT,        0, 0x5E, IMM_NONE,      F32, F32, I32, "f32.gt") \
	OP(F32_LE,        0, 0x5F, IMM_NONE,      F32, F32, I32, "f32.le") \
	OP(F32_GE,        0, 0x60, IMM_NONE,      F32, F32, I32, "f32.ge") \
	OP(F64_EQ,        0, 0x61, IMM_NONE,      F64, F64, I32, "f64.eq") \
	OP(F64_NE,        0, 0x62, IMM_NONE,      F64, F64, I32, "f64.ne") \
	OP(F64_LT,        0, 0x63, IMM_NONE,      F64, F64, I32, "f64.lt") \
	OP(F64_GT,        0, 0x64, IMM_NONE,      F64, F64, I32, "f64.gt") \
	OP(F64_LE,        0, 0x65, IMM_NONE,      F64, F64, I32, "f64.le") \
	OP(F64_GE,        0, 0x66, IMM_NONE,      F64, F64, I32, "f64.ge") \
	/* i32 arithmetic */ \
	OP(I32_CLZ,       0, 0x67, IMM_NONE,      I32, __,  I32, "i32.clz") \
	OP(I32_CTZ,       0, 0x68, IMM_NONE,      I32, __,  I32, "i32.ctz") \
	OP(I32_POPCNT,    0, 0x69, IMM_NONE,      I32, __,  I32, "i32.popcnt") \
	OP(I32_ADD,       0, 0x6A, IMM_NONE,      I32, I32, I32, "i32.add") \
	OP(I32_SUB,       0, 0x6B, IMM_NONE,      I32, I32, I32, "i32.sub") \
	OP(I32_MUL,       0, 0x6C, IMM_NONE,      I32, I32, I32, "i32.mul") \
	OP(I32_DIV_S,     0, 0x6D, IMM_NONE,      I32, I32, I32, "i32.div_s") \
	OP(I32_DIV_U,     0, 0x6E, IMM_NONE,      I32, I32, I32, "i32.div_u") \
	OP(I32_REM_S,     0, 0x6F, IMM_NONE,      I32, I32, I32, "i32.rem_s") \
	OP(I32_REM_U,     0, 0x70, IMM_NONE,      I32, I32, I32, "i32.rem_u") \
	OP(I32_AND,       0, 0x71, IMM_NONE,      I32, I32, I32, "i32.and") \
	OP(I32_OR,        0, 0x72, IMM_NONE,      I32, I32, I32, "i32.or") \
	OP(I32_XOR,       0, 0x73, IMM_NONE,      I32, I32, I32, "i32.xor") \
	OP(I32_SHL,       0, 0x74, IMM_NONE,      I32, I32, I32, "i32.shl") \
	OP(I32_SHR_S,     0, 0x75, IMM_NONE,      I32, I32, I32, "i32.shr_s") \
	OP(I32_SHR_U,     0, 0x76, IMM_NONE,      I32, I32, I32, "i32.shr_u") \
	OP(I32_ROTL,      0, 0x77, IMM_NONE,      I32, I32, I32, "i32.rotl") \
	OP(I32_ROTR,      0, 0x78, IMM_NONE,      I32, I32, I32, "i32.rotr") \
	/* i64 arithmetic */ \
	OP(I64_CLZ,       0, 0x79, IMM_NONE,      I64, __,  I64, "i64.clz") \
	OP(I64_CTZ,       0, 0x7A, IMM_NONE,      I64, __,  I64, "i64.ctz") \
	OP(I64_POPCNT,    0, 0x7B, IMM_NONE,      I64, __,  I64, "i64.popcnt") \
	OP(I64_ADD,       0, 0x7C, IMM_NONE,      I64, I64, I64, "i64.add") \
	OP(I64_SUB,       0, 0x7D, IMM_NONE,      I64, I64, I64, "i64.sub") \
	OP(I64_MUL,       0, 0x7E, IMM_NONE,      I64, I64, I64, "i64.mul") \
	OP(I64_DIV_S,     0, 0x7F, IMM_NONE,      I64, I64, I64, "i64.div_s") \
	OP(I64_DIV_U,     0, 0x80, IMM_NONE,      I64, I64, I64, "i64.div_u") \
	OP(I64_REM_S,     0, 0x81, IMM_NONE,      I64, I64, I64, "i64.rem_s") \
	OP(I64_REM_U,     0, 0x82, IMM_NONE,      I64, I64, I64, "i64.rem_u") \
	OP(I64_AND,       0, 0x83, IMM_NONE,      I64, I64, I64, "i64.and") \
	OP(I64_OR,        0, 0x84, IMM_NONE,      I64, I64, I64, "i64.or") \
	OP(I64_XOR,       0, 0x85, IMM_NONE,      I64, I64, I64, "i64.xor") \
	OP(I64_SHL,       0, 0x86, IMM_NONE,      I64, I64, I64, "i64.shl") \
	OP(I64_SHR_S,     0, 0x87, IMM_NONE,      I64, I64, I64, "i64.shr_s") \
	OP(I64_SHR_U,     0, 0x88, IMM_NONE,      I64, I64, I64, "i64.shr_u") \
	OP(I64_ROTL,      0, 0x89, IMM_NONE,      I64, I64, I64, "i64.rotl") \
	OP(I64_ROTR,      0, 0x8A, IMM_NONE,      I64, I64, I64, "i64.rotr") \
	/* f32 arithmetic */ \
	OP(F32_ABS,       0, 0x8B, IMM_NONE,      F32, __,  F32, "f32.abs") \
	OP(F32_NEG,       0, 0x8C, IMM_NONE,      F32, __,  F32, "f32.neg") \
	OP(F32_CEIL,      0, 0x8D, IMM_NONE,      F32, __,  F32, "f32.ceil") \
	OP(F32_FLOOR,     0, 0x8E, IMM_NONE,      F32, __,  F32, "f32.floor") \
	OP(F32_TRUNC,     0, 0x8F, IMM_NONE,      F32, __,  F32, "f32.trunc") \
	OP(F32_NEAREST,   0, 0x90, IMM_NONE,      F32, __,  F32, "f32.nearest") \
	OP(F32_SQRT,      0, 0x91, IMM_NONE,      F32, __,  F32, "f32.sqrt") \
	OP(F32_ADD,       0, 0x92, IMM_NONE,      F32, F32, F32, "f32.add") \
	OP(F32_SUB,       0, 0x93, IMM_NONE,      F32, F32, F32, "f32.sub") \
	OP(F32_MUL,       0, 0x94, IMM_NONE,      F32, F32, F32, "f32.mul") \
	OP(F32_DIV,       0, 0x95, IMM_NONE,      F32, F32, F32, "f32.div") \
	OP(F32_MIN,       0, 0x96, IMM_NONE,      F32, F32, F32, "f32.min") \
	OP(F32_MAX,       0, 0x97, IMM_NONE,      F32, F32, F32, "f32.max") \
	OP(F32_COPYSIGN,  0, 0x98, IMM_NONE,      F32, F32, F32, "f32.copysign") \
	/* f64 arithmetic */ \
	OP(F64_ABS,       0, 0x99, IMM_NONE,      F64, __,  F64, "f64.abs") \
	OP(F64_NEG,       0, 0x9A, IMM_NONE,      F64, __,  F64, "f64.neg") \
	OP(F64_CEIL,      0, 0x9B, IMM_NONE,      F64, __,  F64, "f64.ceil") \
	OP(F64_FLOOR,     0, 0x9C, IMM_NONE,      F64, __,  F64, "f64.floor") \
	OP(F64_TRUNC,     0, 0x9D, IMM_NONE,      F64, __,  F64, "f64.trunc") \
	OP(F64_NEAREST,   0, 0x9E, IMM_NONE,      F64, __,  F64, "f64.nearest") \
	OP(F64_SQRT,      0, 0x9F, IMM_NONE,      F64, __,  F64, "f64.sqrt") \
	OP(F64_ADD,       0, 0xA0, IMM_NONE,      F64, F64, F64, "f64.add") \
	OP(F64_SUB,       0, 0xA1, IMM_NONE,      F64, F64, F64, "f64.sub") \
	OP(F64_MUL,       0, 0xA2, IMM_NONE,      F64, F64, F64, "f64.mul") \
	OP(F64_DIV,       0, 0xA3, IMM_NONE,      F64, F64, F64, "f64.div") \
	OP(F64_MIN,       0, 0xA4, IMM_NONE,      F64, F64, F64, "f64.min") \
	OP(F64_MAX,       0, 0xA5, IMM_NONE,      F64, F64, F64, "f64.max") \
	OP(F64_COPYSIGN,  0, 0xA6, IMM_NONE,      F64, F64, F64, "f64.copysign") \
	/* conversions */ \
	OP(I32_WRAP_I64,        0, 0xA7, IMM_NONE, I64, __, I32, "i32.wrap_i64") \
	OP(I32_TRUNC_F32_S,     0, 0xA8, IMM_NONE, F32, __, I32, "i32.trunc_f32_s") \
	OP(I32_TRUNC_F32_U,     0, 0xA9, IMM_NONE, F32, __, I32, "i32.trunc_f32_u") \
	OP(I32_TRUNC_F64_S,     0, 0xAA, IMM_NONE, F64, __, I32, "i32.trunc_f64_s") \
	OP(I32_TRUNC_F64_U,     0, 0xAB, IMM_NONE, F64, __, I32, "i32.trunc_f64_u") \
	OP(I64_EXTEND_I32_S,    0, 0xAC, IMM_NONE, I32, __, I64, "i64.extend_i32_s") \
	OP(I64_EXTEND_I32_U,    0, 0xAD, IMM_NONE, I32, __, I64, "i64.extend_i32_u") \
	OP(I64_TRUNC_F32_S,     0, 0xAE, IMM_NONE, F32, __, I64, "i64.trunc_f32_s") \
	OP(I64_TRUNC_F32_U,     0, 0xAF, IMM_NONE, F32, __, I64, "i64.trunc_f32_u") \
	OP(I64_TRUNC_F64_S,     0, 0xB0, IMM_NONE, F64, __, I64, "i64.trunc_f64_s") \
	OP(I64_TRUNC_F64_U,     0, 0xB1, IMM_NONE, F64, __, I64, "i64.trunc_f64_u") \
	OP(F32_CONVERT_I32_S,   0, 0xB2, IMM_NONE, I32, __, F32, "f32.convert_i32_s") \
	OP(F32_CONVERT_I32_U,   0, 0xB3, IMM_NONE, I32, __, F32, "f32.convert_i32_u") \
	OP(F32_CONVERT_I64_S,   0, 0xB4, IMM_NONE, I64, __, F32, "f32.convert_i64_s") \
	OP(F32_CONVERT_I64_U,   0, 0xB5, IMM_NONE, I64, __, F32, "f32.convert_i64_u") \
	OP(F32_DEMOTE_F64,      0, 0xB6, IMM_NONE, F64, __, F32, "f32.demote_f64") \
	OP(F64_CONVERT_I32_S,   0, 0xB7, IMM_NONE, I32, __, F64, "f64.convert_i32_s") \
	OP(F64_CONVERT_I32_U,   0, 0xB8, IMM_NONE, I32, __, F64, "f64.convert_i32_u") \
	OP(F64_CONVERT_I64_S,   0, 0xB9, IMM_NONE, I64, __, F64, "f64.convert_i64_s") \
	OP(F64_CONVERT_I64_U,   0, 0xBA, IMM_NONE, I64, __, F64, "f64.convert_i64_u") \
	OP(F64_PROMOTE_F32,     0, 0xBB, IMM_NONE, F32, __, F64, "f64.promote_f32") \
	OP(I32_REINTERPRET_F32, 0, 0xBC, IMM_NONE, F32, __, I32, "i32.reinterpret_f32") \
	OP(I64_REINTERPRET_F64, 0, 0xBD, IMM_NONE, F64, __, I64, "i64.reinterpret_f64") \
	OP(F32_REINTERPRET_I32, 0, 0xBE, IMM_NONE, I32, __, F32, "f32.reinterpret_i32") \
	OP(F64_REINTERPRET_I64, 0, 0xBF, IMM_NONE, I64, __, F64, "f64.reinterpret_i64") \
	/* sign extension */ \
	OP(I32_EXTEND8_S,       0, 0xC0, IMM_NONE, I32, __, I32, "i32.extend8_s") \
	OP(I32_EXTEND16_S,      0, 0xC1, IMM_NONE, I32, __, I32, "i32.extend16_s") \
	OP(I64_EXTEND8_S,       0, 0xC2, IMM_NONE, I64, __, I64, "i64.extend8_s") \
	OP(I64_EXTEND16_S,      0, 0xC3, IMM_NONE, I64, __, I64, "i64.extend16_s") \
	OP(I64_EXTEND32_S,      0, 0xC4, IMM_NONE, I64, __, I64, "i64.extend32_s") \
	/* reference types */ \
	OP(REF_NULL,            0, 0xD0, IMM_REFTYPE, SP, __, __, "ref.null") \
	OP(REF_IS_NULL,         0, 0xD1, IMM_NONE,    SP, __, __, "ref.is_null") \
	OP(REF_FUNC,            0, 0xD2, IMM_FUNC,    SP, __, __, "ref.func") \
	/* 0xFC prefix: non-trapping float-to-int */ \
	OP(I32_TRUNC_SAT_F32_S, 0xFC, 0, IMM_NONE, F32, __, I32, "i32.trunc_sat_f32_s") \
	OP(I32_TRUNC_SAT_F32_U, 0xFC, 1, IMM_NONE, F32, __, I32, "i32.trunc_sat_f32_u") \
	OP(I32_TRUNC_SAT_F64_S, 0xFC, 2, IMM_NONE, F64, __, I32, "i32.trunc_sat_f64_s") \
	OP(I32_TRUNC_SAT_F64_U, 0xFC, 3, IMM_NONE, F64, __, I32, "i32.trunc_sat_f64_u") \
	OP(I64_TRUNC_SAT_F32_S, 0xFC, 4, IMM_NONE, F32, __, I64, "i64.trunc_sat_f32_s") \
	OP(I64_TRUNC_SAT_F32_U, 0xFC, 5, IMM_NONE, F32, __, I64, "i64.trunc_sat_f32_u") \
	OP(I64_TRUNC_SAT_F64_S, 0xFC, 6, IMM_NONE, F64, __, I64, "i64.trunc_sat_f64_s") \
	OP(I64_TRUNC_SAT_F64_U, 0xFC, 7, IMM_NONE, F64, __, I64, "i64.trunc_sat_f64_u") \
	/* 0xFC prefix: bulk memory and tables */ \
	OP(MEMORY_INIT,   0xFC,  8, IMM_MEM_INIT,   SP, __, __, "memory.init") \
	OP(DATA_DROP,     0xFC,  9, IMM_DATA,       SP, __, __, "data.drop") \
	OP(MEMORY_COPY,   0xFC, 10, IMM_MEM_COPY,   SP, __, __, "memory.copy") \
	OP(MEMORY_FILL,   0xFC, 11, IMM_MEMIDX,     SP, __, __, "memory.fill") \
	OP(TABLE_INIT,    0xFC, 12, IMM_TABLE_INIT, SP, __, __, "table.init") \
	OP(ELEM_DROP,     0xFC, 13, IMM_ELEM,       SP, __, __, "elem.drop") \
	OP(TABLE_COPY,    0xFC, 14, IMM_TABLE_COPY, SP, __, __, "table.copy") \
	OP(TABLE_GROW,    0xFC, 15, IMM_TABLE,      SP, __, __, "table.grow") \
	OP(TABLE_SIZE,    0xFC, 16, IMM_TABLE,      SP, __, __, "table.size") \
	OP(TABLE_FILL,    0xFC, 17, IMM_TABLE,      SP, __, __, "table.fill")

/* 0xFE prefix: threads (atomic accesses pop an i32 address first) */
#define WASM_ATOMIC_OPCODES(OP) \
	OP(MEMORY_ATOMIC_NOTIFY,       0xFE, 0x00, IMM_ATOMIC4, I32, __,  I32, "memory.atomic.notify") \
	OP(MEMORY_ATOMIC_WAIT32,       0xFE, 0x01, IMM_ATOMIC4, I32, I64, I32, "memory.atomic.wait32") \
	OP(MEMORY_ATOMIC_WAIT64,       0xFE, 0x02, IMM_ATOMIC8, I64, I64, I32, "memory.atomic.wait64") \
	OP(ATOMIC_FENCE,               0xFE, 0x03, IMM_FENCE,   __,  __,  __,  "atomic.fence") \
	OP(I32_ATOMIC_LOAD,            0xFE, 0x10, IMM_ATOMIC4, __,  __,  I32, "i32.atomic.load") \
	OP(I64_ATOMIC_LOAD,            0xFE, 0x11, IMM_ATOMIC8, __,  __,  I64, "i64.atomic.load") \
	OP(I32_ATOMIC_LOAD8_U,         0xFE, 0x12, IMM_ATOMIC1, __,  __,  I32, "i32.atomic.load8_u") \
	OP(I32_ATOMIC_LOAD16_U,        0xFE, 0x13, IMM_ATOMIC2, __,  __,  I32, "i32.atomic.load16_u") \
	OP(I64_ATOMIC_LOAD8_U,         0xFE, 0x14, IMM_ATOMIC1, __,  __,  I64, "i64.atomic.load8_u") \
	OP(I64_ATOMIC_LOAD16_U,        0xFE, 0x15, IMM_ATOMIC2, __,  __,  I64, "i64.atomic.load16_u") \
	OP(I64_ATOMIC_LOAD32_U,        0xFE, 0x16, IMM_ATOMIC4, __,  __,  I64, "i64.atomic.load32_u") \
	OP(I32_ATOMIC_STORE,           0xFE, 0x17, IMM_ATOMIC4, I32, __,  __,  "i32.atomic.store") \
	OP(I64_ATOMIC_STORE,           0xFE, 0x18, IMM_ATOMIC8, I64, __,  __,  "i64.atomic.store") \
	OP(I32_ATOMIC_STORE8,          0xFE, 0x19, IMM_ATOMIC1, I32, __,  __,  "i32.atomic.store8") \
	OP(I32_ATOMIC_STORE16,         0xFE, 0x1A, IMM_ATOMIC2, I32, __,  __,  "i32.atomic.store16") \
	OP(I64_ATOMIC_STORE8,          0xFE, 0x1B, IMM_ATOMIC1, I64, __,  __,  "i64.atomic.store8") \
	OP(I64_ATOMIC_STORE16,         0xFE, 0x1C, IMM_ATOMIC2, I64, __,  __,  "i64.atomic.store16") \
	OP(I64_ATOMIC_STORE32,         0xFE, 0x1D, IMM_ATOMIC4, I64, __,  __,  "i64.atomic.store32") \
	OP(I32_ATOMIC_RMW_ADD,         0xFE, 0x1E, IMM_ATOMIC4, I32, __,  I32, "i32.atomic.rmw.add") \
	OP(I64_ATOMIC_RMW_ADD,         0xFE, 0x1F, IMM_ATOMIC8, I64, __,  I64, "i64.atomic.rmw.add") \
	OP(I32_ATOMIC_RMW8_ADD_U,      0xFE, 0x20, IMM_ATOMIC1, I32, __,  I32, "i32.atomic.rmw8.add_u") \
	OP(I32_ATOMIC_RMW16_ADD_U,     0xFE, 0x21, IMM_ATOMIC2, I32, __,  I32, "i32.atomic.rmw16.add_u") \
	OP(I64_ATOMIC_RMW8_ADD_U,      0xFE, 0x22, IMM_ATOMIC1, I64, __,  I64, "i64.atomic.rmw8.add_u") \
	OP(I64_ATOMIC_RMW16_ADD_U,     0xFE, 0x23, IMM_ATOMIC2, I64, __,  I64, "i64.atomic.rmw16.add_u") \
	OP(I64_ATOMIC_RMW32_ADD_U,     0xFE, 0x24, IMM_ATOMIC4, I64, __,  I64, "i64.atomic.rmw32.add_u") \
	OP(I32_ATOMIC_RMW_SUB,         0xFE, 0x25, IMM_ATOMIC4, I32, __,  I32, "i32.atomic.rmw.sub") \
	OP(I64_ATOMIC_RMW_SUB,         0xFE, 0x26, IMM_ATOMIC8, I64, __,  I64, "i64.atomic.rmw.sub") \
	OP(I32_ATOMIC_RMW8_SUB_U,      0xFE, 0x27, IMM_ATOMIC1, I32, __,  I32, "i32.atomic.rmw8.sub_u") \
	OP(I32_ATOMIC_RMW16_SUB_U,     0xFE, 0x28, IMM_ATOMIC2, I32, __,  I32, "i32.atomic.rmw16.sub_u") \
	OP(I64_ATOMIC_RMW8_SUB_U,      0xFE, 0x29, IMM_ATOMIC1, I64, __,  I64, "i64.atomic.rmw8.sub_u") \
	OP(I64_ATOMIC_RMW16_SUB_U,     0xFE, 0x2A, IMM_ATOMIC2, I64, __,  I64, "i64.atomic.rmw16.sub_u") \
	OP(I64_ATOMIC_RMW32_SUB_U,     0xFE, 0x2B, IMM_ATOMIC4, I64, __,  I64, "i64.atomic.rmw32.sub_u") \
	OP(I32_ATOMIC_RMW_AND,         0xFE, 0x2C, IMM_ATOMIC4, I32, __,  I32, "i32.atomic.rmw.and") \
	OP(I64_ATOMIC_RMW_AND,         0xFE, 0x2D, IMM_ATOMIC8, I64, __,  I64, "i64.atomic.rmw.and") \
	OP(I32_ATOMIC_RMW8_AND_U,      0xFE, 0x2E, IMM_ATOMIC1, I32, __,  I32, "i32.atomic.rmw8.and_u") \
	OP(I32_ATOMIC_RMW16_AND_U,     0xFE, 0x2F, IMM_ATOMIC2, I32, __,  I32, "i32.atomic.rmw16.and_u") \
	OP(I64_ATOMIC_RMW8_AND_U,      0xFE, 0x30, IMM_ATOMIC1, I64, __,  I64, "i64.atomic.rmw8.and_u") \
	OP(I64_ATOMIC_RMW16_AND_U,     0xFE, 0x31, IMM_ATOMIC2, I64, __,  I64, "i64.atomic.rmw16.and_u") \
	OP(I64_ATOMIC_RMW32_AND_U,     0xFE, 0x32, IMM_ATOMIC4, I64, __,  I64, "i64.atomic.rmw32.and_u") \
	OP(I32_ATOMIC_RMW_OR,          0xFE, 0x33, IMM_ATOMIC4, I32, __,  I32, "i32.atomic.rmw.or") \
	OP(I64_ATOMIC_RMW_OR,          0xFE, 0x34, IMM_ATOMIC8, I64, __,  I64, "i64.atomic.rmw.or") \
	OP(I32_ATOMIC_RMW8_OR_U,       0xFE, 0x35, IMM_ATOMIC1, I32, __,  I32, "i32.atomic.rmw8.or_u") \
	OP(I32_ATOMIC_RMW16_OR_U,      0xFE, 0x36, IMM_ATOMIC2, I32, __,  I32, "i32.atomic.rmw16.or_u") \
	OP(I64_ATOMIC_RMW8_OR_U,       0xFE, 0x37, IMM_ATOMIC1, I64, __,  I64, "i64.atomic.rmw8.or_u") \
	OP(I64_ATOMIC_RMW16_OR_U,      0xFE, 0x38, IMM_ATOMIC2, I64, __,  I64, "i64.atomic.rmw16.or_u") \
	OP(I64_ATOMIC_RMW32_OR_U,      0xFE, 0x39, IMM_ATOMIC4, I64, __,  I64, "i64.atomic.rmw32.or_u") \
	OP(I32_ATOMIC_RMW_XOR,         0xFE, 0x3A, IMM_ATOMIC4, I32, __,  I32, "i32.atomic.rmw.xor") \
	OP(I64_ATOMIC_RMW_XOR,         0xFE, 0x3B, IMM_ATOMIC8, I64, __,  I64, "i64.atomic.rmw.xor") \
	OP(I32_ATOMIC_RMW8_XOR_U,      0xFE, 0x3C, IMM_ATOMIC1, I32, __,  I32, "i32.atomic.rmw8.xor_u") \
	OP(I32_ATOMIC_RMW16_XOR_U,     0xFE, 0x3D, IMM_ATOMIC2, I32, __,  I32, "i32.atomic.rmw16.xor_u") \
	OP(I64_ATOMIC_RMW8_XOR_U,      0xFE, 0x3E, IMM_ATOMIC1, I64, __,  I64, "i64.atomic.rmw8.xor_u") \
	OP(I64_ATOMIC_RMW16_XOR_U,     0xFE, 0x3F, IMM_ATOMIC2, I64, __,  I64, "i64.atomic.rmw16.xor_u") \
	OP(I64_ATOMIC_RMW32_XOR_U,     0xFE, 0x40, IMM_ATOMIC4, I64, __,  I64, "i64.atomic.rmw32.xor_u") \
	OP(I32_ATOMIC_RMW_XCHG,        0xFE, 0x41, IMM_ATOMIC4, I32, __,  I32, "i32.atomic.rmw.xchg") \
	OP(I64_ATOMIC_RMW_XCHG,        0xFE, 0x42, IMM_ATOMIC8, I64, __,  I64, "i64.atomic.rmw.xchg") \
	OP(I32_ATOMIC_RMW8_XCHG_U,     0xFE, 0x43, IMM_ATOMIC1, I32, __,  I32, "i32.atomic.rmw8.xchg_u") \
	OP(I32_ATOMIC_RMW16_XCHG_U,    0xFE, 0x44, IMM_ATOMIC2, I32, __,  I32, "i32.atomic.rmw16.xchg_u") \
	OP(I64_ATOMIC_RMW8_XCHG_U,     0xFE, 0x45, IMM_ATOMIC1, I64, __,  I64, "i64.atomic.rmw8.xchg_u") \
	OP(I64_ATOMIC_RMW16_XCHG_U,    0xFE, 0x46, IMM_ATOMIC2, I64, __,  I64, "i64.atomic.rmw16.xchg_u") \
	OP(I64_ATOMIC_RMW32_XCHG_U,    0xFE, 0x47, IMM_ATOMIC4, I64, __,  I64, "i64.atomic.rmw32.xchg_u") \
	OP(I32_ATOMIC_RMW_CMPXCHG,     0xFE, 0x48, IMM_ATOMIC4, I32, I32, I32, "i32.atomic.rmw.cmpxchg") \
	OP(I64_ATOMIC_RMW_CMPXCHG,     0xFE, 0x49, IMM_ATOMIC8, I64, I64, I64, "i64.atomic.rmw.cmpxchg") \
	OP(I32_ATOMIC_RMW8_CMPXCHG_U,  0xFE, 0x4A, IMM_ATOMIC1, I32, I32, I32, "i32.atomic.rmw8.cmpxchg_u") \
	OP(I32_ATOMIC_RMW16_CMPXCHG_U, 0xFE, 0x4B, IMM_ATOMIC2, I32, I32, I32, "i32.atomic.rmw16.cmpxchg_u") \
	OP(I64_ATOMIC_RMW8_CMPXCHG_U,  0xFE, 0x4C, IMM_ATOMIC1, I64, I64, I64, "i64.atomic.rmw8.cmpxchg_u") \
	OP(I64_ATOMIC_RMW16_CMPXCHG_U, 0xFE, 0x4D, IMM_ATOMIC2, I64, I64, I64, "i64.atomic.rmw16.cmpxchg_u") \
	OP(I64_ATOMIC_RMW32_CMPXCHG_U, 0xFE, 0x4E, IMM_ATOMIC4, I64, I64, I64, "i64.atomic.rmw32.cmpxchg_u")

/* 0xFD prefix: fixed-width SIMD (v128). Loads and stores pop their i32
 * address as p1; v128.bitselect pops a third v128, below p1, which the
 * row does not repeat. simd.c has their semantics. */
#define WASM_SIMD_OPCODES(OP) \
	OP(V128_LOAD,                     0xFD, 0x00, IMM_MEM16,  I32,  __,   V128, "v128.load") \
	OP(V128_LOAD8X8_S,                0xFD, 0x01, IMM_MEM8,   I32,  __,   V128, "v128.load8x8_s") \
	OP(V128_LOAD8X8_U,                0xFD, 0x02, IMM_MEM8,   I32,  __,   V128, "v128.load8x8_u") \
	OP(V128_LOAD16X4_S,               0xFD, 0x03, IMM_MEM8,   I32,  __,   V128, "v128.load16x4_s") \
	OP(V128_LOAD16X4_U,               0xFD, 0x04, IMM_MEM8,   I32,  __,   V128, "v128.load16x4_u") \
	OP(V128_LOAD32X2_S,               0xFD, 0x05, IMM_MEM8,   I32,  __,   V128, "v128.load32x2_s") \
	OP(V128_LOAD32X2_U,               0xFD, 0x06, IMM_MEM8,   I32,  __,   V128, "v128.load32x2_u") \
	OP(V128_LOAD8_SPLAT,              0xFD, 0x07, IMM_MEM1,   I32,  __,   V128, "v128.load8_splat") \
	OP(V128_LOAD16_SPLAT,             0xFD, 0x08, IMM_MEM2,   I32,  __,   V128, "v128.load16_splat") \
	OP(V128_LOAD32_SPLAT,             0xFD, 0x09, IMM_MEM4,   I32,  __,   V128, "v128.load32_splat") \
	OP(V128_LOAD64_SPLAT,             0xFD, 0x0A, IMM_MEM8,   I32,  __,   V128, "v128.load64_splat") \
	OP(V128_STORE,                    0xFD, 0x0B, IMM_MEM16,  I32,  V128, __,   "v128.store") \
	OP(V128_CONST,                    0xFD, 0x0C, IMM_V128,    __,   __,   V128, "v128.const") \
	OP(I8X16_SHUFFLE,                 0xFD, 0x0D, IMM_SHUFFLE, V128, V128, V128, "i8x16.shuffle") \
	OP(I8X16_SWIZZLE,                 0xFD, 0x0E, IMM_NONE,    V128, V128, V128, "i8x16.swizzle") \
	OP(I8X16_SPLAT,                   0xFD, 0x0F, IMM_NONE,    I32,  __,   V128, "i8x16.splat") \
	OP(I16X8_SPLAT,                   0xFD, 0x10, IMM_NONE,    I32,  __,   V128, "i16x8.splat") \
	OP(I32X4_SPLAT,                   0xFD, 0x11, IMM_NONE,    I32,  __,   V128, "i32x4.splat") \
	OP(I64X2_SPLAT,                   0xFD, 0x12, IMM_NONE,    I64,  __,   V128, "i64x2.splat") \
	OP(F32X4_SPLAT,                   0xFD, 0x13, IMM_NONE,    F32,  __,   V128, "f32x4.splat") \
	OP(F64X2_SPLAT,                   0xFD, 0x14, IMM_NONE,    F64,  __,   V128, "f64x2.splat") \
	OP(I8X16_EXTRACT_LANE_S,          0xFD, 0x15, IMM_LANE16,  V128, __,   I32,  "i8x16.extract_lane_s") \
	OP(I8X16_EXTRACT_LANE_U,          0xFD, 0x16, IMM_LANE16,  V128, __,   I32,  "i8x16.extract_lane_u") \
	OP(I8X16_REPLACE_LANE,            0xFD, 0x17, IMM_LANE16,  V128, I32,  V128, "i8x16.replace_lane") \
	OP(I16X8_EXTRACT_LANE_S,          0xFD, 0x18, IMM_LANE8,   V128, __,   I32,  "i16x8.extract_lane_s") \
	OP(I16X8_EXTRACT_LANE_U,          0xFD, 0x19, IMM_LANE8,   V128, __,   I32,  "i16x8.extract_lane_u") \
	OP(I16X8_REPLACE_LANE,            0xFD, 0x1A, IMM_LANE8,   V128, I32,  V128, "i16x8.replace_lane") \
	OP(I32X4_EXTRACT_LANE,            0xFD, 0x1B, IMM_LANE4,   V128, __,   I32,  "i32x4.extract_lane") \
	OP(I32X4_REPLACE_LANE,            0xFD, 0x1C, IMM_LANE4,   V128, I32,  V128, "i32x4.replace_lane") \
	OP(I64X2_EXTRACT_LANE,            0xFD, 0x1D, IMM_LANE2,   V128, __,   I64,  "i64x2.extract_lane") \
	OP(I64X2_REPLACE_LANE,            0xFD, 0x1E, IMM_LANE2,   V128, I64,  V128, "i64x2.replace_lane") \
	OP(F32X4_EXTRACT_LANE,            0xFD, 0x1F, IMM_LANE4,   V128, __,   F32,  "f32x4.extract_lane") \
	OP(F32X4_REPLACE_LANE,            0xFD, 0x20, IMM_LANE4,   V128, F32,  V128, "f32x4.replace_lane") \
	OP(F64X2_EXTRACT_LANE,            0xFD, 0x21, IMM_LANE2,   V128, __,   F64,  "f64x2.extract_lane") \
	OP(F64X2_REPLACE_LANE,            0xFD, 0x22, IMM_LANE2,   V128, F64,  V128, "f64x2.replace_lane") \
	OP(I8X16_EQ,                      0xFD, 0x23, IMM_NONE,    V128, V128, V128, "i8x16.eq") \
	OP(I8X16_NE,                      0xFD, 0x24, IMM_NONE,    V128, V128, V128, "i8x16.ne") \
	OP(I8X16_LT_S,                    0xFD, 0x25, IMM_NONE,    V128, V128, V128, "i8x16.lt_s") \
	OP(I8X16_LT_U,                    0xFD, 0x26, IMM_NONE,    V128, V128, V128, "i8x16.lt_u") \
	OP(I8X16_GT_S,                    0xFD, 0x27, IMM_NONE,    V128, V128, V128, "i8x16.gt_s") \
	OP(I8X16_GT_U,                    0xFD, 0x28, IMM_NONE,    V128, V128, V128, "i8x16.gt_u") \
	OP(I8X16_LE_S,                    0xFD, 0x29, IMM_NONE,    V128, V128, V128, "i8x16.le_s") \
	OP(I8X16_LE_U,                    0xFD, 0x2A, IMM_NONE,    V128, V128, V128, "i8x16.le_u") \
	OP(I8X16_GE_S,                    0xFD, 0x2B, IMM_NONE,    V128, V128, V128, "i8x16.ge_s") \
	OP(I8X16_GE_U,                    0xFD, 0x2C, IMM_NONE,    V128, V128, V128, "i8x16.ge_u") \
	OP(I16X8_EQ,                      0xFD, 0x2D, IMM_NONE,    V128, V128, V128, "i16x8.eq") \
	OP(I16X8_NE,                      0xFD, 0x2E, IMM_NONE,    V128, V128, V128, "i16x8.ne") \
	OP(I16X8_LT_S,                    0xFD, 0x2F, IMM_NONE,    V128, V128, V128, "i16x8.lt_s") \
	OP(I16X8_LT_U,                    0xFD, 0x30, IMM_NONE,    V128, V128, V128, "i16x8.lt_u") \
	OP(I16X8_GT_S,                    0xFD, 0x31, IMM_NONE,    V128, V128, V128, "i16x8.gt_s") \
	OP(I16X8_GT_U,                    0xFD, 0x32, IMM_NONE,    V128, V128, V128, "i16x8.gt_u") \
	OP(I16X8_LE_S,                    0xFD, 0x33, IMM_NONE,    V128, V128, V128, "i16x8.le_s") \
	OP(I16X8_LE_U,                    0xFD, 0x34, IMM_NONE,    V128, V128, V128, "i16x8.le_u") \
	OP(I16X8_GE_S,                    0xFD, 0x35, IMM_NONE,    V128, V128, V128, "i16x8.ge_s") \
	OP(I16X8_GE_U,                    0xFD, 0x36, IMM_NONE,    V128, V128, V128, "i16x8.ge_u") \
	OP(I32X4_EQ,                      0xFD, 0x37, IMM_NONE,    V128, V128, V128, "i32x4.eq") \
	OP(I32X4_NE,                      0xFD, 0x38, IMM_NONE,    V128, V128, V128, "i32x4.ne") \
	OP(I32X4_LT_S,                    0xFD, 0x39, IMM_NONE,    V128, V128, V128, "i32x4.lt_s") \
	OP(I32X4_LT_U,                    0xFD, 0x3A, IMM_NONE,    V128, V128, V128, "i32x4.lt_u") \
	OP(I32X4_GT_S,                    0xFD, 0x3B, IMM_NONE,    V128, V128, V128, "i32x4.gt_s") \
	OP(I32X4_GT_U,                    0xFD, 0x3C, IMM_NONE,    V128, V128, V128, "i32x4.gt_u") \
	OP(I32X4_LE_S,                    0xFD, 0x3D, IMM_NONE,    V128, V128, V128, "i32x4.le_s") \
	OP(I32X4_LE_U,                    0xFD, 0x3E, IMM_NONE,    V128, V128, V128, "i32x4.le_u") \
	OP(I32X4_GE_S,                    0xFD, 0x3F, IMM_NONE,    V128, V128, V128, "i32x4.ge_s") \
	OP(I32X4_GE_U,                    0xFD, 0x40, IMM_NONE,    V128, V128, V128, "i32x4.ge_u") \
	OP(F32X4_EQ,                      0xFD, 0x41, IMM_NONE,    V128, V128, V128, "f32x4.eq") \
	OP(F32X4_NE,                      0xFD, 0x42, IMM_NONE,    V128, V128, V128, "f32x4.ne") \
	OP(F32X4_LT,                      0xFD, 0x43, IMM_NONE,    V128, V128, V128, "f32x4.lt") \
	OP(F32X4_GT,                      0xFD, 0x44, IMM_NONE,    V128, V128, V128, "f32x4.gt") \
	OP(F32X4_LE,                      0xFD, 0x45, IMM_NONE,    V128, V128, V128, "f32x4.le") \
	OP(F32X4_GE,                      0xFD, 0x46, IMM_NONE,    V128, V128, V128, "f32x4.ge") \
	OP(F64X2_EQ,                      0xFD, 0x47, IMM_NONE,    V128, V128, V128, "f64x2.eq") \
	OP(F64X2_NE,                      0xFD, 0x48, IMM_NONE,    V128, V128, V128, "f64x2.ne") \
	OP(F64X2_LT,                      0xFD, 0x49, IMM_NONE,    V128, V128, V128, "f64x2.lt") \
	OP(F64X2_GT,                      0xFD, 0x4A, IMM_NONE,    V128, V128, V128, "f64x2.gt") \
	OP(F64X2_LE,                      0xFD, 0x4B, IMM_NONE,    V128, V128, V128, "f64x2.le") \
	OP(F64X2_GE,                      0xFD, 0x4C, IMM_NONE,    V128, V128, V128, "f64x2.ge") \
	OP(V128_NOT,                      0xFD, 0x4D, IMM_NONE,    V128, __,   V128, "v128.not") \
	OP(V128_AND,                      0xFD, 0x4E, IMM_NONE,    V128, V128, V128, "v128.and") \
	OP(V128_ANDNOT,                   0xFD, 0x4F, IMM_NONE,    V128, V128, V128, "v128.andnot") \
	OP(V128_OR,                       0xFD, 0x50, IMM_NONE,    V128, V128, V128, "v128.or") \
	OP(V128_XOR,                      0xFD, 0x51, IMM_NONE,    V128, V128, V128, "v128.xor") \
	OP(V128_BITSELECT,                0xFD, 0x52, IMM_NONE,    V128, V128, V128, "v128.bitselect") \
	OP(V128_ANY_TRUE,                 0xFD, 0x53, IMM_NONE,    V128, __,   I32,  "v128.any_true") \
	OP(V128_LOAD8_LANE,               0xFD, 0x54, IMM_MEMLANE1,  I32,  V128, V128, "v128.load8_lane") \
	OP(V128_LOAD16_LANE,              0xFD, 0x55, IMM_MEMLANE2,  I32,  V128, V128, "v128.load16_lane") \
	OP(V128_LOAD32_LANE,              0xFD, 0x56, IMM_MEMLANE4,  I32,  V128, V128, "v128.load32_lane") \
	OP(V128_LOAD64_LANE,              0xFD, 0x57, IMM_MEMLANE8,  I32,  V128, V128, "v128.load64_lane") \
	OP(V128_STORE8_LANE,              0xFD, 0x58, IMM_MEMLANE1,  I32,  V128, __,   "v128.store8_lane") \
	OP(V128_STORE16_LANE,             0xFD, 0x59, IMM_MEMLANE2,  I32,  V128, __,   "v128.store16_lane") \
	OP(V128_STORE32_LANE,             0xFD, 0x5A, IMM_MEMLANE4,  I32,  V128, __,   "v128.store32_lane") \
	OP(V128_STORE64_LANE,             0xFD, 0x5B, IMM_MEMLANE8,  I32,  V128, __,   "v128.store64_lane") \
	OP(V128_LOAD32_ZERO,              0xFD, 0x5C, IMM_MEM4,   I32,  __,   V128, "v128.load32_zero") \
	OP(V128_LOAD64_ZERO,              0xFD, 0x5D, IMM_MEM8,   I32,  __,   V128, "v128.load64_zero") \
	OP(F32X4_DEMOTE_F64X2_ZERO,       0xFD, 0x5E, IMM_NONE,    V128, __,   V128, "f32x4.demote_f64x2_zero") \
	OP(F64X2_PROMOTE_LOW_F32X4,       0xFD, 0x5F, IMM_NONE,    V128, __,   V128, "f64x2.promote_low_f32x4") \
	OP(I8X16_ABS,                     0xFD, 0x60, IMM_NONE,    V128, __,   V128, "i8x16.abs") \
	OP(I8X16_NEG,                     0xFD, 0x61, IMM_NONE,    V128, __,   V128, "i8x16.neg") \
	OP(I8X16_POPCNT,                  0xFD, 0x62, IMM_NONE,    V128, __,   V128, "i8x16.popcnt") \
	OP(I8X16_ALL_TRUE,                0xFD, 0x63, IMM_NONE,    V128, __,   I32,  "i8x16.all_true") \
	OP(I8X16_BITMASK,                 0xFD, 0x64, IMM_NONE,    V128, __,   I32,  "i8x16.bitmask") \
	OP(I8X16_NARROW_I16X8_S,          0xFD, 0x65, IMM_NONE,    V128, V128, V128, "i8x16.narrow_i16x8_s") \
	OP(I8X16_NARROW_I16X8_U,          0xFD, 0x66, IMM_NONE,    V128, V128, V128, "i8x16.narrow_i16x8_u") \
	OP(F32X4_CEIL,                    0xFD, 0x67, IMM_NONE,    V128, __,   V128, "f32x4.ceil") \
	OP(F32X4_FLOOR,                   0xFD, 0x68, IMM_NONE,    V128, __,   V128, "f32x4.floor") \
	OP(F32X4_TRUNC,                   0xFD, 0x69, IMM_NONE,    V128, __,   V128, "f32x4.trunc") \
	OP(F32X4_NEAREST,                 0xFD, 0x6A, IMM_NONE,    V128, __,   V128, "f32x4.nearest") \
	OP(I8X16_SHL,                     0xFD, 0x6B, IMM_NONE,    V128, I32,  V128, "i8x16.shl") \
	OP(I8X16_SHR_S,                   0xFD, 0x6C, IMM_NONE,    V128, I32,  V128, "i8x16.shr_s") \
	OP(I8X16_SHR_U,                   0xFD, 0x6D, IMM_NONE,    V128, I32,  V128, "i8x16.shr_u") \
	OP(I8X16_ADD,                     0xFD, 0x6E, IMM_NONE,    V128, V128, V128, "i8x16.add") \
	OP(I8X16_ADD_SAT_S,               0xFD, 0x6F, IMM_NONE,    V128, V128, V128, "i8x16.add_sat_s") \
	OP(I8X16_ADD_SAT_U,               0xFD, 0x70, IMM_NONE,    V128, V128, V128, "i8x16.add_sat_u") \
	OP(I8X16_SUB,                     0xFD, 0x71, IMM_NONE,    V128, V128, V128, "i8x16.sub") \
	OP(I8X16_SUB_SAT_S,               0xFD, 0x72, IMM_NONE,    V128, V128, V128, "i8x16.sub_sat_s") \
	OP(I8X16_SUB_SAT_U,               0xFD, 0x73, IMM_NONE,    V128, V128, V128, "i8x16.sub_sat_u") \
	OP(F64X2_CEIL,                    0xFD, 0x74, IMM_NONE,    V128, __,   V128, "f64x2.ceil") \
	OP(F64X2_FLOOR,                   0xFD, 0x75, IMM_NONE,    V128, __,   V128, "f64x2.floor") \
	OP(I8X16_MIN_S,                   0xFD, 0x76, IMM_NONE,    V128, V128, V128, "i8x16.min_s") \
	OP(I8X16_MIN_U,                   0xFD, 0x77, IMM_NONE,    V128, V128, V128, "i8x16.min_u") \
	OP(I8X16_MAX_S,                   0xFD, 0x78, IMM_NONE,    V128, V128, V128, "i8x16.max_s") \
	OP(I8X16_MAX_U,                   0xFD, 0x79, IMM_NONE,    V128, V128, V128, "i8x16.max_u") \
	OP(F64X2_TRUNC,                   0xFD, 0x7A, IMM_NONE,    V128, __,   V128, "f64x2.trunc") \
	OP(I8X16_AVGR_U,                  0xFD, 0x7B, IMM_NONE,    V128, V128, V128, "i8x16.avgr_u") \
	OP(I16X8_EXTADD_PAIRWISE_I8X16_S, 0xFD, 0x7C, IMM_NONE,    V128, __,   V128, "i16x8.extadd_pairwise_i8x16_s") \
	OP(I16X8_EXTADD_PAIRWISE_I8X16_U, 0xFD, 0x7D, IMM_NONE,    V128, __,   V128, "i16x8.extadd_pairwise_i8x16_u") \
	OP(I32X4_EXTADD_PAIRWISE_I16X8_S, 0xFD, 0x7E, IMM_NONE,    V128, __,   V128, "i32x4.extadd_pairwise_i16x8_s") \
	OP(I32X4_EXTADD_PAIRWISE_I16X8_U, 0xFD, 0x7F, IMM_NONE,    V128, __,   V128, "i32x4.extadd_pairwise_i16x8_u") \
	OP(I16X8_ABS,                     0xFD, 0x80, IMM_NONE,    V128, __,   V128, "i16x8.abs") \
	OP(I16X8_NEG,                     0xFD, 0x81, IMM_NONE,    V128, __,   V128, "i16x8.neg") \
	OP(I16X8_Q15MULR_SAT_S,           0xFD, 0x82, IMM_NONE,    V128, V128, V128, "i16x8.q15mulr_sat_s") \
	OP(I16X8_ALL_TRUE,                0xFD, 0x83, IMM_NONE,    V128, __,   I32,  "i16x8.all_true") \
	OP(I16X8_BITMASK,                 0xFD, 0x84, IMM_NONE,    V128, __,   I32,  "i16x8.bitmask") \
	OP(I16X8_NARROW_I32X4_S,          0xFD, 0x85, IMM_NONE,    V128, V128, V128, "i16x8.narrow_i32x4_s") \
	OP(I16X8_NARROW_I32X4_U,          0xFD, 0x86, IMM_NONE,    V128, V128, V128, "i16x8.narrow_i32x4_u") \
	OP(I16X8_EXTEND_LOW_I8X16_S,      0xFD, 0x87, IMM_NONE,    V128, __,   V128, "i16x8.extend_low_i8x16_s") \
	OP(I16X8_EXTEND_HIGH_I8X16_S,     0xFD, 0x88, IMM_NONE,    V128, __,   V128, "i16x8.extend_high_i8x16_s") \
	OP(I16X8_EXTEND_LOW_I8X16_U,      0xFD, 0x89, IMM_NONE,    V128, __,   V128, "i16x8.extend_low_i8x16_u") \
	OP(I16X8_EXTEND_HIGH_I8X16_U,     0xFD, 0x8A, IMM_NONE,    V128, __,   V128, "i16x8.extend_high_i8x16_u") \
	OP(I16X8_SHL,                     0xFD, 0x8B, IMM_NONE,    V128, I32,  V128, "i16x8.shl") \
	OP(I16X8_SHR_S,                   0xFD, 0x8C, IMM_NONE,    V128, I32,  V128, "i16x8.shr_s") \
	OP(I16X8_SHR_U,                   0xFD, 0x8D, IMM_NONE,    V128, I32,  V128, "i16x8.shr_u") \
	OP(I16X8_ADD,                     0xFD, 0x8E, IMM_NONE,    V128, V128, V128, "i16x8.add") \
	OP(I16X8_ADD_SAT_S,               0xFD, 0x8F, IMM_NONE,    V128, V128, V128, "i16x8.add_sat_s") \
	OP(I16X8_ADD_SAT_U,               0xFD, 0x90, IMM_NONE,    V128, V128, V128, "i16x8.add_sat_u") \
	OP(I16X8_SUB,                     0xFD, 0x91, IMM_NONE,    V128, V128, V128, "i16x8.sub") \
	OP(I16X8_SUB_SAT_S,               0xFD, 0x92, IMM_NONE,    V128, V128, V128, "i16x8.sub_sat_s") \
	OP(I16X8_SUB_SAT_U,               0xFD, 0x93, IMM_NONE,    V128, V128, V128, "i16x8.sub_sat_u") \
	OP(F64X2_NEAREST,                 0xFD, 0x94, IMM_NONE,    V128, __,   V128, "f64x2.nearest") \
	OP(I16X8_MUL,                     0xFD, 0x95, IMM_NONE,    V128, V128, V128, "i16x8.mul") \
	OP(I16X8_MIN_S,                   0xFD, 0x96, IMM_NONE,    V128, V128, V128, "i16x8.min_s") \
	OP(I16X8_MIN_U,                   0xFD, 0x97, IMM_NONE,    V128, V128, V128, "i16x8.min_u") \
	OP(I16X8_MAX_S,                   0xFD, 0x98, IMM_NONE,    V128, V128, V128, "i16x8.max_s") \
	OP(I16X8_MAX_U,                   0xFD, 0x99, IMM_NONE,    V128, V128, V128, "i16x8.max_u") \
	OP(I16X8_AVGR_U,                  0xFD, 0x9B, IMM_NONE,    V128, V128, V128, "i16x8.avgr_u") \
	OP(I16X8_EXTMUL_LOW_I8X16_S,      0xFD, 0x9C, IMM_NONE,    V128, V128, V128, "i16x8.extmul_low_i8x16_s") \
	OP(I16X8_EXTMUL_HIGH_I8X16_S,     0xFD, 0x9D, IMM_NONE,    V128, V128, V128, "i16x8.extmul_high_i8x16_s") \
	OP(I16X8_EXTMUL_LOW_I8X16_U,      0xFD, 0x9E, IMM_NONE,    V128, V128, V128, "i16x8.extmul_low_i8x16_u") \
	OP(I16X8_EXTMUL_HIGH_I8X16_U,     0xFD, 0x9F, IMM_NONE,    V128, V128, V128, "i16x8.extmul_high_i8x16_u") \
	OP(I32X4_ABS,                     0xFD, 0xA0, IMM_NONE,    V128, __,   V128, "i32x4.abs") \
	OP(I32X4_NEG,                     0xFD, 0xA1, IMM_NONE,    V128, __,   V128, "i32x4.neg") \
	OP(I32X4_ALL_TRUE,                0xFD, 0xA3, IMM_NONE,    V128, __,   I32,  "i32x4.all_true") \
	OP(I32X4_BITMASK,                 0xFD, 0xA4, IMM_NONE,    V128, __,   I32,  "i32x4.bitmask") \
	OP(I32X4_EXTEND_LOW_I16X8_S,      0xFD, 0xA7, IMM_NONE,    V128, __,   V128, "i32x4.extend_low_i16x8_s") \
	OP(I32X4_EXTEND_HIGH_I16X8_S,     0xFD, 0xA8, IMM_NONE,    V128, __,   V128, "i32x4.extend_high_i16x8_s") \
	OP(I32X4_EXTEND_LOW_I16X8_U,      0xFD, 0xA9, IMM_NONE,    V128, __,   V128, "i32x4.extend_low_i16x8_u") \
	OP(I32X4_EXTEND_HIGH_I16X8_U,     0xFD, 0xAA, IMM_NONE,    V128, __,   V128, "i32x4.extend_high_i16x8_u") \
	OP(I32X4_SHL,                     0xFD, 0xAB, IMM_NONE,    V128, I32,  V128, "i32x4.shl") \
	OP(I32X4_SHR_S,                   0xFD, 0xAC, IMM_NONE,    V128, I32,  V128, "i32x4.shr_s") \
	OP(I32X4_SHR_U,                   0xFD, 0xAD, IMM_NONE,    V128, I32,  V128, "i32x4.shr_u") \
	OP(I32X4_ADD,                     0xFD, 0xAE, IMM_NONE,    V128, V128, V128, "i32x4.add") \
	OP(I32X4_SUB,                     0xFD, 0xB1, IMM_NONE,    V128, V128, V128, "i32x4.sub") \
	OP(I32X4_MUL,                     0xFD, 0xB5, IMM_NONE,    V128, V128, V128, "i32x4.mul") \
	OP(I32X4_MIN_S,                   0xFD, 0xB6, IMM_NONE,    V128, V128, V128, "i32x4.min_s") \
	OP(I32X4_MIN_U,                   0xFD, 0xB7, IMM_NONE,    V128, V128, V128, "i32x4.min_u") \
	OP(I32X4_MAX_S,                   0xFD, 0xB8, IMM_NONE,    V128, V128, V128, "i32x4.max_s") \
	OP(I32X4_MAX_U,                   0xFD, 0xB9, IMM_NONE,    V128, V128, V128, "i32x4.max_u") \
	OP(I32X4_DOT_I16X8_S,             0xFD, 0xBA, IMM_NONE,    V128, V128, V128, "i32x4.dot_i16x8_s") \
	OP(I32X4_EXTMUL_LOW_I16X8_S,      0xFD, 0xBC, IMM_NONE,    V128, V128, V128, "i32x4.extmul_low_i16x8_s") \
	OP(I32X4_EXTMUL_HIGH_I16X8_S,     0xFD, 0xBD, IMM_NONE,    V128, V128, V128, "i32x4.extmul_high_i16x8_s") \
	OP(I32X4_EXTMUL_LOW_I16X8_U,      0xFD, 0xBE, IMM_NONE,    V128, V128, V128, "i32x4.extmul_low_i16x8_u") \
	OP(I32X4_EXTMUL_HIGH_I16X8_U,     0xFD, 0xBF, IMM_NONE,    V128, V128, V128, "i32x4.extmul_high_i16x8_u") \
	OP(I64X2_ABS,                     0xFD, 0xC0, IMM_NONE,    V128, __,   V128, "i64x2.abs") \
	OP(I64X2_NEG,                     0xFD, 0xC1, IMM_NONE,    V128, __,   V128, "i64x2.neg") \
	OP(I64X2_ALL_TRUE,                0xFD, 0xC3, IMM_NONE,    V128, __,   I32,  "i64x2.all_true") \
	OP(I64X2_BITMASK,                 0xFD, 0xC4, IMM_NONE,    V128, __,   I32,  "i64x2.bitmask") \
	OP(I64X2_EXTEND_LOW_I32X4_S,      0xFD, 0xC7, IMM_NONE,    V128, __,   V128, "i64x2.extend_low_i32x4_s") \
	OP(I64X2_EXTEND_HIGH_I32X4_S,     0xFD, 0xC8, IMM_NONE,    V128, __,   V128, "i64x2.extend_high_i32x4_s") \
	OP(I64X2_EXTEND_LOW_I32X4_U,      0xFD, 0xC9, IMM_NONE,    V128, __,   V128, "i64x2.extend_low_i32x4_u") \
	OP(I64X2_EXTEND_HIGH_I32X4_U,     0xFD, 0xCA, IMM_NONE,    V128, __,   V128, "i64x2.extend_high_i32x4_u") \
	OP(I64X2_SHL,                     0xFD, 0xCB, IMM_NONE,    V128, I32,  V128, "i64x2.shl") \
	OP(I64X2_SHR_S,                   0xFD, 0xCC, IMM_NONE,    V128, I32,  V128, "i64x2.shr_s") \
	OP(I64X2_SHR_U,                   0xFD, 0xCD, IMM_NONE,    V128, I32,  V128, "i64x2.shr_u") \
	OP(I64X2_ADD,                     0xFD, 0xCE, IMM_NONE,    V128, V128, V128, "i64x2.add") \
	OP(I64X2_SUB,                     0xFD, 0xD1, IMM_NONE,    V128, V128, V128, "i64x2.sub") \
	OP(I64X2_MUL,                     0xFD, 0xD5, IMM_NONE,    V128, V128, V128, "i64x2.mul") \
	OP(I64X2_EQ,                      0xFD, 0xD6, IMM_NONE,    V128, V128, V128, "i64x2.eq") \
	OP(I64X2_NE,                      0xFD, 0xD7, IMM_NONE,    V128, V128, V128, "i64x2.ne") \
	OP(I64X2_LT_S,                    0xFD, 0xD8, IMM_NONE,    V128, V128, V128, "i64x2.lt_s") \
	OP(I64X2_GT_S,                    0xFD, 0xD9, IMM_NONE,    V128, V128, V128, "i64x2.gt_s") \
	OP(I64X2_LE_S,                    0xFD, 0xDA, IMM_NONE,    V128, V128, V128, "i64x2.le_s") \
	OP(I64X2_GE_S,                    0xFD, 0xDB, IMM_NONE,    V128, V128, V128, "i64x2.ge_s") \
	OP(I64X2_EXTMUL_LOW_I32X4_S,      0xFD, 0xDC, IMM_NONE,    V128, V128, V128, "i64x2.extmul_low_i32x4_s") \
	OP(I64X2_EXTMUL_HIGH_I32X4_S,     0xFD, 0xDD, IMM_NONE,    V128, V128, V128, "i64x2.extmul_high_i32x4_s") \
	OP(I64X2_EXTMUL_LOW_I32X4_U,      0xFD, 0xDE, IMM_NONE,    V128, V128, V128, "i64x2.extmul_low_i32x4_u") \
	OP(I64X2_EXTMUL_HIGH_I32X4_U,     0xFD, 0xDF, IMM_NONE,    V128, V128, V128, "i64x2.extmul_high_i32x4_u") \
	OP(F32X4_ABS,                     0xFD, 0xE0, IMM_NONE,    V128, __,   V128, "f32x4.abs") \
	OP(F32X4_NEG,                     0xFD, 0xE1, IMM_NONE,    V128, __,   V128, "f32x4.neg") \
	OP(F32X4_SQRT,                    0xFD, 0xE3, IMM_NONE,    V128, __,   V128, "f32x4.sqrt") \
	OP(F32X4_ADD,                     0xFD, 0xE4, IMM_NONE,    V128, V128, V128, "f32x4.add") \
	OP(F32X4_SUB,                     0xFD, 0xE5, IMM_NONE,    V128, V128, V128, "f32x4.sub") \
	OP(F32X4_MUL,                     0xFD, 0xE6, IMM_NONE,    V128, V128, V128, "f32x4.mul") \
	OP(F32X4_DIV,                     0xFD, 0xE7, IMM_NONE,    V128, V128, V128, "f32x4.div") \
	OP(F32X4_MIN,                     0xFD, 0xE8, IMM_NONE,    V128, V128, V128, "f32x4.min") \
	OP(F32X4_MAX,                     0xFD, 0xE9, IMM_NONE,    V128, V128, V128, "f32x4.max") \
	OP(F32X4_PMIN,                    0xFD, 0xEA, IMM_NONE,    V128, V128, V128, "f32x4.pmin") \
	OP(F32X4_PMAX,                    0xFD, 0xEB, IMM_NONE,    V128, V128, V128, "f32x4.pmax") \
	OP(F64X2_ABS,                     0xFD, 0xEC, IMM_NONE,    V128, __,   V128, "f64x2.abs") \
	OP(F64X2_NEG,                     0xFD, 0xED, IMM_NONE,    V128, __,   V128, "f64x2.neg") \
	OP(F64X2_SQRT,                    0xFD, 0xEF, IMM_NONE,    V128, __,   V128, "f64x2.sqrt") \
	OP(F64X2_ADD,                     0xFD, 0xF0, IMM_NONE,    V128, V128, V128, "f64x2.add") \
	OP(F64X2_SUB,                     0xFD, 0xF1, IMM_NONE,    V128, V128, V128, "f64x2.sub") \
	OP(F64X2_MUL,                     0xFD, 0xF2, IMM_NONE,    V128, V128, V128, "f64x2.mul") \
	OP(F64X2_DIV,                     0xFD, 0xF3, IMM_NONE,    V128, V128, V128, "f64x2.div") \
	OP(F64X2_MIN,                     0xFD, 0xF4, IMM_NONE,    V128, V128, V128, "f64x2.min") \
	OP(F64X2_MAX,                     0xFD, 0xF5, IMM_NONE,    V128, V128, V128, "f64x2.max") \
	OP(F64X2_PMIN,                    0xFD, 0xF6, IMM_NONE,    V128, V128, V128, "f64x2.pmin") \
	OP(F64X2_PMAX,                    0xFD, 0xF7, IMM_NONE,    V128, V128, V128, "f64x2.pmax") \
	OP(I32X4_TRUNC_SAT_F32X4_S,       0xFD, 0xF8, IMM_NONE,    V128, __,   V128, "i32x4.trunc_sat_f32x4_s") \
	OP(I32X4_TRUNC_SAT_F32X4_U,       0xFD, 0xF9, IMM_NONE,    V128, __,   V128, "i32x4.trunc_sat_f32x4_u") \
	OP(F32X4_CONVERT_I32X4_S,         0xFD, 0xFA, IMM_NONE,    V128, __,   V128, "f32x4.convert_i32x4_s") \
	OP(F32X4_CONVERT_I32X4_U,         0xFD, 0xFB, IMM_NONE,    V128, __,   V128, "f32x4.convert_i32x4_u") \
	OP(I32X4_TRUNC_SAT_F64X2_S_ZERO,  0xFD, 0xFC, IMM_NONE,    V128, __,   V128, "i32x4.trunc_sat_f64x2_s_zero") \
	OP(I32X4_TRUNC_SAT_F64X2_U_ZERO,  0xFD, 0xFD, IMM_NONE,    V128, __,   V128, "i32x4.trunc_sat_f64x2_u_zero") \
	OP(F64X2_CONVERT_LOW_I32X4_S,     0xFD, 0xFE, IMM_NONE,    V128, __,   V128, "f64x2.convert_low_i32x4_s") \
	OP(F64X2_CONVERT_LOW_I32X4_U,     0xFD, 0xFF, IMM_NONE,    V128, __,   V128, "f64x2.convert_low_i32x4_u")
/* clang-format on */

/* OP_UNREACHABLE ... OP_F64X2_CONVERT_LOW_I32X4_U, then OP_COUNT. */
enum wasm_op {
#define OP_ENUM(name, prefix, code, imm, p1, p2, res, text) OP_##name,
	WASM_OPCODES(OP_ENUM)
#undef OP_ENUM
		OP_COUNT
};

/* What an instruction is, from its row: the families the validator, the
 * lowering and the JIT each treat alike. */
enum wasm_opclass {
	OPC_OTHER,   /* typed by its row, handled one by one (constants, ...) */
	OPC_SPECIAL, /* typed by hand (SP): control, variables, tables, ... */
	OPC_UNARY,   /* no immediate, one operand, a result */
	OPC_IBINARY, /* no immediate, two integer operands, a result */
	OPC_FBINARY, /* no immediate, two float operands, a result */
	OPC_LOAD,    /* memarg, an address, a result */
	OPC_STORE,   /* memarg, an address and a value */
	OPC_ATOMIC,  /* the 0xFE prefix */
	OPC_SIMD,    /* the 0xFD prefix */
};

/* One opcode's row: p1, p2, res are value types (enum wasm_valtype), 0
 * for none; all 0 for OPC_SPECIAL. */
typedef struct wasm_opinfo {
	uint8_t imm; /* enum wasm_imm */
	uint8_t cls; /* enum wasm_opclass */
	uint8_t p1, p2, res;
	const char *text;
} wasm_opinfo;

/* opcodes.c: the row of each enum wasm_op (and of OP_COUNT, no
 * opcode: all zero); and of each OP_INDEX (and OP_INDEX_COUNT), its enum
 * wasm_op plus one, 0 for no such opcode. */
extern const wasm_opinfo wasm_ops[OP_COUNT + 1];
extern const uint16_t wasm_op_at[OP_INDEX_COUNT + 1];

#endif
