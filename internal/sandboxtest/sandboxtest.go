// Package sandboxtest starts the real sandbox in-process for other packages'
// tests, on 127.0.0.1:0 with an in-memory store, and closes it when the test
// ends. Tests of the sending and importing code use it so that they talk to
// the same handler as `run --sandbox`.
package sandboxtest

import (
	"testing"

	"owr-import/sandbox"
)

// Start runs a sandbox with the given faults and a fixed seed, so a fault
// pattern repeats from run to run.
func Start(t testing.TB, faults sandbox.Faults) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Config{DB: sandbox.MemoryDB, Faults: faults, Seed: 42}, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("closing the sandbox: %v", err)
		}
	})
	return srv
}
