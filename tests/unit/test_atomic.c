/*
 * test_atomic.c: memory.atomic.wait/notify reach the kernel's hooks
 * (wasm_set_atomic_hooks, nucleus.h) with the effective address, timeout
 * and count, only after the nucleus has checked the address and, for
 * wait, the value; the hooks' results come back to wasm. On both engines.
 * Prints "PASS name" or "FAIL name" per case; exits non-zero on failure.
 */
#include <stdio.h>
#include <string.h>

#include "tests/unit/check.h"
#include "nucleus/nucleus.h"

/*
 * (module
 *   (memory (export "mem") 1 1 shared)
 *   (func (export "wait32") (param i32 i32 i64) (result i32)
 *     (memory.atomic.wait32 offset=8 (local.get 0) (local.get 1)
 *                           (local.get 2)))
 *   (func (export "wait64") (param i32 i64 i64) (result i32)
 *     (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
 *   (func (export "notify") (param i32 i32) (result i32)
 *     (memory.atomic.notify offset=4 (local.get 0) (local.get 1))))
 */
static const uint8_t hooks_wasm[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x15, 0x03, 0x60,
	0x03, 0x7f, 0x7f, 0x7e, 0x01, 0x7f, 0x60, 0x03, 0x7f, 0x7e, 0x7e, 0x01,
	0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00, 0x01,
	0x02, 0x05, 0x04, 0x01, 0x03, 0x01, 0x01, 0x07, 0x22, 0x04, 0x03, 0x6d,
	0x65, 0x6d, 0x02, 0x00, 0x06, 0x77, 0x61, 0x69, 0x74, 0x33, 0x32, 0x00,
	0x00, 0x06, 0x77, 0x61, 0x69, 0x74, 0x36, 0x34, 0x00, 0x01, 0x06, 0x6e,
	0x6f, 0x74, 0x69, 0x66, 0x79, 0x00, 0x02, 0x0a, 0x26, 0x03, 0x0c, 0x00,
	0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfe, 0x01, 0x02, 0x08, 0x0b, 0x0c,
	0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfe, 0x02, 0x03, 0x00, 0x0b,
	0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0xfe, 0x00, 0x02, 0x04, 0x0b};

/* What the fake hooks saw, and what they answer. */
static struct {
	int calls;
	wasm_memory *mem;
	uint64_t addr;
	int64_t timeout;
	uint32_t count;
	uint64_t value; /* the memory's value at addr during the call */
	uint32_t answer;
} seen;

static uint32_t fake_wait(wasm_memory *mem, uint64_t addr, int64_t timeout_ns)
{
	seen.calls++;
	seen.mem = mem;
	seen.addr = addr;
	seen.timeout = timeout_ns;
	memcpy(&seen.value, wasm_memory_data(mem) + addr, 8);
	return seen.answer;
}

static uint32_t fake_notify(wasm_memory *mem, uint64_t addr, uint32_t count)
{
	seen.calls++;
	seen.mem = mem;
	seen.addr = addr;
	seen.count = count;
	return count < seen.answer ? count : seen.answer;
}

/* Calls export `name` of inst; its i32 result, or -1 on a trap (the
 * message in msg). */
static int64_t call(wasm_instance *inst, const char *name, wasm_val *args,
		    char *msg, size_t n)
{
	wasm_extern x;
	wasm_val r = {0};
	wasm_error err;
	if (!wasm_instance_export(inst, name, &x) || x.kind != WASM_EXTERN_FUNC)
		return -2;
	if (!wasm_func_call(x.of.func, args, &r, &err)) {
		snprintf(msg, n, "%s", err.msg);
		return -1;
	}
	return r.i32;
}

static void run_engine(enum wasm_engine engine, const char *ename)
{
	char msg[256] = "";
	wasm_error err;
	wasm_extern mem;
	wasm_module *m = wasm_module_new(hooks_wasm, sizeof hooks_wasm, &err);
	wasm_store *s = wasm_store_new(engine);
	wasm_instance *inst =
		m && s ? wasm_instantiate(s, m, NULL, NULL, &err) : NULL;

	case_ok = true;
	CHECK(inst && wasm_instance_export(inst, "mem", &mem));
	if (!case_ok)
		goto out;
	CHECK(wasm_memory_is_shared(mem.of.memory));
	uint8_t *data = wasm_memory_data(mem.of.memory);
	uint64_t v64 = 0x1122334455667788ull;
	memcpy(data + 16, &v64, 8);
	wasm_set_atomic_hooks(fake_wait, fake_notify);

	/* wait32: equal value, the hook gets ea = 0 + 8 and the timeout */
	memset(&seen, 0, sizeof seen);
	CHECK(call(inst, "wait32",
		   (wasm_val[]){{.i32 = 0}, {.i32 = 0}, {.i64 = 12345}}, msg,
		   sizeof msg) == 0);
	CHECK(seen.calls == 1 && seen.mem == mem.of.memory && seen.addr == 8 &&
	      seen.timeout == 12345);
	/* not equal: 1 from the nucleus, no hook */
	memset(&seen, 0, sizeof seen);
	CHECK(call(inst, "wait32",
		   (wasm_val[]){{.i32 = 8}, {.i32 = 5}, {.i64 = (uint64_t)-1}},
		   msg, sizeof msg) == 1);
	CHECK(seen.calls == 0);
	/* wait64: the hook's "timed-out" comes back; value checked first */
	seen.answer = 2;
	CHECK(call(inst, "wait64",
		   (wasm_val[]){
			   {.i32 = 16}, {.i64 = v64}, {.i64 = (uint64_t)-1}},
		   msg, sizeof msg) == 2);
	CHECK(seen.calls == 1 && seen.addr == 16 && seen.timeout == -1 &&
	      seen.value == v64);
	/* a bad address traps before the hook */
	memset(&seen, 0, sizeof seen);
	CHECK(call(inst, "wait64",
		   (wasm_val[]){{.i32 = 12}, {.i64 = 0}, {.i64 = 0}}, msg,
		   sizeof msg) == -1);
	CHECK(strstr(msg, "unaligned atomic") != NULL && seen.calls == 0);
	CHECK(call(inst, "wait32",
		   (wasm_val[]){{.i32 = 65528}, {.i32 = 0}, {.i64 = 0}}, msg,
		   sizeof msg) == -1);
	CHECK(strstr(msg, "out of bounds") != NULL && seen.calls == 0);
	/* notify: ea = 0 + 4, the count, the hook's answer */
	seen.answer = 3;
	CHECK(call(inst, "notify", (wasm_val[]){{.i32 = 0}, {.i32 = 10}}, msg,
		   sizeof msg) == 3);
	CHECK(seen.calls == 1 && seen.addr == 4 && seen.count == 10);
	CHECK(call(inst, "notify", (wasm_val[]){{.i32 = 0}, {.i32 = 1}}, msg,
		   sizeof msg) == 1);
	/* no hooks: notify wakes nobody, an endless wait traps */
	wasm_set_atomic_hooks(NULL, NULL);
	CHECK(call(inst, "notify", (wasm_val[]){{.i32 = 0}, {.i32 = 10}}, msg,
		   sizeof msg) == 0);
	CHECK(call(inst, "wait32",
		   (wasm_val[]){{.i32 = 0}, {.i32 = 0}, {.i64 = (uint64_t)-1}},
		   msg, sizeof msg) == -1);
	CHECK(strstr(msg, "never be woken") != NULL);
out:
	wasm_set_atomic_hooks(NULL, NULL);
	wasm_store_free(s);
	wasm_module_free(m);
	snprintf(msg, sizeof msg, "hooks %s", ename);
	check(msg, case_ok);
}

int main(void)
{
	run_engine(WASM_ENGINE_INTERP, "interp");
	run_engine(WASM_ENGINE_JIT, "jit");
	return failures ? 1 : 0;
}
