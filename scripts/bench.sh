#!/usr/bin/env bash
# make bench: Go micro-benchmarks, then each product benchmark side by side
# with its peer on this machine. Figures are ratios measured in the same run.
set -uo pipefail
bin=${1:-./owr-import}
cd "$(dirname "$0")/.."
status=0
echo "== go test -bench (importer, mapping, sandbox)"
go test -run "^$" -bench . -benchmem ./importer ./mapping ./sandbox | grep -E '^(Benchmark|ok|FAIL)' || status=1
echo "== sandbox under wrk"
bash scripts/bench_sandbox.sh "$bin" || status=1
echo "== validate vs peers"
bash scripts/bench_validate.sh "$bin" || status=1
echo "== run vs peers"
bash scripts/bench_run.sh "$bin" || status=1
echo "== run --rate auto against a sandbox of 40 requests/s" && { bash scripts/bench_rate_auto.sh "$bin" || status=1; }
echo "== studio: re-check and first grid"
bash scripts/bench_studio.sh "$bin" || status=1
exit $status
