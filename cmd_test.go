package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"owr-import/sandbox"
)

// runCLI runs the command line in-process with the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, k := range []string{"OWR_API_KEY", "OWR_CUSTOMER_KEY"} {
		t.Setenv(k, env[k])
	}
	var out, errb bytes.Buffer
	code = run(args, &streams{out: &out, err: &errb, getenv: os.Getenv})
	return code, out.String(), errb.String()
}

func TestExitCodesAndMessages(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string // in stderr
		wantOut  string // in stdout
	}{
		{"version", nil, []string{"version"}, 0, "", "owr-import "},
		{"rate NaN", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "NaN"}, 2, "--rate must be", ""},
		{"rate Inf", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "+Inf"}, 2, "--rate must be", ""},
		{"rate absurd", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "1e9"}, 2, "--rate must be", ""},
		{"rate negative", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "-1"}, 2, "--rate must be", ""},
		{"rate a word", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "fast"}, 2, "--rate must be", ""},
		{"rate auto", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "Auto", "--no-progress", "--out-dir", dir}, 1, "", "Rate: --rate auto settled on"},
		{"rate-max NaN", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "auto", "--rate-max", "NaN"}, 2, "--rate-max must be", ""},
		{"rate-max zero", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "auto", "--rate-max", "0"}, 2, "--rate-max must be", ""},
		{"rate-max without auto", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--rate", "5", "--rate-max", "20"}, 2, "--rate-max is the ceiling of --rate auto", ""},
		{"max-invalid NaN", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--max-invalid", "NaN%"}, 2, "--max-invalid", ""},
		{"timeout absurd", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--timeout", "100h"}, 2, "--timeout must be", ""},
		{"burst negative", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--burst", "-1"}, 2, "--burst must be", ""},
		{"dry run exits as validate", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--dry-run", "--show", "11"}, 1, "", "row 11 is invalid and would not be sent"},
		{"bad --show", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--dry-run", "--show", "9-2"}, 2, "--show", ""},
		{"no file", nil, []string{"validate", "--mapping", "samples/mapping.yaml"}, 2, "name the export file", ""},
		{"unknown flag", nil, []string{"validate", "x.csv", "--mapingg", "m.yaml"}, 2, "unknown flag", ""},
		{"missing mapping file", nil, []string{"validate", "samples/customers.csv", "--mapping", filepath.Join(dir, "nope.yaml")}, 2, "nope.yaml", ""},
		{"no target", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml"}, 2, "--sandbox", ""},
		{"two targets", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--env", "dev"}, 2, "only one target", ""},
		{"no keys", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--env", "dev"}, 2, "OWR_API_KEY and OWR_CUSTOMER_KEY not set", ""},
		{"plain http off loopback", map[string]string{"OWR_API_KEY": "a", "OWR_CUSTOMER_KEY": "b"},
			[]string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--base-url", "http://example.com"}, 2, "http", ""},
		{"bad env", map[string]string{"OWR_API_KEY": "a", "OWR_CUSTOMER_KEY": "b"},
			[]string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--env", "staging"}, 2, "staging", ""},
		{"bad max-invalid", nil, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--sandbox", "--max-invalid", "lots"}, 2, "--max-invalid", ""},
		{"validate samples", nil, []string{"validate", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--out-dir", dir}, 1, "", "invalid"},
		{"not a workbook", nil, []string{"validate", "samples/mapping.yaml", "--mapping", "samples/mapping.yaml"}, 2, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.env, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.wantErr)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout %q does not mention %q", out, tt.wantOut)
			}
			if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
				t.Errorf("stack trace printed: %s", errOut)
			}
		})
	}
}

func TestMappingInitThenValidate(t *testing.T) {
	dir := t.TempDir()
	for _, input := range []string{"samples/customers.csv", "samples/customers.xlsx"} {
		t.Run(filepath.Ext(input), func(t *testing.T) {
			m := filepath.Join(dir, "mapping"+filepath.Ext(input)+".yaml")
			code, _, errOut := runCLI(t, nil, "mapping", "init", input, "-o", m)
			if code != 0 {
				t.Fatalf("mapping init: exit %d: %s", code, errOut)
			}
			if code, _, errOut := runCLI(t, nil, "mapping", "init", input, "-o", m); code != 2 || !strings.Contains(errOut, "--force") {
				t.Errorf("second init over an existing file: exit %d, %s", code, errOut)
			}
			code, out, errOut := runCLI(t, nil, "validate", input, "--mapping", m, "--out-dir", dir)
			if code != 1 {
				t.Fatalf("validate with the guessed mapping: exit %d\n%s\n%s", code, out, errOut)
			}
			// The planted problems are found with the guessed mapping, as with the hand-written one.
			for _, want := range []string{"valid", "invalid", "duplicate"} {
				if !strings.Contains(out, want) {
					t.Errorf("summary lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// TestKeysNeverWritten runs every command with known keys and looks for them
// in everything the tool printed or wrote.
func TestKeysNeverWritten(t *testing.T) {
	const apiKey, customerKey = "SECRET-api-key-4711", "SECRET-customer-key-0815"
	srv, err := sandbox.Start(sandbox.Config{APIKey: apiKey, CustomerKey: customerKey, DB: ":memory:"}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	env := map[string]string{"OWR_API_KEY": apiKey, "OWR_CUSTOMER_KEY": customerKey}
	wrongEnv := map[string]string{"OWR_API_KEY": apiKey + "-wrong", "OWR_CUSTOMER_KEY": customerKey}
	var printed strings.Builder
	for _, c := range []struct {
		env  map[string]string
		args []string
	}{
		{env, []string{"mapping", "init", "samples/customers.xlsx", "-o", filepath.Join(dir, "m.yaml")}},
		{env, []string{"validate", "samples/customers.xlsx", "--mapping", "samples/mapping.yaml", "--out-dir", dir}},
		{env, []string{"run", "samples/customers.xlsx", "--mapping", "samples/mapping.yaml", "--dry-run", "--out-dir", dir}},
		{env, []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--base-url", srv.URL, "--out-dir", dir, "--rate", "0", "--summary-json", filepath.Join(dir, "s.json")}},
		{wrongEnv, []string{"run", "samples/customers.xlsx", "--mapping", "samples/mapping.yaml", "--base-url", srv.URL, "--out-dir", dir, "--rate", "0"}},
		{env, []string{"run", "samples/customers.xlsx", "--mapping", "samples/mapping.yaml", "--base-url", srv.URL, "--out-dir", dir, "--rate", "0"}},
		{nil, []string{"status", "--base-url", srv.URL, "--out-dir", dir, "--summary-json", filepath.Join(dir, "status.json")}},
	} {
		code, out, errOut := runCLI(t, c.env, c.args...)
		if code == 2 {
			t.Errorf("%v: exit 2: %s", c.args, errOut)
		}
		printed.WriteString(out + errOut)
	}
	files, _ := os.ReadDir(dir)
	if len(files) < 6 {
		t.Errorf("expected result, failed-rows and ledger files, got %d files", len(files))
	}
	for _, secret := range []string{apiKey, customerKey} {
		if strings.Contains(printed.String(), secret) {
			t.Errorf("a key was printed")
		}
		for _, f := range files {
			data := fileText(t, filepath.Join(dir, f.Name()))
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("a key was written into %s", f.Name())
			}
		}
	}
}

// fileText is a file's bytes, with a workbook unzipped so its cells can be
// searched as text.
func fileText(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(path) != ".xlsx" {
		return data
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s is not a workbook: %v", path, err)
	}
	var all bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(&all, rc)
		rc.Close()
	}
	if !bytes.Contains(all.Bytes(), []byte("owr_status")) {
		t.Fatalf("unzipped %s but found no owr_status header: the search would prove nothing", path)
	}
	return all.Bytes()
}

// TestKeysNeverShownByAnEchoingAPI runs every command against an API that
// answers each create with 400 and both keys echoed in many shapes, then
// searches everything printed and written, in any spacing or case, for
// either key.
func TestKeysNeverShownByAnEchoingAPI(t *testing.T) {
	const apiKey, customerKey = "Zq7-ECHO-api-K3y-55xr", "Wv9-ECHO-cust-K3y-81pm"
	echo := func(k string) []string {
		spaced := strings.Join(strings.Split(k, ""), " ")
		return []string{k, strings.ToUpper(k), strings.ToLower(k), spaced, strings.ReplaceAll(k, "-", "\t-"),
			url.QueryEscape(k), strings.ReplaceAll(k, "-", "\\u002d"), k[:8] + "\n" + k[8:]}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var shapes []string
		for _, k := range []string{r.Header.Get("apikey"), r.Header.Get("CustomerKey")} {
			shapes = append(shapes, echo(k)...)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		b, _ := json.Marshal(map[string]string{"errorCode": "BAD_" + r.Header.Get("apikey"), "message": "invalid request for " + strings.Join(shapes, " / ")})
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	env := map[string]string{"OWR_API_KEY": apiKey, "OWR_CUSTOMER_KEY": customerKey}
	var printed strings.Builder
	for _, args := range [][]string{
		{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--base-url", srv.URL, "--out-dir", dir, "--rate", "0", "--summary-json", filepath.Join(dir, "s.json")},
		{"run", "samples/customers.xlsx", "--mapping", "samples/mapping.yaml", "--base-url", srv.URL, "--out-dir", dir, "--rate", "0"},
		{"status", "--base-url", srv.URL, "--out-dir", dir},
	} {
		code, out, errOut := runCLI(t, env, args...)
		if code == 2 || code == 0 {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
		printed.WriteString(out + errOut)
	}
	// A key shows if its letters appear in order with only spacing,
	// escaping or case between them.
	squash := func(s string) string {
		s = strings.ToLower(s)
		for _, junk := range []string{" ", "\t", "\n", "\\u002d", "\\t", "\\n", "%2d", "-", `\`} {
			s = strings.ReplaceAll(s, junk, "")
		}
		return s
	}
	files, _ := os.ReadDir(dir)
	texts := map[string]string{"stdout and stderr": printed.String()}
	for _, f := range files {
		if !f.IsDir() {
			texts[f.Name()] = string(fileText(t, filepath.Join(dir, f.Name())))
		}
	}
	if !strings.Contains(printed.String(), "rejected") {
		t.Fatalf("the rows were not rejected by the echoing API: the search would prove nothing:\n%.2000s", printed.String())
	}
	for where, text := range texts {
		for _, k := range []string{apiKey, customerKey} {
			if strings.Contains(squash(text), squash(k)) {
				t.Errorf("a key shows in %s", where)
			}
		}
	}
}

// TestCAFile: an API whose certificate this computer does not trust stops
// the run at once with exit 3 and a message about the certificate; with
// --ca-file naming its authority the same run goes through.
func TestCAFile(t *testing.T) {
	h, err := sandbox.NewHandler(sandbox.Config{APIKey: "ca-test-api-key-1", CustomerKey: "ca-test-cust-key-1", DB: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	dir := t.TempDir()
	env := map[string]string{"OWR_API_KEY": "ca-test-api-key-1", "OWR_CUSTOMER_KEY": "ca-test-cust-key-1"}
	args := []string{"run", "samples/customers.csv", "--mapping", "samples/mapping.yaml", "--base-url", srv.URL, "--out-dir", dir, "--rate", "0", "--no-progress"}
	code, out, errOut := runCLI(t, env, args...)
	if code != 3 || !strings.Contains(out+errOut, "certificate") {
		t.Fatalf("untrusted API: exit %d\n%s%s", code, out, errOut)
	}
	ca := filepath.Join(dir, "proxy-root.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, env, append(args, "--ca-file", ca)...)
	if code != 1 || !strings.Contains(out, "created") {
		t.Fatalf("with --ca-file: exit %d\n%s%s", code, out, errOut)
	}
}
