#!/usr/bin/env bash
# Rebuilds tasks.wasm (committed). Needs clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32-wasi -O2 -Wl,--strip-all -o tasks.wasm tasks.c
