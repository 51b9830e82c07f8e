package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"owr-import/importer/owrapi"
	"syscall"

	"owr-import/mapping"
	"owr-import/sandbox"
)

// target is where a run sends its rows, with what to release afterwards.
type target struct {
	client *owrapi.Client
	close  func()
}

// openTarget resolves --env, --base-url or --sandbox into a client. The keys
// are read here, before the input is opened, so a missing key costs nothing.
func openTarget(ctx context.Context, o *runOptions) (*target, error) {
	if o.useSandbox {
		return startEmbeddedSandbox(ctx, o)
	}
	base := o.baseURL
	if o.env != "" {
		var err error
		if base, err = owrapi.EnvBaseURL(o.env); err != nil {
			return nil, err
		}
	}
	keys, err := loadKeys(o.apiKeyFile, o.getenv)
	if err != nil {
		return nil, err
	}
	c, err := owrapi.NewClient(owrapi.ClientConfig{
		BaseURL: base, APIKey: keys.apiKey, CustomerKey: keys.customerKey,
		Timeout: o.timeout, UserAgent: "owr-import/" + version, CAFile: o.caFile,
	})
	if err != nil {
		return nil, err
	}
	return &target{client: c, close: func() {}}, nil
}

// existingSandboxCustomer is already in the built-in sandbox when it starts,
// as if someone had created it by hand, so a rehearsal (and `make demo`)
// shows what a 409 conflict looks like. The sample export has a row for it.
var existingSandboxCustomer = mapping.Customer{
	ExtCustomerID: 990001, ExtCustomerNumber: "OWR-990001", Name: "Reeds Aanwezig BV",
	EnterpriseNumber: "BE0403170701", Address: mapping.Address{City: "Brussel", Country: "belgium"},
}

// startEmbeddedSandbox starts the sandbox in this process on loopback with
// fresh keys and an in-memory store: nothing leaves the computer.
func startEmbeddedSandbox(ctx context.Context, o *runOptions) (*target, error) {
	srv, err := sandbox.Start(sandbox.Config{DB: ":memory:"}, "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the built-in sandbox: %w", err)
	}
	c, err := owrapi.NewClient(owrapi.ClientConfig{
		BaseURL: srv.URL, APIKey: srv.APIKey, CustomerKey: srv.CustomerKey,
		Timeout: o.timeout, UserAgent: "owr-import/" + version,
	})
	if err != nil {
		srv.Close()
		return nil, err
	}
	body, _ := json.Marshal(existingSandboxCustomer)
	if _, err := c.Create(ctx, body); err != nil {
		srv.Close()
		return nil, fmt.Errorf("preparing the built-in sandbox: %w", err)
	}
	fmt.Fprintf(o.err, "Using the built-in sandbox at %s (in memory; nothing leaves this computer). It already holds extCustomerId %d.\n",
		srv.URL, existingSandboxCustomer.ExtCustomerID)
	return &target{client: c, close: func() { srv.Close() }}, nil
}

// interruptible returns a context cancelled by the first Ctrl-C or SIGTERM:
// the run stops taking rows, lets requests in flight finish and writes its
// files. A second Ctrl-C quits at once; the journal is already on disk.
func interruptible(parent context.Context, stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		fmt.Fprintln(stderr, "\nStopping: no new rows are sent; requests in flight may finish, then the files are written. Press Ctrl-C again to quit at once (the journal is safe; run the same command again to resume).")
		cancel()
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "Quit. Run the same command again to resume from the journal.")
			os.Exit(exitAborted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
