package sandbox

import (
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"time"
)

// companyID is the companyId of every answer: a sandbox plays one company,
// the one its CustomerKey stands for. The value means nothing beyond being a
// positive id.
const companyID = 2

// MemoryDB is the Config.DB value for a throwaway store that lives as long as
// the handler.
const MemoryDB = ":memory:"

// Faults describes how badly the sandbox behaves. The zero value is a perfect
// API. Rates are fractions of POST requests in [0, 1]; ErrorRate,
// UnavailableRate, DropRate and HangRate are drawn from one roll per request,
// so they are mutually exclusive and their sum must not exceed 1.
type Faults struct {
	// Latency is added to every POST before it is answered; Jitter adds a
	// further uniformly drawn delay in [0, Jitter).
	Latency, Jitter time.Duration
	// ErrorRate answers 500 with a JSON body; nothing is stored.
	ErrorRate float64
	// UnavailableRate answers 503 with the HTML "Application Error" page that
	// Heroku's router serves when the app is down; nothing is stored.
	UnavailableRate float64
	// DropRate stores the customer, then closes the connection without any
	// answer, the way a request lost in transit looks to a client.
	DropRate float64
	// HangRate stores the customer, then holds the answer for Hang (or until
	// the client gives up or the server closes), past a client's timeout.
	HangRate float64
	// Hang is how long a hung request is held; it must be positive when
	// HangRate is.
	Hang time.Duration
	// Throttle is the number of POST requests per second the sandbox accepts;
	// above it the answer is 429 with Retry-After. Zero means no limit.
	Throttle float64
	// ThrottleBurst is how many requests above Throttle may arrive at once.
	// Zero means one second's worth (ceil(Throttle), at least 1), which lets a
	// client pacing itself at exactly Throttle through despite network jitter.
	ThrottleBurst int
}

// Validate reports the first fault setting that makes no sense, in words a
// user of the `sandbox` command can act on (the flag names match the fields).
func (f Faults) Validate() error {
	rates := []struct {
		flag string
		v    float64
	}{
		{"error-rate", f.ErrorRate},
		{"unavailable-rate", f.UnavailableRate},
		{"drop-rate", f.DropRate},
		{"hang-rate", f.HangRate},
	}
	sum := 0.0
	for _, r := range rates {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Errorf("--%s is %v: a rate is a fraction between 0 and 1 (0.05 means 5%% of requests)", r.flag, r.v)
		}
		sum += r.v
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("--error-rate, --unavailable-rate, --drop-rate and --hang-rate add up to %.3g: each request gets at most one of these faults, so their sum must not exceed 1", sum)
	}
	if f.Latency < 0 {
		return fmt.Errorf("--latency is %s: it must not be negative", f.Latency)
	}
	if f.Jitter < 0 {
		return fmt.Errorf("--jitter is %s: it must not be negative", f.Jitter)
	}
	if f.HangRate > 0 && f.Hang <= 0 {
		return fmt.Errorf("--hang-rate is %v but --hang is %s: give --hang a positive duration longer than the client's timeout (for example --hang 40s)", f.HangRate, f.Hang)
	}
	if f.Hang < 0 {
		return fmt.Errorf("--hang is %s: it must not be negative", f.Hang)
	}
	if math.IsNaN(f.Throttle) || math.IsInf(f.Throttle, 0) || f.Throttle < 0 {
		return fmt.Errorf("--throttle is %v: give the accepted requests per second (for example 10), or 0 for no limit", f.Throttle)
	}
	if f.ThrottleBurst < 0 {
		return fmt.Errorf("the throttle burst is %d: it must not be negative", f.ThrottleBurst)
	}
	return nil
}

// Config is everything a sandbox needs; the zero value is a perfect API with an
// in-memory store and freshly generated keys.
type Config struct {
	// APIKey and CustomerKey are the values the `apikey` and `CustomerKey`
	// headers must carry. When empty, the key kept in the database is used;
	// a database without one gets a generated key, which it then keeps, so
	// a file database has the same keys at every start. Read the keys in
	// use back from Server.
	APIKey, CustomerKey string
	// SaveAPIKey and SaveCustomerKey make a given APIKey or CustomerKey
	// replace the one kept in the database, for later starts too. A given
	// key not saved serves this session only and leaves the stored one as
	// it is: the command saves keys from its flags, not from the
	// environment, which may hold real keys that must not land in a file.
	SaveAPIKey, SaveCustomerKey bool
	// DB is the SQLite file path, or MemoryDB (the default when empty). A
	// file keeps the customers and the keys across restarts.
	DB string
	// Faults makes the sandbox misbehave on purpose.
	Faults Faults
	// Capacity is how many creates per second the sandbox serves, one at a
	// time, to rehearse a client that adapts its rate: a create waits for
	// the ones ahead of it, one arriving while Queue creates wait already
	// gets 429 with Retry-After, and one whose turn would come after 30 s
	// gets Heroku's 503 page. Zero means no limit. PUT /sandbox/capacity
	// changes it while the sandbox runs.
	Capacity float64
	// Queue is how many creates may wait for their turn; DefaultQueue when
	// zero.
	Queue int
	// Seed makes fault decisions reproducible: the same seed and the same
	// sequence of requests give the same faults. Concurrent clients change
	// the sequence, so reproducibility is exact only for sequential ones.
	Seed int64
	// Log receives one line per request. Nil discards them. Keys are never
	// written to it.
	Log io.Writer
}

// withDefaults fills the zero values of cfg and checks the rest. The keys
// are settled later, once the database is open.
func (cfg Config) withDefaults() (Config, error) {
	if err := cfg.Faults.Validate(); err != nil {
		return cfg, err
	}
	if err := checkCapacity(cfg.Capacity, cfg.Queue); err != nil {
		return cfg, err
	}
	if cfg.DB == "" {
		cfg.DB = MemoryDB
	}
	return cfg, nil
}

// CheckListenAddr refuses an address that would expose the sandbox beyond this
// machine unless public is set. The sandbox has no TLS and its keys are
// printed, so by default it only listens on loopback.
func CheckListenAddr(addr string, public bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not HOST:PORT (for example 127.0.0.1:8080): %v", addr, err)
	}
	if port == "" {
		return fmt.Errorf("--addr %q has no port: write it as HOST:PORT, for example 127.0.0.1:8080", addr)
	}
	if public {
		return nil
	}
	if isLoopbackHost(host) {
		return nil
	}
	if host == "" {
		host = "every network interface"
	}
	return fmt.Errorf("--addr %q would listen on %s, reachable from other machines: use 127.0.0.1:PORT, or add --public if you really mean it", addr, host)
}

// isLoopbackHost reports whether host names only this machine.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
