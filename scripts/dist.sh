#!/usr/bin/env bash
# make dist: one archive per platform consultants use, each holding a static
# binary (no cgo), README.md, CHANGELOG.md and the license file when the
# project has one, in a folder of the archive's name; and SHA256SUMS.
#
#   owr-import-VERSION-windows-amd64.zip     owr-import.exe
#   owr-import-VERSION-darwin-arm64.tar.gz   owr-import   (Apple silicon)
#   owr-import-VERSION-darwin-amd64.tar.gz   owr-import   (Intel Mac)
#   owr-import-VERSION-linux-amd64.tar.gz    owr-import
#
# Usage: scripts/dist.sh VERSION COMMIT DATE (the Makefile passes them).
# DIST_DIR (default dist) is where they go; GO is the go command to use.
# The archives are packed by a small Go program (no zip or tar needed), with
# every file dated DATE, so the same commit gives the same archives.
set -euo pipefail
version=${1:-dev} commit=${2:-none} date=${3:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
go=${GO:-go}
cd "$(dirname "$0")/.."
root=$PWD
out=${DIST_DIR:-dist}
case $out in /*) ;; *) out=$root/$out ;; esac

for doc in README.md CHANGELOG.md; do
	[ -f "$doc" ] || { echo "dist: $doc is missing" >&2; exit 1; }
done
docs=(README.md CHANGELOG.md)
license=
for f in LICENSE LICENSE.md LICENSE.txt COPYING; do
	if [ -f "$f" ]; then license=$f; break; fi
done
if [ -n "$license" ]; then
	docs+=("$license")
else
	echo "dist: note: the project has no license file, so the archives hold none" >&2
fi
if ! [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "dist: note: $version is not a release tag (vX.Y.Z); tag the commit to release it" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out" && mkdir -p "$out"

# The packer: archive DIR into OUT (.zip or .tar.gz by its name), or write
# the SHA256SUMS of files. Standard library only, built outside the module.
mkdir -p "$work/pack"
cat >"$work/pack/main.go" <<'EOF'
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	var err error
	switch os.Args[1] {
	case "archive": // archive OUT DIR DATE EXECUTABLE
		err = archive(os.Args[2], os.Args[3], os.Args[4], os.Args[5])
	case "sums": // sums FILE...
		err = sums(os.Args[2:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

type entry struct {
	name string // in the archive: DIR's base name / file
	data []byte
	mode int64
}

func archive(out, dir, date, executable string) error {
	mtime, err := time.Parse(time.RFC3339, date)
	if err != nil {
		mtime = time.Unix(0, 0)
	}
	mtime = mtime.UTC()
	names, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	top := filepath.Base(dir)
	var files []entry
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n.Name()))
		if err != nil {
			return err
		}
		mode := int64(0o644)
		if n.Name() == executable {
			mode = 0o755
		}
		files = append(files, entry{top + "/" + n.Name(), data, mode})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if strings.HasSuffix(out, ".zip") {
		err = writeZip(f, top, files, mtime)
	} else {
		err = writeTarGz(f, top, files, mtime)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeZip(w io.Writer, top string, files []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	dir := &zip.FileHeader{Name: top + "/", Modified: mtime}
	dir.SetMode(os.ModeDir | 0o755)
	if _, err := zw.CreateHeader(dir); err != nil {
		return err
	}
	for _, e := range files {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(os.FileMode(e.mode))
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeTarGz(w io.Writer, top string, files []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	gz.ModTime = mtime
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: top + "/", Mode: 0o755, ModTime: mtime, Format: tar.FormatPAX}); err != nil {
		return err
	}
	for _, e := range files {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: e.mode, Size: int64(len(e.data)), ModTime: mtime, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// sums writes "HASH  NAME" lines, as sha256sum -c and shasum -a 256 -c read.
func sums(paths []string) error {
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%x  %s\n", sha256.Sum256(data), filepath.Base(p))
	}
	_, err := os.Stdout.WriteString(b.String())
	return err
}
EOF
printf 'module pack\n\ngo 1.21\n' >"$work/pack/go.mod"
(cd "$work/pack" && CGO_ENABLED=0 GOOS= GOARCH= GOFLAGS= "$go" build -o "$work/packer" .)

hostos=$("$go" env GOHOSTOS) hostarch=$("$go" env GOHOSTARCH)
ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"
archives=()
for target in windows/amd64 darwin/arm64 darwin/amd64 linux/amd64; do
	os=${target%/*} arch=${target#*/}
	name=owr-import-$version-$os-$arch
	exe=owr-import
	ext=.tar.gz
	if [ "$os" = windows ]; then exe=owr-import.exe ext=.zip; fi
	stage=$work/$name
	mkdir -p "$stage"
	echo "building $name$ext"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$go" build -trimpath -ldflags "$ldflags" -o "$stage/$exe" .
	cp "${docs[@]}" "$stage/"
	# The binary this computer can run says the version it was given.
	if [ "$os/$arch" = "$hostos/$hostarch" ] && [ -x "$stage/$exe" ]; then
		said=$("$stage/$exe" version)
		case $said in
		"owr-import $version (commit $commit, built $date)") ;;
		*) echo "dist: $exe version says '$said', not $version" >&2; exit 1 ;;
		esac
	fi
	"$work/packer" archive "$out/$name$ext" "$stage" "$date" "$exe"
	archives+=("$out/$name$ext")
done
"$work/packer" sums "${archives[@]}" >"$out/SHA256SUMS"
cat "$out/SHA256SUMS"
