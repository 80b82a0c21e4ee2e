;; A trap in _start: "trap: unreachable", status 134.
(module (func (export "_start") unreachable))
