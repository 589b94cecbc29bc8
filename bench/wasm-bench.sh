#!/usr/bin/env bash
# CPU-heavy C programs (bench/wasm/*.c) built for wasm32-wasi with clang -O2, run under Cairn
# (`cairn wasm run`, Release build) and Node/V8 (node:wasi), against the same C built natively with
# gcc -O2 and musl-gcc -O2 (wasi-libc's string/sort routines are musl's, so musl is the fair native
# baseline). Prints CPU times (user+sys, best of $RUNS, whole process including .NET/node start-up,
# compilation and JIT) and ratios, plus geometric means. CPU time rather than wall time because the
# machines this runs on are shared (wall time there measures the neighbours).
# Installs what it needs from bench/wasm/deps.apt.   usage: bench/wasm-bench.sh [RUNS]
set -euo pipefail
RUNS=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-apt" "$root/bench/wasm/deps.apt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/Cairn.Cli" -c Release -v q -nologo >/dev/null
cairn=(dotnet "$root/src/Cairn.Cli/bin/Release/net10.0/cairn.dll" wasm run)
node=(node --no-turbo-fast-api-calls --no-warnings "$root/tests/interop/wasm-wasi.mjs")
best() { # best CPU time (user+sys) in seconds of RUNS runs of "$@", stdout checked against $work/expected
  local best=999999
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%U %S %e" -o "$work/time" "$@" > "$work/out" 2>/dev/null
    cmp -s "$work/out" "$work/expected" || { echo "output differs: $*" >&2; exit 1; }
    read -r u s _ < "$work/time"
    best=$(echo "$best $u $s" | awk '{t=$2+$3; print (t<$1)?t:$1}')
  done
  echo "$best"
}
printf '%-8s %9s %9s %9s %9s %9s %11s %9s   (CPU seconds)\n' program gcc musl node cairn cairn/gcc cairn/musl cairn/node
geo=(0 0 0); count=0
for src in "$root"/bench/wasm/*.c; do
  name=$(basename "$src" .c)
  clang --target=wasm32-wasi -O2 -o "$work/$name.wasm" "$src" -lm
  gcc -O2 -o "$work/$name.gcc" "$src" -lm
  musl-gcc -O2 -static -o "$work/$name.musl" "$src" -lm
  "$work/$name.gcc" > "$work/expected"
  tg=$(best "$work/$name.gcc"); tm=$(best "$work/$name.musl")
  tn=$(best "${node[@]}" "$work/$name.wasm"); tc=$(best "${cairn[@]}" "$work/$name.wasm")
  r=$(echo "$tc $tg $tm $tn" | awk '{printf "%.2f %.2f %.2f", $1/$2, $1/$3, $1/$4}')
  read -r rg rm rn <<< "$r"
  printf '%-8s %8.3fs %8.3fs %8.3fs %8.3fs %9s %11s %9s\n' "$name" "$tg" "$tm" "$tn" "$tc" "$rg" "$rm" "$rn"
  geo=($(echo "${geo[*]} $rg $rm $rn" | awk '{printf "%f %f %f", $1+log($4), $2+log($5), $3+log($6)}'))
  count=$((count + 1))
done
echo "${geo[*]} $count" | awk '{printf "geometric mean: cairn/gcc %.2f  cairn/musl %.2f  cairn/node %.2f\n", exp($1/$4), exp($2/$4), exp($3/$4)}'
