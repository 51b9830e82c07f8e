// Command owr-import imports a client's customer list from CSV or Excel into
// Onlinewerkrooster through its Customers API. This file only wires cobra
// commands to the packages and maps errors to exit codes in one place.
package main

import (
	"errors"
	"fmt"
	"os"
	"owr-import/internal/display"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Stamped by the Makefile with -ldflags -X.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Exit codes, the contract scripts rely on (the README lists them).
const (
	exitOK      = 0
	exitSome    = 1 // finished, some rows not created / not valid
	exitUsage   = 2 // usage, input or mapping error, nothing sent
	exitAborted = 3 // run aborted, partial results written
)

// exitError carries the exit code a failure maps to. Commands return it; main
// prints the message once and exits with the code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so main exits with code; nil stays nil.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// silentExit ends the process with code without printing anything more: the
// command has already said what happened (a summary, for instance).
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit %d", int(s)) }

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "owr-import",
		Short: "Import a customer list from CSV or Excel into Onlinewerkrooster",
		Long: `owr-import moves a client's customer list from a CSV or Excel export into
Onlinewerkrooster through its Customers API. It checks every row before
sending anything, sends at the rate the API allows, resumes after a crash
without creating a customer twice, and writes a results file and a file of
the rows to fix.

A migration: mapping init -> validate -> run --dry-run -> run --env dev ->
run --env prod -> fix NAME.failed.xlsx -> run it again.`,
		Example: `  owr-import mapping init export.xlsx -o mapping.yaml
  owr-import validate export.xlsx --mapping mapping.yaml
  owr-import run export.xlsx --mapping mapping.yaml --sandbox`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(flagError)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.AddCommand(newVersionCmd(), newSandboxCmd(s), newValidateCmd(s), newRunCmd(s), newStatusCmd(s), newMappingCmd(s), newCompletionCmd(), newStudioCmd(s))
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `version prints which build of owr-import this is: the version, the commit it
was built from and the build date. Quote it when you report a problem.`,
		Example: `  owr-import version`,
		Args:    cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			info, _ := debug.ReadBuildInfo()
			fmt.Fprintln(cmd.OutOrStdout(), versionLine(version, commit, date, info))
		},
	}
}

// versionLine says which build this is, version first: what the Makefile
// stamped (the git tag, commit and build date), else what go build
// recorded from git (a plain `go build` in a clone), else "dev".
func versionLine(version, commit, date string, info *debug.BuildInfo) string {
	when := "built " + date
	if version == "dev" && info != nil && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value[:min(7, len(s.Value))]
			case "vcs.time":
				when = "committed " + s.Value
			}
		}
	}
	return fmt.Sprintf("owr-import %s (commit %s, %s)", version, commit, when)
}

// exitCodeFor maps any error returned by a command to the process exit code.
// Errors that carry no code are usage errors (cobra's flag errors) or data
// errors caught before anything was sent: both are code 2.
func exitCodeFor(err error) int {
	if err == nil {
		return exitOK
	}
	var s silentExit
	if errors.As(err, &s) {
		return int(s)
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitUsage
}

func run(args []string, s *streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.Execute()
	if err != nil {
		var quiet silentExit
		if !errors.As(err, &quiet) {
			// The message may quote a header, a cell or an API answer.
			fmt.Fprintln(s.err, "error:", display.Text(err.Error()))
		}
	}
	return exitCodeFor(err)
}

func main() {
	os.Exit(run(defaultArgs(os.Args[1:], launchedByDoubleClick()), processStreams()))
}

// defaultArgs opens the studio when the program was started from the
// desktop rather than typed: without arguments, or with one export dropped
// on it.
func defaultArgs(args []string, doubleClick bool) []string {
	if !doubleClick {
		return args
	}
	switch {
	case len(args) == 0:
		return []string{"studio"}
	case len(args) == 1 && isFile(args[0]):
		return []string{"studio", args[0]}
	}
	return args
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
