;; i64x2 ordered compares, which the JIT writes without SSE4.2's
;; pcmpgtq (nucleus/jit_simd.c compare64): operands whose high dwords
;; are equal and whose low dwords differ across the signed 32-bit
;; boundary, the 64-bit limits and random pairs.
(module
  (func (export "lt_s") (param v128 v128) (result v128)
    (i64x2.lt_s (local.get 0) (local.get 1)))
  (func (export "gt_s") (param v128 v128) (result v128)
    (i64x2.gt_s (local.get 0) (local.get 1)))
  (func (export "le_s") (param v128 v128) (result v128)
    (i64x2.le_s (local.get 0) (local.get 1)))
  (func (export "ge_s") (param v128 v128) (result v128)
    (i64x2.ge_s (local.get 0) (local.get 1)))
)
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x0 0x7fffffff) (v128.const i64x2 0xffffffff 0x80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x0 0x7fffffff) (v128.const i64x2 0xffffffff 0x80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x0 0x7fffffff) (v128.const i64x2 0xffffffff 0x80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x0 0x7fffffff) (v128.const i64x2 0xffffffff 0x80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x5 0x80000000) (v128.const i64x2 0x5 0x7fffffff))
  (v128.const i64x2 0 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x5 0x80000000) (v128.const i64x2 0x5 0x7fffffff))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x5 0x80000000) (v128.const i64x2 0x5 0x7fffffff))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x5 0x80000000) (v128.const i64x2 0x5 0x7fffffff))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x100000000 0x17fffffff) (v128.const i64x2 0x1ffffffff 0x180000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x100000000 0x17fffffff) (v128.const i64x2 0x1ffffffff 0x180000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x100000000 0x17fffffff) (v128.const i64x2 0x1ffffffff 0x180000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x100000000 0x17fffffff) (v128.const i64x2 0x1ffffffff 0x180000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x100000005 0x180000000) (v128.const i64x2 0x100000005 0x17fffffff))
  (v128.const i64x2 0 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x100000005 0x180000000) (v128.const i64x2 0x100000005 0x17fffffff))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x100000005 0x180000000) (v128.const i64x2 0x100000005 0x17fffffff))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x100000005 0x180000000) (v128.const i64x2 0x100000005 0x17fffffff))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x100000000 -0x80000001) (v128.const i64x2 -0x1 -0x80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x100000000 -0x80000001) (v128.const i64x2 -0x1 -0x80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x100000000 -0x80000001) (v128.const i64x2 -0x1 -0x80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x100000000 -0x80000001) (v128.const i64x2 -0x1 -0x80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0xfffffffb -0x80000000) (v128.const i64x2 -0xfffffffb -0x80000001))
  (v128.const i64x2 0 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0xfffffffb -0x80000000) (v128.const i64x2 -0xfffffffb -0x80000001))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0xfffffffb -0x80000000) (v128.const i64x2 -0xfffffffb -0x80000001))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0xfffffffb -0x80000000) (v128.const i64x2 -0xfffffffb -0x80000001))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x7fffffff00000000 0x7fffffff7fffffff) (v128.const i64x2 0x7fffffffffffffff 0x7fffffff80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x7fffffff00000000 0x7fffffff7fffffff) (v128.const i64x2 0x7fffffffffffffff 0x7fffffff80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x7fffffff00000000 0x7fffffff7fffffff) (v128.const i64x2 0x7fffffffffffffff 0x7fffffff80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x7fffffff00000000 0x7fffffff7fffffff) (v128.const i64x2 0x7fffffffffffffff 0x7fffffff80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x7fffffff00000005 0x7fffffff80000000) (v128.const i64x2 0x7fffffff00000005 0x7fffffff7fffffff))
  (v128.const i64x2 0 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x7fffffff00000005 0x7fffffff80000000) (v128.const i64x2 0x7fffffff00000005 0x7fffffff7fffffff))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x7fffffff00000005 0x7fffffff80000000) (v128.const i64x2 0x7fffffff00000005 0x7fffffff7fffffff))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x7fffffff00000005 0x7fffffff80000000) (v128.const i64x2 0x7fffffff00000005 0x7fffffff7fffffff))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x8000000000000000 -0x7fffffff80000001) (v128.const i64x2 -0x7fffffff00000001 -0x7fffffff80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x8000000000000000 -0x7fffffff80000001) (v128.const i64x2 -0x7fffffff00000001 -0x7fffffff80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x8000000000000000 -0x7fffffff80000001) (v128.const i64x2 -0x7fffffff00000001 -0x7fffffff80000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x8000000000000000 -0x7fffffff80000001) (v128.const i64x2 -0x7fffffff00000001 -0x7fffffff80000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000000) (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000001))
  (v128.const i64x2 0 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000000) (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000001))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000000) (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000001))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000000) (v128.const i64x2 -0x7ffffffffffffffb -0x7fffffff80000001))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x100000001 0x100000001) (v128.const i64x2 -0x80000000 -0x7fffffff))
  (v128.const i64x2 0 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x100000001 0x100000001) (v128.const i64x2 -0x80000000 -0x7fffffff))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x100000001 0x100000001) (v128.const i64x2 -0x80000000 -0x7fffffff))
  (v128.const i64x2 0 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x100000001 0x100000001) (v128.const i64x2 -0x80000000 -0x7fffffff))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x7ffffffe 0x100000001) (v128.const i64x2 0x7fffffff00000001 0x7ffffffffffffffe))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x7ffffffe 0x100000001) (v128.const i64x2 0x7fffffff00000001 0x7ffffffffffffffe))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x7ffffffe 0x100000001) (v128.const i64x2 0x7fffffff00000001 0x7ffffffffffffffe))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x7ffffffe 0x100000001) (v128.const i64x2 0x7fffffff00000001 0x7ffffffffffffffe))
  (v128.const i64x2 0 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x1 0x2) (v128.const i64x2 -0x80000001 0x7fffffff00000001))
  (v128.const i64x2 0 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x1 0x2) (v128.const i64x2 -0x80000001 0x7fffffff00000001))
  (v128.const i64x2 -1 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x1 0x2) (v128.const i64x2 -0x80000001 0x7fffffff00000001))
  (v128.const i64x2 0 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x1 0x2) (v128.const i64x2 -0x80000001 0x7fffffff00000001))
  (v128.const i64x2 -1 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x7fffffffffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff 0x100000002))
  (v128.const i64x2 0 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x7fffffffffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff 0x100000002))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x7fffffffffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff 0x100000002))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x7fffffffffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff 0x100000002))
  (v128.const i64x2 -1 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x7fffffffffffffff -0x7fffffff) (v128.const i64x2 0x7ffffffffffffffe 0x0))
  (v128.const i64x2 0 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x7fffffffffffffff -0x7fffffff) (v128.const i64x2 0x7ffffffffffffffe 0x0))
  (v128.const i64x2 -1 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x7fffffffffffffff -0x7fffffff) (v128.const i64x2 0x7ffffffffffffffe 0x0))
  (v128.const i64x2 0 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x7fffffffffffffff -0x7fffffff) (v128.const i64x2 0x7ffffffffffffffe 0x0))
  (v128.const i64x2 -1 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x1 0x7ffffffffffffffe) (v128.const i64x2 -0x80000002 0x7fffffff00000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x1 0x7ffffffffffffffe) (v128.const i64x2 -0x80000002 0x7fffffff00000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x1 0x7ffffffffffffffe) (v128.const i64x2 -0x80000002 0x7fffffff00000000))
  (v128.const i64x2 0 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x1 0x7ffffffffffffffe) (v128.const i64x2 -0x80000002 0x7fffffff00000000))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x80000000 -0x100000001) (v128.const i64x2 0x7ffffffffffffffe -0x8000000000000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x80000000 -0x100000001) (v128.const i64x2 0x7ffffffffffffffe -0x8000000000000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x80000000 -0x100000001) (v128.const i64x2 0x7ffffffffffffffe -0x8000000000000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x80000000 -0x100000001) (v128.const i64x2 0x7ffffffffffffffe -0x8000000000000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0xffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff -0x80000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0xffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff -0x80000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0xffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff -0x80000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0xffffffff 0x100000001) (v128.const i64x2 0x7fffffffffffffff -0x80000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x100000001 0x7fffffff) (v128.const i64x2 0x100000001 -0x100000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x100000001 0x7fffffff) (v128.const i64x2 0x100000001 -0x100000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x100000001 0x7fffffff) (v128.const i64x2 0x100000001 -0x100000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x100000001 0x7fffffff) (v128.const i64x2 0x100000001 -0x100000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x1 0xfffffffe) (v128.const i64x2 0x7ffffffffffffffe -0x80000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x1 0xfffffffe) (v128.const i64x2 0x7ffffffffffffffe -0x80000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x1 0xfffffffe) (v128.const i64x2 0x7ffffffffffffffe -0x80000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x1 0xfffffffe) (v128.const i64x2 0x7ffffffffffffffe -0x80000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0xfffffffe -0x1) (v128.const i64x2 0x1 0x7ffffffe))
  (v128.const i64x2 0 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0xfffffffe -0x1) (v128.const i64x2 0x1 0x7ffffffe))
  (v128.const i64x2 -1 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0xfffffffe -0x1) (v128.const i64x2 0x1 0x7ffffffe))
  (v128.const i64x2 0 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0xfffffffe -0x1) (v128.const i64x2 0x1 0x7ffffffe))
  (v128.const i64x2 -1 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x100000000 0xfffffffe) (v128.const i64x2 0x100000001 -0x8000000000000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x100000000 0xfffffffe) (v128.const i64x2 0x100000001 -0x8000000000000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x100000000 0xfffffffe) (v128.const i64x2 0x100000001 -0x8000000000000000))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x100000000 0xfffffffe) (v128.const i64x2 0x100000001 -0x8000000000000000))
  (v128.const i64x2 0 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x38b38330cd2fc023 0x164f1513563e9bed) (v128.const i64x2 0x45100358acc6d8f2 0x552454f14fab6f3e))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x38b38330cd2fc023 0x164f1513563e9bed) (v128.const i64x2 0x45100358acc6d8f2 0x552454f14fab6f3e))
  (v128.const i64x2 0 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x38b38330cd2fc023 0x164f1513563e9bed) (v128.const i64x2 0x45100358acc6d8f2 0x552454f14fab6f3e))
  (v128.const i64x2 -1 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x38b38330cd2fc023 0x164f1513563e9bed) (v128.const i64x2 0x45100358acc6d8f2 0x552454f14fab6f3e))
  (v128.const i64x2 0 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x9324d07fc1f297f 0x1e34b3f1ec3fbf4d) (v128.const i64x2 -0x3df10e9b9706e728 0x3f1347de2274ea18))
  (v128.const i64x2 0 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x9324d07fc1f297f 0x1e34b3f1ec3fbf4d) (v128.const i64x2 -0x3df10e9b9706e728 0x3f1347de2274ea18))
  (v128.const i64x2 -1 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x9324d07fc1f297f 0x1e34b3f1ec3fbf4d) (v128.const i64x2 -0x3df10e9b9706e728 0x3f1347de2274ea18))
  (v128.const i64x2 0 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x9324d07fc1f297f 0x1e34b3f1ec3fbf4d) (v128.const i64x2 -0x3df10e9b9706e728 0x3f1347de2274ea18))
  (v128.const i64x2 -1 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x19de2bc1b4ff00ae -0x33f665e188f9b3d4) (v128.const i64x2 0xf552c9402cdf2af 0x2d7c50487ca07386))
  (v128.const i64x2 0 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x19de2bc1b4ff00ae -0x33f665e188f9b3d4) (v128.const i64x2 0xf552c9402cdf2af 0x2d7c50487ca07386))
  (v128.const i64x2 -1 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x19de2bc1b4ff00ae -0x33f665e188f9b3d4) (v128.const i64x2 0xf552c9402cdf2af 0x2d7c50487ca07386))
  (v128.const i64x2 0 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x19de2bc1b4ff00ae -0x33f665e188f9b3d4) (v128.const i64x2 0xf552c9402cdf2af 0x2d7c50487ca07386))
  (v128.const i64x2 -1 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 -0x70d2089f51635f75 0x30d0b19482450164) (v128.const i64x2 0x728a6fcf303a07b2 -0x44a294b703c49906))
  (v128.const i64x2 -1 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 -0x70d2089f51635f75 0x30d0b19482450164) (v128.const i64x2 0x728a6fcf303a07b2 -0x44a294b703c49906))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 -0x70d2089f51635f75 0x30d0b19482450164) (v128.const i64x2 0x728a6fcf303a07b2 -0x44a294b703c49906))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 -0x70d2089f51635f75 0x30d0b19482450164) (v128.const i64x2 0x728a6fcf303a07b2 -0x44a294b703c49906))
  (v128.const i64x2 0 -1))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x21870f0bc4ff64de 0x1dd377bf623d8eb7) (v128.const i64x2 -0x5b357c4d94ad4f73 0x6bb6a3de65151c40))
  (v128.const i64x2 0 -1))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x21870f0bc4ff64de 0x1dd377bf623d8eb7) (v128.const i64x2 -0x5b357c4d94ad4f73 0x6bb6a3de65151c40))
  (v128.const i64x2 -1 0))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x21870f0bc4ff64de 0x1dd377bf623d8eb7) (v128.const i64x2 -0x5b357c4d94ad4f73 0x6bb6a3de65151c40))
  (v128.const i64x2 0 -1))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x21870f0bc4ff64de 0x1dd377bf623d8eb7) (v128.const i64x2 -0x5b357c4d94ad4f73 0x6bb6a3de65151c40))
  (v128.const i64x2 -1 0))
(assert_return (invoke "lt_s"
  (v128.const i64x2 0x367e5d6dfd741069 -0x771319b22bb02ca) (v128.const i64x2 0x45114889001edc8e -0x32539fb9066fc48e))
  (v128.const i64x2 -1 0))
(assert_return (invoke "gt_s"
  (v128.const i64x2 0x367e5d6dfd741069 -0x771319b22bb02ca) (v128.const i64x2 0x45114889001edc8e -0x32539fb9066fc48e))
  (v128.const i64x2 0 -1))
(assert_return (invoke "le_s"
  (v128.const i64x2 0x367e5d6dfd741069 -0x771319b22bb02ca) (v128.const i64x2 0x45114889001edc8e -0x32539fb9066fc48e))
  (v128.const i64x2 -1 0))
(assert_return (invoke "ge_s"
  (v128.const i64x2 0x367e5d6dfd741069 -0x771319b22bb02ca) (v128.const i64x2 0x45114889001edc8e -0x32539fb9066fc48e))
  (v128.const i64x2 0 -1))
