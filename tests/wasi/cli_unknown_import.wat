;; An import nobody provides: a link error naming it, exit 1.
(module
  (import "env" "mystery" (func))
  (func (export "_start")))
