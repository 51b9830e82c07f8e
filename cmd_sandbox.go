package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newSandboxCmd is a placeholder until the sandbox lands.
func newSandboxCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a local Customers API for rehearsals (not yet)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("the sandbox is not built yet")
		},
	}
}
