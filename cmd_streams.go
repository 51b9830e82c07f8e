package main

import (
	"io"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// streams is the process as the commands see it: the output streams,
// whether each is a terminal, and the environment. main builds it once
// from the real process; a test builds one with buffers and a map, and runs
// any command in-process.
type streams struct {
	out, err       io.Writer
	outTTY, errTTY bool
	getenv         func(string) string
}

// processStreams is the real process's streams and environment.
func processStreams() *streams {
	return &streams{
		out: os.Stdout, err: os.Stderr,
		outTTY: term.IsTerminal(int(os.Stdout.Fd())), errTTY: term.IsTerminal(int(os.Stderr.Fd())),
		getenv: os.Getenv,
	}
}

// Flags more than one command takes, defined once so their names, defaults
// and help agree everywhere.

func mappingFlag(f *pflag.FlagSet, p *string) {
	f.StringVarP(p, "mapping", "m", "", "the mapping file (YAML) that says which column is which field (required)")
}

func sheetFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "sheet", "", "XLSX: the sheet to read (default: the sheet whose header the mapping recognises best, else the widest)")
}

func summaryFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "summary-json", "", "also write the summary as JSON to this file")
}

func targetFlags(f *pflag.FlagSet, env, baseURL *string) {
	f.StringVar(env, "env", "", "Onlinewerkrooster's dev or prod environment")
	f.StringVar(baseURL, "base-url", "", "the API at this base URL instead (https, or http on this computer only)")
}
