#!/usr/bin/env bash
# Measures `cairn add` throughput against baselines taken in the same run, on the same 256 MiB
# random file: raw single-core SHA-256 (.NET SHA256.HashData), our import with --only-hash, our
# import into an on-disk block store, and the JS reference importer (in-memory blockstore).
# Prints the ratios add -n / sha256, add / sha256, add -n / js. Then the peak RSS of
# `cairn add -n` on a 1 GiB file. Usage: bench/add-throughput.sh [SIZE_MIB] [BIG_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-256}
big_mib=${2:-1024}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building (Release)..." >&2
dotnet build bench/Cairn.Benchmarks -c Release -v q -nologo >/dev/null
dotnet build src/Cairn.Cli -c Release -v q -nologo >/dev/null
bench=bench/Cairn.Benchmarks/bin/Release/net10.0/Cairn.Benchmarks.dll
cli=src/Cairn.Cli/bin/Release/net10.0/cairn.dll

head -c $((size_mib << 20)) /dev/urandom > "$work/data.bin"
ours=$(dotnet "$bench" --ratio add "$work/data.bin")
js=$(cd tests/interop && node --no-turbo-fast-api-calls unixfs-bench.mjs "$work/data.bin" 2)
echo "$ours"
echo "$js"
val() { printf '%s\n%s\n' "$ours" "$js" | sed -n "s/^$1=//p"; }
root=$(val root); js_root=$(val js_root)
[ "$root" = "$js_root" ] || { echo "ROOT MISMATCH: ours $root, js $js_root" >&2; exit 1; }
# The whole command a user runs: process start, import into a fresh home, the syncfs that makes the
# blocks durable, and the pin. Best of 2.
cli_best=0
for run in 1 2; do
  rm -rf "$work/home"
  t0=$(date +%s.%N)
  dotnet "$cli" add -Q --home "$work/home" "$work/data.bin" > /dev/null
  t1=$(date +%s.%N)
  cli_best=$(awk -v a="$cli_best" -v b="$(awk -v t0="$t0" -v t1="$t1" -v mib="$size_mib" 'BEGIN { printf "%.1f", mib * 1.048576 / (t1 - t0) }')" 'BEGIN { print (b > a) ? b : a }')
done
rm -rf "$work/home"
echo "cli_add_durable_MBps=$cli_best"
awk -v cli="$cli_best" -v sha="$(val raw_sha256_MBps)" 'BEGIN { printf "ratio cairn add (CLI, durable, pinned) / raw sha256 = %.2f\n", cli / sha }'
awk -v sha="$(val raw_sha256_MBps)" -v n="$(val add_only_hash_MBps)" -v st="$(val add_store_MBps)" -v js="$(val js_importer_MBps)" 'BEGIN {
  printf "ratio add -n / raw sha256 = %.2f\n", n / sha
  printf "ratio add    / raw sha256 = %.2f\n", st / sha
  printf "ratio add -n / js importer = %.2f\n", n / js
}'

head -c $((big_mib << 20)) /dev/urandom > "$work/big.bin"
rm -f "$work/data.bin"
/usr/bin/time -v dotnet "$cli" add -n -Q "$work/big.bin" 2> "$work/time.txt"
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
echo "peak RSS of cairn add -n on ${big_mib} MiB: $((rss_kb / 1024)) MiB"
