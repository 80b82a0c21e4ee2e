;; A name outside WASI preview 1 is not resolved: a link error, exit 1.
(module
  (import "wasi_snapshot_preview1" "fd_frobnicate" (func (result i32)))
  (func (export "_start")))
