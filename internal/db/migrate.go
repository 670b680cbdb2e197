package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"groundwork/migrations"
)

// lockWait is how long Migrate waits for another process (a second replica
// starting at the same moment) to release the migration lock.
const lockWait = 60 * time.Second

// Migrator returns a bun migrator over the embedded migrations.
func Migrator(db *bun.DB) (*migrate.Migrator, error) {
	return newMigrator(db, migrations.FS)
}

func newMigrator(db *bun.DB, fsys fs.FS) (*migrate.Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(fsys); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return migrate.NewMigrator(db, ms,
		migrate.WithMarkAppliedOnSuccess(true),
		migrate.WithTemplateData(map[string]string{"Dialect": string(DialectOf(db))}),
	), nil
}

// Migrate applies every pending migration under bun's migration lock and
// returns the names of those it applied.
func Migrate(ctx context.Context, db *bun.DB) ([]string, error) {
	m, err := Migrator(db)
	if err != nil {
		return nil, err
	}
	return withLock(ctx, m, func() ([]string, error) {
		group, err := m.Migrate(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		return names(group.Migrations.Applied()), nil
	})
}

// Rollback undoes the most recent group of migrations and returns their names.
func Rollback(ctx context.Context, db *bun.DB) ([]string, error) {
	m, err := Migrator(db)
	if err != nil {
		return nil, err
	}
	return withLock(ctx, m, func() ([]string, error) {
		group, err := m.Rollback(ctx)
		if err != nil {
			return nil, fmt.Errorf("roll back: %w", err)
		}
		return names(group.Migrations), nil
	})
}

// MigrationStatus lists every known migration with whether it is applied.
func MigrationStatus(ctx context.Context, db *bun.DB) (migrate.MigrationSlice, error) {
	m, err := Migrator(db)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	return m.MigrationsWithStatus(ctx)
}

// Unlock removes a migration lock left behind by an older Groundwork that
// died while migrating, and any SQLite lease; Migrate itself recovers from
// a dead holder, so this is rarely needed.
func Unlock(ctx context.Context, db *bun.DB) error {
	m, err := Migrator(db)
	if err != nil {
		return err
	}
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("init migrations: %w", err)
	}
	if DialectOf(db) == SQLite {
		if err := breakLease(ctx, db); err != nil {
			return err
		}
	}
	return m.Unlock(ctx)
}

// ErrLocked means another live process held the migration lock for longer
// than Migrate waits.
var ErrLocked = errors.New("migrations are locked by another process that is still migrating; try again when it has finished")

// withLock runs fn while this process alone may migrate. The lock dies with
// its holder, so a process killed while migrating never blocks the next
// start: on PostgreSQL it is a session advisory lock, which the server
// releases when the connection drops; on SQLite a lease that expires unless
// renewed (LeaseTTL).
func withLock(ctx context.Context, m *migrate.Migrator, fn func() ([]string, error)) ([]string, error) {
	lock := leaseLock
	if DialectOf(m.DB()) == Postgres {
		lock = advisoryLock
	}
	release, err := lock(ctx, m.DB())
	if err != nil {
		return nil, err
	}
	defer release()
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	return fn()
}

func names(ms migrate.MigrationSlice) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// migrationLockKey is an arbitrary constant naming Groundwork's migration
// advisory lock.
const migrationLockKey = 0x67726f756e64

func advisoryLock(ctx context.Context, db *bun.DB) (func(), error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	lockCtx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	if _, err := conn.ExecContext(lockCtx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
		_ = conn.Close()
		if lockCtx.Err() != nil {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey)
		_ = conn.Close()
	}, nil
}
