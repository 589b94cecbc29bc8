#!/usr/bin/env bash
# The whole loop's speed on the embedded node: submit-to-completed latency (p50/p99) and sustained
# jobs/s for a trivial Wasm job with settlement on, against baselines measured in the same run
# (the same loop with the market off, and a bare WasiRunner call of the same module).
# Usage: bench/loop-bench.sh [--latency-jobs N] [--throughput-jobs N] [--workers N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Cairn.Node.Bench -v quiet -nologo >/dev/null
exec dotnet bench/Cairn.Node.Bench/bin/Release/net10.0/Cairn.Node.Bench.dll "$@"
