//go:build !windows

package main

import (
	"os"

	"golang.org/x/term"
)

// launchedByDoubleClick: no terminal on the standard input, as when a
// desktop starts the program (a launcher, a file manager that runs it
// without a terminal). macOS's Finder runs a double-clicked program in a
// Terminal window, which is a terminal: there the help shows, as when the
// command is typed.
func launchedByDoubleClick() bool { return !term.IsTerminal(int(os.Stdin.Fd())) }
