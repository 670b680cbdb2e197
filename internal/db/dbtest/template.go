package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"groundwork/internal/db"
	"groundwork/migrations"
)

// MigratedURL returns the URL of a fresh database with every migration
// applied, removed when t ends. It costs a file copy on SQLite and a
// CREATE DATABASE ... TEMPLATE on PostgreSQL, not a migration.
func MigratedURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return sqliteCopy(t)
	}
	if !db.IsPostgresURL(base) {
		t.Fatalf("dbtest: %s must be a postgres:// URL", EnvURL)
	}
	return postgresCopy(t, base)
}

var (
	sqliteOnce     sync.Once
	sqliteTemplate []byte
	sqliteErr      error
)

// sqliteCopy writes the migrated template into t's temporary directory.
func sqliteCopy(t testing.TB) string {
	t.Helper()
	sqliteOnce.Do(func() { sqliteTemplate, sqliteErr = migratedSQLite() })
	if sqliteErr != nil {
		t.Fatalf("dbtest: migrate the template database: %v", sqliteErr)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, sqliteTemplate, 0o600); err != nil {
		t.Fatalf("dbtest: copy the template database: %v", err)
	}
	return path
}

// migratedSQLite migrates a new SQLite file and returns its bytes, with
// the write-ahead log folded in so the file alone is the whole database.
func migratedSQLite() ([]byte, error) {
	dir, err := os.MkdirTemp("", "groundwork-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	ctx := context.Background()
	conn, err := db.Open(ctx, path, db.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx, conn); err != nil {
		conn.Close()
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		conn.Close()
		return nil, err
	}
	if err := conn.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

var (
	pgOnce     sync.Once
	pgTemplate string
	pgErr      error
)

// postgresCopy creates a database from the migrated template and drops it
// when t ends.
func postgresCopy(t testing.TB, base string) string {
	t.Helper()
	admin := adminDB(t, base)
	pgOnce.Do(func() { pgTemplate, pgErr = migratedPostgres(base) })
	if pgErr != nil {
		t.Fatalf("dbtest: PostgreSQL template database: %v", pgErr)
	}
	name := "groundwork_test_" + strings.ToLower(rand.Text()[:16])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgTemplate); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dbtest: drop database: %v", err)
		}
	})
	return withDatabase(base, name)
}

// migratedPostgres returns the name of a database holding every migration,
// made once for each set of migrations and kept for later runs. Processes
// that race to make it each build their own and keep the first renamed.
func migratedPostgres(base string) (string, error) {
	sum, err := migrationsSum()
	if err != nil {
		return "", err
	}
	name := "groundwork_template_" + sum
	ctx := context.Background()
	var exists bool
	if err := admin.NewRaw("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", name).Scan(ctx, &exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_" + strings.ToLower(rand.Text()[:8])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	conn, err := db.Open(ctx, withDatabase(base, building), db.Options{MaxOpenConns: 2, ApplicationName: "groundwork-test-template"})
	if err == nil {
		_, err = db.Migrate(ctx, conn)
		conn.Close()
	}
	if err == nil {
		_, err = admin.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name)
	}
	if err != nil {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		if exists, _ := templateExists(ctx, name); exists {
			return name, nil // another process made it first
		}
		return "", err
	}
	return name, nil
}

func templateExists(ctx context.Context, name string) (bool, error) {
	var exists bool
	err := admin.NewRaw("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", name).Scan(ctx, &exists)
	return exists, err
}

// migrationsSum names the set of migrations: a digest of every file.
func migrationsSum() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(migrations.FS, path)
		fmt.Fprintf(h, "%s %d\n", path, len(data))
		h.Write(data)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

// withDatabase returns base pointing at database name.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}
