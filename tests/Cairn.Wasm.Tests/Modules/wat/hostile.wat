;; Hostile behaviour the host must survive: endless loops, unbounded recursion, memory bombs.
(module
  (memory (export "memory") 1)
  (func (export "spin") (loop $l (br $l)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; Grows one page at a time until refused; returns the number of pages reached.
  (func (export "bomb") (result i32)
    (block $full
      (loop $more
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
    (memory.size))
  ;; Asks for 4 GiB at once.
  (func (export "huge") (result i32) (memory.grow (i32.const 65535)))
)
