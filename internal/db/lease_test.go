package db_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"groundwork/internal/db"
	"groundwork/internal/db/dbtest"
)

// holderEnv, when set to a database URL, makes this test binary the process
// that takes the migration lock and never lets go.
const holderEnv = "GROUNDWORK_TEST_HOLD_MIGRATION_LOCK"

// TestMigrationLockDiesWithItsHolder kills (SIGKILL, no chance to clean up)
// a process that holds the migration lock in the middle of migrating; the
// next start must migrate without anyone unlocking by hand.
func TestMigrationLockDiesWithItsHolder(t *testing.T) {
	if url := os.Getenv(holderEnv); url != "" {
		holdForever(url)
		return
	}
	t.Parallel()
	url := dbtest.URL(t)
	holder := exec.Command(os.Args[0], "-test.run=^TestMigrationLockDiesWithItsHolder$")
	holder.Env = append(os.Environ(), holderEnv+"="+url)
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "holding\n" {
		_ = holder.Process.Kill()
		t.Fatalf("holder said %q, %v", line, err)
	}
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn := openURL(t, url)
	start := time.Now()
	applied, err := db.Migrate(ctx, conn)
	if err != nil {
		t.Fatalf("start after the holder was killed: %v", err)
	}
	if len(applied) == 0 {
		t.Fatal("nothing applied on a new database")
	}
	t.Logf("migrated %v after the holder died", time.Since(start).Round(time.Millisecond))
}

// holdForever takes the migration lock with a short lease, says so, and
// waits to be killed.
func holdForever(url string) {
	db.LeaseTTL = time.Second
	ctx := context.Background()
	conn, err := db.Open(ctx, url, db.Options{MaxOpenConns: 2})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = db.HoldMigrationLock(ctx, conn, func() {
		fmt.Println("holding")
		select {}
	})
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
