package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// StoredCustomer is one customer as the sandbox keeps it, for tests and the
// demo to compare against what a run reported.
type StoredCustomer struct {
	CompanyID         int64     `json:"companyId"`
	CustomerID        int64     `json:"customerId"`
	ExtCustomerID     int64     `json:"extCustomerId"`
	ExtCustomerNumber string    `json:"extCustomerNumber"`
	Name              string    `json:"name"`
	EnterpriseNumber  string    `json:"enterpriseNumber"`
	Address           Address   `json:"address"`
	CreatedAt         time.Time `json:"createdAt"`
}

// errExtIDExists and errExtNumberExists are the two uniqueness violations,
// detected by SQLite's UNIQUE constraints so concurrent creates cannot slip
// past a check-then-insert race.
var (
	errExtIDExists     = errors.New("extCustomerId exists")
	errExtNumberExists = errors.New("extCustomerNumber exists")
)

// schema keeps one row per customer. The UNIQUE constraints are the contract:
// extCustomerId and extCustomerNumber are unique per company. The extCustomerId
// violation is reported first when a request repeats both (see create).
const schema = `
CREATE TABLE IF NOT EXISTS customers (
	customer_id         INTEGER PRIMARY KEY,
	company_id          INTEGER NOT NULL,
	ext_customer_id     INTEGER NOT NULL,
	ext_customer_number TEXT    NOT NULL,
	name                TEXT    NOT NULL,
	enterprise_number   TEXT    NOT NULL,
	street              TEXT    NOT NULL DEFAULT '',
	street_number       TEXT    NOT NULL DEFAULT '',
	city                TEXT    NOT NULL,
	postal_code         TEXT    NOT NULL DEFAULT '',
	country             TEXT    NOT NULL DEFAULT '',
	created_at_ns       INTEGER NOT NULL,
	CONSTRAINT customers_ext_id UNIQUE (company_id, ext_customer_id),
	CONSTRAINT customers_ext_number UNIQUE (company_id, ext_customer_number)
)`

const insertSQL = `INSERT INTO customers (company_id, ext_customer_id, ext_customer_number,
	name, enterprise_number, street, street_number, city, postal_code, country, created_at_ns)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const listSQL = `SELECT company_id, customer_id, ext_customer_id, ext_customer_number,
	name, enterprise_number, street, street_number, city, postal_code, country, created_at_ns
FROM customers ORDER BY customer_id`

// store is the SQLite side of the sandbox. It uses a single connection: SQLite
// has one writer anyway, WAL with synchronous=NORMAL commits without an fsync
// per insert, and one connection is what keeps a ":memory:" database alive and
// shared.
type store struct {
	db     *sql.DB
	insert *sql.Stmt
	now    func() time.Time
}

// openStore opens (creating if needed) the database at path, or an in-memory
// one for MemoryDB.
func openStore(path string) (*store, error) {
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("database path %q: use a plain file path without '?', '#' or a file: prefix", path)
	}
	if path != MemoryDB {
		if err := createPrivate(path); err != nil {
			return nil, err
		}
	}
	dsn := path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	ctx := context.Background()
	for _, ddl := range []string{schema, keysSchema} {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			db.Close()
			return nil, fmt.Errorf("open database %s: %w (is it a sandbox database, and is the folder writable?)", path, err)
		}
	}
	ins, err := db.PrepareContext(ctx, insertSQL)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return &store{db: db, insert: ins, now: time.Now}, nil
}

// createPrivate creates an empty database file at path, readable by its owner
// only, unless the file exists. The file keeps the sandbox's keys, and SQLite
// gives its -wal and -shm files the mode of the database file.
func createPrivate(path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("database %s: the folder %s does not exist; create it or choose another --db", path, dir)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("database %s: %w (is the folder writable? choose another --db)", path, err)
	}
	return f.Close()
}

// create stores c for company and returns the new customerId, or
// errExtIDExists / errExtNumberExists when the database refuses a duplicate.
func (s *store) create(ctx context.Context, company int64, c *newCustomer) (int64, error) {
	res, err := s.insert.ExecContext(ctx, company, c.ExtCustomerID, c.ExtCustomerNumber,
		c.Name, c.EnterpriseNumber, c.Address.Street, c.Address.StreetNumber,
		c.Address.City, c.Address.PostalCode, c.Address.Country, s.now().UnixNano())
	if err != nil {
		err = classify(err)
		if errors.Is(err, errExtNumberExists) && s.extIDExists(ctx, company, c.ExtCustomerID) {
			// A repeat of the same customer violates both constraints;
			// SQLite names only one. Report the id, the stronger sign of a
			// repeat, whichever index SQLite happened to check first.
			err = errExtIDExists
		}
		return 0, err
	}
	return res.LastInsertId()
}

// extIDExists tells which conflict to report after the database refused an
// insert. It is not a check before inserting: the constraint already decided.
func (s *store) extIDExists(ctx context.Context, company, extID int64) bool {
	var one int
	err := s.db.QueryRowContext(ctx,
		`SELECT 1 FROM customers WHERE company_id = ? AND ext_customer_id = ?`, company, extID).Scan(&one)
	return err == nil
}

// classify maps a UNIQUE violation to the matching sentinel error. SQLite
// names the violated columns in its message, which tells the two apart.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return err
	}
	msg := se.Error()
	switch {
	case strings.Contains(msg, "ext_customer_id"):
		return errExtIDExists
	case strings.Contains(msg, "ext_customer_number"):
		return errExtNumberExists
	}
	return err
}

// list returns every stored customer, oldest first.
func (s *store) list(ctx context.Context) ([]StoredCustomer, error) {
	rows, err := s.db.QueryContext(ctx, listSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredCustomer
	for rows.Next() {
		var c StoredCustomer
		var ns int64
		if err := rows.Scan(&c.CompanyID, &c.CustomerID, &c.ExtCustomerID, &c.ExtCustomerNumber,
			&c.Name, &c.EnterpriseNumber, &c.Address.Street, &c.Address.StreetNumber,
			&c.Address.City, &c.Address.PostalCode, &c.Address.Country, &ns); err != nil {
			return nil, err
		}
		c.CreatedAt = time.Unix(0, ns).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// close releases the statement and the database; for a file database the WAL
// is checkpointed by SQLite on the last close.
func (s *store) close() error {
	return errors.Join(s.insert.Close(), s.db.Close())
}
