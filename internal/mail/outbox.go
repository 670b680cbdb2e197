package mail

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/clock"
	"groundwork/internal/db"
)

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Delivery limits: after maxAttempts failures a message is marked failed;
// retries back off from one minute, doubling, up to an hour.
const (
	maxAttempts = 8
	firstRetry  = time.Minute
	lastRetry   = time.Hour
	batchSize   = 20
)

// Outbox sends queued mail in the background.
type Outbox struct {
	db     *bun.DB
	sender Sender
	logger *slog.Logger
	clock  clock.Clock
	told   map[string]bool // unsent messages already logged, when there is no sender
}

// NewOutbox returns an outbox that sends through sender. With a nil sender
// mail waits unsent, and is given up (failed and purged) after
// unsentLimit. clk decides when mail is due.
func NewOutbox(db *bun.DB, sender Sender, logger *slog.Logger, clk clock.Clock) *Outbox {
	return &Outbox{db: db, sender: sender, logger: logger, clock: clk, told: map[string]bool{}}
}

// Delivers reports whether the outbox has a sender, so that mail reaches
// people; without one, mail waits unsent and nobody can read it.
func (o *Outbox) Delivers() bool { return o.sender != nil }

// Run calls SendDue every interval until ctx is done.
func (o *Outbox) Run(ctx context.Context, interval time.Duration) {
	send := func(ctx context.Context) {
		if _, err := o.SendDue(ctx); err != nil && ctx.Err() == nil {
			o.logger.Warn("send mail", slog.String("error", err.Error()))
		}
	}
	send(ctx)
	clock.Every(ctx, interval, send)
}

// SendDue sends every message that is due and returns how many were sent.
// Each message is claimed in its own transaction (FOR UPDATE SKIP LOCKED on
// PostgreSQL; SQLite's write lock serialises), so replicas never send one
// twice.
func (o *Outbox) SendDue(ctx context.Context) (int, error) {
	if o.sender == nil {
		if err := o.giveUpUnsent(ctx); err != nil {
			return 0, err
		}
		return 0, o.logUnsent(ctx)
	}
	sent := 0
	for range batchSize {
		done, ok, err := o.sendOne(ctx)
		if err != nil || !ok {
			return sent, err
		}
		if done {
			sent++
		}
	}
	return sent, nil
}

// lease is how long a claimed message is reserved for the process sending
// it; if that process dies, another sends it after the lease.
const lease = 2 * time.Minute

// sendOne claims and sends the oldest due message. ok is false when none
// was due; done reports whether it was delivered. The SMTP conversation
// happens outside any transaction, so a slow server never holds a lock.
func (o *Outbox) sendOne(ctx context.Context) (done, ok bool, err error) {
	it, err := o.claim(ctx)
	if err != nil || it == nil {
		return false, false, err
	}
	sendErr := o.sender.Send(ctx, Message{ID: it.ID, Kind: it.Kind, To: it.To, Subject: it.Subject, Body: it.Body, Calendar: it.Calendar})
	if err := o.recordUntilLeaseEnds(ctx, it, sendErr); err != nil {
		return false, true, err
	}
	return sendErr == nil, true, nil
}

// recordUntilLeaseEnds records the attempt, retrying while the database is
// away for up to half the lease: a message the SMTP server has accepted is
// sent again only if the database stays away longer than that (and then
// with the same Message-ID).
func (o *Outbox) recordUntilLeaseEnds(ctx context.Context, it *Item, sendErr error) error {
	deadline := time.Now().Add(lease / 2)
	wait := 100 * time.Millisecond
	for {
		attempts := it.Attempts
		err := o.recordAttempt(ctx, it, sendErr)
		if err == nil || !db.IsUnavailable(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		it.Attempts = attempts
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// claim reserves the oldest due message for this process, or returns nil.
func (o *Outbox) claim(ctx context.Context) (*Item, error) {
	var claimed *Item
	err := db.InTx(ctx, o.db, nil, func(ctx context.Context, tx bun.Tx) error {
		it := new(Item)
		q := tx.NewSelect().Model(it).Where("sent_at IS NULL").Where("failed_at IS NULL").
			Where("next_attempt_at <= ?", o.clock.Now()).OrderExpr("next_attempt_at, id").Limit(1)
		if db.DialectOf(o.db) == db.Postgres {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx); err != nil {
			return ignoreNoRows(err)
		}
		if _, err := tx.NewUpdate().Model(it).Set("next_attempt_at = ?", o.clock.Now().Add(lease)).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("claim mail: %w", err)
		}
		claimed = it
		return nil
	})
	return claimed, err
}

func (o *Outbox) recordAttempt(ctx context.Context, it *Item, sendErr error) error {
	t := o.clock.Now()
	it.Attempts++
	cols := []string{"attempts"}
	switch {
	case sendErr == nil:
		it.SentAt, it.LastError = &t, ""
		cols = append(cols, "sent_at", "last_error")
		cols = append(cols, it.purge()...)
	case it.Attempts >= maxAttempts:
		it.FailedAt, it.LastError = &t, withoutAddress(sendErr.Error(), it.To)
		cols = append(cols, "failed_at", "last_error")
		cols = append(cols, it.purge()...)
		o.logger.Error("mail failed for good", slog.String("id", it.ID), slog.Int("attempts", it.Attempts))
	default:
		it.NextAttemptAt, it.LastError = t.Add(retryDelay(it.Attempts)), withoutAddress(sendErr.Error(), it.To)
		cols = append(cols, "next_attempt_at", "last_error")
		o.logger.Warn("mail not sent; will retry", slog.String("id", it.ID), slog.Int("attempts", it.Attempts))
	}
	if _, err := o.db.NewUpdate().Model(it).Column(cols...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("record mail attempt: %w", err)
	}
	return nil
}

// retryDelay is 1, 2, 4 ... minutes after the nth failure, at most an hour.
func retryDelay(attempts int) time.Duration {
	d := firstRetry << (attempts - 1)
	if d > lastRetry || d <= 0 {
		return lastRetry
	}
	return d
}

// withoutAddress keeps an SMTP error for admins to read, with the
// recipient's address (which servers often quote) taken out.
func withoutAddress(msg, addr string) string {
	if addr == "" {
		return msg
	}
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(addr))
	return re.ReplaceAllString(msg, "(the recipient)")
}

// unsentLimit is how long mail waits when no SMTP server is configured
// before it is given up: longer than any link in it stays valid except an
// invitation's, and invitations are shown to the inviting admin instead.
const unsentLimit = 24 * time.Hour

// giveUpUnsent marks mail that has waited longer than unsentLimit failed
// and purges it, so that with no SMTP server nothing personal piles up.
func (o *Outbox) giveUpUnsent(ctx context.Context) error {
	t := o.clock.Now()
	q := o.db.NewUpdate().Model((*Item)(nil)).
		Set("failed_at = ?", t).Set("last_error = ?", "not sent: no SMTP server is configured").
		Where("sent_at IS NULL").Where("failed_at IS NULL").Where("created_at < ?", t.Add(-unsentLimit))
	for _, col := range purged {
		q = q.Set("? = ''", bun.Ident(col))
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("give up unsent mail: %w", err)
	}
	return nil
}

// logUnsent notes each newly queued message once when no SMTP server is
// configured. It logs the ID and kind only: addresses, subjects and bodies
// hold personal data and single-use links.
func (o *Outbox) logUnsent(ctx context.Context) error {
	items, err := List(ctx, o.db, Filter{Unsent: true, Limit: 100})
	if err != nil {
		return err
	}
	for _, it := range items {
		if !o.told[it.ID] {
			o.told[it.ID] = true
			o.logger.Info("mail queued; no SMTP server is configured, so it waits unsent", slog.String("id", it.ID), slog.String("kind", string(it.Kind)))
		}
	}
	return nil
}
