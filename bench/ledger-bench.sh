#!/usr/bin/env bash
# Ledger throughput: append and replay-verify rates, with the raw P-256 verify rate measured in the
# same run as the reference. Usage: bench/ledger-bench.sh [--txs N] [--accounts N]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Cairn.Ledger.Bench -v quiet -nologo >/dev/null
exec dotnet bench/Cairn.Ledger.Bench/bin/Release/net10.0/Cairn.Ledger.Bench.dll "$@"
