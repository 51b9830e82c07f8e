#!/usr/bin/env bash
# Benchmarks `run` against peers on the same machine, in the same run, against
# the same sandbox (in memory, no faults):
#  1. wrk at 8 connections sending distinct customers: the load generator's
#     rows/s, the ceiling of what the sandbox takes;
#  2. owr-import run --workers 8 --rate 0 over ROWS rows: rows/s over the
#     whole command (validation pass, sending, journal, result files);
#     target: at least 0.5 of wrk;
#  3. a curl-per-row shell loop, 8 at a time, the way the API documentation's
#     curl example would be scripted; target: run at least 20x faster;
#  4. --rate 200 over 2,000 rows against a fresh sandbox: effective rate within
#     2% of 200 and no one-second window above 200 + burst, read from the
#     sandbox's own request log.
set -euo pipefail
bin=$(realpath "${1:-./owr-import}")
cd "$(dirname "$0")/.."
here=$PWD/scripts
dir=$PWD/bench-out/run
rm -rf "$dir" && mkdir -p "$dir"
rows=${RUN_ROWS:-20000}
curl_rows=${CURL_ROWS:-2000}
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export BENCH_API_KEY="bench-$RANDOM$RANDOM" BENCH_CUSTOMER_KEY="bench-$RANDOM$RANDOM"
export OWR_API_KEY=$BENCH_API_KEY OWR_CUSTOMER_KEY=$BENCH_CUSTOMER_KEY

# start_sandbox: starts an in-memory sandbox and sets $url.
start_sandbox() {
	local port
	port=$(free_port)
	url="http://127.0.0.1:$port"
	"$bin" sandbox --quiet --db :memory: --addr "127.0.0.1:$port" \
		--api-key "$BENCH_API_KEY" --customer-key "$BENCH_CUSTOMER_KEY" >"$dir/sandbox-$port.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 100); do
		curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench: sandbox did not start" >&2
	exit 1
}
now() { date +%s.%N; }

go run scripts/gendata.go -rows "$rows" -first 1000 -out "$dir/run.csv"
go run scripts/gendata.go -rows "$curl_rows" -first 5000000 -out "$dir/curl.csv"
go run scripts/gendata.go -rows 2000 -first 1000 -out "$dir/rate.csv"

start_sandbox
# 1. wrk
wrk -t2 -c8 -d10s -s "$here/bench_sandbox.lua" "$url" >"$dir/wrk.out"
read -r wrk_req wrk_us < <(sed -nE 's/^BENCH requests=([0-9]+) duration_us=([0-9]+).*/\1 \2/p' "$dir/wrk.out")
wrk_rate=$(awk -v r="$wrk_req" -v us="$wrk_us" 'BEGIN{printf "%.0f", r/(us/1e6)}')

# 2. owr-import run
t0=$(now)
set +e
"$bin" run "$dir/run.csv" --mapping samples/mapping.yaml --base-url "$url" --workers 8 --rate 0 \
	--no-progress --out-dir "$dir" --summary-json "$dir/run-summary.json" >"$dir/run.out" 2>&1
rc=$?
set -e
t1=$(now)
[ "$rc" -eq 0 ] || { echo "bench: run exited $rc" >&2; cat "$dir/run.out" >&2; exit 1; }
run_rate=$(awk -v n="$rows" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", n/(b-a)}')

# 3. curl per row, 8 at a time
t0=$(now)
n=0
batch=()
while IFS=';' read -r id number name vat address pc city country phone email; do
	[ "$id" = "Klant ID" ] && continue
	curl -s -o /dev/null -X POST "$url/api/customers/" \
		-H "apikey: $BENCH_API_KEY" -H "CustomerKey: $BENCH_CUSTOMER_KEY" -H "content-type: application/json" \
		-d "{\"extCustomerId\": $id, \"extCustomerNumber\": \"$number\", \"name\": \"$name\", \"enterpriseNumber\": \"$vat\", \"address\": {\"street\": \"$address\", \"city\": \"$city\", \"postalCode\": \"$pc\", \"country\": \"belgium\"}}" &
	batch+=($!)
	n=$((n + 1))
	if [ "${#batch[@]}" -eq 8 ]; then
		wait "${batch[@]}"
		batch=()
	fi
done <"$dir/curl.csv"
[ "${#batch[@]}" -eq 0 ] || wait "${batch[@]}"
t1=$(now)
curl_rate=$(awk -v n="$curl_rows" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", n/(b-a)}')

awk -v w="$wrk_rate" -v r="$run_rate" -v c="$curl_rate" -v rows="$rows" 'BEGIN {
	printf "run --workers 8 --rate 0, %d rows: %d rows/s; wrk -c8: %d rows/s -> %.2f of the load generator (target >= 0.5)\n", rows, r, w, r/w
	printf "curl per row, 8 in parallel: %d rows/s -> run is %.1fx faster (target >= 20)\n", c, r/c
	if (r/w < 0.5 || r/c < 20) exit 1
}' || status=1

# 4. --rate 200 against a fresh sandbox
start_sandbox
set +e
"$bin" run "$dir/rate.csv" --mapping samples/mapping.yaml --base-url "$url" --workers 8 --rate 200 --burst 1 \
	--no-progress --out-dir "$dir" >"$dir/rate.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 0 ] || { echo "bench: rate run exited $rc" >&2; cat "$dir/rate.out" >&2; exit 1; }
curl -fsS "$url/api/requests" -H "apikey: $BENCH_API_KEY" -H "CustomerKey: $BENCH_CUSTOMER_KEY" >"$dir/requests.json"
go run scripts/ratecheck.go -rate 200 -burst 1 <"$dir/requests.json" || status=1
exit "${status:-0}"
