;; Imports a function of another instance that nothing has called yet.
(module
  (import "lazy" "exported_triple" (func $triple (param i32) (result i32)))
  (func (export "triple_plus_one") (param i32) (result i32)
    (i32.add (call $triple (local.get 0)) (i32.const 1))))
