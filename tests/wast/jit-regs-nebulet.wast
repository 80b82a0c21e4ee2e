;; The JIT keeps busy locals in registers and uses an i32 local's register
;; as a memory index as it is (its upper half always zero), and the
;; result register of the instruction before too. These check that every
;; way of writing such a register leaves the upper half zero, and that a
;; result of another type is not cut to 32 bits where an i32 param lived.

(module
  (memory 1)
  (data (i32.const 0) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00")
  (data (i32.const 16) "\14\00\00\00\18\00\00\00\10\00\00\00")
  (global $g (mut i64) (i64.const 0x7fffffff00000004))

  ;; an i32 local from i32.wrap_i64 of a value with high bits set
  (func (export "wrap") (param $x i64) (result i32)
    (local $a i32) (local $s i32)
    (local.set $a (i32.wrap_i64 (local.get $x)))
    (local.set $s (i32.load (local.get $a)))
    (local.set $s (i32.add (local.get $s) (i32.load offset=4 (local.get $a))))
    (local.get $s))

  ;; an i32 local from a select between wrapped values
  (func (export "select") (param $x i64) (param $c i32) (result i32)
    (local $a i32)
    (local.set $a (select (i32.wrap_i64 (local.get $x))
                          (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32)))
                          (local.get $c)))
    (i32.add (i32.load (local.get $a)) (i32.load (local.get $a))))

  ;; an i32 local from a global's i64 (wrapped) and from a call's result
  (func $half (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
  (func (export "call") (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (call $half (global.get $g)))
    (local.set $b (call $half (i64.const 0xffffffff00000008)))
    (i32.add (i32.load (local.get $a)) (i32.load (local.get $b))))

  ;; an i32 local from memory.grow (run in C by the JIT)
  (func (export "grow") (result i32)
    (local $a i32)
    (local.set $a (memory.grow (i32.const 0)))
    (i32.add (i32.load (i32.shl (local.get $a) (i32.const 2)))
             (i32.load (i32.shl (local.get $a) (i32.const 3)))))

  ;; an address that wraps at 32 bits, computed just before the access
  (func (export "wraps") (param $p i32) (param $q i32) (result i32)
    (i32.load (i32.add (local.get $p) (local.get $q))))
  (func (export "wraps8") (param $p i32) (result i32)
    (i32.load8_u (i32.add (local.get $p) (i32.const 8))))

  ;; pointer chasing: each load's result is the next address
  (func (export "chase") (param $p i32) (param $n i32) (result i32)
    (local $wide i64)
    (local.set $wide (i64.const -1))
    (block
      (loop
        (br_if 1 (i32.eqz (local.get $n)))
        (local.set $p (i32.load (local.get $p)))
        (local.set $wide (i64.add (local.get $wide) (i64.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br 0)))
    (i32.add (local.get $p) (i32.wrap_i64 (local.get $wide))))

  ;; results of other types where an i32 param lives (slot 0)
  (func (export "f64-result") (param $n i32) (result f64)
    (local $x f64)
    (local.set $x (f64.const 6.283185307179586))
    (local.set $n (i32.add (local.get $n) (i32.load (local.get $n))))
    (local.get $x))
  (func (export "i64-result") (param $n i32) (result i64)
    (local.set $n (i32.add (local.get $n) (i32.load (local.get $n))))
    (i64.or (i64.const 0x1234567800000000) (i64.extend_i32_u (local.get $n))))
  (func (export "two-results") (param $n i32) (param $m i32) (result i64 i32)
    (local.set $m (i32.load (local.get $n)))
    (local.set $m (i32.add (local.get $m) (i32.load (local.get $m))))
    (i64.const -4294967296) (local.get $m))

  ;; an i32 param read from a frame cell whose upper half held an i64
  (func $load-at (param $a i32) (result i32)
    (i32.add (i32.load (local.get $a)) (i32.load offset=4 (local.get $a))))
  (func (export "dirty-arg") (result i32)
    (local $w i64)
    (local.set $w (i64.const 0x7fffffff00000000))
    (drop (i64.add (local.get $w) (local.get $w)))
    (call $load-at (i32.wrap_i64 (i64.or (local.get $w) (i64.const 4)))))
  ;; the same where the argument's stack slot has no register (ten busier
  ;; locals take them all), so its frame cell keeps the i64's upper half;
  ;; and a select reading such cells into an i32 local's register
  (func (export "dirty-cell") (param $n i32) (result i32)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $f i64) (local $g i64) (local $h i64) (local $i i64) (local $p i32)
    (loop
      (local.set $a (i64.add (local.get $a) (local.get $b)))
      (local.set $b (i64.add (local.get $b) (local.get $c)))
      (local.set $c (i64.add (local.get $c) (local.get $d)))
      (local.set $d (i64.add (local.get $d) (local.get $e)))
      (local.set $e (i64.add (local.get $e) (local.get $f)))
      (local.set $f (i64.add (local.get $f) (local.get $g)))
      (local.set $g (i64.add (local.get $g) (local.get $h)))
      (local.set $h (i64.add (local.get $h) (local.get $i)))
      (local.set $i (i64.add (local.get $i) (local.get $a)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if 0 (local.get $n)))
    (local.set $a (i64.const 0x7fffffff00000000))
    (local.set $p (select (i32.wrap_i64 (i64.or (local.get $a) (i64.const 4)))
                          (i32.const 8) (i32.const 1)))
    (i32.add (call $load-at (i32.wrap_i64 (i64.or (local.get $a) (i64.const 4))))
             (i32.load (local.get $p))))
)

(assert_return (invoke "wrap" (i64.const 0x7fffffff00000004)) (i32.const 5))
(assert_return (invoke "wrap" (i64.const -0x100000000)) (i32.const 3))
(assert_return (invoke "select" (i64.const 0x0000000800000004) (i32.const 1)) (i32.const 4))
(assert_return (invoke "select" (i64.const 0x0000000800000004) (i32.const 0)) (i32.const 6))
(assert_return (invoke "call") (i32.const 5))
(assert_return (invoke "grow") (i32.const 5))
(assert_return (invoke "wraps" (i32.const -4) (i32.const 8)) (i32.const 2))
(assert_return (invoke "wraps" (i32.const 8) (i32.const 4)) (i32.const 4))
(assert_trap (invoke "wraps" (i32.const 65536) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "wraps8" (i32.const -4)) (i32.const 2))
(assert_return (invoke "chase" (i32.const 16) (i32.const 1)) (i32.const 20))
(assert_return (invoke "chase" (i32.const 16) (i32.const 2)) (i32.const 25))
(assert_return (invoke "chase" (i32.const 16) (i32.const 3)) (i32.const 18))
(assert_return (invoke "chase" (i32.const 16) (i32.const 1000)) (i32.const 1019))
(assert_return (invoke "f64-result" (i32.const 4)) (f64.const 6.283185307179586))
(assert_return (invoke "i64-result" (i32.const 4)) (i64.const 0x1234567800000006))
(assert_return (invoke "two-results" (i32.const 16) (i32.const 0)) (i64.const -4294967296) (i32.const 44))
(assert_return (invoke "dirty-arg") (i32.const 5))
(assert_return (invoke "dirty-cell" (i32.const 3)) (i32.const 7))
