#!/usr/bin/env bash
# Benchmarks --rate auto against the sandbox's capacity model, side by side
# in one run, each against its own in-memory sandbox serving 40 creates a
# second (--capacity 40; the client is not told), on loopback:
#  auto   --rate auto --workers 16 over ROWS rows
#  fixed  the default --rate 10 over the same rows
#  blind  --rate 100 --workers 16: a guess, for its 429/503 share and time
#  drop   --rate auto --workers 16, the capacity halved to 20/s DROP_AFTER
#         seconds into the run (PUT /sandbox/capacity)
#  next   once auto is done: another ROWS/4 rows into the same migration,
#         to show it starts near the rate auto settled on
# The four run at the same time (the default rate alone takes ROWS/10 s).
# scripts/rateauto_check.go then prints the figures side by side and checks
# the targets (docs/rate-auto.md); the script exits 1 when one is missed.
set -euo pipefail
bin=$(realpath "${1:-./owr-import}")
cd "$(dirname "$0")/.."
dir=$PWD/bench-out/rate-auto
rm -rf "$dir" && mkdir -p "$dir"
rows=${RATE_ROWS:-4000}
capacity=${RATE_CAPACITY:-40}
drop_after=${DROP_AFTER:-50}

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export BENCH_API_KEY="bench-$RANDOM$RANDOM" BENCH_CUSTOMER_KEY="bench-$RANDOM$RANDOM"
export OWR_API_KEY=$BENCH_API_KEY OWR_CUSTOMER_KEY=$BENCH_CUSTOMER_KEY
auth=(-H "apikey: $BENCH_API_KEY" -H "CustomerKey: $BENCH_CUSTOMER_KEY")

# start_sandbox NAME: an in-memory sandbox with the capacity; its URL in NAME.url.
start_sandbox() {
	local port url
	port=$(free_port)
	url="http://127.0.0.1:$port"
	"$bin" sandbox --quiet --db :memory: --addr "127.0.0.1:$port" --capacity "$capacity" \
		--api-key "$BENCH_API_KEY" --customer-key "$BENCH_CUSTOMER_KEY" >"$dir/$1.sandbox.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 100); do
		if curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then
			echo "$url" >"$dir/$1.url"
			return 0
		fi
		sleep 0.1
	done
	echo "bench: sandbox $1 did not start" >&2
	exit 1
}

# run_import NAME INPUT URL-OF FLAGS...: one owr-import run into its own
# folder; its wall time, summary, ledger and the sandbox's request log are
# left as NAME.* in $dir.
run_import() {
	local name=$1 input=$2 url t0 t1 rc=0
	url=$(cat "$dir/$3.url")
	shift 3
	mkdir -p "$dir/${out_dir:-$name}.out"
	t0=$(date +%s.%N)
	"$bin" run "$input" --mapping samples/mapping.yaml --base-url "$url" --out-dir "$dir/${out_dir:-$name}.out" \
		--summary-json "$dir/$name.summary.json" "$@" >"$dir/$name.stdout" 2>"$dir/$name.progress" || rc=$?
	t1=$(date +%s.%N)
	# Exit code 1 (some rows not created) is the blind guess's to show, not a crash.
	[ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && [ "$name" = blind ]; } || { echo "bench: $name exited $rc" >&2; cat "$dir/$name.stdout" >&2; return 1; }
	awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f\n", b-a}' >"$dir/$name.secs"
	curl -fsS "$url/api/requests" "${auth[@]}" >"$dir/$name.requests.json"
	cp "$dir/${out_dir:-$name}.out"/owr-import.*.ledger.csv "$dir/$name.ledger.csv"
}

go run scripts/gendata.go -rows "$rows" -first 1000 -out "$dir/export.csv" >/dev/null
go run scripts/gendata.go -rows $((rows / 4)) -first 900000 -out "$dir/export_more.csv" >/dev/null
for s in auto fixed blind drop; do start_sandbox "$s"; done

(run_import auto "$dir/export.csv" auto --rate auto --workers 16 &&
	out_dir=auto run_import next "$dir/export_more.csv" auto --rate auto --workers 16) &
runs=($!)
run_import fixed "$dir/export.csv" fixed & runs+=($!)
run_import blind "$dir/export.csv" blind --rate 100 --workers 16 & runs+=($!)
(
	sleep "$drop_after"
	date -u +%Y-%m-%dT%H:%M:%S.%NZ >"$dir/drop.at"
	curl -fsS -X PUT "$(cat "$dir/drop.url")/sandbox/capacity" "${auth[@]}" -d "$((capacity / 2))" >/dev/null
) &
pids+=($!)
run_import drop "$dir/export.csv" drop --rate auto --workers 16 & runs+=($!)
status=0
for p in "${runs[@]}"; do wait "$p" || status=1; done

echo "progress lines of --rate auto (stderr, one every 10 s):"
sed 's/^/  /' "$dir/auto.progress"
echo "its summary:"
grep -A3 '^Rate:' "$dir/auto.stdout" | sed 's/^/  /'
echo "the run whose capacity was halved:"
grep -A3 '^Rate:' "$dir/drop.stdout" | sed 's/^/  /'
go run scripts/rateauto_check.go -dir "$dir" -capacity "$capacity" -rows "$rows" || status=1
exit $status
