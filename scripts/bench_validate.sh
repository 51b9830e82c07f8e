#!/usr/bin/env bash
# Benchmarks `validate` against peers on the same machine in the same run:
#  - a 1,000,000-row ";" CSV: owr-import validate vs a bare encoding/csv read
#    (target: at least 60% of the peer's rows/s, peak memory under 150 MB);
#  - a 100,000-row XLSX: owr-import validate vs pandas.read_excel
#    (target: at least 3x faster, peak memory under 300 MB).
# CSV validate is timed twice: as the first validate of the file (no
# validated file yet; the target) and validated again (replacing the previous
# file; shown for information).
# Each side runs five times (CSV) or three times (XLSX), alternating; the
# best time of each is compared. Every timed run starts after `sync`, so
# no run pays for the disk writes of the one before it.
set -euo pipefail
export LC_ALL=C # bash's clock and awk read decimal points, whatever the locale
bin=$(realpath "${1:-./owr-import}")
cd "$(dirname "$0")/.."
dir=bench-out/validate
mkdir -p "$dir"
csv_rows=${CSV_ROWS:-1000000}
xlsx_rows=${XLSX_ROWS:-100000}

if ! /usr/bin/python3 -c 'import pandas, openpyxl' 2>/dev/null || [ ! -x /usr/bin/time ]; then
	echo "installing python3-pandas, python3-openpyxl and time (Debian packages) for the peers" >&2
	(apt-get install -y python3-pandas python3-openpyxl time >/dev/null 2>&1) ||
		(apt-get update >/dev/null && apt-get install -y python3-pandas python3-openpyxl time >/dev/null)
fi

[ -f "$dir/big.csv" ] || go run scripts/gendata.go -rows "$csv_rows" -out "$dir/big.csv"
[ -f "$dir/big.xlsx" ] || go run scripts/gendata.go -rows "$xlsx_rows" -out "$dir/big.xlsx"
go build -o "$dir/csvpeer" scripts/csvpeer.go

# measure fresh|rerun NAME CMD...: runs CMD and appends "seconds maxRSS-KB"
# to $dir/NAME.times. "fresh" removes the previous results first (the first
# validate of a file); "rerun" keeps them, so validate replaces them (the
# same file validated again). Both start after `sync`, so that no run pays
# for the disk writes of the one before it. Seconds come from bash's clock
# (microseconds), peak memory from /usr/bin/time.
measure() {
	local mode=$1 name=$2
	shift 2
	if [ "$mode" = fresh ]; then
		rm -f "$dir"/big.validated.csv "$dir"/big.validated.xlsx
	fi
	sync
	local start=$EPOCHREALTIME
	/usr/bin/time -f "%M" -o "$dir/$name.last" "$@" >/dev/null 2>"$dir/$name.err" || {
		local rc=$?
		# validate exits 1 when some rows are invalid; anything else is a failure
		if [ "$rc" -ne 1 ]; then
			echo "$name failed (exit $rc):" >&2
			cat "$dir/$name.err" >&2
			exit 1
		fi
	}
	local end=$EPOCHREALTIME
	echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }') $(tail -n1 "$dir/$name.last")" >>"$dir/$name.times"
}
best() { sort -n "$dir/$1.times" | head -n1; }

rm -f "$dir"/*.times
for _ in 1 2 3 4 5; do
	measure fresh csvpeer "$dir/csvpeer" "$dir/big.csv"
	measure fresh validate_csv "$bin" validate "$dir/big.csv" --mapping samples/mapping.yaml --out-dir "$dir"
	measure rerun validate_csv_again "$bin" validate "$dir/big.csv" --mapping samples/mapping.yaml --out-dir "$dir"
done
for _ in 1 2 3; do
	measure fresh pandas /usr/bin/python3 scripts/pandas_peer.py "$dir/big.xlsx"
	measure fresh validate_xlsx "$bin" validate "$dir/big.xlsx" --mapping samples/mapping.yaml --out-dir "$dir"
done

read -r peer_s peer_kb < <(best csvpeer)
read -r val_s val_kb < <(best validate_csv)
read -r again_s again_kb < <(best validate_csv_again)
read -r pd_s pd_kb < <(best pandas)
read -r vx_s vx_kb < <(best validate_xlsx)
# csvline LABEL SECONDS KB TARGET: one line of the CSV comparison; with
# TARGET "gate" it fails below 60% of the peer's rows/s or at 150 MB and more.
csvline() {
	awk -v label="$1" -v rows="$csv_rows" -v ps="$peer_s" -v vs="$2" -v vkb="$3" -v pkb="$peer_kb" -v gate="$4" 'BEGIN {
		ratio = ps / vs
		target = gate == "gate" ? "target >= 60%, memory < 150 MB" : "for information: the extra time is the deletion of the previous validated file"
		printf "validate CSV  %d rows, %s: %.3f s (%.0f rows/s, peak %.0f MB) vs bare encoding/csv read %.3f s (%.0f rows/s, %.0f MB): %.0f%% of the peer'"'"'s rows/s (%s)\n", rows, label, vs, rows/vs, vkb/1024, ps, rows/ps, pkb/1024, 100*ratio, target
		if (gate == "gate" && (ratio < 0.6 || vkb/1024 >= 150)) exit 1
	}'
}
# The target is the issue's case, validating the file as a fresh clone would:
# no results file yet. Validating it again is shown beside it.
csvline "first validate" "$val_s" "$val_kb" gate || status=1
csvline "validated again, replacing its file" "$again_s" "$again_kb" info
awk -v rows="$xlsx_rows" -v ps="$pd_s" -v vs="$vx_s" -v vkb="$vx_kb" -v pkb="$pd_kb" 'BEGIN {
	ratio = ps / vs
	printf "validate XLSX %d rows: %.2f s (peak %.0f MB) vs pandas.read_excel %.2f s (%.0f MB): %.1fx faster (target >= 3x, memory < 300 MB)\n", rows, vs, vkb/1024, ps, pkb/1024, ratio
	if (ratio < 3 || vkb/1024 >= 300) exit 1
}' || status=1
exit "${status:-0}"
