// Package dbtest gives each test a fresh database: SQLite in a temporary
// directory by default, or on PostgreSQL when GROUNDWORK_TEST_DATABASE_URL
// is set. Databases are independent, so tests that use them may call
// t.Parallel.
//
// A migrated database is a copy of a template migrated once: on SQLite a
// copy of a migrated file made once per test process, on PostgreSQL a
// CREATE DATABASE ... TEMPLATE of a database migrated once per set of
// migrations and kept on the server for later runs. An empty database (URL)
// is a new file, or a new schema on PostgreSQL.
package dbtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"groundwork/internal/db"
)

// EnvURL names the variable that points tests at a PostgreSQL server.
const EnvURL = "GROUNDWORK_TEST_DATABASE_URL"

// New returns a migrated database for t and closes it when t ends.
func New(t testing.TB) *bun.DB {
	t.Helper()
	return Open(t, MigratedURL(t))
}

// Open opens and migrates the database at rawURL (one from URL) and closes
// it when t ends.
func Open(t testing.TB, rawURL string) *bun.DB {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Open(ctx, rawURL, db.Options{MaxOpenConns: 8, ApplicationName: "groundwork-test"})
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := db.Migrate(ctx, conn); err != nil {
		t.Fatalf("dbtest: migrate: %v", err)
	}
	return conn
}

// URL returns the URL of a fresh, empty database for t, removed when t ends:
// a SQLite file in t.TempDir(), or a new PostgreSQL schema selected through
// search_path when GROUNDWORK_TEST_DATABASE_URL is set.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return filepath.Join(t.TempDir(), "test.db")
	}
	if !db.IsPostgresURL(base) {
		t.Fatalf("dbtest: %s must be a postgres:// URL", EnvURL)
	}
	return newSchema(t, base)
}

// Postgres reports whether tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvURL) != "" }

var (
	adminOnce sync.Once
	admin     *bun.DB
	adminErr  error
)

// adminDB returns the connection to the server at base that creates and
// drops schemas and databases.
func adminDB(t testing.TB, base string) *bun.DB {
	t.Helper()
	adminOnce.Do(func() {
		admin, adminErr = db.Open(context.Background(), base, db.Options{MaxOpenConns: 4, ApplicationName: "groundwork-test-admin"})
	})
	if adminErr != nil {
		t.Fatalf("dbtest: PostgreSQL at %s: %v", EnvURL, adminErr)
	}
	return admin
}

func newSchema(t testing.TB, base string) string {
	t.Helper()
	ctx := context.Background()
	admin := adminDB(t, base)
	schema := "test_" + strings.ToLower(rand.Text()[:16])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dbtest: drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Name describes the database under test, for benchmark and log labels.
func Name() string {
	if Postgres() {
		return "postgres"
	}
	return "sqlite"
}

// Exec runs statements on conn and fails t on error; a small aid for fixtures.
func Exec(t testing.TB, conn bun.IDB, query string, args ...any) {
	t.Helper()
	if _, err := conn.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("dbtest: %s: %v", fmt.Sprint(query), err)
	}
}
