;; sharechild.wat: the process tests/kernel/share.c starts several times
;; from one image, so that its instances share the module's code. Each
;; message on startup handle 0 is a u32 v; the answer is 12 bytes: its
;; global (read through call_indirect), memory[0] and memory.size, all
;; as they were before it added v to the first two and grew the memory
;; by v pages. It ends (status 0) when the peer closes.
(module
  (import "nebulet" "startup_handle" (func $startup (param i32) (result i32)))
  (import "nebulet" "channel_read"
    (func $read (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "nebulet" "channel_write"
    (func $write (param i32 i32 i32 i32 i32) (result i32)))
  (type $geti (func (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (table 1 funcref)
  (elem (i32.const 0) $get)
  (func $get (result i32) (global.get $g))
  (func (export "_start")
    (local $h i32) (local $v i32)
    (local.set $h (call $startup (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done
          (call $read (local.get $h) (i32.const 1) (i32.const 16)
            (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 0)
            (i32.const 0)))
        (local.set $v (i32.load (i32.const 16)))
        (i32.store (i32.const 32) (call_indirect (type $geti) (i32.const 0)))
        (i32.store (i32.const 36) (i32.load (i32.const 0)))
        (i32.store (i32.const 40) (memory.size))
        (global.set $g (i32.add (global.get $g) (local.get $v)))
        (i32.store (i32.const 0)
          (i32.add (i32.load (i32.const 0)) (local.get $v)))
        (drop (memory.grow (local.get $v)))
        (br_if $done
          (call $write (local.get $h) (i32.const 32) (i32.const 12)
            (i32.const 0) (i32.const 0)))
        (br $next)))))
