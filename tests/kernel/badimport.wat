;; badimport.wat: imports a kernel call that does not exist; the process
;; must end with a link error (status 1), not start.
(module
  (import "nebulet" "no_such_call" (func (param i32) (result i32)))
  (func (export "_start")))
