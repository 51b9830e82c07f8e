#!/usr/bin/env bash
# make fuzz: runs every fuzz target of every package for FUZZTIME (default
# 60s) each, one after the other (go test -fuzz takes one target at a time).
# New crashers land in the package's testdata/fuzz/ and fail the script.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
status=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		# A short minimizing time: with the default (60 s) the workbook
		# fuzzers spend the whole run shrinking one input.
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 3s "$pkg"; then
			status=1
		fi
	done
done
exit $status
