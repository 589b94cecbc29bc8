;; A WASI-style command whose _start never returns.
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (br $l))))
