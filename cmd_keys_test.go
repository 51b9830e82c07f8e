package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func TestReadKeyFile(t *testing.T) {
	const text = "# keys for dev\r\nOWR_API_KEY=abc123\r\nexport OWR_CUSTOMER_KEY=\"def456\"\r\n"
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, wantErr string
	}{
		{"plain", text, ""},
		{"utf-8 with BOM", "\ufeff" + text, ""},
		{"utf-16 from PowerShell", utf16, ""},
		{"unknown name", "OWR_API_KEY=a\nPASSWORD=b\n", "line 2: unknown name"},
		{"no equals sign", "OWR_API_KEY abc\n", "line 1: expected NAME=value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "keys.env")
			if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			k, err := readKeyFile(p)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "abc") {
					t.Errorf("the error shows a key: %v", err)
				}
				return
			}
			if err != nil || k.apiKey != "abc123" || k.customerKey != "def456" {
				t.Fatalf("got %+v, %v", k, err)
			}
		})
	}
}

// TestKeyFileEndless: a device that never ends is refused at once, within
// a bounded read, instead of growing until memory runs out.
func TestKeyFileEndless(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	_, err := readKeyFile("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "not a small text file") {
		t.Fatalf("readKeyFile(/dev/zero) = %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.env")
	if err := os.WriteFile(big, []byte("OWR_API_KEY=a\n"+strings.Repeat("#\n", 40<<10)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readKeyFile(big); err == nil {
		t.Fatal("a key file over 64 KiB was read")
	}
}
