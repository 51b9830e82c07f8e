#!/usr/bin/env bash
# make demo: a real import of samples/customers.xlsx into the built-in
# sandbox (in memory, no keys, no network), into a fresh demo-out/ folder.
# The run's own exit code 1 (some rows not created) is the expected outcome;
# the demo fails only when the run did not go as designed.
set -uo pipefail
bin=${1:-./owr-import}
cd "$(dirname "$0")/.."
out=demo-out
rm -rf "$out" && mkdir -p "$out"

echo "== owr-import run samples/customers.xlsx --mapping samples/mapping.yaml --sandbox --out-dir $out"
"$bin" run samples/customers.xlsx --mapping samples/mapping.yaml --sandbox \
	--out-dir "$out" --rate 20 --summary-json "$out/summary.json"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
	echo "demo: the run failed (exit code $rc)" >&2
	exit 1
fi
for status in created invalid duplicate conflict; do
	if ! grep -q "\"$status\": [1-9]" "$out/summary.json"; then
		echo "demo: expected at least one '$status' row, see $out/summary.json" >&2
		exit 1
	fi
done
echo
echo "Demo done (exit code $rc: some rows were, as planned, not created)."
echo "Open $out/customers.results.xlsx for every row and $out/customers.failed.xlsx for the rows to fix."
echo "$out/customers.report.html is the one-page report to send the client; \"$bin studio\" does the same migration in your browser."
