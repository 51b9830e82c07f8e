package studio

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"owr-import/importer"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"owr-import/sandbox"
)

// sendRequest is the send step's form. Keys left empty reuse the ones
// typed earlier for the same API in this studio.
type sendRequest struct {
	Target        string  `json:"target"` // sandbox, url, dev, prod
	URL           string  `json:"url"`
	APIKey        string  `json:"apiKey"`
	CustomerKey   string  `json:"customerKey"`
	Rate          float64 `json:"rate"`
	AutoRate      bool    `json:"autoRate"` // run's --rate auto, with Rate as its --rate-max (0 = the default)
	Workers       int     `json:"workers"`
	Confirm       string  `json:"confirm"`
	ResendInDoubt bool    `json:"resendInDoubt"`
}

// prodPhrase is what the consultant types to send n rows to prod.
func prodPhrase(n int) string { return sprintf("send %d rows to prod", n) }

func (s *session) handleSend(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	opts, status, err := s.prepareSend(r.Context(), req)
	if err != nil {
		fail(w, status, "%s", err.Error())
		return
	}
	run := newSendRun(req.Target, opts.APITag, s.check.counts[row.StatusValid])
	run.hook = s.outcomeHook
	opts.Submit.OnOutcome = run.outcome
	s.run = run
	go run.execute(opts, s.redactor(opts.APITag))
	writeJSON(w, http.StatusOK, run.snapshot())
}

// prepareSend checks the form and builds run's options: the same engine,
// ledger and result files as `owr-import run FILE --out-dir DIR`. Call
// with s.mu held.
func (s *session) prepareSend(ctx context.Context, req sendRequest) (importer.RunOptions, int, error) {
	bad := func(format string, args ...any) (importer.RunOptions, int, error) {
		return importer.RunOptions{}, http.StatusBadRequest, errors.New(sprintf(format, args...))
	}
	switch {
	case s.closed:
		return importer.RunOptions{}, http.StatusServiceUnavailable, errors.New(msg.quit)
	case s.run != nil && s.run.isRunning():
		return importer.RunOptions{}, http.StatusConflict, errors.New(msg.running)
	case s.table == nil:
		return bad("%s", msg.noTable)
	case s.check == nil:
		return bad("%s", msg.mappingInvalid)
	case s.check.counts[row.StatusValid] == 0:
		return bad("%s", msg.noValidRows)
	case !(req.Rate >= 0 && req.Rate <= 10000):
		return bad("%s", msg.badRate)
	case req.Workers < 1 || req.Workers > 64:
		return bad("%s", msg.badWorkers)
	case req.Target == "prod" && req.Confirm != prodPhrase(s.check.counts[row.StatusValid]):
		return bad(msg.confirmProd, prodPhrase(s.check.counts[row.StatusValid]))
	}
	client, tag, fresh, err := s.clientFor(ctx, req)
	if err != nil { // a key pasted into the address box is quoted in it
		return bad("%s", hideKeys(err.Error(), req.APIKey, req.CustomerKey))
	}
	m, errs := s.model.parse()
	if len(errs) > 0 {
		return bad("%s", msg.mappingInvalid)
	}
	if s.dirty {
		if _, err := s.save(); err != nil {
			return bad("%v", err)
		}
	}
	threshold, _ := importer.ParseThreshold("20%")
	var auto *send.AutoRate
	if req.AutoRate {
		auto = send.NewAutoRate(send.AutoConfig{Max: req.Rate})
	}
	return importer.RunOptions{
		Input:  importer.Input{Path: s.table.Path, Mapping: m, Sheet: s.table.Sheet, OutDir: s.dir},
		Client: client, MaxInvalid: threshold, APITag: tag, FreshLedger: fresh, ResendInDoubt: req.ResendInDoubt,
		Submit: send.SubmitOptions{Workers: req.Workers, Rate: req.Rate, Auto: auto, Burst: send.DefaultBurst, Retries: send.DefaultRetries,
			MaxOutage: send.DefaultMaxOutage, Grace: send.DefaultGrace},
	}, 0, nil
}

// clientFor resolves the target into a client, the API's tag (its ledger)
// and whether the ledger starts afresh: only at the first send to the
// built-in sandbox, which starts empty with this studio and lives as long
// as it, so a stopped send to it resumes. Call with s.mu held.
func (s *session) clientFor(ctx context.Context, req sendRequest) (*owrapi.Client, string, bool, error) {
	cfg := owrapi.ClientConfig{Timeout: owrapi.DefaultTimeout, UserAgent: "owr-import/" + s.version}
	var tag string
	fresh := false
	switch req.Target {
	case "sandbox":
		if s.builtin == nil {
			srv, err := sandbox.Start(sandbox.Config{DB: ":memory:"}, "127.0.0.1:0")
			if err != nil {
				return nil, "", false, err
			}
			s.builtin = srv
		}
		fresh, s.builtinUsed = !s.builtinUsed, true
		cfg.BaseURL, cfg.APIKey, cfg.CustomerKey, tag = s.builtin.URL, s.builtin.APIKey, s.builtin.CustomerKey, "sandbox"
		c, err := owrapi.NewClient(cfg)
		return c, tag, fresh, err
	case "url":
		if _, err := importer.APITag("", req.URL, false); err != nil {
			return nil, "", false, errors.New(sprintf(msg.badURL, req.URL, err))
		}
		cfg.BaseURL = req.URL
	case "dev", "prod":
		cfg.BaseURL, _ = owrapi.EnvBaseURL(req.Target)
	default:
		return nil, "", false, errors.New(msg.badTarget)
	}
	tag, err := importer.APITag("", cfg.BaseURL, false)
	if err != nil {
		return nil, "", false, errors.New(sprintf(msg.badURL, cfg.BaseURL, err))
	}
	keys := s.keys[tag]
	if req.APIKey != "" || req.CustomerKey != "" {
		keys = apiKeys{api: strings.TrimSpace(req.APIKey), customer: strings.TrimSpace(req.CustomerKey)}
	}
	if keys.api == "" || keys.customer == "" {
		return nil, "", false, errors.New(sprintf(msg.keysMissing, tag))
	}
	cfg.APIKey, cfg.CustomerKey = keys.api, keys.customer
	c, err := owrapi.NewClient(cfg) // refuses keys too short to keep out of messages
	if err != nil {
		return nil, "", false, err
	}
	s.keys[tag] = keys
	return c, tag, false, nil
}

// redactor removes the keys of tag from a text shown on the page: the
// client already redacts what it produces; this covers any other path.
func (s *session) redactor(tag string) func(string) string {
	k := s.keys[tag]
	return func(text string) string { return hideKeys(text, k.api, k.customer) }
}

// hideKeys replaces each key, in any case, by [key]. Keys shorter than the
// client accepts are left alone: replacing a few letters everywhere would
// garble the text, and such a key is refused before it is used.
func hideKeys(text string, keys ...string) string {
	for _, k := range keys {
		if k = strings.TrimSpace(k); len(k) >= owrapi.MinKeyLength {
			text = regexp.MustCompile("(?i)"+regexp.QuoteMeta(k)).ReplaceAllLiteralString(text, "[key]")
		}
	}
	return text
}

func (s *session) handleStop(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.run
	s.mu.Unlock()
	if run == nil || !run.isRunning() {
		fail(w, http.StatusConflict, "%s", msg.notRunning)
		return
	}
	run.stop()
	writeJSON(w, http.StatusOK, run.snapshot())
}

func (s *session) handleProgress(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	run := s.run
	keysSet := map[string]bool{}
	for tag := range s.keys {
		keysSet[tag] = true
	}
	var phrase string
	if s.check != nil {
		phrase = prodPhrase(s.check.counts[row.StatusValid])
	}
	s.mu.Unlock()
	out := map[string]any{"keysSet": keysSet, "prodPhrase": phrase}
	if run != nil {
		out["run"] = run.snapshot()
	}
	writeJSON(w, http.StatusOK, out)
}
