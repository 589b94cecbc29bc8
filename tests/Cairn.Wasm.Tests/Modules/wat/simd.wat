;; Uses a SIMD instruction: the engine must refuse it clearly.
(module
  (func (export "splat") (result i32)
    (i32x4.extract_lane 0 (i32x4.splat (i32.const 7)))))
