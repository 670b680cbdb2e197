package db

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"groundwork/internal/clock"
)

// OptimizeEvery is how often a long-running process asks SQLite to
// refresh the statistics its query planner relies on.
const OptimizeEvery = 3 * time.Hour

// RefreshStatistics recomputes the planner's statistics for every table,
// for use after a bulk load: on SQLite ANALYZE, then PRAGMA optimize; on
// PostgreSQL ANALYZE of the tables of the current schema. ANALYZE reads a
// sample of each table, so it ends in seconds at any size; VACUUM, which
// would also let covering indexes answer without visiting the table from
// the first query on, reads every page and outlasts the connection's read
// timeout on a large organisation, so it is left to autovacuum, which
// comes by within minutes of a bulk load.
func RefreshStatistics(ctx context.Context, conn bun.IDB) error {
	refresh := "ANALYZE"
	if conn.Dialect().Name() == dialect.PG {
		var tables []string
		if err := conn.NewRaw("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "+
			"WHERE schemaname = current_schema() ORDER BY tablename").
			Scan(ctx, &tables); err != nil {
			return fmt.Errorf("refresh statistics: %w", err)
		}
		if len(tables) == 0 {
			return nil
		}
		refresh = "ANALYZE " + strings.Join(tables, ", ")
	}
	if _, err := conn.ExecContext(ctx, refresh); err != nil {
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
