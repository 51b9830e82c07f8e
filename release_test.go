package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// needTools skips a test that runs a shell script when a tool is missing.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("release scripts run on macOS and Linux")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

// TestMakeVersion plays a repository's history and asks the Makefile which
// version `make build` and `make dist` would stamp at each point.
func TestMakeVersion(t *testing.T) {
	needTools(t, "git", "make")
	makefile, err := filepath.Abs("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	commit := func(text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(repo, "file.txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		git("add", "file.txt")
		git("commit", "-q", "-m", text)
	}
	git("init", "-q")
	steps := []struct {
		name string
		do   func()
		want string // a regular expression for the whole version
	}{
		{"no tag yet", func() { commit("one") }, `dev`},
		{"on a release tag", func() { git("tag", "v0.3.0") }, `v0\.3\.0`},
		{"two commits after it", func() { commit("two"); commit("three") }, `v0\.3\.0-2-g[0-9a-f]{7,}`},
		{"other tags do not count", func() { git("tag", "demo-for-client") }, `v0\.3\.0-2-g[0-9a-f]{7,}`},
		{"changes not committed", func() { os.WriteFile(filepath.Join(repo, "file.txt"), []byte("edited"), 0o644) }, `v0\.3\.0-2-g[0-9a-f]{7,}-dirty`},
		{"the next release", func() { commit("four"); git("tag", "-a", "-m", "v0.4.0", "v0.4.0") }, `v0\.4\.0`},
	}
	for _, s := range steps {
		s.do()
		cmd := exec.Command("make", "-s", "--no-print-directory", "-C", repo, "-f", makefile, "version")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: make version: %v\n%s", s.name, err, out)
		}
		if got := strings.TrimSpace(string(out)); !regexp.MustCompile(`^` + s.want + `$`).MatchString(got) {
			t.Errorf("%s: version %q, want %s", s.name, got, s.want)
		}
	}
}

// fakeGo stands in for go in TestDistArchives: a build with -ldflags writes
// a small file holding its target and flags instead of compiling four
// binaries; everything else (go env, building the packer) is the real go.
const fakeGo = `#!/usr/bin/env bash
if [ "$1" = build ]; then
	out= ldflags=
	args=("$@")
	for ((i = 0; i < ${#args[@]}; i++)); do
		case ${args[i]} in
		-o) out=${args[i+1]} ;;
		-ldflags) ldflags=${args[i+1]} ;;
		esac
	done
	if [ -n "$ldflags" ]; then
		printf 'stub %s/%s %s\n' "$GOOS" "$GOARCH" "$ldflags" >"$out"
		exit 0
	fi
fi
exec REALGO "$@"
`

// TestDistArchives runs scripts/dist.sh as `make dist` would on a tagged
// commit and checks what a consultant downloads: an archive per platform
// named after the version, holding the binary, README.md and CHANGELOG.md
// (and the license file, when the project has one), and SHA256SUMS.
func TestDistArchives(t *testing.T) {
	needTools(t, "bash", "go")
	realGo, _ := exec.LookPath("go")
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(strings.ReplaceAll(fakeGo, "REALGO", realGo)), 0o755); err != nil {
		t.Fatal(err)
	}
	dist := func(dir string) {
		t.Helper()
		cmd := exec.Command("bash", "scripts/dist.sh", "v0.3.0", "abc1234", "2026-11-30T10:00:00Z")
		cmd.Env = append(os.Environ(), "GO="+filepath.Join(bin, "go"), "DIST_DIR="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("dist.sh: %v\n%s", err, out)
		}
	}
	dir, again := t.TempDir(), t.TempDir()
	dist(dir)
	dist(again)

	docs := []string{"README.md", "CHANGELOG.md"}
	for _, name := range []string{"LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"} {
		if _, err := os.Stat(name); err == nil {
			docs = append(docs, name)
			break
		}
	}
	archives := []struct{ name, target, binary string }{
		{"owr-import-v0.3.0-windows-amd64.zip", "windows/amd64", "owr-import.exe"},
		{"owr-import-v0.3.0-darwin-arm64.tar.gz", "darwin/arm64", "owr-import"},
		{"owr-import-v0.3.0-darwin-amd64.tar.gz", "darwin/amd64", "owr-import"},
		{"owr-import-v0.3.0-linux-amd64.tar.gz", "linux/amd64", "owr-import"},
	}
	var wantFiles []string
	for _, a := range archives {
		wantFiles = append(wantFiles, a.name)
	}
	wantFiles = append(wantFiles, "SHA256SUMS")
	slices.Sort(wantFiles)
	if got := listDir(t, dir); !slices.Equal(got, wantFiles) {
		t.Fatalf("dist holds %v, want %v", got, wantFiles)
	}

	sums := readSums(t, filepath.Join(dir, "SHA256SUMS"))
	for _, a := range archives {
		t.Run(a.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, a.name))
			if err != nil {
				t.Fatal(err)
			}
			if h := sha256.Sum256(data); sums[a.name] != hex.EncodeToString(h[:]) {
				t.Errorf("SHA256SUMS says %q, the file hashes to %x", sums[a.name], h)
			}
			if other, _ := os.ReadFile(filepath.Join(again, a.name)); !bytes.Equal(data, other) {
				t.Error("a second make dist of the same commit gave another archive")
			}
			top := strings.TrimSuffix(strings.TrimSuffix(a.name, ".zip"), ".tar.gz") + "/"
			files := readArchive(t, a.name, data)
			var names []string
			for name := range files {
				names = append(names, name)
			}
			want := []string{top + a.binary}
			for _, d := range docs {
				want = append(want, top+d)
			}
			slices.Sort(names)
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Fatalf("archive holds %v, want %v", names, want)
			}
			binFile := files[top+a.binary]
			if binFile.mode&0o111 == 0 {
				t.Errorf("%s is not executable (mode %o)", a.binary, binFile.mode)
			}
			stamp := string(binFile.data)
			for _, w := range []string{"stub " + a.target + " ", "-X main.version=v0.3.0", "-X main.commit=abc1234", "-X main.date=2026-11-30T10:00:00Z"} {
				if !strings.Contains(stamp, w) {
					t.Errorf("the binary was built without %q: %s", w, stamp)
				}
			}
			for _, d := range docs {
				orig, _ := os.ReadFile(d)
				if !bytes.Equal(files[top+d].data, orig) {
					t.Errorf("%s in the archive differs from the repository's", d)
				}
			}
		})
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// readSums reads a SHA256SUMS file as sha256sum -c expects it.
func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		m := regexp.MustCompile(`^([0-9a-f]{64})  (\S+)$`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("SHA256SUMS line %q is not `HASH  NAME`", line)
		}
		sums[m[2]] = m[1]
	}
	return sums
}

type archived struct {
	mode os.FileMode
	data []byte
}

// readArchive returns the regular files of a .zip or .tar.gz by name.
func readArchive(t *testing.T, name string, data []byte) map[string]archived {
	t.Helper()
	files := map[string]archived{}
	if strings.HasSuffix(name, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name] = archived{f.Mode(), b}
		}
		return files
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = archived{os.FileMode(h.Mode), b}
	}
}

// TestVersionLine: what `owr-import version` prints, from the Makefile's
// stamp, or from what go build recorded when nothing was stamped.
func TestVersionLine(t *testing.T) {
	built := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "owr-import", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	tests := []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{
		{"make build on a tag", "v0.3.0", "abc1234", "2026-11-30T10:00:00Z", built("(devel)"),
			"owr-import v0.3.0 (commit abc1234, built 2026-11-30T10:00:00Z)"},
		{"make build between tags", "v0.3.0-4-gdef5678", "def5678", "2026-12-01T08:00:00Z", nil,
			"owr-import v0.3.0-4-gdef5678 (commit def5678, built 2026-12-01T08:00:00Z)"},
		{"go build on a tag", "dev", "none", "unknown",
			built("v0.3.0", "vcs.revision", "abc1234def5678abc1234def5678abc1234def56", "vcs.time", "2026-11-30T09:00:00Z", "vcs.modified", "false"),
			"owr-import v0.3.0 (commit abc1234, committed 2026-11-30T09:00:00Z)"},
		{"go build of changed files", "dev", "none", "unknown",
			built("v0.3.1-0.20261130090000-abc1234def56+dirty", "vcs.revision", "abc1234def5678abc1234def5678abc1234def56", "vcs.time", "2026-11-30T09:00:00Z", "vcs.modified", "true"),
			"owr-import v0.3.1-0.20261130090000-abc1234def56+dirty (commit abc1234, committed 2026-11-30T09:00:00Z)"},
		{"go test, go run: nothing known", "dev", "none", "unknown", built("(devel)"),
			"owr-import dev (commit none, built unknown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionLine(tt.version, tt.commit, tt.date, tt.info); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestVersionCommand runs `owr-import version` in-process on a stamped build.
func TestVersionCommand(t *testing.T) {
	saved := [3]string{version, commit, date}
	t.Cleanup(func() { version, commit, date = saved[0], saved[1], saved[2] })
	version, commit, date = "v0.3.0", "abc1234", "2026-11-30T10:00:00Z"
	code, out, errOut := runCLI(t, nil, "version")
	if code != 0 || out != "owr-import v0.3.0 (commit abc1234, built 2026-11-30T10:00:00Z)\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
