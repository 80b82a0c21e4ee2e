/*
 * syscall_table.c: the "nebulet" imports, made from the list of calls
 * (user/include/nebulet_calls.h): for each call a host function that
 * hands the wasm arguments to its body, sys_NAME (syscall.h), by name,
 * and one table entry with its wasm type; syscall_resolve looks imports
 * up in the table. Nothing here is written per call.
 */
#include <string.h>

#include "kernel/syscall.h"

/* Each call's arguments as they arrive, one wasm_val per parameter in
 * the order of the list: struct args_NAME { wasm_val h, bytes, ...; }. */
#define NB_I32(type, name) name
#define NB_I64(type, name) name
#define NB_CALL(name, result, ...)                                             \
	struct args_##name {                                                   \
		wasm_val __VA_ARGS__;                                          \
	};
#define NB_CALL0(name, result)
#include "user/include/nebulet_calls.h"
#undef NB_CALL0
#undef NB_CALL
#undef NB_I64
#undef NB_I32

/* The host function of each call: call_NAME runs sys_NAME with the
 * caller under the kernel lock (klock.c: wasm code runs without it),
 * then stores its result (none when the body trapped or exited, and
 * none for a noreturn call). */
#define STORE_nb_status(...) results[0].i32 = (uint32_t)(__VA_ARGS__)
#define STORE_nb_handle(...) results[0].i32 = (__VA_ARGS__)
#define STORE_nb_time(...) results[0].i64 = (uint64_t)(__VA_ARGS__)
#define STORE_noreturn(...) (__VA_ARGS__)
#define CALL_BODY(result, ...)                                                 \
	struct ucall u;                                                        \
                                                                               \
	klock_enter();                                                         \
	ucall_init(&u, c, env);                                                \
	STORE_##result(__VA_ARGS__);                                           \
	klock_exit();                                                          \
	return !u.stop;
#define NB_I32(type, name) a->name.i32
#define NB_I64(type, name) (int64_t) a->name.i64
#define NB_CALL(name, result, ...)                                             \
	static bool call_##name(wasm_caller *c, void *env,                     \
				const wasm_val *args, wasm_val *results)       \
	{                                                                      \
		const struct args_##name *a = (const void *)args;              \
		CALL_BODY(result, sys_##name(&u, __VA_ARGS__))                 \
	}
#define NB_CALL0(name, result)                                                 \
	static bool call_##name(wasm_caller *c, void *env,                     \
				const wasm_val *args, wasm_val *results)       \
	{                                                                      \
		CALL_BODY(result, sys_##name(&u))                              \
	}
#include "user/include/nebulet_calls.h"
#undef NB_CALL0
#undef NB_CALL
#undef NB_I64
#undef NB_I32

/* One import: its field name, wasm type and host function. */
struct syscall_def {
	const char *name;
	wasm_functype type;
	wasm_host_fn fn;
};

/* Each call's entry: the parameters' wasm types from the list, as
 * many as struct args_NAME has members. */
static const uint8_t result_i32[] = {WASM_I32}, result_i64[] = {WASM_I64};
#define NRESULTS_nb_status 1
#define NRESULTS_nb_handle 1
#define NRESULTS_nb_time 1
#define NRESULTS_noreturn 0
#define RESULTS_nb_status result_i32
#define RESULTS_nb_handle result_i32
#define RESULTS_nb_time result_i64
#define RESULTS_noreturn NULL
#define NB_I32(type, name) WASM_I32
#define NB_I64(type, name) WASM_I64
/* struct args_NAME must lie over the wasm_val array exactly. */
#define NB_CALL(name, result, ...)                                             \
	_Static_assert(sizeof(struct args_##name) ==                           \
			       sizeof((uint8_t[]){__VA_ARGS__}) *              \
				       sizeof(wasm_val),                       \
		       #name ": arguments not contiguous");
#define NB_CALL0(name, result)
#include "user/include/nebulet_calls.h"
#undef NB_CALL0
#undef NB_CALL
#define NB_CALL(name, result, ...)                                             \
	{#name,                                                                \
	 {sizeof(struct args_##name) / sizeof(wasm_val), NRESULTS_##result,    \
	  (const uint8_t[]){__VA_ARGS__}, RESULTS_##result},                   \
	 call_##name},
#define NB_CALL0(name, result)                                                 \
	{#name, {0, NRESULTS_##result, NULL, RESULTS_##result}, call_##name},
static const struct syscall_def calls[] = {
#include "user/include/nebulet_calls.h"
};
#undef NB_CALL0
#undef NB_CALL
#undef NB_I64
#undef NB_I32

bool syscall_resolve(void *ctx, const char *module, const char *name,
		     enum wasm_extern_kind kind, wasm_extern *out)
{
	struct process *p = ctx;
	const struct syscall_def *d = NULL;

	if (strcmp(module, "nebulet") != 0 || kind != WASM_EXTERN_FUNC)
		return false;
	for (size_t i = 0; i < sizeof calls / sizeof calls[0] && !d; i++)
		if (strcmp(calls[i].name, name) == 0)
			d = &calls[i];
	if (!d)
		return false;
	out->kind = WASM_EXTERN_FUNC;
	out->of.func = wasm_func_new_host(p->store, &d->type, d->fn, p);
	return out->of.func != NULL;
}
