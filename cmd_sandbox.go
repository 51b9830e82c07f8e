package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"owr-import/sandbox"
)

// sandboxOptions is everything `owr-import sandbox` needs: its flags and its
// dependencies (streams, environment), so it can be run without a process.
type sandboxOptions struct {
	addr        string
	db          string
	apiKey      string
	customerKey string
	public      bool
	quiet       bool
	seed        int64
	faults      sandbox.Faults
	capacity    float64
	queue       int

	*streams
}

// newSandboxCmd is `owr-import sandbox`.
func newSandboxCmd(s *streams) *cobra.Command {
	return newSandboxCmdWith(&sandboxOptions{streams: s})
}

// newSandboxCmdWith builds the command around opts, whose streams a test sets.
func newSandboxCmdWith(opts *sandboxOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a local Customers API to rehearse a migration",
		Long: `Serve a local stand-in for the Onlinewerkrooster Customers API, with the same
headers, validation and answers, storing customers in a SQLite file.

Point a run at it with --base-url, or rehearse bad days with the fault flags:
latency, 500 errors, Heroku 503 pages, 429 throttling, dropped connections and
requests that hang past the client's timeout.

--capacity gives the sandbox a capacity, to rehearse a client that adapts its
rate: creates are served one at a time at that rate, so latency grows as the
load nears it; more than --queue waiting get 429 with Retry-After, and a create
whose turn would come after 30 s gets Heroku's 503 page. Change it while the
sandbox runs with PUT /sandbox/capacity (body: the new rate, 0 = no limit).

Keys: --api-key/--customer-key (kept in the --db file for later starts), else
OWR_API_KEY/OWR_CUSTOMER_KEY (this session only), else the keys kept in the
--db file; a new file gets random sandbox-only keys, printed at every start.`,
		Example: `  owr-import sandbox
  owr-import sandbox --db :memory: --api-key k --customer-key c
  owr-import sandbox --error-rate 0.05 --unavailable-rate 0.02 --throttle 10 --seed 7
  owr-import sandbox --capacity 40 --queue 4`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runSandbox(ctx, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address to listen on (loopback only unless --public)")
	f.StringVar(&opts.db, "db", "sandbox.db", `SQLite file keeping the customers across restarts, or ":memory:" for a throwaway store`)
	f.StringVar(&opts.apiKey, "api-key", "", "key the apikey header must carry, kept in --db for later starts (default: $OWR_API_KEY, else the kept or a generated key)")
	f.StringVar(&opts.customerKey, "customer-key", "", "key the CustomerKey header must carry, kept in --db for later starts (default: $OWR_CUSTOMER_KEY, else the kept or a generated key)")
	f.BoolVar(&opts.public, "public", false, "allow listening on a non-loopback address (reachable from other machines)")
	f.BoolVar(&opts.quiet, "quiet", false, "do not log one line per request on stderr")
	f.Int64Var(&opts.seed, "seed", 0, "seed of the fault generator: the same seed replays the same faults")
	f.DurationVar(&opts.faults.Latency, "latency", 0, "delay added to every create (e.g. 50ms)")
	f.DurationVar(&opts.faults.Jitter, "jitter", 0, "random extra delay in [0, jitter) added to every create")
	f.Float64Var(&opts.faults.ErrorRate, "error-rate", 0, "share of creates answered 500 (0..1)")
	f.Float64Var(&opts.faults.UnavailableRate, "unavailable-rate", 0, "share of creates answered 503 with Heroku's HTML error page (0..1)")
	f.Float64Var(&opts.faults.DropRate, "drop-rate", 0, "share of creates stored and then left unanswered, connection closed (0..1)")
	f.Float64Var(&opts.faults.HangRate, "hang-rate", 0, "share of creates stored and then answered only after --hang (0..1)")
	f.DurationVar(&opts.faults.Hang, "hang", 0, "how long a hung create is held (longer than the client's timeout, e.g. 40s)")
	f.Float64Var(&opts.faults.Throttle, "throttle", 0, "creates accepted per second; above it answer 429 with Retry-After (0 = no limit)")
	f.Float64Var(&opts.capacity, "capacity", 0, "creates served per second, one at a time: latency grows with the load, a full queue answers 429 (0 = no limit; PUT /sandbox/capacity changes it)")
	f.IntVar(&opts.queue, "queue", sandbox.DefaultQueue, "with --capacity: creates that may wait for their turn before the next one gets 429")
	return cmd
}

// runSandbox validates the options, serves until ctx ends, then shuts down.
func runSandbox(ctx context.Context, o *sandboxOptions) error {
	if err := sandbox.CheckListenAddr(o.addr, o.public); err != nil {
		return err
	}
	if err := o.faults.Validate(); err != nil {
		return err
	}
	if o.faults.Hang > 0 && o.faults.HangRate == 0 {
		fmt.Fprintln(o.err, "note: --hang has no effect without --hang-rate")
	}
	if o.queue < 1 {
		return fmt.Errorf("--queue is %d: at least one create must be able to wait for its turn; give 1 or more (default %d)", o.queue, sandbox.DefaultQueue)
	}
	apiKey, apiFrom := pickKey(o.apiKey, "--api-key", o.getenv("OWR_API_KEY"), "OWR_API_KEY")
	custKey, custFrom := pickKey(o.customerKey, "--customer-key", o.getenv("OWR_CUSTOMER_KEY"), "OWR_CUSTOMER_KEY")
	cfg := sandbox.Config{
		APIKey:          apiKey,
		CustomerKey:     custKey,
		SaveAPIKey:      apiFrom == "--api-key",
		SaveCustomerKey: custFrom == "--customer-key",
		DB:              o.db,
		Faults:          o.faults,
		Capacity:        o.capacity,
		Queue:           o.queue,
		Seed:            o.seed,
	}
	if !o.quiet {
		cfg.Log = o.err
	}
	srv, err := sandbox.Start(cfg, o.addr)
	if err != nil {
		return err
	}
	printBanner(o, srv, apiFrom, custFrom)

	<-ctx.Done()
	fmt.Fprintln(o.out, "stopping the sandbox...")
	n := -1
	if cs, err := srv.Customers(context.Background()); err == nil {
		n = len(cs)
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("the sandbox did not stop cleanly: %w", err)
	}
	switch {
	case n >= 0 && o.db == sandbox.MemoryDB:
		fmt.Fprintf(o.out, "sandbox stopped; its %d customer(s) were kept in memory only and are gone\n", n)
	case n >= 0:
		fmt.Fprintf(o.out, "sandbox stopped; %d customer(s) and the keys kept in %s for the next start\n", n, o.db)
	default:
		fmt.Fprintln(o.out, "sandbox stopped")
	}
	return nil
}

// pickKey returns the key from the flag, else the environment, else "" (the
// sandbox then uses the key kept in its database, or generates one), with
// where it came from. Only a flag's key is saved in the database: the
// environment may hold a real key, which must not land in a file.
func pickKey(flagVal, flagName, envVal, envName string) (key, from string) {
	switch {
	case flagVal != "":
		return flagVal, flagName
	case envVal != "":
		return envVal, envName
	}
	return "", ""
}

// printBanner tells the user where the sandbox listens, how to call it and,
// only for keys a sandbox generated, what the keys are.
func printBanner(o *sandboxOptions, srv *sandbox.Server, apiFrom, custFrom string) {
	w := o.out
	store := o.db
	if store == sandbox.MemoryDB {
		store = "in memory, lost when the sandbox stops"
	}
	fmt.Fprintf(w, "owr-import sandbox: Customers API on %s (store: %s)\n", srv.URL, store)
	if o.public {
		fmt.Fprintln(w, "warning: --public: other machines can reach this sandbox (plain HTTP)")
	}
	if srv.GeneratedAPIKey || srv.GeneratedCustomerKey {
		if o.db == sandbox.MemoryDB {
			fmt.Fprintln(w, "Sandbox-only keys, generated for this session (they open nothing but this sandbox):")
		} else {
			fmt.Fprintf(w, "Sandbox-only keys, kept in %s for every start (they open nothing but this sandbox):\n", o.db)
		}
	} else {
		fmt.Fprintln(w, "Keys:")
	}
	apiHdr := keyLine(w, o.db, "apikey", "OWR_API_KEY", "--api-key", srv.APIKey, srv.GeneratedAPIKey, apiFrom)
	custHdr := keyLine(w, o.db, "CustomerKey", "OWR_CUSTOMER_KEY", "--customer-key", srv.CustomerKey, srv.GeneratedCustomerKey, custFrom)
	if faults := describeFaults(o.faults, o.seed); faults != "" {
		fmt.Fprintln(w, "Faults:", faults)
	}
	if o.capacity > 0 {
		fmt.Fprintf(w, "Capacity: %g creates/s, up to %d waiting (429 beyond, Heroku's 503 page for a turn after 30 s)\n", o.capacity, o.queue)
	}
	fmt.Fprintln(w, "Try it:")
	fmt.Fprintf(w, `  curl -sS -X POST %s/api/customers/ \
    -H %s -H %s -H 'content-type: application/json' \
    -d '{"extCustomerId": 1001, "extCustomerNumber": "C1001", "name": "Bakkerij Janssens", "enterpriseNumber": "BE0123456789", "address": {"street": "Kerkstraat", "streetNumber": "15B", "city": "Gent", "postalCode": "9000", "country": "belgium"}}'
`, srv.URL, apiHdr, custHdr)
	fmt.Fprintf(w, "  curl -sS %s/api/customers -H %s -H %s\n", srv.URL, apiHdr, custHdr)
	if o.capacity > 0 {
		fmt.Fprintf(w, "  curl -sS -X PUT %s/sandbox/capacity -H %s -H %s -d 20   # a new capacity, at once\n", srv.URL, apiHdr, custHdr)
	}
	if !srv.GeneratedAPIKey || !srv.GeneratedCustomerKey {
		fmt.Fprintln(w, "  (with OWR_API_KEY / OWR_CUSTOMER_KEY set to the keys you gave)")
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}

// keyLine prints where the key of header comes from, and the key itself only
// when a sandbox generated it. It returns the curl -H argument for it: the
// key, or the environment variable that holds the key the user gave.
func keyLine(w io.Writer, db, header, env, flag, key string, generated bool, from string) string {
	label := fmt.Sprintf("  %-12s ", header+":")
	switch {
	case generated:
		fmt.Fprintf(w, "%s%s\n", label, key)
		return "'" + header + ": " + key + "'"
	case from == flag && db != sandbox.MemoryDB:
		fmt.Fprintf(w, "%sfrom %s (not shown), kept in %s for later starts\n", label, flag, db)
	case from != "":
		fmt.Fprintf(w, "%sfrom %s (not shown)\n", label, from)
	default:
		fmt.Fprintf(w, "%sset with %s at an earlier start, kept in %s (not shown)\n", label, flag, db)
	}
	return `"` + header + ": $" + env + `"`
}

// describeFaults summarises the active faults in one line, or "".
func describeFaults(f sandbox.Faults, seed int64) string {
	var parts []string
	if f.Latency > 0 || f.Jitter > 0 {
		parts = append(parts, fmt.Sprintf("latency %s + up to %s", f.Latency, f.Jitter))
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"500", f.ErrorRate}, {"503", f.UnavailableRate}, {"dropped", f.DropRate}, {"hung " + f.Hang.String(), f.HangRate}} {
		if r.v > 0 {
			parts = append(parts, fmt.Sprintf("%g%% %s", r.v*100, r.name))
		}
	}
	if f.Throttle > 0 {
		parts = append(parts, fmt.Sprintf("429 above %g/s", f.Throttle))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (seed %d)", seed)
}
