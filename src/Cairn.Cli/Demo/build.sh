#!/usr/bin/env bash
# Rebuilds wordcount.wasm (committed; embedded in the cairn CLI for `cairn demo`).
# Needs clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (bench/wasm/deps.apt).
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32-wasi -O2 -Wl,--strip-all -o wordcount.wasm wordcount.c
