package main

import (
	"github.com/inconshreveable/mousetrap"
	"github.com/spf13/cobra"
)

func init() {
	// cobra would answer a double-click with "this is a command line
	// tool" and quit; a double-click opens the studio instead.
	cobra.MousetrapHelpText = ""
}

// launchedByDoubleClick: Explorer started the program in a console of its
// own (a double-click, or a file dropped on it). From cmd or PowerShell
// the console is shared with the shell.
func launchedByDoubleClick() bool { return mousetrap.StartedByExplorer() }
