#!/usr/bin/env bash
# make dist: static binaries without cgo for the laptops consultants use,
# with SHA-256 checksums, in dist/.
set -euo pipefail
version=${1:-dev} commit=${2:-none} date=${3:-unknown}
cd "$(dirname "$0")/.."
rm -rf dist && mkdir -p dist
ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"
for target in windows/amd64 darwin/arm64 darwin/amd64 linux/amd64; do
	os=${target%/*} arch=${target#*/}
	out="dist/owr-import-$version-$os-$arch"
	[ "$os" = windows ] && out="$out.exe"
	echo "building $out"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "$ldflags" -o "$out" .
done
(cd dist && sha256sum owr-import-* >SHA256SUMS)
cat dist/SHA256SUMS
