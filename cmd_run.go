package main

import (
	"context"
	"errors"
	"fmt"
	"owr-import/importer/owrapi"
	"owr-import/importer/row"
	"owr-import/importer/send"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"owr-import/importer"
	"owr-import/mapping"
)

// runOptions are the flags, streams and dependencies of `run`.
type runOptions struct {
	input, mappingPath, sheet, outDir, summaryJSON string
	env, baseURL, apiKeyFile, caFile               string
	useSandbox                                     bool
	rate                                           rateFlag
	rateMax                                        float64
	rateMaxSet                                     bool // --rate-max was given
	burst, workers, retries                        int
	timeout, maxOutage, grace                      time.Duration
	dryRun, restart, noProgress, resendInDoubt     bool
	maxInvalid, show                               string
	showEach                                       int

	*streams
}

// newRunCmd is `owr-import run`: its help and its flags (addFlags); the
// work is in runRun.
func newRunCmd(s *streams) *cobra.Command {
	o := &runOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "run FILE --mapping MAP (--env dev|prod | --base-url URL | --sandbox)",
		Short: "Send every valid row to the Customers API",
		Long: `run checks every row first (nothing is sent when more rows cannot be sent
than --max-invalid allows), then sends the valid rows at --rate requests per
second, retrying the API's bad moments. --rate auto finds the rate the API
takes and keeps just under it, never above --rate-max; the ledger keeps
the rate it settled on for the next run. Every finished row is recorded at
once in the migration's ledger (owr-import.ENV.ledger.csv in the output
folder), so after a crash, a Ctrl-C or a laptop that slept the same command
resumes, and any later file of the same migration (the failed-rows file fed
back, a corrected export under another name) skips the rows already
created: a customer is never sent twice.

At the end it writes the migration's complete result, named after its
original export: NAME.results.EXT (every row with its latest status and
customerId) and NAME.failed.EXT (the rows still open; fix them and feed the
file straight back to run).

Keys come from OWR_API_KEY and OWR_CUSTOMER_KEY, or --api-key-file. There is
no default target: name --env, --base-url or --sandbox.

Exit code 0 when every row was created or skipped, 1 when some were not,
2 for a problem with the command, the file or the mapping (nothing sent),
3 when the run was stopped (bad keys, API down, Ctrl-C; files still written).`,
		Example: `  owr-import run export.xlsx --mapping mapping.yaml --sandbox
  owr-import run export.xlsx --mapping mapping.yaml --env dev --dry-run
  owr-import run export.failed.xlsx --mapping mapping.yaml --env prod --rate 5
  owr-import run export.xlsx --mapping mapping.yaml --env dev --rate auto`,
		Args: exactlyOneFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.input = args[0]
			o.rateMaxSet = cmd.Flags().Changed("rate-max")
			return runRun(cmd.Context(), o)
		},
	}
	o.addFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("mapping", completeMapping)
	_ = cmd.RegisterFlagCompletionFunc("env", completeEnv)
	_ = cmd.RegisterFlagCompletionFunc("sheet", completeSheet)
	_ = cmd.MarkFlagRequired("mapping")
	return cmd
}

// addFlags defines run's flags, one line each.
func (o *runOptions) addFlags(f *pflag.FlagSet) {
	mappingFlag(f, &o.mappingPath)
	targetFlags(f, &o.env, &o.baseURL)
	f.BoolVar(&o.useSandbox, "sandbox", false, "send to a sandbox started inside this process (no keys, nothing leaves the computer)")
	f.StringVar(&o.caFile, "ca-file", "", "also trust the certificate authorities in this PEM file, e.g. the root certificate of a company proxy that inspects HTTPS traffic (this computer's trusted authorities stay trusted)")
	f.StringVar(&o.apiKeyFile, "api-key-file", "", "read OWR_API_KEY=... and OWR_CUSTOMER_KEY=... lines from this file instead of the environment")
	o.rate.perSecond = send.DefaultRate
	f.Var(&o.rate, "rate", "at most this many requests per second, retries included (0 = no limit); or auto: find what the API takes and keep just under it, never above --rate-max")
	f.Float64Var(&o.rateMax, "rate-max", send.DefaultRateMax, "with --rate auto: never more than this many requests per second")
	f.IntVar(&o.burst, "burst", send.DefaultBurst, "requests allowed above the rate at once")
	f.IntVar(&o.workers, "workers", send.DefaultWorkers, "requests in flight at the same time")
	f.IntVar(&o.retries, "retries", send.DefaultRetries, "retries of a row after a timeout, 429 or 5xx; a row is sent at most 1 + N times, outages included")
	f.DurationVar(&o.timeout, "timeout", owrapi.DefaultTimeout, "give up on one request after this long (just above the 30 s after which Heroku answers 503 itself)")
	f.DurationVar(&o.maxOutage, "max-outage", send.DefaultMaxOutage, "stop when the API has failed without a break for this long (checked at each probe, up to 30 s later)")
	f.DurationVar(&o.grace, "grace", send.DefaultGrace, "after Ctrl-C, how long requests in flight may take to finish")
	f.StringVar(&o.outDir, "out-dir", "", "the migration's folder: its ledger and result files (default: the input's folder)")
	sheetFlag(f, &o.sheet)
	f.BoolVar(&o.dryRun, "dry-run", false, "check every row and show what would be sent; send nothing, write nothing; exit code as validate")
	f.IntVar(&o.showEach, "show-each", 3, "--dry-run: show the first N rows of each status (valid rows as the JSON that would be sent)")
	f.StringVar(&o.show, "show", "", "--dry-run: also show these rows, as the spreadsheet numbers them, e.g. 5,12,40-45")
	f.BoolVar(&o.restart, "restart", false, "start the migration over: its ledger is renamed (never deleted) and every valid row is sent again")
	f.BoolVar(&o.resendInDoubt, "resend-in-doubt", false, "send rows that ended in_doubt again (after checking them in Onlinewerkrooster)")
	f.StringVar(&o.maxInvalid, "max-invalid", "20%", "send nothing when more rows than this are invalid: a share (20%) or a number of rows (50)")
	f.BoolVar(&o.noProgress, "no-progress", false, "no progress bar or progress lines")
	summaryFlag(f, &o.summaryJSON)
}

func runRun(ctx context.Context, o *runOptions) error {
	opts, err := runOptionsOf(o)
	if err != nil {
		return withCode(exitUsage, err)
	}
	if !o.dryRun {
		target, err := openTarget(ctx, o)
		if err != nil {
			return withCode(exitUsage, err)
		}
		defer target.close()
		opts.Client = target.client
	}
	ctx, stop := interruptible(ctx, o.err)
	defer stop()
	sum, runErr := importer.Run(ctx, opts)
	if sum != nil {
		sum.WriteText(o.out)
	}
	return runExit(sum, runErr, o.dryRun)
}

// runOptionsOf turns the flags into the importer's options, reading the
// mapping; every mistake is found here, before the target is opened.
func runOptionsOf(o *runOptions) (importer.RunOptions, error) {
	threshold, err := checkRunFlags(o)
	if err != nil {
		return importer.RunOptions{}, err
	}
	m, err := mapping.Load(o.mappingPath)
	if err != nil {
		return importer.RunOptions{}, err
	}
	var show map[int]bool
	if o.show != "" {
		if show, err = importer.ParseRows(o.show); err != nil {
			return importer.RunOptions{}, err
		}
	}
	tag := ""
	if !o.dryRun {
		if tag, err = importer.APITag(o.env, o.baseURL, o.useSandbox); err != nil {
			return importer.RunOptions{}, err
		}
	}
	opts := importer.RunOptions{
		Input:      importer.Input{Path: o.input, Mapping: m, Sheet: o.sheet, OutDir: o.outDir},
		MaxInvalid: threshold, DryRun: o.dryRun, ShowEach: o.showEach, Show: show, Restart: o.restart, Stdout: o.out,
		APITag: tag, FreshLedger: o.useSandbox, ResendInDoubt: o.resendInDoubt, SummaryJSON: o.summaryJSON,
		Submit: send.SubmitOptions{
			Workers: o.workers, Rate: o.rate.perSecond, Burst: o.burst, Retries: o.retries,
			MaxOutage: o.maxOutage, Grace: o.grace,
		},
	}
	if o.rate.auto {
		opts.Submit.Auto = send.NewAutoRate(send.AutoConfig{Max: o.rateMax})
	}
	opts.Version = version
	if !o.noProgress {
		opts.Progress = importer.ProgressOptions{Out: o.err, Terminal: o.errTTY}
	}
	return opts, nil
}

// runExit maps a run's end to its exit code.
func runExit(sum *importer.Summary, runErr error, dryRun bool) error {
	var abort *send.AbortError
	switch {
	case errors.As(runErr, &abort) && sum != nil:
		return silentExit(exitAborted) // the summary already said why it stopped
	case errors.As(runErr, &abort):
		return withCode(exitAborted, runErr)
	case runErr != nil:
		return withCode(exitUsage, runErr)
	case dryRun && sum.Counts[row.StatusValid] != sum.Rows:
		return silentExit(exitSome) // as validate: some rows would not be sent
	case dryRun:
		return nil
	}
	if sum.Counts[row.StatusCreated]+sum.Counts[row.StatusSkipped] != sum.Rows {
		return silentExit(exitSome)
	}
	return nil
}

// maxRate is the highest --rate accepted: far above what the API serves,
// low enough that a typo (1e9) is caught rather than taken as "no limit".
const maxRate = 10000

// rateFlag is --rate: a number of requests per second, or auto.
type rateFlag struct {
	auto      bool
	perSecond float64
}

func (r *rateFlag) String() string {
	if r.auto {
		return "auto"
	}
	return strconv.FormatFloat(r.perSecond, 'g', -1, 64)
}

// Set takes auto (in any case) or a number; checkRateFlags checks its range.
func (r *rateFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "auto") {
		r.auto = true
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("--rate must be a number from 0 (no limit) to %d requests per second, or auto", maxRate)
	}
	r.auto, r.perSecond = false, v
	return nil
}

func (r *rateFlag) Type() string { return "number|auto" }

// checkRateFlags catches a --rate or --rate-max that makes no sense.
func checkRateFlags(o *runOptions) error {
	switch {
	case !o.rate.auto && !(o.rate.perSecond >= 0 && o.rate.perSecond <= maxRate): // NaN fails both comparisons
		return fmt.Errorf("--rate must be a number from 0 (no limit) to %d requests per second, or auto", maxRate)
	case !(o.rateMax > 0 && o.rateMax <= maxRate):
		return fmt.Errorf("--rate-max must be a number of requests per second above 0 and at most %d", maxRate)
	case o.rateMaxSet && !o.rate.auto:
		return errors.New("--rate-max is the ceiling of --rate auto; with a fixed --rate it has no effect: drop it, or use --rate auto")
	}
	return nil
}

// checkRunFlags catches flag mistakes before any file is read.
func checkRunFlags(o *runOptions) (importer.Threshold, error) {
	targets := 0
	for _, set := range []bool{o.env != "", o.baseURL != "", o.useSandbox} {
		if set {
			targets++
		}
	}
	if targets > 1 {
		return importer.Threshold{}, errors.New("name only one target: --env, --base-url or --sandbox")
	}
	if targets == 0 && !o.dryRun {
		return importer.Threshold{}, errors.New("name where to send the rows: --env dev, --env prod, --base-url URL, or --sandbox to rehearse on this computer")
	}
	if err := checkRateFlags(o); err != nil {
		return importer.Threshold{}, err
	}
	switch {
	case o.burst < 1 || o.burst > 1000:
		return importer.Threshold{}, errors.New("--burst must be between 1 and 1000")
	case o.workers < 1 || o.workers > 64:
		return importer.Threshold{}, errors.New("--workers must be between 1 and 64")
	case o.retries < 0 || o.retries > 100:
		return importer.Threshold{}, errors.New("--retries must be between 0 and 100")
	case o.timeout <= 0 || o.timeout > 10*time.Minute:
		return importer.Threshold{}, errors.New("--timeout must be more than 0 and at most 10m, for example 30s")
	case o.showEach < 0:
		return importer.Threshold{}, errors.New("--show-each must be 0 or more")
	case o.maxOutage <= 0 || o.maxOutage > 24*time.Hour:
		return importer.Threshold{}, errors.New("--max-outage must be more than 0 and at most 24h, for example 2m")
	case o.grace < 0 || o.grace > 10*time.Minute:
		return importer.Threshold{}, errors.New("--grace must be from 0 to 10m, for example 10s")
	}
	return importer.ParseThreshold(o.maxInvalid)
}
