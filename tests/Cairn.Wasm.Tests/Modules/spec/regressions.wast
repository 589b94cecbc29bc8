;; Regression tests for bugs the official spec suite found in Cairn's engine.
;; Expected values are the spec suite's own (float_literals.wast, float_memory.wast, local_tee.wast).

;; 1. Signalling-NaN f32 constants were quieted: the JIT keeps float constants as doubles, so an
;;    ldc.r4 of nan:0x200000 came back as 0x7fe00000. Constants that are NaN are now loaded from bits.
(module
  (memory 1)
  (func (export "snan_bits") (result i32) (i32.reinterpret_f32 (f32.const nan:0x200000)))
  (func (export "neg_snan_bits") (result i32) (i32.reinterpret_f32 (f32.const -nan:0x7f_ffff)))
  (func (export "snan_value") (result f32) (f32.const nan:0x200000))
  (func (export "store_snan") (result i32)
    (f32.store (i32.const 0) (f32.const nan:0x200000))
    (i32.load (i32.const 0)))
  (func (export "neg_of_snan") (result f32) (f32.neg (f32.const nan:0x0f1e2)))
)
(assert_return (invoke "snan_bits") (i32.const 0x7fa00000))
(assert_return (invoke "neg_snan_bits") (i32.const 0xffffffff))
(assert_return (invoke "snan_value") (f32.const nan:0x200000))
(assert_return (invoke "store_snan") (i32.const 0x7fa00000))
(assert_return (invoke "neg_of_snan") (f32.const -nan:0x0f1e2))

;; 2. Branches out of blocks that leave extra operands below the target's base (the IL stack must be
;;    trimmed before the branch), and br_table targets with different stack heights.
(module
  (func (export "br_with_extra") (param i32) (result i32)
    (i32.const 100)
    (block (result i32)
      (i32.const 1) (i32.const 2)
      (br_if 0 (i32.const 7) (local.get 0))
      (drop) (drop) (drop)
      (i32.const 9))
    (i32.add))
  (func (export "table") (param i32) (result i32)
    (block (result i32)
      (i32.const 5)
      (block (result i32)
        (i32.const 6) (i32.const 1)
        (br_table 0 1 (i32.const 40) (local.get 0)))
      (i32.add)))
)
(assert_return (invoke "br_with_extra" (i32.const 1)) (i32.const 107))
(assert_return (invoke "br_with_extra" (i32.const 0)) (i32.const 109))
(assert_return (invoke "table" (i32.const 0)) (i32.const 45))
(assert_return (invoke "table" (i32.const 1)) (i32.const 40))
(assert_return (invoke "table" (i32.const 9)) (i32.const 40))

;; 3. Division edge cases must trap or wrap exactly as specified (.NET throws on INT_MIN % -1).
(module
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_s64") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
)
(assert_return (invoke "rem_s" (i32.const 0x80000000) (i32.const -1)) (i32.const 0))
(assert_return (invoke "rem_s64" (i64.const 0x8000000000000000) (i64.const -1)) (i64.const 0))
(assert_trap (invoke "rem_s" (i32.const 1) (i32.const 0)) "integer divide by zero")

;; 4. Validation after unreachable: br_table must push back the *popped* (unknown) operand types, not
;;    its label's types, so targets of equal arity but different types meet at "bottom" (unreached-valid.wast).
(module
  (func (export "meet-bottom")
    (block (result f64)
      (block (result f32)
        (unreachable)
        (br_table 0 1 1 (i32.const 1)))
      (drop)
      (f64.const 0))
    (drop)))
(assert_trap (invoke "meet-bottom") "unreachable")
