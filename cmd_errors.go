package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"owr-import/mapping"
)

// usageErrorf is a command-line mistake: exit code 2 and a pointer to --help.
func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	msg = strings.TrimRight(msg, "\n")
	return withCode(exitUsage, fmt.Errorf("%s\nSee '%s --help'.", msg, cmd.CommandPath()))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// flagError turns pflag's "unknown flag: --mapingg" into a usage error that
// names the closest flag of the command.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	var typed string
	switch {
	case strings.HasPrefix(msg, "unknown flag: --"):
		typed = strings.TrimPrefix(msg, "unknown flag: --")
	case strings.HasPrefix(msg, "unknown shorthand flag: "):
		typed = msg
	}
	if typed != "" {
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		if best := mapping.Closest(typed, names, 1); len(best) == 1 {
			msg += fmt.Sprintf(" (did you mean --%s?)", best[0])
		}
	}
	return usageErrorf(cmd, "%s", msg)
}
