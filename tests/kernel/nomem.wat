;; nomem.wat: a process without linear memory: every call that takes a
;; pointer gets NB_ERR_FAULT (-5); it exits with 5 when channel_create
;; and event_create both do.
(module
  (import "nebulet" "channel_create" (func $cc (param i32 i32) (result i32)))
  (import "nebulet" "event_create" (func $ec (param i32) (result i32)))
  (import "nebulet" "process_exit" (func $exit (param i32)))
  (func (export "_start")
    (if (i32.ne (call $ec (i32.const 0)) (i32.const -5))
      (then (call $exit (i32.const 1))))
    (call $exit (i32.sub (i32.const 0) (call $cc (i32.const 0) (i32.const 0))))))
