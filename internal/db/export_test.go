package db

import (
	"context"

	"github.com/uptrace/bun"
)

// HoldMigrationLock takes the migration lock as Migrate does and runs
// hold while holding it, for tests of what a dead holder leaves behind.
func HoldMigrationLock(ctx context.Context, conn *bun.DB, hold func()) error {
	m, err := Migrator(conn)
	if err != nil {
		return err
	}
	_, err = withLock(ctx, m, func() ([]string, error) { hold(); return nil, nil })
	return err
}
