package account

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/clock"
)

// Sign-in throttling: after accountLimit failures for one email, or
// clientLimit failures from one client address, within throttleWindow,
// further tries are refused for throttleWindow after the last failure. The
// client limit is higher because a training room often shares one address.
const (
	throttleWindow = 15 * time.Minute
	accountLimit   = 5
	clientLimit    = 20
)

type signInFailure struct {
	bun.BaseModel `bun:"table:sign_in_failures"`

	ID  string    `bun:"id,pk"`
	Key string    `bun:"key,notnull"`
	At  time.Time `bun:"at,notnull"`
}

func accountKey(email string) string { return "email:" + NormalizeEmail(email) }
func clientKey(ip string) string     { return "ip:" + ip }

// lockedUntil returns when the lock on key ends, or the zero time when key
// is not locked: a lock holds while the last limit failures all fell within
// one window and the newest is less than a window old.
func (s *Service) lockedUntil(ctx context.Context, idb bun.IDB, key string, limit int) (time.Time, error) {
	var times []time.Time
	err := idb.NewSelect().Model((*signInFailure)(nil)).Column("at").
		Where("key = ?", key).Where("at > ?", s.Clock.Now().Add(-2*throttleWindow)).
		OrderExpr("at DESC").Limit(int64(limit)).Scan(ctx, &times)
	if err != nil {
		return time.Time{}, fmt.Errorf("read sign-in failures: %w", err)
	}
	if len(times) < limit {
		return time.Time{}, nil
	}
	newest, oldest := times[0], times[len(times)-1]
	until := newest.Add(throttleWindow)
	if newest.Sub(oldest) > throttleWindow || !s.Clock.Now().Before(until) {
		return time.Time{}, nil
	}
	return until, nil
}

// signInLock returns when the lock on this email or client ends, or zero.
func (s *Service) signInLock(ctx context.Context, idb bun.IDB, email, ip string) (time.Time, error) {
	a, err := s.lockedUntil(ctx, idb, accountKey(email), accountLimit)
	if err != nil {
		return time.Time{}, err
	}
	c, err := s.lockedUntil(ctx, idb, clientKey(ip), clientLimit)
	if err != nil {
		return time.Time{}, err
	}
	if c.After(a) {
		return c, nil
	}
	return a, nil
}

// recordFailure counts a failed sign-in against the email and the client.
func (s *Service) recordFailure(ctx context.Context, idb bun.IDB, email, ip string) error {
	t := s.Clock.Now()
	rows := []signInFailure{
		{ID: clock.NewID(), Key: accountKey(email), At: t},
		{ID: clock.NewID(), Key: clientKey(ip), At: t},
	}
	if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("record sign-in failure: %w", err)
	}
	return nil
}

// clearFailures forgets an account's failures after it signs in.
func clearFailures(ctx context.Context, idb bun.IDB, email string) error {
	_, err := idb.NewDelete().Model((*signInFailure)(nil)).Where("key = ?", accountKey(email)).Exec(ctx)
	return err
}

// purgeFailures deletes failures too old to matter.
func purgeFailures(ctx context.Context, idb bun.IDB, at time.Time) error {
	_, err := idb.NewDelete().Model((*signInFailure)(nil)).Where("at < ?", at.Add(-2*throttleWindow)).Exec(ctx)
	return err
}
