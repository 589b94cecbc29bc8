#!/usr/bin/env bash
# Rebuilds the committed test modules from their sources. Needs the packages in bench/wasm/deps.apt (scripts/install-apt bench/wasm/deps.apt)
# (wabt, clang, lld, wasi-libc, libclang-rt-14-dev-wasm32). Tests use the committed .wasm files, so
# this only runs when a source changes.
set -euo pipefail
cd "$(dirname "$0")"
for f in wat/*.wat; do
  wat2wasm "$f" -o "${f%.wat}.wasm"
done
for f in c/*.c; do
  clang --target=wasm32-wasi -O2 -Wl,--strip-debug -o "${f%.c}.wasm" "$f"
done
for f in spec/*.wast; do
  (cd spec && wast2json "$(basename "$f")" -o "$(basename "${f%.wast}").json")
done
