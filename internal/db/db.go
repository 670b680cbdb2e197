// Package db opens Groundwork's database (PostgreSQL or SQLite), applies the
// embedded migrations and runs transactions with retries.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Dialect names the database engine behind a *bun.DB.
type Dialect string

// The two supported engines.
const (
	Postgres Dialect = "pg"
	SQLite   Dialect = "sqlite"
)

// Options tune the connection pool. Zero values pick sensible defaults.
type Options struct {
	// MaxOpenConns caps PostgreSQL connections per process (default 20).
	MaxOpenConns int
	// ApplicationName is reported to PostgreSQL in pg_stat_activity.
	ApplicationName string
}

// DialectOf reports which engine db talks to.
func DialectOf(db *bun.DB) Dialect {
	if _, ok := db.Dialect().(*pgdialect.Dialect); ok {
		return Postgres
	}
	return SQLite
}

// Open connects to the database named by rawURL: a postgres:// or
// postgresql:// URL selects PostgreSQL; anything else is a SQLite file path
// (an optional "sqlite://" or "file:" prefix is accepted). It checks that
// the database answers before returning.
func Open(ctx context.Context, rawURL string, opts Options) (*bun.DB, error) {
	var (
		db  *bun.DB
		err error
	)
	if IsPostgresURL(rawURL) {
		db, err = openPostgres(rawURL, opts)
	} else {
		db, err = openSQLite(rawURL)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ping(pingCtx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("database does not answer: %w", err)
	}
	return db, nil
}

// ping checks that db answers. A SQLite file that another process is
// opening at the same moment (switching it to WAL) can refuse a new
// connection at once, before its busy timeout applies; that is retried
// until ctx ends.
func ping(ctx context.Context, db *bun.DB) error {
	for attempt := 1; ; attempt++ {
		err := db.PingContext(ctx)
		if err == nil || !Retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(backoff(min(attempt, 6))):
		}
	}
}

// IsPostgresURL reports whether rawURL selects PostgreSQL.
func IsPostgresURL(rawURL string) bool {
	return strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://")
}

func openPostgres(rawURL string, opts Options) (*bun.DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL URL: %s", redactURLError(err))
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return nil, errors.New("invalid PostgreSQL URL: no host (expected postgres://user:password@host:5432/dbname)")
	}
	options := []pgdriver.Option{pgdriver.WithDSN(rawURL), pgdriver.WithTimeout(15 * time.Second)}
	if opts.ApplicationName != "" {
		options = append(options, pgdriver.WithApplicationName(opts.ApplicationName))
	}
	options = append(options, pgdriver.WithResetSessionFunc(discardDeadConn))
	connector, err := newConnector(options)
	if err != nil {
		return nil, err
	}
	sqldb := sql.OpenDB(connector)
	maxOpen := opts.MaxOpenConns
	if maxOpen <= 0 {
		maxOpen = 20
	}
	sqldb.SetMaxOpenConns(maxOpen)
	sqldb.SetMaxIdleConns(maxOpen)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	sqldb.SetConnMaxLifetime(time.Hour)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// newConnector builds the pgdriver connector. pgdriver.WithDSN panics on a
// DSN it cannot parse; the panic becomes an ordinary error here.
func newConnector(options []pgdriver.Option) (c *pgdriver.Connector, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid PostgreSQL URL: %v", r)
		}
	}()
	return pgdriver.NewConnector(options...), nil
}

// redactURLError drops the URL (which may hold a password) from a url.Parse error.
func redactURLError(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}

func openSQLite(rawURL string) (*bun.DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite://"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("invalid database URL: empty SQLite file name")
	}
	if strings.Contains(path, "://") {
		return nil, fmt.Errorf("invalid database URL: unsupported scheme in %q (use postgres:// or a SQLite file path)", rawURL)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("invalid SQLite path: %w", err)
	}
	dsn := "file:" + abs + "?" + url.Values{
		// busy_timeout comes first, so that switching a new file to WAL
		// waits for a replica opening it at the same moment instead of
		// failing. Statistics are kept by Optimize (after migrations, every
		// OptimizeEvery and at close), not at each connection's open, where
		// an ANALYZE racing another process's write fails the open. Each
		// connection caches up to 64 MiB of pages (SQLite's default is
		// 2 MiB, which an organisation of thousands outgrows, so that
		// reports and bulk loads spent a sixth of their time reading pages
		// back from the operating system) and reads the file through a
		// memory map of up to 256 MiB, which the operating system's cache
		// backs and shares between connections.
		"_pragma": {"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)",
			"cache_size(-65536)", "mmap_size(268435456)"},
		"_txlock": {"immediate"},
	}.Encode()
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open SQLite: %w", err)
	}
	// SQLite serialises writers; a small pool keeps readers concurrent under WAL
	// without piling writers onto the busy timeout.
	sqldb.SetMaxOpenConns(4)
	sqldb.SetMaxIdleConns(4)
	sqldb.SetConnMaxIdleTime(0)
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}
