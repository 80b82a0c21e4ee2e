;; Nebulet's own checks of the threads proposal, beyond the upstream suite
;; (run by tests/spec.sh as threads/atomic-nebulet): traps with offsets,
;; out of bounds before unaligned, narrow cmpxchg (expected value wrapped),
;; results kept in locals, and wait/notify with no kernel hooks installed
;; (the spec runner installs none): notify wakes nobody, a finite wait
;; times out, an endless one traps, and wait on an unshared memory traps.

(module
  (memory 1 1 shared)
  (func (export "load_off") (param i32) (result i32)
    (i32.atomic.load offset=4 (local.get 0)))
  (func (export "store_off") (param i32 i32)
    (i32.atomic.store offset=8 (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64)
    (i64.atomic.load (local.get 0)))
  (func (export "add_twice") (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.atomic.rmw.add (local.get 0) (local.get 1)))
    (i32.add (local.get 2) (i32.atomic.rmw.add (local.get 0) (local.get 1))))
  (func (export "cas8") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cas32_64") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw32.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load8") (param i32) (result i32)
    (i32.atomic.load8_u (local.get 0)))
  (func (export "sub_const") (result i64)
    (drop (i64.atomic.rmw.sub (i32.const 64) (i64.const 1)))
    (i64.atomic.rmw.or (i32.const 64) (i64.const 0)))
  (func (export "xchg16") (param i32 i64) (result i64)
    (i64.atomic.rmw16.xchg_u (local.get 0) (local.get 1)))
  (func (export "fence") (result i32)
    (atomic.fence)
    (i32.const 7))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify offset=4 (local.get 0) (local.get 1)))
)

(assert_return (invoke "store_off" (i32.const 0) (i32.const 0x12345678)))
(assert_return (invoke "load_off" (i32.const 4)) (i32.const 0x12345678))
(assert_trap (invoke "load_off" (i32.const 2)) "unaligned atomic")
(assert_trap (invoke "load_off" (i32.const 65532)) "out of bounds memory access")
(assert_trap (invoke "load_off" (i32.const -4)) "out of bounds memory access")
(assert_trap (invoke "store_off" (i32.const 65528) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "load64" (i32.const 65532)) "out of bounds memory access")
(assert_trap (invoke "load64" (i32.const 65529)) "out of bounds memory access")
(assert_trap (invoke "load64" (i32.const 4)) "unaligned atomic")
(assert_return (invoke "load64" (i32.const 65528)) (i64.const 0))

(assert_return (invoke "add_twice" (i32.const 16) (i32.const 5)) (i32.const 5))
(assert_return (invoke "add_twice" (i32.const 16) (i32.const 5)) (i32.const 25))

(assert_return (invoke "cas8" (i32.const 32) (i32.const 0x100) (i32.const 0x1ab)) (i32.const 0))
(assert_return (invoke "load8" (i32.const 32)) (i32.const 0xab))
(assert_return (invoke "cas8" (i32.const 32) (i32.const 0xaa) (i32.const 0x11)) (i32.const 0xab))
(assert_return (invoke "load8" (i32.const 32)) (i32.const 0xab))
(assert_return (invoke "cas32_64" (i32.const 40) (i64.const 0x100000000) (i64.const -1)) (i64.const 0))
(assert_return (invoke "load64" (i32.const 40)) (i64.const 0xffffffff))

(assert_return (invoke "sub_const") (i64.const -1))
(assert_return (invoke "xchg16" (i32.const 64) (i64.const 0x12345)) (i64.const 0xffff))
(assert_return (invoke "load64" (i32.const 64)) (i64.const 0xffffffffffff2345))
(assert_return (invoke "fence") (i32.const 7))

(assert_return (invoke "notify" (i32.const 0) (i32.const 10)) (i32.const 0))
(assert_trap (invoke "notify" (i32.const 1) (i32.const 10)) "unaligned atomic")
(assert_trap (invoke "notify" (i32.const 65532) (i32.const 10)) "out of bounds memory access")
(assert_return (invoke "wait32" (i32.const 0) (i32.const 1) (i64.const -1)) (i32.const 1))
(assert_return (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const 0)) (i32.const 2))
(assert_return (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const 1000000)) (i32.const 2))
(assert_return (invoke "wait64" (i32.const 0) (i64.const 0) (i64.const 1000)) (i32.const 2))
(assert_trap (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const -1)) "never be woken")
(assert_trap (invoke "wait64" (i32.const 4) (i64.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "wait64" (i32.const 65536) (i64.const 0) (i64.const 0)) "out of bounds memory access")

;; An unshared memory: atomic accesses work, notify wakes nobody, wait traps.
(module
  (memory 1 1)
  (func (export "rmw") (result i32)
    (drop (i32.atomic.rmw.xor (i32.const 8) (i32.const 6)))
    (i32.atomic.load (i32.const 8)))
  (func (export "notify") (result i32)
    (memory.atomic.notify (i32.const 0) (i32.const 1)))
  (func (export "wait32") (result i32)
    (memory.atomic.wait32 (i32.const 0) (i32.const 1) (i64.const 0)))
)
(assert_return (invoke "rmw") (i32.const 6))
(assert_return (invoke "notify") (i32.const 0))
(assert_trap (invoke "wait32") "expected shared memory")

;; atomic.fence needs no memory; atomic accesses need natural alignment.
(module (func (atomic.fence)))
(assert_invalid
  (module (memory 1) (func (drop (i32.atomic.load align=2 (i32.const 0)))))
  "alignment must be equal to natural")
(assert_invalid
  (module (memory 1) (func (drop (i64.atomic.load32_u align=8 (i32.const 0)))))
  "alignment must be equal to natural")
(assert_invalid
  (module (memory 1 1 shared) (func (drop (i32.atomic.rmw.cmpxchg (i32.const 0) (i64.const 0) (i32.const 0)))))
  "type mismatch")
(assert_invalid
  (module (memory 1 1 shared) (func (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i32.const 0)))))
  "type mismatch")

;; Unknown 0xFC and 0xFE sub-opcodes are illegal (not taken for another).
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\04\01\03\01\01"
    "\0a\07\01\05\00\fe\4f\00\0b")
  "illegal opcode")
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\06\01\04\00\fc\40\0b")
  "illegal opcode")
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\07\01\05\00\fe\80\01\0b")
  "illegal opcode")

;; Shared memories: a maximum is required; imports match the shared flag.
(assert_invalid (module (memory 1 shared)) "shared memory must have maximum")
(module $shm (memory (export "m") 1 2 shared))
(register "shm" $shm)
(module (import "shm" "m" (memory 1 2 shared)))
(assert_unlinkable (module (import "shm" "m" (memory 1 2))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "memory" (memory 1 2 shared))) "incompatible import type")
