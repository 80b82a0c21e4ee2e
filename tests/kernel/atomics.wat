;; atomics.wat: memory.atomic.wait32/notify between two threads of one
;; process, through the kernel's wait queues (tests/kernel.sh: exit
;; status 0, else the number of the failed check).
(module
  (import "nebulet" "thread_create"
    (func $thread_create (param i32 i32 i32 i32) (result i32)))
  (import "nebulet" "object_wait_one"
    (func $wait_one (param i32 i32 i64 i32) (result i32)))
  (import "nebulet" "thread_status"
    (func $thread_status (param i32 i32) (result i32)))
  (import "nebulet" "yield" (func $yield (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1 1 shared)
  (table 1 funcref)
  (elem (i32.const 0) $worker)

  ;; Waits on [0] while it is 0; stores wait's result at [8], returns 7.
  (func $worker (param i32) (result i32)
    (i32.atomic.store (i32.const 8)
      (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
    (i32.const 7))

  (func $check (param i32 i32)
    (if (i32.eqz (local.get 0)) (then (call $exit (local.get 1)))))

  (func (export "_start")
    (local $n i32)
    (i32.store (i32.const 16) (i32.const 5))
    ;; not equal: 1, at once
    (call $check (i32.eq (memory.atomic.wait32 (i32.const 16) (i32.const 0)
      (i64.const -1)) (i32.const 1)) (i32.const 10))
    ;; equal, 1 ms: timed out (2)
    (call $check (i32.eq (memory.atomic.wait32 (i32.const 16) (i32.const 5)
      (i64.const 1000000)) (i32.const 2)) (i32.const 11))
    (call $check (i32.eq (memory.atomic.wait64 (i32.const 24) (i64.const 0)
      (i64.const 0)) (i32.const 2)) (i32.const 12))
    ;; nobody waits: 0
    (call $check (i32.eqz (memory.atomic.notify (i32.const 0) (i32.const 1)))
      (i32.const 13))
    (i32.store (i32.const 8) (i32.const 99))
    (call $check (i32.eqz (call $thread_create (i32.const 0) (i32.const 0)
      (i32.const 0) (i32.const 32))) (i32.const 14))
    ;; notify until it has woken the worker, which is then waiting
    (block $woken
      (loop $again
        (local.set $n (memory.atomic.notify (i32.const 0) (i32.const 5)))
        (br_if $woken (local.get $n))
        (drop (call $yield))
        (br $again)))
    (call $check (i32.eq (local.get $n) (i32.const 1)) (i32.const 15))
    ;; join: TERMINATED (4), status 7, and its wait returned 0 (woken)
    (call $check (i32.eqz (call $wait_one (i32.load (i32.const 32))
      (i32.const 4) (i64.const 0x7fffffffffffffff) (i32.const 0)))
      (i32.const 16))
    (call $check (i32.eqz (call $thread_status (i32.load (i32.const 32))
      (i32.const 40))) (i32.const 17))
    (call $check (i32.eq (i32.load (i32.const 40)) (i32.const 7))
      (i32.const 18))
    (call $check (i32.eqz (i32.atomic.load (i32.const 8))) (i32.const 19))
    (call $exit (i32.const 0)))
)
