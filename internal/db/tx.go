package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// maxAttempts bounds how often InTx runs a transaction that keeps conflicting.
const maxAttempts = 5

// InTx runs fn in a transaction and commits it. When the database reports a
// conflict that a retry can fix (a PostgreSQL serialization failure or
// deadlock, or a busy SQLite database) it rolls back and runs fn again, so fn
// must be safe to repeat: it should only touch the database through tx.
func InTx(ctx context.Context, db bun.IDB, opts *sql.TxOptions, fn func(ctx context.Context, tx bun.Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.RunInTx(ctx, opts, fn)
		if err == nil || !Retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
	return fmt.Errorf("transaction still conflicting after %d attempts: %w", maxAttempts, err)
}

// backoff grows exponentially with jitter: about 5, 10, 20, 40 ms.
func backoff(attempt int) time.Duration {
	base := time.Duration(5<<(attempt-1)) * time.Millisecond
	return base/2 + rand.N(base)
}

// Retryable reports whether err is a transient conflict worth retrying.
func Retryable(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		switch pgErr.Field('C') {
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return true
		}
		return false
	}
	var liteErr interface{ Code() int }
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case sqliteBusy, sqliteLocked:
			return true
		}
	}
	return false
}

// SQLite primary result codes (https://sqlite.org/rescode.html).
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteConstraint = 19
)

// IsUniqueViolation reports whether err is a unique constraint violation on
// either database.
func IsUniqueViolation(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23505"
	}
	var liteErr interface{ Code() int }
	if errors.As(err, &liteErr) {
		// SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
		return liteErr.Code() == sqliteConstraint|8<<8 || liteErr.Code() == sqliteConstraint|6<<8
	}
	return false
}

// IsUnavailable reports whether err means the database cannot be reached
// right now (refused or dropped connections, a server shutting down or
// starting up), as opposed to a bug or bad input.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Field('C'), "57P") || strings.HasPrefix(pgErr.Field('C'), "08")
	}
	var netErr net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.As(err, &netErr) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED)
}
