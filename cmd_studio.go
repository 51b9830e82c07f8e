package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"owr-import/studio"
)

// studioOptions are the flags and streams of `studio`.
type studioOptions struct {
	file, outDir string
	noBrowser    bool
	*streams
}

func newStudioCmd(s *streams) *cobra.Command {
	o := &studioOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "studio [FILE] [--out-dir DIR] [--no-browser]",
		Short: "Map, check, send and follow a migration in a web page on this computer",
		Long: `studio opens a page in your web browser that does what the other commands
do, step by step: open an export of the migration folder (or drop one on the
page), choose its columns while looking at their values, check every row in
a grid, send the valid rows (the same engine and ledger as run: a send can be
resumed by run and the other way round), and follow the migration.

The page is served on 127.0.0.1 only, behind a key that changes at every
start; nothing is loaded from the internet and the client's data stays on
this computer, except what you send to the API you choose. Keys typed into
the page are kept in memory only.

The migration folder is --out-dir, else FILE's folder, else the current
folder. Stop the studio with Ctrl-C or the page's Stop the studio button; a
send in progress stops as run does on Ctrl-C (requests in flight finish, the
files are written).`,
		Example: `  owr-import studio
  owr-import studio export.xlsx
  owr-import studio --out-dir klant-x --no-browser`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.file = args[0]
			}
			return runStudio(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.outDir, "out-dir", "", "the migration's folder: exports, mapping.yaml, ledger and result files (default: FILE's folder, else the current folder)")
	f.BoolVar(&o.noBrowser, "no-browser", false, "print the page's address instead of opening the browser")
	return cmd
}

func runStudio(ctx context.Context, o *studioOptions) error {
	dir, file, err := studioFolder(o.file, o.outDir)
	if err != nil {
		return withCode(exitUsage, err)
	}
	srv, err := studio.Start(studio.Options{Dir: dir, File: file, Version: version})
	if err != nil {
		return withCode(exitUsage, err)
	}
	defer srv.Close()
	fmt.Fprintf(o.err, "owr-import studio is running for the folder %s.\n", srv.Dir())
	if o.noBrowser || openBrowser(srv.URL()) != nil {
		fmt.Fprintf(o.out, "Open this address in your browser (it only works on this computer):\n%s\n", srv.URL())
	}
	fmt.Fprintln(o.err, "Stop it with Ctrl-C or the page's \"Stop the studio\" button.")
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	select {
	case <-sigs:
		fmt.Fprintln(o.err, "\nStopping: a send in progress finishes its requests in flight and writes its files. Press Ctrl-C again to quit at once (the ledger is safe; a send resumes where it stopped).")
		go func() {
			<-sigs
			os.Exit(exitAborted)
		}()
	case <-srv.Quit():
	case <-ctx.Done():
	}
	return nil
}

// studioFolder is the migration folder and the export to open in it: FILE
// must be in the folder, where the page lists it.
func studioFolder(file, outDir string) (dir, name string, err error) {
	dir = outDir
	if file == "" {
		return dir, "", nil
	}
	if dir == "" {
		dir = filepath.Dir(file)
	}
	absFile, err := filepath.Abs(file)
	if err != nil {
		return "", "", err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if filepath.Dir(absFile) != absDir {
		return "", "", fmt.Errorf("%s is not in the migration folder %s: copy it there, or start the studio without FILE and drop it on the page", file, absDir)
	}
	if st, err := os.Stat(absFile); err != nil || !st.Mode().IsRegular() {
		return "", "", errors.New(file + ": file not found. Check the path and the file name")
	}
	return dir, filepath.Base(absFile), nil
}

// openBrowser opens url in the default browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reaped, whatever the opener does
	return nil
}
