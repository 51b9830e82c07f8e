package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// apiKeys are the two keys the Customers API wants. They come from the
// environment or a key file, never from a flag (a flag ends up in the shell
// history and in process listings) and are never printed.
type apiKeys struct {
	apiKey, customerKey string
}

// loadKeys reads OWR_API_KEY and OWR_CUSTOMER_KEY, or the same two names as
// KEY=value lines of keyFile when one is given.
func loadKeys(keyFile string, getenv func(string) string) (apiKeys, error) {
	k := apiKeys{apiKey: strings.TrimSpace(getenv("OWR_API_KEY")), customerKey: strings.TrimSpace(getenv("OWR_CUSTOMER_KEY"))}
	if keyFile != "" {
		fromFile, err := readKeyFile(keyFile)
		if err != nil {
			return apiKeys{}, err
		}
		k = fromFile
	}
	var missing []string
	if k.apiKey == "" {
		missing = append(missing, "OWR_API_KEY")
	}
	if k.customerKey == "" {
		missing = append(missing, "OWR_CUSTOMER_KEY")
	}
	if len(missing) > 0 {
		where := "the environment"
		if keyFile != "" {
			where = keyFile
		}
		return apiKeys{}, fmt.Errorf("%s not set in %s. Set both keys the Onlinewerkrooster team gave you before running, for example in PowerShell: $env:OWR_API_KEY = \"...\"; on macOS: export OWR_API_KEY=... (or put OWR_API_KEY=... and OWR_CUSTOMER_KEY=... lines in a file outside the project and pass --api-key-file). Nothing was read or sent",
			strings.Join(missing, " and "), where)
	}
	return k, nil
}

// maxKeyFile is the largest key file read: two keys and some comments.
const maxKeyFile = 64 << 10

// readKeyFile reads KEY=value lines; blank lines and # comments are allowed.
// Errors name the line number only, never its content.
func readKeyFile(path string) (apiKeys, error) {
	notKeys := fmt.Errorf("the key file %s is not a small text file with OWR_API_KEY=... and OWR_CUSTOMER_KEY=... lines", path)
	f, err := os.Open(path)
	if err != nil {
		return apiKeys{}, fmt.Errorf("reading the key file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return apiKeys{}, notKeys
	}
	// Read at most one byte more than a key file can hold: a device such as
	// /dev/zero, or a huge file named by mistake, is refused at once instead
	// of read until memory runs out. A pipe (<(...) in a shell) still works.
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return apiKeys{}, fmt.Errorf("reading the key file: %w", err)
	}
	if len(data) > maxKeyFile {
		return apiKeys{}, notKeys
	}
	// Notepad and PowerShell write UTF-8 or UTF-16 with a byte-order mark.
	if decoded, _, err := transform.Bytes(unicode.BOMOverride(unicode.UTF8.NewDecoder()), data); err == nil {
		data = decoded
	}
	var k apiKeys
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return apiKeys{}, fmt.Errorf("the key file %s, line %d: expected NAME=value", path, n)
		}
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		switch strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), "export ")) {
		case "OWR_API_KEY":
			k.apiKey = value
		case "OWR_CUSTOMER_KEY":
			k.customerKey = value
		default:
			return apiKeys{}, fmt.Errorf("the key file %s, line %d: unknown name; only OWR_API_KEY and OWR_CUSTOMER_KEY are read", path, n)
		}
	}
	return k, nil
}
