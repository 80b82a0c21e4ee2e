/*
 * atomics: C11 atomics compiled to the threads proposal's instructions
 * (the `atomics` target feature on these functions, so clang emits
 * i32/i64.atomic.* instead of plain loads and stores): read-modify-write
 * of every width, compare-exchange loops, a fence, and memory.atomic.notify
 * (the memory is not shared, so it wakes nobody).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define ATOMICS __attribute__((target("atomics")))

static _Atomic uint8_t u8 = 250;
static _Atomic uint16_t u16 = 65530;
static _Atomic uint32_t u32;
static _Atomic uint64_t u64 = 1;
static _Atomic int lock;
static int guarded;

/* A spinlock's acquire and release: cmpxchg and store. */
ATOMICS static void acquire(void)
{
	int free_ = 0;
	while (!atomic_compare_exchange_weak(&lock, &free_, 1))
		free_ = 0;
}

ATOMICS static void release(void)
{
	atomic_store(&lock, 0);
}

/* Multiplies u64 by k with a compare-exchange loop. */
ATOMICS static void mul64(uint64_t k)
{
	uint64_t old = atomic_load(&u64);
	while (!atomic_compare_exchange_strong(&u64, &old, old * k))
		;
}

ATOMICS int main(void)
{
	for (int i = 0; i < 10; i++)
		atomic_fetch_add(&u8, 1); /* wraps at 256 */
	for (int i = 0; i < 10; i++)
		atomic_fetch_add(&u16, 1);
	for (uint32_t i = 0; i < 1000; i++) {
		acquire();
		guarded += (int)i;
		release();
		atomic_fetch_add(&u32, i);
	}
	atomic_fetch_and(&u32, 0xFFFF0FFFu);
	atomic_fetch_or(&u32, 0x80000000u);
	atomic_fetch_xor(&u32, 1);
	for (int i = 0; i < 5; i++)
		mul64(1000);
	uint64_t before = atomic_exchange(&u64, 42);
	atomic_thread_fence(memory_order_seq_cst);
	printf("u8 %u u16 %u\n", (unsigned)atomic_load(&u8),
	       (unsigned)atomic_load(&u16));
	printf("u32 0x%08x guarded %d lock %d\n", (unsigned)atomic_load(&u32),
	       guarded, atomic_load(&lock));
	printf("u64 %llu then %llu\n", (unsigned long long)before,
	       (unsigned long long)atomic_fetch_sub(&u64, 2));
	printf("u64 now %llu\n", (unsigned long long)atomic_load(&u64));
	printf("notify woke %d\n",
	       __builtin_wasm_memory_atomic_notify((int *)&u32, 1));
	return 0;
}
