package db_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"

	"groundwork/internal/db"
	"groundwork/internal/db/dbtest"
)

// TestPooledConnectionsSurviveServerRestart terminates every server process
// behind a warm pool, as a PostgreSQL restart does, and checks that no query
// afterwards fails (bun issue 525).
func TestPooledConnectionsSurviveServerRestart(t *testing.T) {
	base := os.Getenv(dbtest.EnvURL)
	if base == "" {
		t.Skip("needs PostgreSQL: set " + dbtest.EnvURL)
	}
	ctx := context.Background()
	const poolSize = 6
	app := "gw-restart-" + strings.ToLower(rand.Text()[:8])
	conn, err := db.Open(ctx, base, db.Options{MaxOpenConns: poolSize, ApplicationName: app})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	warm(t, conn.DB, poolSize)
	terminate(t, base, app, poolSize)

	for i := range 3 * poolSize {
		var one int
		if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
			t.Fatalf("query %d after restart failed: %v", i, err)
		}
	}
	warm(t, conn.DB, poolSize) // concurrent use after recovery works too
}

// TestPlainDriverFailsAfterRestart shows the failure the test above guards
// against, so that test cannot pass by accident.
func TestPlainDriverFailsAfterRestart(t *testing.T) {
	base := os.Getenv(dbtest.EnvURL)
	if base == "" {
		t.Skip("needs PostgreSQL: set " + dbtest.EnvURL)
	}
	app := "gw-plain-" + strings.ToLower(rand.Text()[:8])
	plain := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(base), pgdriver.WithApplicationName(app)))
	defer plain.Close()
	plain.SetMaxOpenConns(2)
	warm(t, plain, 2)
	terminate(t, base, app, 2)
	failed := 0
	for range 4 {
		var one int
		if err := plain.QueryRow("SELECT 1").Scan(&one); err != nil {
			failed++
		}
	}
	if failed == 0 {
		t.Fatal("plain pgdriver survived terminated connections; the restart test would prove nothing")
	}
}

// warm opens n pooled connections by holding n queries at once.
func warm(t *testing.T, conn *sql.DB, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := conn.Exec("SELECT pg_sleep(0.05)"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// terminate ends the server processes of application app, checking that
// there were n of them.
func terminate(t *testing.T, base, app string, n int) {
	t.Helper()
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(base)))
	defer admin.Close()
	var killed int
	err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed)
	if err != nil {
		t.Fatal(err)
	}
	if killed != n {
		t.Fatalf("terminated %d connections, want %d", killed, n)
	}
	// pg_terminate_backend only signals; wait until the processes are gone,
	// as they are once a restarted server accepts connections again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left int
		if err := admin.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d terminated connections still running", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
