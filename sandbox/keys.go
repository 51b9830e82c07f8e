package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// keysSchema keeps the sandbox's two keys with its customers, so a consultant
// who set the keys printed at one start can restart the sandbox on the same
// file and keep working. generated is 1 for a key the sandbox made itself (a
// test key it may print) and 0 for one a user gave (never printed).
const keysSchema = `
CREATE TABLE IF NOT EXISTS sandbox_keys (
	header    TEXT    PRIMARY KEY,
	value     TEXT    NOT NULL,
	generated INTEGER NOT NULL
)`

// The header names double as the rows' names in sandbox_keys.
const (
	apiKeyHeader      = "apikey"
	customerKeyHeader = "CustomerKey"
)

// sessionKey is the key one header must carry while this sandbox runs.
type sessionKey struct {
	value     string
	generated bool // made by a sandbox, now or at an earlier start
}

// newKey returns a random key for a sandbox: 32 hex characters from
// crypto/rand, so a sandbox left listening cannot be guessed into.
func newKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("cannot generate a sandbox key: %w", err)
	}
	return "sbx-" + hex.EncodeToString(b[:]), nil
}

// key decides the key header must carry. A given key is used; with save it
// also replaces the stored one for later starts. Without a given key, the
// stored one is used, and a database without one gets a generated key, stored
// at once (a second sandbox racing on the same file then reads the first
// one's key instead of writing its own).
func (s *store) key(ctx context.Context, header, given string, save bool) (sessionKey, error) {
	if given != "" {
		if save {
			_, err := s.db.ExecContext(ctx, `INSERT INTO sandbox_keys (header, value, generated) VALUES (?, ?, 0)
				ON CONFLICT (header) DO UPDATE SET value = excluded.value, generated = 0`, header, given)
			if err != nil {
				return sessionKey{}, fmt.Errorf("cannot store the %s key in the database: %w", header, err)
			}
		}
		return sessionKey{value: given}, nil
	}
	k, err := s.storedKey(ctx, header)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return k, err
	}
	fresh, err := newKey()
	if err != nil {
		return sessionKey{}, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sandbox_keys (header, value, generated) VALUES (?, ?, 1)
		ON CONFLICT (header) DO NOTHING`, header, fresh); err != nil {
		return sessionKey{}, fmt.Errorf("cannot store the generated %s key in the database: %w", header, err)
	}
	return s.storedKey(ctx, header)
}

// storedKey reads the key kept for header; sql.ErrNoRows when there is none.
func (s *store) storedKey(ctx context.Context, header string) (sessionKey, error) {
	var k sessionKey
	err := s.db.QueryRowContext(ctx, `SELECT value, generated FROM sandbox_keys WHERE header = ?`, header).
		Scan(&k.value, &k.generated)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("cannot read the %s key from the database: %w", header, err)
	}
	return k, err
}
