// Package clock is Groundwork's one source of time and of record IDs.
// Services read the time from an injected Clock, so tests move time by
// moving the clock instead of rewriting rows.
package clock

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Clock tells the time.
type Clock interface {
	// Now returns the current time in UTC, truncated to microseconds (what
	// both databases keep), so a time read back equals the time written.
	Now() time.Time
}

// System is the computer's clock.
var System Clock = system{}

type system struct{}

func (system) Now() time.Time { return normal(time.Now()) }

// Moving is a clock that runs with the system clock, moved on by Move. Tests
// use it to let time pass: sessions expire, links lapse, waits end.
type Moving struct{ offset atomic.Int64 }

// Now returns the system time plus every Move so far.
func (m *Moving) Now() time.Time {
	return normal(time.Now().Add(time.Duration(m.offset.Load())))
}

// Move moves the clock on by d (back, when d is negative).
func (m *Moving) Move(d time.Duration) { m.offset.Add(int64(d)) }

func normal(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// NewID returns a new record ID: a UUIDv7, random and ordered by creation.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Every calls work every interval until ctx is done, the first time one
// interval from now. Background jobs (mail, digests, purges, reloads) run
// on it; a job that should also run at once calls work itself first.
func Every(ctx context.Context, interval time.Duration, work func(context.Context)) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			work(ctx)
		}
	}
}
