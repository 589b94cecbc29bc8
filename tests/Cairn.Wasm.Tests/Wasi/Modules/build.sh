#!/usr/bin/env bash
# Rebuilds the WASI sandbox test modules from their C sources (clang 14 + wasi-libc, see Modules/build.sh).
set -euo pipefail
cd "$(dirname "$0")"
for f in *.c; do
  clang --target=wasm32-wasi -O2 -Wl,--strip-debug -o "${f%.c}.wasm" "$f"
done
