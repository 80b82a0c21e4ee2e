;; A module without _start: `nebulet run` says so and exits 1.
(module (func (export "main")))
