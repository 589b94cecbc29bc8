#!/usr/bin/env bash
# Scheduling latency with many registered nodes: p50/p99 per placement (one evaluation pass, real
# SqliteJobStore, every ranker) with N simulated nodes vs 1 node, in the same run.
# Usage: bench/scheduler-bench.sh [--nodes N] [--jobs N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Cairn.Scheduler.Bench -v quiet -nologo >/dev/null
exec dotnet bench/Cairn.Scheduler.Bench/bin/Release/net10.0/Cairn.Scheduler.Bench.dll "$@"
