/*
 * core_portme.h: Nebulet's CoreMark port, one file for two targets: a
 * native Linux build (gcc) and wasm32-wasi (clang), which the runner runs
 * under Nebulet's interpreter and under node. Time comes from
 * clock_gettime(CLOCK_MONOTONIC), counted in microseconds; seeds and the
 * iteration count come from argv ("0x0 0x0 0x66 ITERATIONS" for a
 * performance run). The CoreMark core files are built unmodified from
 * ../shared/bench/coremark.
 */
#ifndef CORE_PORTME_H
#define CORE_PORTME_H

#include <stddef.h>
#include <stdint.h>

#define HAS_FLOAT 1
#define HAS_TIME_H 1
#define USE_CLOCK 0
#define HAS_STDIO 1
#define HAS_PRINTF 1

/* Elapsed time in microseconds. */
typedef uint64_t CORE_TICKS;

#ifndef COMPILER_VERSION
#if defined(__clang__)
#define COMPILER_VERSION "Clang " __clang_version__
#elif defined(__GNUC__)
#define COMPILER_VERSION "GCC " __VERSION__
#else
#define COMPILER_VERSION "unknown compiler"
#endif
#endif
#ifndef FLAGS_STR
#define FLAGS_STR "-O2"
#endif
#define COMPILER_FLAGS FLAGS_STR
#define MEM_LOCATION "STACK"

typedef int16_t ee_s16;
typedef uint16_t ee_u16;
typedef int32_t ee_s32;
typedef double ee_f32;
typedef uint8_t ee_u8;
typedef uint32_t ee_u32;
typedef uintptr_t ee_ptr_int; /* wide enough for a pointer on both targets */
typedef size_t ee_size_t;

/* Rounds a pointer up to a 4-byte boundary (the matrix data needs it). */
#define align_mem(x) (void *)(4 + (((ee_ptr_int)(x)-1) & ~(ee_ptr_int)3))

#define SEED_METHOD SEED_ARG
#define MEM_METHOD MEM_STACK
#define MULTITHREAD 1
#define USE_PTHREAD 0
#define USE_FORK 0
#define USE_SOCKET 0
#define MAIN_HAS_NOARGC 0
#define MAIN_HAS_NORETURN 0

extern ee_u32 default_num_contexts;

typedef struct CORE_PORTABLE_S {
	ee_u8 portable_id;
} core_portable;

void portable_init(core_portable *p, int *argc, char *argv[]);
void portable_fini(core_portable *p);

#if !defined(PROFILE_RUN) && !defined(PERFORMANCE_RUN) &&                      \
	!defined(VALIDATION_RUN)
#if (TOTAL_DATA_SIZE == 1200)
#define PROFILE_RUN 1
#elif (TOTAL_DATA_SIZE == 2000)
#define PERFORMANCE_RUN 1
#else
#define VALIDATION_RUN 1
#endif
#endif

#endif
