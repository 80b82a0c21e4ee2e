;; Checks for the optimizing tier's passes and register allocation, each
;; written so that a wrong pass gives a wrong result (they run on every
;; engine; the values come from the interpreter):
;; - three-operand add/sub of an immediate (lea) keeps i32 results
;;   zero-extended and wraps at 32 bits (addresses too);
;; - values in caller-saved registers live across calls are saved and
;;   restored around each call, also when the call is in a loop or on
;;   one path only;
;; - spilled values read right after their definition;
;; - global value numbering merges only equal pure computations, never
;;   across a write (globals, memory) and never a trap into a path that
;;   had none.

(module
  (memory 1)
  (global $g (mut i32) (i32.const 7))

  ;; lea: x + k while x stays live; the sum must wrap to 32 bits
  (func (export "lea_add32") (param $x i32) (result i64)
    (local $y i32)
    (local.set $y (i32.add (local.get $x) (i32.const 0x7fffffff)))
    (i64.add (i64.extend_i32_u (local.get $y))
             (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 32))))
  (func (export "lea_sub32") (param $x i32) (result i64)
    (local $y i32)
    (local.set $y (i32.sub (local.get $x) (i32.const 5)))
    (i64.add (i64.extend_i32_u (local.get $y))
             (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 32))))
  (func (export "lea_sub32_min") (param $x i32) (result i64)
    (local $y i32)
    (local.set $y (i32.sub (local.get $x) (i32.const 0x80000000)))
    (i64.add (i64.extend_i32_u (local.get $y))
             (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 32))))
  (func (export "lea_add64") (param $x i64) (result i64)
    (local $y i64)
    (local.set $y (i64.add (local.get $x) (i64.const -0x80000000)))
    (i64.xor (local.get $y) (i64.rotl (local.get $x) (i64.const 17))))
  ;; the address of a load computed by lea
  (func (export "lea_load") (param $x i32) (result i32)
    (i32.store (i32.const 64) (i32.const 0x11223344))
    (i32.add (i32.load (i32.add (local.get $x) (i32.const 60)))
             (local.get $x)))

  ;; a callee that uses every caller-saved register
  (func $clob (param $a i32) (result i32)
    (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $f i32) (local $h i32) (local $i i32)
    (local.set $b (i32.mul (local.get $a) (i32.const 3)))
    (local.set $c (i32.xor (local.get $b) (i32.const 0x55)))
    (local.set $d (i32.add (local.get $c) (local.get $a)))
    (local.set $e (i32.sub (local.get $d) (local.get $b)))
    (local.set $f (i32.rotl (local.get $e) (local.get $c)))
    (local.set $h (i32.or (local.get $f) (local.get $d)))
    (local.set $i (i32.mul (local.get $h) (local.get $e)))
    (i32.add (i32.add (i32.add (local.get $a) (local.get $b))
                      (i32.add (local.get $c) (local.get $d)))
             (i32.add (i32.add (local.get $e) (local.get $f))
                      (i32.add (local.get $h) (local.get $i)))))

  ;; a loop whose values are used often and cross a call made on one
  ;; iteration in eight: they keep caller-saved registers, saved around
  ;; the call
  (func (export "saved") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $y i32) (local $z i32)
    (local $w i32)
    (loop $l
      (local.set $x (i32.add (local.get $x) (local.get $i)))
      (local.set $y (i32.xor (local.get $y) (i32.mul (local.get $x) (i32.const 31))))
      (local.set $z (i32.add (local.get $z) (i32.rotl (local.get $y) (local.get $x))))
      (local.set $w (i32.sub (local.get $w) (i32.shr_u (local.get $z) (i32.const 3))))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 7)))
        (then (local.set $z (i32.add (local.get $z)
                                     (call $clob (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (i32.add (local.get $x) (local.get $y))
             (i32.add (local.get $z) (local.get $w))))

  ;; many i64 values live across a call in straight-line code
  (func (export "saved_many") (param $a i64) (result i64)
    (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $f i64) (local $h i64) (local $r i64)
    (local.set $b (i64.mul (local.get $a) (i64.const 0x100000001)))
    (local.set $c (i64.xor (local.get $b) (i64.const -1)))
    (local.set $d (i64.add (local.get $c) (local.get $a)))
    (local.set $e (i64.rotl (local.get $d) (i64.const 9)))
    (local.set $f (i64.sub (local.get $e) (local.get $b)))
    (local.set $h (i64.or (local.get $f) (local.get $c)))
    (local.set $r (i64.extend_i32_u (call $clob (i32.wrap_i64 (local.get $h)))))
    (local.set $r (i64.add (local.get $r)
                           (i64.extend_i32_u (call $clob (i32.wrap_i64 (local.get $e))))))
    (i64.add (i64.add (i64.add (local.get $a) (local.get $b))
                      (i64.add (local.get $c) (local.get $d)))
             (i64.add (i64.add (local.get $e) (local.get $f))
                      (i64.add (local.get $h) (local.get $r)))))

  ;; more values live than registers: spills read back at once
  (func (export "spills") (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i32)
    (local $d i32) (local $e i32) (local $f i32) (local $g i32)
    (local $h i32) (local $j i32) (local $k i32) (local $m i32)
    (local $o i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $b (i32.add (local.get $b) (local.get $a)))
      (local.set $c (i32.xor (local.get $c) (local.get $b)))
      (local.set $d (i32.add (local.get $d) (i32.mul (local.get $c) (i32.const 3))))
      (local.set $e (i32.sub (local.get $e) (local.get $d)))
      (local.set $f (i32.add (local.get $f) (i32.shr_u (local.get $e) (i32.const 1))))
      (local.set $g (i32.xor (local.get $g) (local.get $f)))
      (local.set $h (i32.add (local.get $h) (local.get $g)))
      (local.set $j (i32.rotl (local.get $j) (local.get $h)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (local.set $k (i32.add (local.get $k) (local.get $j)))
      (local.set $m (i32.xor (local.get $m) (local.get $k)))
      (local.set $o (i32.add (local.get $o) (i32.shl (local.get $m) (local.get $a))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add
      (i32.add (i32.add (i32.add (local.get $a) (local.get $b))
                        (i32.add (local.get $c) (local.get $d)))
               (i32.add (i32.add (local.get $e) (local.get $f))
                        (i32.add (local.get $g) (local.get $h))))
      (i32.add (i32.add (local.get $j) (local.get $k))
               (i32.add (local.get $m) (local.get $o)))))
)

(assert_return (invoke "lea_add32" (i32.const 0x80000001)) (i64.const 0x8000000100000000))
(assert_return (invoke "lea_add32" (i32.const 1)) (i64.const 0x0000000180000000))
(assert_return (invoke "lea_sub32" (i32.const 3)) (i64.const 0x00000003fffffffe))
(assert_return (invoke "lea_sub32_min" (i32.const 1)) (i64.const 0x0000000180000001))
(assert_return (invoke "lea_add64" (i64.const 0)) (i64.const -0x80000000))
(assert_return (invoke "lea_add64" (i64.const 0x12345678)) (i64.const 18446704041372440184))
(assert_return (invoke "lea_load" (i32.const 4)) (i32.const 0x11223348))
(assert_return (invoke "lea_load" (i32.const -4)) (i32.const -4))
(assert_return (invoke "saved" (i32.const 1)) (i32.const 2623544717))
(assert_return (invoke "saved" (i32.const 100)) (i32.const 457369247))
(assert_return (invoke "saved_many" (i64.const 1)) (i64.const 18446739671365560725))
(assert_return (invoke "saved_many" (i64.const -0x123456789)) (i64.const 828225398275190172))
(assert_return (invoke "spills" (i32.const 1)) (i32.const 4))
(assert_return (invoke "spills" (i32.const 1000)) (i32.const 1828370914))
