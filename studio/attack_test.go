package studio

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"owr-import/internal/sandboxtest"
	"owr-import/mapping"
	"owr-import/sandbox"
)

// TestGuardRefusesOtherSites: what another web page, a rebound DNS name or
// a stolen-looking address can try. Each must be refused before any
// handler runs; only the studio's own page with its cookie gets through.
func TestGuardRefusesOtherSites(t *testing.T) {
	srv, _ := startStudio(t, "customers.csv")
	port, own := srv.port, srv.Origin()
	cookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: srv.cookieName(), Value: srv.token}) }
	with := func(host, origin, ctype, site string) func(r *http.Request) {
		return func(r *http.Request) {
			cookie(r)
			if host != "" {
				r.Host = host
			}
			if origin != "" {
				r.Header.Set("Origin", origin)
			}
			if ctype != "" {
				r.Header.Set("Content-Type", ctype)
			}
			if site != "" {
				r.Header.Set("Sec-Fetch-Site", site)
			}
		}
	}
	tests := []struct {
		name, method, path string
		set                func(r *http.Request)
		want               int
	}{
		{"no token at all", "GET", "/", nil, 403},
		{"token only in the query of a later request", "GET", "/api/state?t=" + srv.token, nil, 403},
		{"token in the query of a POST", "POST", "/api/quit?t=" + srv.token, func(r *http.Request) { r.Header.Set("Origin", own) }, 403},
		{"token of another length", "GET", "/api/files", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: srv.cookieName(), Value: srv.token + "0"})
		}, 403},
		{"cookie of another studio's name", "GET", "/api/files", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: "owr_studio_1", Value: srv.token})
		}, 403},
		{"host evil.example", "GET", "/api/files", with("evil.example", "", "", ""), 403},
		{"host 127.0.0.1.evil.example", "GET", "/api/files", with("127.0.0.1.evil.example:"+port, "", "", ""), 403},
		{"host localhost on another port", "GET", "/api/files", with("localhost:1", "", "", ""), 403},
		{"host without port", "GET", "/api/files", with("127.0.0.1", "", "", ""), 403},
		{"host in capitals", "GET", "/api/files", with("LOCALHOST:"+port, "", "", ""), 403},
		{"origin null", "POST", "/api/stop", with("", "null", "", ""), 403},
		{"origin on another port", "POST", "/api/stop", with("", "http://127.0.0.1:1", "", ""), 403},
		{"origin https evil", "POST", "/api/stop", with("", "https://evil.example", "", ""), 403},
		{"origin https of the studio's host", "POST", "/api/stop", with("", "https://127.0.0.1:"+port, "", ""), 403},
		{"origin of a rebound name", "POST", "/api/stop", with("", "http://127.0.0.1.evil.example:"+port, "", ""), 403},
		{"CSRF text/plain", "POST", "/api/quit", with("", "http://evil.example", "text/plain", "cross-site"), 403},
		{"CSRF form", "POST", "/api/send", with("", "http://evil.example", "application/x-www-form-urlencoded", "cross-site"), 403},
		{"CSRF multipart", "POST", "/api/upload", with("", "http://evil.example", "multipart/form-data; boundary=x", "cross-site"), 403},
		{"POST without origin (old browser form)", "POST", "/api/quit", with("", "", "application/x-www-form-urlencoded", ""), 403},
		{"PUT without origin", "PUT", "/api/mapping", with("", "", "application/json", ""), 403},
		{"same-site navigation from another port", "GET", "/api/files", with("", "", "", "same-site"), 403},
		// A GET never changes anything: the routes that do answer only
		// other methods (the page's files answer the rest: not found).
		{"GET of quit", "GET", "/api/quit", with("", "", "", ""), 404},
		{"GET of send", "GET", "/api/send", with("", "", "", ""), 404},
		{"GET of stop", "GET", "/api/stop", with("", "", "", ""), 404},
		{"GET of save", "GET", "/api/mapping/save", with("", "", "", ""), 404},
		{"GET of upload", "GET", "/api/upload", with("", "", "", ""), 404},
		{"GET of status (it rewrites the result files)", "GET", "/api/status?target=sandbox", with("", "", "", ""), 404},
		{"own page", "GET", "/api/files", with("", "", "", "same-origin"), 200},
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, own+tt.path, strings.NewReader(""))
			if tt.set != nil {
				tt.set(req)
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if corp := res.Header.Get("Cross-Origin-Resource-Policy"); corp != "same-origin" {
				t.Errorf("Cross-Origin-Resource-Policy %q", corp)
			}
		})
	}
	select {
	case <-srv.Quit():
		t.Error("a refused request stopped the studio")
	default:
	}
}

// TestFileNamesStayInFolder: every parameter that names a file of the
// folder (open, sheets, download) refuses what is not a plain file
// directly in it, symbolic links included: a link in an unpacked client
// archive must not serve or open a file outside the folder.
func TestFileNamesStayInFolder(t *testing.T) {
	srv, c := startStudio(t, "customers.csv")
	outside := filepath.Join(t.TempDir(), "secret.results.csv")
	os.WriteFile(outside, []byte("Klant ID;Naam\n1;GEHEIM\n"), 0o600)
	for _, link := range []string{"link.results.csv", "link.csv"} {
		if err := os.Symlink(outside, filepath.Join(srv.Dir(), link)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	os.Mkdir(filepath.Join(srv.Dir(), "sub.csv"), 0o755)
	for _, name := range []string{"owr-import.sandbox.ledger.csv", ".upload-123", "~$klant.xlsx"} {
		os.WriteFile(filepath.Join(srv.Dir(), name), []byte("Klant ID;Naam\n1;GEHEIM\n"), 0o644)
	}
	names := []string{"../secret.results.csv", "..", ".", "/etc/passwd", outside, `..\..\secret.results.csv`,
		"sub.csv", "customers.csv\x00.results.csv", "link.results.csv", "link.csv", "owr-import.sandbox.ledger.csv", ".upload-123", "~$klant.xlsx"}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			answers := []string{}
			_, body := c.call("POST", "/api/open", openRequest{File: name}, nil)
			answers = append(answers, body)
			_, body = c.call("GET", "/api/sheets?file="+url.QueryEscape(name), nil, nil)
			answers = append(answers, body)
			res, err := c.http.Get(srv.Origin() + "/files/" + url.PathEscape(name))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			answers = append(answers, string(raw))
			if res.Header.Get("Content-Disposition") != "" {
				t.Errorf("download of %q served", name)
			}
			for _, a := range answers {
				if strings.Contains(a, "GEHEIM") || strings.Contains(a, "root:") || strings.Contains(a, `"rows"`) {
					t.Errorf("%q: an answer shows a file outside the folder: %s", name, a)
				}
			}
		})
	}
}

// upload drops body on the page under name, as the page does.
func upload(t *testing.T, c *client, name string, body io.Reader, size int64) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest("POST", c.srv.Origin()+"/api/upload", body)
	req.ContentLength = size
	req.Header.Set("Origin", c.srv.Origin())
	req.Header.Set("X-File-Name", url.PathEscape(name))
	res, err := c.http.Do(req)
	if err != nil {
		return 0, map[string]string{"error": err.Error()}
	}
	defer res.Body.Close()
	out := map[string]string{}
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// TestUploadNames: a dropped file lands directly in the folder under a
// name every system can hold, never replaces another file, and is never
// taken for the ledger or the mapping.
func TestUploadNames(t *testing.T) {
	srv, c := startStudio(t, "customers.csv", "mapping.yaml")
	os.WriteFile(filepath.Join(srv.Dir(), "customers.results.csv"), []byte("results of a run"), 0o644)
	tests := []struct {
		name     string
		wantCode int
		wantName string
	}{
		{"../../evil.csv", 200, "evil.csv"},
		{`..\..\win.csv`, 200, "win.csv"},
		{`C:\Users\x\Desktop\desk.csv`, 200, "desk.csv"},
		{"/etc/cron.d/abs.csv", 200, "abs.csv"},
		{"nul\x00byte.csv", 200, "nul_byte.csv"},
		{"line\nbreak.csv", 200, "line_break.csv"},
		{"tab\tand\rcr.csv", 200, "tab_and_cr.csv"},
		{"klant: export?.csv", 200, "klant_ export_.csv"},
		{`a<b>"c|d*.csv`, 200, "a_b__c_d_.csv"},
		{"CON.csv", 200, "_CON.csv"},
		{"lpt1.xlsx", 200, "_lpt1.xlsx"},
		{strings.Repeat("é", 200) + ".csv", 200, strings.Repeat("é", 73) + ".csv"},
		{"customers.results.csv", 200, "customers.results (2).csv"},
		{"owr-import.sandbox.ledger.csv", 400, ""},
		{"OWR-IMPORT.api.example.ledger.csv", 400, ""},
		{"owr-import.sandbox.ledger.csv.lock", 400, ""},
		{"mapping.yaml", 400, ""},
		{"..", 400, ""},
		{"", 400, ""},
		{"~$customers.xlsx", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "Klant ID;Naam\n1;" + tt.name + "\n"
			code, out := upload(t, c, tt.name, strings.NewReader(body), int64(len(body)))
			if code != tt.wantCode || out["name"] != tt.wantName {
				t.Fatalf("%d %v, want %d %q", code, out, tt.wantCode, tt.wantName)
			}
			if code == 200 {
				if got, _ := os.ReadFile(filepath.Join(srv.Dir(), tt.wantName)); string(got) != body {
					t.Errorf("%s holds %q", tt.wantName, got)
				}
			}
		})
	}
	if got, _ := os.ReadFile(filepath.Join(srv.Dir(), "customers.results.csv")); string(got) != "results of a run" {
		t.Errorf("the results file was replaced: %q", got)
	}
	entries, _ := os.ReadDir(srv.Dir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".upload-") || strings.ContainsAny(e.Name(), "\x00\n\r\t:?<>|*\"") {
			t.Errorf("the folder holds %q", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(srv.Dir()), "evil.csv")); err == nil {
		t.Error("a file was written outside the folder")
	}
}

// TestUploadsAtOnce: files of the same name dropped at the same moment
// (two tabs, a double drop) each get their own name; none is lost.
func TestUploadsAtOnce(t *testing.T) {
	srv, c := startStudio(t)
	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf("a;b\n%d;x\n", i)
			if code, out := upload(t, c, "same.csv", strings.NewReader(body), int64(len(body))); code != 200 {
				t.Errorf("upload %d: %d %v", i, code, out)
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	entries, _ := os.ReadDir(srv.Dir())
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(srv.Dir(), e.Name()))
		seen[string(data)] = true
	}
	if len(seen) != n {
		t.Errorf("%d different files kept of %d dropped: %v", len(seen), n, entries)
	}
}

// endless is a body that never ends, as a hostile or broken sender.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestUploadTooLarge: a body over the limit is refused with a clear
// message, at once when its length is declared, and leaves no file.
func TestUploadTooLarge(t *testing.T) {
	srv, c := startStudio(t)
	tests := []struct {
		name string
		body io.Reader
		size int64
	}{
		{"declared 5 GB", io.LimitReader(endless{}, 5<<30), 5 << 30},
		{"an endless stream", endless{}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			code, out := upload(t, c, "big.csv", tt.body, tt.size)
			if code != http.StatusRequestEntityTooLarge || !strings.Contains(out["error"], "larger than 512 MB") {
				// The server may close the connection before the client
				// reads the answer; the file must be gone all the same.
				t.Logf("answer: %d %v", code, out)
				if code != 0 {
					t.Errorf("answer %d %v, want 413", code, out)
				}
			}
			if tt.size > 0 && time.Since(start) > 2*time.Second {
				t.Errorf("a declared length over the limit took %s to refuse", time.Since(start))
			}
			entries, _ := os.ReadDir(srv.Dir())
			if len(entries) != 0 {
				t.Errorf("the folder holds %v", entries)
			}
		})
	}
}

// TestSameFileBoundedMemory: comparing a drop with a file of the same
// name and size reads both as streams, not whole into memory.
func TestSameFileBoundedMemory(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	data := bytes.Repeat([]byte("1;Bakkerij Peeters;Gent\n"), (64<<20)/24)
	os.WriteFile(a, data, 0o644)
	data[len(data)-2] = 'X'
	os.WriteFile(b, data, 0o644)
	data = nil
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	same, err := sameFile(a, b)
	runtime.ReadMemStats(&after)
	if same || err != nil {
		t.Errorf("sameFile: %v %v, want different", same, err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Errorf("comparing two 64 MB files allocated %d MB", grew>>20)
	}
}

// writeZip writes a workbook of the given parts, name and text.
func writeZip(t *testing.T, path string, parts map[string]func(io.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, write := range parts {
		w, _ := zw.Create(name)
		write(w)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func text(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }

// bombWorkbook is a workbook of a few hundred KB whose sheet unpacks to
// 257 MB of blanks, over the 256 MB a sheet may unpack to.
func bombWorkbook(t *testing.T, path string) {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	rel := `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	writeZip(t, path, map[string]func(io.Writer){
		"[Content_Types].xml": text(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
		"_rels/.rels": text(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml": text(`<?xml version="1.0"?><workbook ` + ns + ` ` + rel + `><sheets><sheet name="Klanten" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": text(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
		"xl/worksheets/sheet1.xml": func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0"?><worksheet `+ns+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Klant ID</t></is></c></row>`)
			blank := bytes.Repeat([]byte(" "), 1<<20)
			for range 257 {
				w.Write(blank)
			}
			io.WriteString(w, `</sheetData></worksheet>`)
		},
	})
}

// TestOpenHostileExports: exports built to exhaust the studio are refused
// with a message that names the problem, within bounded memory, and the
// studio answers on.
func TestOpenHostileExports(t *testing.T) {
	srv, c := startStudio(t)
	dir := srv.Dir()
	tests := []struct {
		name  string
		write func(path string)
		want  string
	}{
		{"wide.csv", func(p string) { // one row of 5 million columns
			os.WriteFile(p, []byte("a;b\n"+strings.Repeat(";", 5_000_000)+"\n"), 0o644)
		}, "columns"},
		{"bomb.xlsx", func(p string) { bombWorkbook(t, p) }, ""},
		{"blanks.csv", func(p string) { // 8,000 header columns, then one-letter lines: each held 8,000 cells wide
			hdr := make([]string, 8000)
			for i := range hdr {
				hdr[i] = "k" + strconv.Itoa(i)
			}
			os.WriteFile(p, []byte(strings.Join(hdr, ";")+"\n"+strings.Repeat("x\n", 20_000)), 0o644)
		}, "cells"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.write(filepath.Join(dir, tt.name))
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			code, body := c.call("POST", "/api/open", openRequest{File: tt.name}, nil)
			runtime.GC()
			runtime.ReadMemStats(&after)
			if code != http.StatusBadRequest || !strings.Contains(body, `"error"`) || !strings.Contains(body, tt.want) {
				t.Errorf("%d %.300s, want 400 naming %q", code, body, tt.want)
			}
			if held := int64(after.HeapAlloc) - int64(before.HeapAlloc); held > 64<<20 {
				t.Errorf("the refused export holds %d MB", held>>20)
			}
			if strings.Contains(body, "goroutine") || strings.Contains(body, "panic") {
				t.Errorf("a stack trace: %.300s", body)
			}
			c.mustCall("GET", "/api/state", nil, nil)
		})
	}
}

// echoAPI answers every create with an error that quotes both keys as the
// request carried them, in the shapes servers echo them in.
func echoAPI(t *testing.T, status int) *httptest.Server {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, c := r.Header.Get("apikey"), r.Header.Get("CustomerKey")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"errorCode":"BAD_KEY_%s","message":"key %s / %s / %s / %s refused"}`,
			a, strings.ToUpper(c), url.QueryEscape(a), strings.Join(strings.Split(c, ""), " "), jsonEscape(a))
	}))
	t.Cleanup(api.Close)
	return api
}

func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\\u%04x`, r)
	}
	return b.String()
}

// TestKeysNotInAnyText: an API that echoes the keys in its error answers
// (as they are, in capitals, URL-encoded, spaced out, JSON-escaped); a key
// pasted into the address box. No answer of the studio, no file of the
// folder holds a key.
func TestKeysNotInAnyText(t *testing.T) {
	apiKey, custKey := "ak-Secret-7Qx81zz", "ck-Secret-9Zp47yy"
	tests := []struct {
		name   string
		status int
		req    func(api string) sendRequest
	}{
		{"rejected", http.StatusBadRequest, func(api string) sendRequest {
			return sendRequest{Target: "url", URL: api, APIKey: apiKey, CustomerKey: custKey, Workers: 2}
		}},
		{"keys refused", http.StatusUnauthorized, func(api string) sendRequest {
			return sendRequest{Target: "url", URL: api, APIKey: apiKey, CustomerKey: custKey, Workers: 2}
		}},
		{"key pasted into the address box", 0, func(string) sendRequest {
			return sendRequest{Target: "url", URL: apiKey, APIKey: apiKey, CustomerKey: custKey, Workers: 1}
		}},
		{"key pasted as an address", 0, func(string) sendRequest {
			return sendRequest{Target: "url", URL: "http://" + custKey + ".example", APIKey: apiKey, CustomerKey: custKey, Workers: 1}
		}},
		{"keys swapped into one box", 0, func(string) sendRequest {
			return sendRequest{Target: "dev", APIKey: apiKey + "\n" + custKey, CustomerKey: custKey, Workers: 1}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := startStudio(t, "customers.csv", "mapping.yaml")
			c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, nil)
			api := "http://127.0.0.1:1"
			if tt.status != 0 {
				api = echoAPI(t, tt.status).URL
			}
			var answers []string
			code, body := c.call("POST", "/api/send", tt.req(api), nil)
			answers = append(answers, body)
			if code == http.StatusOK {
				waitRun(t, srv)
			}
			for _, path := range []string{"/api/progress", "/api/state", "/api/files"} {
				_, body := c.call("GET", path, nil, nil)
				answers = append(answers, body)
			}
			_, body = c.call("POST", "/api/status?target=url&url="+url.QueryEscape(api), nil, nil)
			answers = append(answers, body)
			for _, a := range answers {
				assertNoKey(t, "an answer", a, apiKey, custKey)
			}
			entries, _ := os.ReadDir(srv.Dir())
			for _, e := range entries {
				data, _ := os.ReadFile(filepath.Join(srv.Dir(), e.Name()))
				assertNoKey(t, e.Name(), string(data), apiKey, custKey)
				answers = append(answers, string(data))
			}
			if tt.status != 0 && !strings.Contains(strings.Join(answers, ""), "[key removed]") {
				t.Error("the API's echo never reached the texts: nothing was tested")
			}
		})
	}
}

// assertNoKey fails when text holds a key or a recognisable part of one.
func assertNoKey(t *testing.T, where, text string, keys ...string) {
	t.Helper()
	low := strings.ToLower(text)
	for _, k := range keys {
		if strings.Contains(low, strings.ToLower(k[3:])) || strings.Contains(low, "secret") {
			t.Errorf("%s shows a key: %.600s", where, text)
			return
		}
	}
}

// TestSendConcurrency: what a page with two tabs, a double click or a
// reload does during a send. Exactly one send runs; opening another
// export waits for it; a mapping change, stops, reloads and the progress
// run beside it (go test -race checks they share nothing unguarded); the
// send ends with every valid row created once.
func TestSendConcurrency(t *testing.T) {
	api := sandboxtest.Start(t, sandbox.Faults{Latency: 20 * time.Millisecond})
	srv, c := startStudio(t, "customers.csv", "mapping.yaml")
	var info openInfo
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
	req := sendRequest{Target: "url", URL: api.URL, APIKey: api.APIKey, CustomerKey: api.CustomerKey, Workers: 2, Rate: 50}
	codes := make([]int, 4)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i], _ = c.call("POST", "/api/send", req, nil) }()
	}
	wg.Wait()
	accepted := 0
	for _, code := range codes {
		if code == http.StatusOK {
			accepted++
		} else if code != http.StatusConflict {
			t.Errorf("a second send answered %d, want 409", code)
		}
	}
	if accepted != 1 {
		t.Fatalf("%d sends started at once: %v", accepted, codes)
	}
	tests := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"open during the send", "POST", "/api/open", openRequest{File: "customers.csv"}, http.StatusConflict},
		{"mapping changed during the send", "PUT", "/api/mapping", info.Mapping, http.StatusOK},
		{"reload: state", "GET", "/api/state", nil, http.StatusOK},
		{"reload: progress", "GET", "/api/progress", nil, http.StatusOK},
		{"grid during the send", "GET", "/api/rows?limit=5", nil, http.StatusOK},
		{"status during the send", "POST", "/api/status?target=url&url=" + url.QueryEscape(api.URL), nil, http.StatusConflict},
	}
	for _, tt := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, body := c.call(tt.method, tt.path, tt.body, nil); code != tt.want {
				t.Errorf("%s: %d %.200s, want %d", tt.name, code, body, tt.want)
			}
		}()
	}
	wg.Wait()
	// A page polls the progress all through the send: the counts it is
	// given must not be the map the send writes to.
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		for srv.sess.run.isRunning() {
			c.call("GET", "/api/progress", nil, nil)
		}
	}()
	waitRun(t, srv)
	<-polled
	if n := customers(t, api); n != info.Check.Counts["valid"] {
		t.Errorf("%d customers, want the %d valid rows once", n, info.Check.Counts["valid"])
	}
}

// TestStopTwiceAndQuitDuringSend: Stop pressed twice, then the studio
// stopped: the send ends, its files are written, and no send starts once
// the studio is stopping (it would be cut off when the program ends).
func TestStopTwiceAndQuitDuringSend(t *testing.T) {
	api := sandboxtest.Start(t, sandbox.Faults{Latency: 20 * time.Millisecond})
	srv, c := startStudio(t, "customers.csv", "mapping.yaml")
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, nil)
	req := sendRequest{Target: "url", URL: api.URL, APIKey: api.APIKey, CustomerKey: api.CustomerKey, Workers: 1, Rate: 20}
	c.mustCall("POST", "/api/send", req, nil)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var p struct {
			Run struct{ Done int } `json:"run"`
		}
		if c.mustCall("GET", "/api/progress", nil, &p); p.Run.Done > 0 {
			break
		}
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); c.call("POST", "/api/stop", nil, nil) }()
	}
	wg.Wait()
	srv.sess.shutdown() // what Close does first, while the page may still call
	if code, body := c.call("POST", "/api/send", req, nil); code == http.StatusOK {
		waitRun(t, srv)
		t.Errorf("a send started while the studio was stopping: %s", body)
	}
	if _, err := os.Stat(filepath.Join(srv.Dir(), "customers.results.csv")); err != nil {
		t.Errorf("the stopped send wrote no results: %v", err)
	}
}

// TestHostileMappingTexts: texts typed into the map step (or headers of
// a hostile export offered as columns) that YAML, the comment-keeping
// save or the checks could trip on. Each is answered (a change checked,
// or its mistake named), saved only when the command line reads it back,
// and never a stack trace or a dropped connection.
func TestHostileMappingTexts(t *testing.T) {
	srv, c := startStudio(t, "customers.csv", "mapping.yaml")
	var info openInfo
	c.mustCall("POST", "/api/open", openRequest{File: "customers.csv"}, &info)
	texts := []string{"", " ", "\x00", "\n- x\n", "}{", "\"", `\`, "'", "&anchor", "*alias", "!!binary x", "? k", ": v",
		"#c", "%YAML 1.1", "---", "...", "{a: b}", "[1, 2]", "| block", "> fold", "~", "null", "yes", "0x1F", "1e400",
		"\u2028", "\ufeff", "\xff\xfe", "a\tb", strings.Repeat("x", 100_000), strings.Repeat("[", 10_000), "<<: *x", "\u202e"}
	for i, text := range texts {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			m := info.Mapping
			m.Fields = append([]fieldMap(nil), info.Mapping.Fields...)
			f := field(&m, "name")
			f.Columns = []string{text, "Bedrijfsnaam"}
			f.Join, f.Default = text, text
			f.Values = []valueMap{{From: text, To: text}, {From: text + "2", Invalid: text}}
			field(&m, "address.country").Const, field(&m, "address.country").Value = true, text
			m.Source.Sheet, m.Source.Delimiter, m.Source.Encoding = text, text, text
			code, body := c.call("PUT", "/api/mapping", m, nil)
			if code != http.StatusOK && code != http.StatusBadRequest {
				t.Errorf("change: %d %.300s", code, body)
			}
			code, body = c.call("POST", "/api/mapping/save", nil, nil)
			if code != http.StatusOK && code != http.StatusBadRequest {
				t.Errorf("save: %d %.300s", code, body)
			}
			if code == http.StatusOK {
				if _, err := mapping.Load(filepath.Join(srv.Dir(), mappingFile)); err != nil {
					t.Errorf("saved a mapping the command line refuses: %v", err)
				}
			}
		})
	}
	c.mustCall("GET", "/api/state", nil, nil)
}

// TestPanicAnswered: a handler that fails unexpectedly gives the page a
// sentence, and the terminal one line, never a stack trace.
func TestPanicAnswered(t *testing.T) {
	srv, _ := startStudio(t)
	var logged bytes.Buffer
	log.SetOutput(&logged)
	defer log.SetOutput(os.Stderr)
	tests := []struct {
		name  string
		value any
	}{
		{"a string", "cell K-1: Bakkerij Peeters"},
		{"a runtime error", recoverOf(func() { var a []int; _ = a[3] })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logged.Reset()
			h := srv.guard(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(tt.value) }))
			req := httptest.NewRequest("GET", "/api/state", nil)
			req.Host, req.RemoteAddr = "127.0.0.1:"+srv.port, "127.0.0.1:5"
			req.AddCookie(&http.Cookie{Name: srv.cookieName(), Value: srv.token})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "went wrong inside the studio") {
				t.Errorf("%d %s", rec.Code, rec.Body)
			}
			for _, out := range []string{rec.Body.String(), logged.String()} {
				if strings.Contains(out, "goroutine") || strings.Contains(out, ".go:") || strings.Contains(out, "Peeters") {
					t.Errorf("a stack trace or the panic's text: %s", out)
				}
			}
			if strings.Count(logged.String(), "\n") != 1 {
				t.Errorf("the terminal got %q, want one line", logged.String())
			}
		})
	}
}

// recoverOf is the value f panics with.
func recoverOf(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// TestDownloadNames: a result file is served as an attachment under its
// own name, whatever characters it holds, and the header says nothing
// else.
func TestDownloadNames(t *testing.T) {
	srv, c := startStudio(t)
	tests := []struct{ name, want string }{
		{"klant.results.csv", `attachment; filename=klant.results.csv`},
		{"ké.results.csv", `attachment; filename*=utf-8''k%C3%A9.results.csv`},
		{`a"b; filename=evil.exe.results.csv`, `attachment; filename="a\"b; filename=evil.exe.results.csv"`},
		{"klant (2).results.csv", `attachment; filename="klant (2).results.csv"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.WriteFile(filepath.Join(srv.Dir(), tt.name), []byte("x"), 0o644)
			res, err := c.http.Get(srv.Origin() + "/files/" + url.PathEscape(tt.name))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.Header.Get("Content-Disposition"); got != tt.want {
				t.Errorf("Content-Disposition %q, want %q", got, tt.want)
			}
		})
	}
}
