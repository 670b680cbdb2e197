package db

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// LockName serialises the transactions that take the same name until they
// end. On PostgreSQL it is an advisory lock, which leaves no trace in any
// row (a row lock would leave the transaction's ID in that row's xmax, for
// anyone reading system columns to find); SQLite's immediate transactions
// already run one at a time.
func LockName(ctx context.Context, tx bun.Tx, name string) error {
	if tx.Dialect().Name() != dialect.PG {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", name); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	return nil
}

// Shuffle puts xs in a random order drawn from crypto/rand. Rows written in
// that order sit in the table in that order, so their physical order says
// nothing of the order they came in, and cannot be predicted or replayed.
func Shuffle[T any](xs []T) {
	for i := len(xs) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		xs[i], xs[j.Int64()] = xs[j.Int64()], xs[i]
	}
}
