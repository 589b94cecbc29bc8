#!/usr/bin/env bash
# Compile + instantiate time of a 1 MiB module: generates a C file with many distinct functions and
# builds it with clang --target=wasm32-wasi -O1 (10,400 functions: 1.05 MB). Then
#  1. bench/Cairn.Wasm.Bench: in one process, phase by phase, lazy (default) against eager compilation,
#     after a first untimed round (a node that has compiled modules before), and the first round alone;
#  2. three fresh `cairn wasm run --output json` processes (compileMs = decode + validate, and IL
#     generation when eager; wallTimeMs = instantiate + run, JIT included), from the ReadyToRun build
#     ./cairn makes.
# usage: bench/wasm-compile.sh [FUNCTIONS]
set -euo pipefail
n=${1:-10400}
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-apt" "$root/bench/wasm/deps.apt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo '#include <stdio.h>'
  echo 'typedef unsigned (*fn)(unsigned);'
  for i in $(seq 0 $((n - 1))); do
    echo "__attribute__((noinline)) unsigned f$i(unsigned x) { for (unsigned k = 0; k < (x & 7); k++) { x = x * $((i * 2 + 1))u + $i; x ^= x >> $((i % 13 + 1)); if (x % $((i % 5 + 2))) x += $i; else x -= $((i % 17)); } return x; }"
  done
  echo "fn table[] = {"
  for i in $(seq 0 $((n - 1))); do echo "f$i,"; done
  echo "};"
  echo 'int main(int argc, char **argv) { printf("%u\n", table[argc % (sizeof table / sizeof *table)](42)); return 0; }'
} > "$work/big.c"
clang --target=wasm32-wasi -O1 -o "$work/big.wasm" "$work/big.c"
echo "module size: $(stat -c %s "$work/big.wasm") bytes, $n functions"
dotnet run -c Release --project "$root/bench/Cairn.Wasm.Bench" -- "$work/big.wasm" 10
"$root/cairn" --version >/dev/null
echo "fresh processes (./cairn wasm run --output json):"
for _ in 1 2 3; do
  "$root/cairn" wasm run --output json "$work/big.wasm" 2>&1 >/dev/null | tail -1
done
