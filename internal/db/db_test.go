package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"groundwork/internal/db"
	"groundwork/internal/db/dbtest"
)

func TestOpenRejectsMalformedURLs(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"postgres://%zz":                      "invalid PostgreSQL URL",
		"postgres:///nohost":                  "no host",
		"mysql://root@localhost/db":           "unsupported scheme",
		"postgres://u@h:5432/d?sslmode=bogus": "sslmode",
	}
	for url, want := range cases {
		_, err := db.Open(context.Background(), url, db.Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q) = %v, want an error containing %q", url, err, want)
		}
	}
}

func TestMigrateUpDownStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := dbtest.New(t)

	again, err := db.Migrate(ctx, conn)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Migrate = %v, %v; want nothing applied", again, err)
	}
	status, err := db.MigrationStatus(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if len(status) == 0 || len(status.Unapplied()) != 0 {
		t.Fatalf("status = %v, want every migration applied", status)
	}
	rolled, err := db.Rollback(ctx, conn)
	if err != nil || len(rolled) != len(status) {
		t.Fatalf("Rollback = %v, %v; want %d migrations", rolled, err, len(status))
	}
	if _, err := conn.NewSelect().Table("settings").Count(ctx); err == nil {
		t.Fatal("settings table still exists after rollback")
	}
	applied, err := db.Migrate(ctx, conn)
	if err != nil || len(applied) != len(status) {
		t.Fatalf("Migrate after rollback = %v, %v", applied, err)
	}
}

func TestMigrateWaitsForLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t)
	// Two replicas starting at once: both must succeed, one applying the
	// migrations and the other finding nothing to do.
	var wg sync.WaitGroup
	var total atomic.Int64
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Open(ctx, url, db.Options{MaxOpenConns: 2})
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			names, err := db.Migrate(ctx, conn)
			total.Add(int64(len(names)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	conn := openURL(t, url)
	status, err := db.MigrationStatus(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if int(total.Load()) != len(status) {
		t.Fatalf("applied %d migrations in all, want each of %d once", total.Load(), len(status))
	}
}

func openURL(t *testing.T, url string) *bun.DB {
	t.Helper()
	conn, err := db.Open(context.Background(), url, db.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestSecretIsGeneratedOnceAndShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.URL(t)
	first := openURL(t, url)
	if _, err := db.Migrate(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := openURL(t, url) // another replica, same database

	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := first
			if i%2 == 1 {
				conn = second
			}
			s, err := db.Secret(ctx, conn, "session_key", 64)
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		}()
	}
	wg.Wait()
	if len(got[0]) != 64 {
		t.Fatalf("secret has %d bytes, want 64", len(got[0]))
	}
	for i, s := range got {
		if string(s) != string(got[0]) {
			t.Fatalf("caller %d got a different secret", i)
		}
	}
	other, err := db.Secret(ctx, first, "signing_key", 32)
	if err != nil || string(other) == string(got[0][:32]) {
		t.Fatalf("a second secret must be independent: %v", err)
	}
}

func TestIsUniqueViolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := dbtest.New(t)
	insert := func() error {
		_, err := conn.ExecContext(ctx, "INSERT INTO settings (name, value, created_at) VALUES ('x', 'y', CURRENT_TIMESTAMP)")
		return err
	}
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	err := insert()
	if !db.IsUniqueViolation(err) {
		t.Fatalf("IsUniqueViolation(%v) = false", err)
	}
	if db.IsUniqueViolation(errors.New("UNIQUE constraint failed")) {
		t.Fatal("a plain error is not a unique violation")
	}
	if db.Retryable(err) {
		t.Fatal("a unique violation is not retryable")
	}
}

func TestInTxRetriesConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := dbtest.New(t)
	dbtest.Exec(t, conn, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
	dbtest.Exec(t, conn, "INSERT INTO counter (id, n) VALUES (1, 0)")

	// Many concurrent read-modify-write transactions at serializable
	// isolation: PostgreSQL aborts some with serialization failures and
	// SQLite makes some wait or fail busy. InTx must retry them all through.
	const workers = 8
	var wg sync.WaitGroup
	var attempts atomic.Int64
	opts := &sql.TxOptions{Isolation: sql.LevelSerializable}
	if !dbtest.Postgres() {
		opts = nil
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.InTx(ctx, conn, opts, func(ctx context.Context, tx bun.Tx) error {
				attempts.Add(1)
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, "UPDATE counter SET n = ? WHERE id = 1", n+1)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != workers {
		t.Fatalf("counter = %d after %d increments (%d attempts): lost updates", n, workers, attempts.Load())
	}
	t.Logf("%s: %d increments took %d attempts", dbtest.Name(), workers, attempts.Load())
}

func TestInTxDoesNotRetryOrdinaryErrors(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	calls := 0
	boom := errors.New("boom")
	err := db.InTx(context.Background(), conn, nil, func(context.Context, bun.Tx) error {
		calls++
		return boom
	})
	if !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("InTx = %v after %d calls; want boom after 1", err, calls)
	}
}

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	_, err := db.Open(context.Background(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable", db.Options{})
	if err == nil || !db.IsUnavailable(err) {
		t.Fatalf("a refused connection: IsUnavailable(%v) = false", err)
	}
	if db.IsUnavailable(errors.New("syntax error")) || db.IsUnavailable(nil) {
		t.Fatal("ordinary errors are not unavailability")
	}
}
