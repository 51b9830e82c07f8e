package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"owr-import/importer/source"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// The shells `completion` writes a script for, as cobra generates them.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// newCompletionCmd replaces cobra's default completion command, which
// prints its help and exits 0 for a shell it does not know: here any other
// shell is a usage error (exit 2) that names the shells there are.
func newCompletionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script (bash, zsh, fish or PowerShell)",
		Long: `completion prints a script that lets your shell complete owr-import's
commands and flags with Tab, and their values: dev and prod after --env,
.yaml and .yml files after --mapping, and the sheets of the workbook after
--sheet once the export's FILE is on the line.

PowerShell (Windows), for the current window:
  owr-import completion powershell | Out-String | Invoke-Expression
For every new window, add that line to your profile (notepad $PROFILE).

zsh (macOS), in ~/.zshrc (after "autoload -U compinit; compinit"):
  source <(owr-import completion zsh)

bash (needs the bash-completion package), in ~/.bashrc:
  source <(owr-import completion bash)

fish:
  owr-import completion fish > ~/.config/fish/completions/owr-import.fish`,
		Example: `  owr-import completion powershell | Out-String | Invoke-Expression
  source <(owr-import completion zsh)`,
		ValidArgs:             completionShells,
		Args:                  oneShell,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeCompletion(cmd.Root(), cmd.OutOrStdout(), strings.ToLower(args[0]))
		},
	}
}

// oneShell accepts exactly one of completionShells, in any case
// ("PowerShell" as Windows spells it).
func oneShell(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return errors.New("name the shell: bash, zsh, fish or powershell, e.g. `owr-import completion powershell`")
	}
	if !slices.Contains(completionShells, strings.ToLower(args[0])) {
		return fmt.Errorf("no completion for %q: the shells supported are bash, zsh, fish and powershell", args[0])
	}
	return nil
}

func writeCompletion(root *cobra.Command, w io.Writer, shell string) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	default:
		if err := root.GenPowerShellCompletionWithDesc(w); err != nil {
			return err
		}
		// PowerShell completes only the command name as typed: also when a
		// consultant types owr-import.exe.
		name := root.Name()
		_, err := fmt.Fprintf(w, "Register-ArgumentCompleter -CommandName '%s.exe' -ScriptBlock ${__%sCompleterBlock}\n",
			name, strings.NewReplacer("-", "_", ":", "_").Replace(name))
		return err
	}
}

// completeEnv offers the two Onlinewerkrooster environments for --env.
func completeEnv(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, env := range []struct{ name, desc string }{
		{"dev", "Onlinewerkrooster's dev environment (rehearsals)"},
		{"prod", "Onlinewerkrooster's production environment"},
	} {
		if strings.HasPrefix(env.name, strings.ToLower(toComplete)) {
			out = append(out, cobra.CompletionWithDesc(env.name, env.desc))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeMapping offers .yaml and .yml files (and folders) for --mapping.
func completeMapping(_ *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeSheet offers the visible sheets of the workbook named by the
// command's FILE argument for --sheet; nothing when FILE is not typed yet,
// is not an .xlsx or cannot be read.
func completeSheet(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 || !strings.EqualFold(filepath.Ext(args[0]), ".xlsx") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, name := range source.VisibleSheets(expandHome(args[0])) {
		if strings.HasPrefix(strings.ToLower(name), strings.ToLower(toComplete)) {
			out = append(out, name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// expandHome turns a leading ~ into the home folder: a shell leaves it as
// typed in the words it hands to completion.
func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~"); ok && (rest == "" || rest[0] == '/' || rest[0] == '\\') {
		if home, err := os.UserHomeDir(); err == nil {
			return home + rest
		}
	}
	return path
}
