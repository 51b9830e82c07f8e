#!/usr/bin/env bash
# Measure how many customers per second the sandbox creates in its SQLite file
# store under wrk (2 threads, 8 connections, 10 s), every request a distinct
# customer. Usage: scripts/bench_sandbox.sh ./owr-import
# Prints one line "sandbox: N created/s (...)" and fails below MIN_RATE.
set -euo pipefail

BINARY=${1:?usage: $0 path/to/owr-import}
MIN_RATE=${MIN_RATE:-3000}
THREADS=2 CONNS=8 DURATION=10s
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk (Debian package)..." >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } || {
    echo "bench: cannot install wrk; install it (apt-get install wrk) and retry" >&2; exit 1; }
fi

tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A free loopback port: ask the kernel for one, then release it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))
url="http://127.0.0.1:$port"
export BENCH_API_KEY="bench-$RANDOM$RANDOM" BENCH_CUSTOMER_KEY="bench-$RANDOM$RANDOM"

"$BINARY" sandbox --quiet --db "$tmp/bench.db" --addr "127.0.0.1:$port" \
  --api-key "$BENCH_API_KEY" --customer-key "$BENCH_CUSTOMER_KEY" >"$tmp/sandbox.log" 2>&1 &
pid=$!

ready=
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then ready=1; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [[ -z $ready ]]; then
  echo "bench: the sandbox did not become healthy on $url:" >&2
  cat "$tmp/sandbox.log" >&2
  exit 1
fi

wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$here/bench_sandbox.lua" "$url" >"$tmp/wrk.out"
summary=$(grep '^BENCH ' "$tmp/wrk.out" || true)
if [[ -z $summary ]]; then
  echo "bench: wrk printed no summary:" >&2; cat "$tmp/wrk.out" >&2; exit 1
fi
duration_us=$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$summary")

# Count what the store really holds, not what wrk believes it sent.
stored=$(curl -fsS "$url/api/customers" -H "apikey: $BENCH_API_KEY" -H "CustomerKey: $BENCH_CUSTOMER_KEY" \
  | grep -o '"customerId":' | wc -l)

kill -TERM "$pid"; wait "$pid" || true; pid=

rate=$(( stored * 1000000 / duration_us ))
echo "sandbox: $rate created/s (wrk -t$THREADS -c$CONNS -d$DURATION, SQLite file store)"
echo "  ($stored customers stored in $(awk "BEGIN{printf \"%.2f\", $duration_us/1e6}") s; wrk: $summary)" >&2
if (( rate < MIN_RATE )); then
  echo "bench: below the $MIN_RATE/s target" >&2
  exit 1
fi
