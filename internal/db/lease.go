package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/uptrace/bun"
)

// LeaseTTL is how long a SQLite migration lease lasts unless its holder
// renews it (every third of it while it migrates). A process killed while
// migrating leaves a lease that expires after this, and the next start
// takes it over without anyone running `groundwork migrate unlock`.
var LeaseTTL = 30 * time.Second

// leaseName names the one lease Groundwork takes: the right to migrate.
const leaseName = "migrate"

const createLeases = `CREATE TABLE IF NOT EXISTS groundwork_leases (
	name       TEXT PRIMARY KEY,
	owner      TEXT NOT NULL,
	expires_at INTEGER NOT NULL
)`

// takeLease tries once to take the migration lease for owner: it succeeds
// when no one holds it or the holder's lease has expired.
func takeLease(ctx context.Context, db bun.IDB, owner string) (bool, error) {
	now := time.Now()
	res, err := db.ExecContext(ctx, `INSERT INTO groundwork_leases (name, owner, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
		WHERE groundwork_leases.expires_at < ?`,
		leaseName, owner, now.Add(LeaseTTL).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("migration lease: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// leaseLock holds the SQLite migration lease until the returned release is
// called, renewing it in the background. It waits up to lockWait for a
// live holder to finish.
func leaseLock(ctx context.Context, db *bun.DB) (release func(), err error) {
	if _, err := db.ExecContext(ctx, createLeases); err != nil {
		return nil, fmt.Errorf("migration lease: %w", err)
	}
	owner := leaseOwner()
	deadline := time.Now().Add(lockWait)
	for {
		ok, err := takeLease(ctx, db, owner)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return nil, ErrLocked
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		renew := time.NewTicker(LeaseTTL / 3)
		defer renew.Stop()
		for {
			select {
			case <-stop:
				return
			case <-renew.C:
				_, _ = db.ExecContext(context.WithoutCancel(ctx),
					"UPDATE groundwork_leases SET expires_at = ? WHERE name = ? AND owner = ?",
					time.Now().Add(LeaseTTL).UnixMilli(), leaseName, owner)
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		_, _ = db.ExecContext(context.WithoutCancel(ctx),
			"DELETE FROM groundwork_leases WHERE name = ? AND owner = ?", leaseName, owner)
	}, nil
}

// breakLease removes the migration lease whoever holds it.
func breakLease(ctx context.Context, db *bun.DB) error {
	if _, err := db.ExecContext(ctx, createLeases); err != nil {
		return fmt.Errorf("migration lease: %w", err)
	}
	_, err := db.ExecContext(ctx, "DELETE FROM groundwork_leases WHERE name = ?", leaseName)
	return err
}

// leaseOwner names this process in a lease: host, process ID and a random
// part, so two processes never share a name.
func leaseOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}
