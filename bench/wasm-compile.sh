#!/usr/bin/env bash
# Compile + instantiate time of a ~1 MiB module: generates a C file with many distinct functions,
# builds it with clang --target=wasm32-wasi -O1, and runs it with `cairn wasm run --output json`
# (compileMs = decode + validate + IL generation; wallTimeMs = instantiate + run, where the run calls
# one function). Prints the module size and both times.   usage: bench/wasm-compile.sh [FUNCTIONS]
set -euo pipefail
n=${1:-2500}
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
dotnet build "$root/src/Cairn.Cli" -c Release -v q -nologo >/dev/null
echo "module size: $(stat -c %s "$work/big.wasm") bytes, $n functions"
for _ in 1 2 3; do
  dotnet "$root/src/Cairn.Cli/bin/Release/net10.0/cairn.dll" wasm run --output json "$work/big.wasm" 2>&1 >/dev/null | tail -1
done
