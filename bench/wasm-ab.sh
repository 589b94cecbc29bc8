#!/usr/bin/env bash
# A/B of the Wasm engine: the CPU benchmarks (bench/wasm/*.c, as bench/wasm-bench.sh builds them) under
# the cairn CLI of git revision REV and under the working tree's, alternating run by run in this one
# script, best CPU time (user+sys) of RUNS each; prints new/old per program and the geometric mean.
#   usage: bench/wasm-ab.sh REV [RUNS]     e.g. bench/wasm-ab.sh HEAD~1 5
set -euo pipefail
rev=${1:?usage: $0 REV [RUNS]}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-apt" "$root/bench/wasm/deps.apt"
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/old" "$rev" >/dev/null 2>&1
dotnet build "$work/old/src/Cairn.Cli" -c Release -v q -nologo -o "$work/old-cli" >/dev/null
dotnet build "$root/src/Cairn.Cli" -c Release -v q -nologo -o "$work/new-cli" >/dev/null
cpu() { # CPU seconds of one run of "$@"
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" > /dev/null 2>&1
  awk '{print $1 + $2}' "$work/time"
}
min() { echo "$1 $2" | awk '{print ($2 < $1) ? $2 : $1}'; }
printf '%-8s %9s %9s %9s   (CPU seconds, best of %s)\n' program old new new/old "$runs"
logsum=0; count=0
for src in "$root"/bench/wasm/*.c; do
  name=$(basename "$src" .c)
  clang --target=wasm32-wasi -O2 -o "$work/$name.wasm" "$src" -lm
  old=999999; new=999999
  for _ in $(seq "$runs"); do
    old=$(min "$old" "$(cpu dotnet "$work/old-cli/cairn.dll" wasm run "$work/$name.wasm")")
    new=$(min "$new" "$(cpu dotnet "$work/new-cli/cairn.dll" wasm run "$work/$name.wasm")")
  done
  ratio=$(echo "$new $old" | awk '{printf "%.2f", $1 / $2}')
  printf '%-8s %8.2fs %8.2fs %9s\n' "$name" "$old" "$new" "$ratio"
  logsum=$(echo "$logsum $ratio" | awk '{print $1 + log($2)}'); count=$((count + 1))
done
echo "$logsum $count" | awk '{printf "geometric mean new/old: %.2f\n", exp($1 / $2)}'
