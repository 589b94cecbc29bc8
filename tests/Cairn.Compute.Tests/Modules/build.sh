#!/usr/bin/env bash
# Rebuilds the committed test modules of the compute node and wasm executor tests from their C sources.
# Needs clang 14 + lld + wasi-libc + libclang-rt-14-dev-wasm32 (see shared/DEPENDENCIES). Tests use the
# committed .wasm files, so this only runs when a source changes.
set -euo pipefail
cd "$(dirname "$0")"
for f in *.c; do
  clang --target=wasm32-wasi -O2 -Wl,--strip-debug -o "${f%.c}.wasm" "$f"
done
