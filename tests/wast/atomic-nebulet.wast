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

;; The JIT's inline atomics (jit_ops.c) at every width: zero extension of
;; narrow results, only the access's bytes touched, alignment checked on
;; index + offset, a misaligned access out of bounds reported as out of
;; bounds, faults in the guard pages (offsets past 2^31 and 4 GiB too),
;; narrow cmpxchg comparing the wrapped expected value. Both engines.
(module
  (memory 1 1 shared)
  (data (i32.const 0) "\ff\fe\fd\fc\fb\fa\f9\f8")
  (func (export "ld8") (param i32) (result i64) (i64.atomic.load8_u (local.get 0)))
  (func (export "ld16") (param i32) (result i32) (i32.atomic.load16_u (local.get 0)))
  (func (export "ld32") (param i32) (result i64) (i64.atomic.load32_u (local.get 0)))
  (func (export "ld64") (param i32) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "st8") (param i32 i32) (i32.atomic.store8 (local.get 0) (local.get 1)))
  (func (export "st16") (param i32 i64) (i64.atomic.store16 (local.get 0) (local.get 1)))
  (func (export "st32") (param i32 i32) (i32.atomic.store (local.get 0) (local.get 1)))
  (func (export "st64") (param i32 i64) (i64.atomic.store (local.get 0) (local.get 1)))
  (func (export "add8") (param i32 i32) (result i32) (i32.atomic.rmw8.add_u (local.get 0) (local.get 1)))
  (func (export "sub16") (param i32 i64) (result i64) (i64.atomic.rmw16.sub_u (local.get 0) (local.get 1)))
  (func (export "and32") (param i32 i64) (result i64) (i64.atomic.rmw32.and_u (local.get 0) (local.get 1)))
  (func (export "or64") (param i32 i64) (result i64) (i64.atomic.rmw.or (local.get 0) (local.get 1)))
  (func (export "xor8") (param i32 i32) (result i32) (i32.atomic.rmw8.xor_u (local.get 0) (local.get 1)))
  (func (export "or16") (param i32 i32) (result i32) (i32.atomic.rmw16.or_u (local.get 0) (local.get 1)))
  (func (export "xchg8") (param i32 i64) (result i64) (i64.atomic.rmw8.xchg_u (local.get 0) (local.get 1)))
  (func (export "xchg32") (param i32 i32) (result i32) (i32.atomic.rmw.xchg (local.get 0) (local.get 1)))
  (func (export "sub32") (param i32 i32) (result i32) (i32.atomic.rmw.sub (local.get 0) (local.get 1)))
  (func (export "cas16") (param i32 i32 i32) (result i32) (i32.atomic.rmw16.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cas8_64") (param i32 i64 i64) (result i64) (i64.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cas32_64") (param i32 i64 i64) (result i64) (i64.atomic.rmw32.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cas64") (param i32 i64 i64) (result i64) (i64.atomic.rmw.cmpxchg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "ld32_off") (param i32) (result i32) (i32.atomic.load offset=2 (local.get 0)))
  (func (export "st8_end") (param i32) (i32.atomic.store8 offset=65535 (local.get 0) (i32.const 1)))
  (func (export "ld_far") (param i32) (result i32) (i32.atomic.load offset=0x80000000 (local.get 0)))
  (func (export "add_far") (param i32) (result i64) (i64.atomic.rmw.add offset=0xfffffff8 (local.get 0) (i64.const 1)))
  (func (export "cas_far") (param i32) (result i32) (i32.atomic.rmw.cmpxchg offset=0xfffffffc (local.get 0) (i32.const 0) (i32.const 1)))
  ;; Operands computed just before (kept in registers between instructions).
  (func (export "xor_computed") (param i32 i32) (result i32)
    (i32.atomic.rmw.xor offset=4 (i32.add (local.get 0) (i32.const 4)) (i32.mul (local.get 1) (local.get 1))))
  (func (export "cas_computed") (param i32 i32) (result i32)
    (i32.atomic.rmw.cmpxchg (i32.and (local.get 0) (i32.const -4)) (i32.add (local.get 1) (i32.const 1)) (i32.shl (local.get 1) (i32.const 4))))
  ;; In a loop, operands and results live in registers.
  (func (export "loop") (param i32) (result i64) (local i64)
    (loop $l
      (local.set 1 (i64.add (local.get 1) (i64.atomic.rmw.add (i32.const 96) (i64.extend_i32_u (local.get 0)))))
      (local.set 1 (i64.xor (local.get 1) (i64.atomic.rmw16.or_u (i32.const 104) (i64.extend_i32_u (local.get 0)))))
      (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (i32.atomic.rmw8.and_u (i32.const 106) (local.get 0)))))
      (local.set 1 (i64.add (local.get 1) (i64.atomic.rmw32.cmpxchg_u (i32.const 108) (local.get 1) (i64.extend_i32_u (local.get 0)))))
      (i32.atomic.store8 (i32.const 107) (local.get 0))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (i64.add (local.get 1) (i64.atomic.load (i32.const 104))))
)

;; Narrow results are zero-extended; only the access's bytes change.
(assert_return (invoke "ld8" (i32.const 0)) (i64.const 0xff))
(assert_return (invoke "ld16" (i32.const 0)) (i32.const 0xfeff))
(assert_return (invoke "ld32" (i32.const 4)) (i64.const 0xf8f9fafb))
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0xf8f9fafbfcfdfeff))
(assert_return (invoke "add8" (i32.const 0) (i32.const 0x12345601)) (i32.const 0xff))
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0xf8f9fafbfcfdfe00))
(assert_return (invoke "sub16" (i32.const 2) (i64.const 0x10000fcfe)) (i64.const 0xfcfd))
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0xf8f9fafbffff_fe00))
(assert_return (invoke "and32" (i32.const 4) (i64.const 0xffffffff_7fffffff)) (i64.const 0xf8f9fafb))
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0x78f9fafbfffffe00))
(assert_return (invoke "xor8" (i32.const 1) (i32.const 0x1ff)) (i32.const 0xfe))
(assert_return (invoke "or16" (i32.const 6) (i32.const 0x80010000)) (i32.const 0x78f9))
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0x78f9fafbffff0100))
(assert_return (invoke "xchg8" (i32.const 7) (i64.const 0x1234567890abcdef)) (i64.const 0x78))
(assert_return (invoke "or64" (i32.const 0) (i64.const 0)) (i64.const 0xeff9fafbffff0100))
(assert_return (invoke "xchg32" (i32.const 0) (i32.const 0x80000001)) (i32.const 0xffff0100))
(assert_return (invoke "sub32" (i32.const 0) (i32.const 2)) (i32.const 0x80000001))
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0xeff9fafb7fffffff))
(assert_return (invoke "st16" (i32.const 2) (i64.const 0xffffffff12345678)))
(assert_return (invoke "st8" (i32.const 1) (i32.const -1)))
(assert_return (invoke "st32" (i32.const 4) (i32.const 0x9abcdef0)))
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0x9abcdef05678ffff))
(assert_return (invoke "st64" (i32.const 8) (i64.const -2)))
(assert_return (invoke "ld32" (i32.const 8)) (i64.const 0xfffffffe))
(assert_return (invoke "ld32_off" (i32.const 2)) (i32.const 0x9abcdef0))

;; Narrow cmpxchg compares the expected value wrapped to the access width,
;; writes the replacement wrapped, and returns the old value zero-extended.
(assert_return (invoke "cas16" (i32.const 16) (i32.const 0xffff0000) (i32.const 0x12345)) (i32.const 0))
(assert_return (invoke "ld16" (i32.const 16)) (i32.const 0x2345))
(assert_return (invoke "cas16" (i32.const 16) (i32.const 0xabc2345) (i32.const 7)) (i32.const 0x2345))
(assert_return (invoke "cas16" (i32.const 16) (i32.const 0x10007) (i32.const 7)) (i32.const 7))
(assert_return (invoke "cas16" (i32.const 16) (i32.const 6) (i32.const 9)) (i32.const 7))
(assert_return (invoke "ld32" (i32.const 16)) (i64.const 7))
(assert_return (invoke "cas8_64" (i32.const 24) (i64.const 0xffffffffffffff00) (i64.const 0xff)) (i64.const 0))
(assert_return (invoke "cas8_64" (i32.const 24) (i64.const 0x1ff) (i64.const 0x100)) (i64.const 0xff))
(assert_return (invoke "ld64" (i32.const 24)) (i64.const 0))
(assert_return (invoke "cas32_64" (i32.const 28) (i64.const 0xdeadbeef00000000) (i64.const -1)) (i64.const 0))
(assert_return (invoke "cas32_64" (i32.const 28) (i64.const 0x1ffffffff) (i64.const 5)) (i64.const 0xffffffff))
(assert_return (invoke "ld32" (i32.const 28)) (i64.const 5))
(assert_return (invoke "cas64" (i32.const 32) (i64.const 0x100000000) (i64.const 5)) (i64.const 0))
(assert_return (invoke "ld64" (i32.const 32)) (i64.const 0))
(assert_return (invoke "cas64" (i32.const 32) (i64.const 0) (i64.const 0x8000000000000001)) (i64.const 0))
(assert_return (invoke "ld64" (i32.const 32)) (i64.const 0x8000000000000001))

;; Misaligned: "unaligned atomic" at every width and shape, nothing written.
(assert_trap (invoke "ld16" (i32.const 1)) "unaligned atomic")
(assert_trap (invoke "ld32" (i32.const 2)) "unaligned atomic")
(assert_trap (invoke "ld64" (i32.const 4)) "unaligned atomic")
(assert_trap (invoke "ld32_off" (i32.const 0)) "unaligned atomic")
(assert_trap (invoke "st16" (i32.const 3) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "st32" (i32.const 2) (i32.const 0)) "unaligned atomic")
(assert_trap (invoke "st64" (i32.const 12) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "sub16" (i32.const 1) (i64.const 1)) "unaligned atomic")
(assert_trap (invoke "and32" (i32.const 6) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "or64" (i32.const 1) (i64.const 1)) "unaligned atomic")
(assert_trap (invoke "or16" (i32.const 5) (i32.const 1)) "unaligned atomic")
(assert_trap (invoke "xchg32" (i32.const 1) (i32.const 0)) "unaligned atomic")
(assert_trap (invoke "sub32" (i32.const 3) (i32.const 1)) "unaligned atomic")
(assert_trap (invoke "cas16" (i32.const 1) (i32.const 0) (i32.const 1)) "unaligned atomic")
(assert_trap (invoke "cas32_64" (i32.const 2) (i64.const 0) (i64.const 1)) "unaligned atomic")
(assert_trap (invoke "cas64" (i32.const 36) (i64.const 0) (i64.const 1)) "unaligned atomic")
(assert_trap (invoke "ld64" (i32.const 65524)) "unaligned atomic")
(assert_trap (invoke "ld32" (i32.const 65530)) "unaligned atomic")
(assert_return (invoke "ld64" (i32.const 0)) (i64.const 0x9abcdef05678ffff))
(assert_return (invoke "ld64" (i32.const 8)) (i64.const -2))
;; One byte is never misaligned.
(assert_return (invoke "ld8" (i32.const 65535)) (i64.const 0))
(assert_return (invoke "add8" (i32.const 65535) (i32.const 3)) (i32.const 0))
(assert_return (invoke "st8_end" (i32.const 0)))
(assert_return (invoke "ld8" (i32.const 65535)) (i64.const 1))

;; Misaligned and out of bounds: out of bounds first, as the spec orders it.
(assert_trap (invoke "ld16" (i32.const 65535)) "out of bounds memory access")
(assert_trap (invoke "ld16" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "ld32" (i32.const 65534)) "out of bounds memory access")
(assert_trap (invoke "st32" (i32.const 65535) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "or64" (i32.const 65535) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "cas64" (i32.const 65532) (i64.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "add_far" (i32.const 1)) "out of bounds memory access")

;; Aligned and out of bounds: a guard-page fault, at every width and shape.
(assert_trap (invoke "ld8" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "ld16" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "ld32" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "ld64" (i32.const -8)) "out of bounds memory access")
(assert_trap (invoke "st8" (i32.const 65536) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "st16" (i32.const -2) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "st64" (i32.const 65536) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "add8" (i32.const 65536) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "sub16" (i32.const 65536) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "and32" (i32.const 65536) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "or64" (i32.const 65536) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "xor8" (i32.const -1) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "xchg8" (i32.const 65536) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "xchg32" (i32.const 65536) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "cas16" (i32.const 65536) (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "cas8_64" (i32.const -1) (i64.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "st8_end" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "ld_far" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "ld_far" (i32.const 0x80000000)) "out of bounds memory access")
(assert_trap (invoke "ld_far" (i32.const -4)) "out of bounds memory access")
(assert_trap (invoke "add_far" (i32.const 8)) "out of bounds memory access")
(assert_trap (invoke "add_far" (i32.const -8)) "out of bounds memory access")
(assert_trap (invoke "cas_far" (i32.const 4)) "out of bounds memory access")
(assert_trap (invoke "cas_far" (i32.const 0xfffffffc)) "out of bounds memory access")
(assert_return (invoke "ld64" (i32.const 65528)) (i64.const 0x0100000000000000))

(assert_return (invoke "xor_computed" (i32.const 40) (i32.const 3)) (i32.const 0))
(assert_return (invoke "xor_computed" (i32.const 40) (i32.const 5)) (i32.const 9))
(assert_return (invoke "ld32" (i32.const 48)) (i64.const 16))
(assert_return (invoke "cas_computed" (i32.const 51) (i32.const 15)) (i32.const 16))
(assert_return (invoke "ld32" (i32.const 48)) (i64.const 0xf0))
(assert_return (invoke "cas_computed" (i32.const 48) (i32.const 15)) (i32.const 0xf0))
(assert_return (invoke "ld32" (i32.const 48)) (i64.const 0xf0))
(assert_return (invoke "loop" (i32.const 1000)) (i64.const 4295318389099))

;; A trap names the atomic instruction's offset (the faulting access, or
;; the alignment check), not the function's start.
(module
  (memory 1 1 shared)
  (func (export "where") (param i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const 8)))
    (drop (i32.atomic.load (i32.const 0)))
    (i32.atomic.rmw.and offset=4 (local.get 0) (local.get 1)))
)
(assert_return (invoke "where" (i32.const 0) (i32.const 1)) (i32.const 0))
(assert_trap (invoke "where" (i32.const 65524) (i32.const 1)) "out of bounds memory access in function #0 at offset 0x3d")
(assert_trap (invoke "where" (i32.const 1) (i32.const 1)) "unaligned atomic in function #0 at offset 0x3d")
