package db

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"groundwork/internal/clock"
)

// OptimizeEvery is how often a long-running process asks SQLite to
// refresh the statistics its query planner relies on.
const OptimizeEvery = 3 * time.Hour

// RefreshStatistics recomputes the planner's statistics for every table,
// for use after a bulk load: ANALYZE on PostgreSQL; on SQLite ANALYZE,
// then PRAGMA optimize.
func RefreshStatistics(ctx context.Context, conn bun.IDB) error {
	if _, err := conn.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("refresh statistics: %w", err)
	}
	if conn.Dialect().Name() == dialect.SQLite {
		if _, err := conn.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			return fmt.Errorf("refresh statistics: %w", err)
		}
	}
	return nil
}

// Optimize runs SQLite's PRAGMA optimize, which analyzes the tables whose
// statistics are missing or out of date and is quick when none are. On
// PostgreSQL it does nothing: autovacuum keeps the statistics there.
func Optimize(ctx context.Context, conn *bun.DB) error {
	if DialectOf(conn) != SQLite {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

// KeepOptimized runs Optimize every interval until ctx is done, logging a
// failure and going on.
func KeepOptimized(ctx context.Context, conn *bun.DB, interval time.Duration, logger *slog.Logger) {
	if DialectOf(conn) != SQLite {
		return
	}
	clock.Every(ctx, interval, func(ctx context.Context) {
		if err := Optimize(ctx, conn); err != nil && ctx.Err() == nil {
			logger.Error("optimize database", slog.String("error", err.Error()))
		}
	})
}
