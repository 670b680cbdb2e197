package events

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/mail"
)

// Run sends reminders and purges old personal data every interval until
// ctx is done. Several replicas may run it at once: each reminder is
// claimed by a conditional update, and the purge is idempotent.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	work := func(ctx context.Context) {
		if _, err := s.SendReminders(ctx, s.Clock.Now()); err != nil {
			s.Logger.Error("send session reminders", slog.String("error", err.Error()))
		}
		if _, err := s.Purge(ctx, s.Clock.Now()); err != nil {
			s.Logger.Error("purge registrations", slog.String("error", err.Error()))
		}
	}
	work(ctx)
	clock.Every(ctx, interval, work)
}

// SendReminders queues a reminder to each confirmed registrant of a session
// starting within ReminderBefore of at, once, and returns how many.
func (s *Service) SendReminders(ctx context.Context, at time.Time) (int, error) {
	var due []Registration
	err := s.DB.NewSelect().Model(&due).ColumnExpr("r.*").Join("JOIN events AS e ON e.id = r.event_id").
		Where("r.status = ?", Confirmed).Where("r.reminded_at IS NULL").Where("r.purged_at IS NULL").
		Where("e.cancelled_at IS NULL").Where("e.starts_at > ?", at).Where("e.starts_at <= ?", at.Add(s.ReminderBefore)).
		Scan(ctx)
	if err != nil {
		return 0, fmt.Errorf("find reminders: %w", err)
	}
	sent := 0
	for i := range due {
		ok, err := s.remind(ctx, &due[i])
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// remind claims and queues one reminder in one transaction.
func (s *Service) remind(ctx context.Context, reg *Registration) (bool, error) {
	sent := false
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Registration)(nil)).Set("reminded_at = ?", s.Clock.Now()).
			Where("id = ?", reg.ID).Where("reminded_at IS NULL").Where("status = ?", Confirmed).Exec(ctx)
		if err != nil {
			return fmt.Errorf("claim reminder: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another replica sent it, or they cancelled
		}
		ev, err := Get(ctx, tx, reg.EventID)
		if err != nil {
			return err
		}
		sent = true
		return mail.Enqueue(ctx, tx, mail.Reminder, s.reminder(ev, reg))
	})
	return sent, err
}

// Purge deletes the registrations to sessions that ended more than
// Retention before at, the unsent mail to their addresses (unless the
// address is booked on a session still running), and the feedback answers
// those sessions still held below MinAnswers. Released feedback stays, as
// does each certificate of attendance: the attendee asked for it and
// others check it, so it keeps the name printed on it. It returns how many
// registrations it deleted.
func (s *Service) Purge(ctx context.Context, at time.Time) (int, error) {
	var n int
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		ended := tx.NewSelect().Model((*Event)(nil)).Column("id").Where("ends_at < ?", at.Add(-s.Retention))
		var gone []string
		if err := tx.NewSelect().Model((*Registration)(nil)).Column("email").Where("event_id IN (?)", ended).
			Where("email NOT IN (?)", tx.NewSelect().Model((*Registration)(nil)).Column("email").
				Where("event_id NOT IN (?)", ended).Where("purged_at IS NULL")).
			Scan(ctx, &gone); err != nil {
			return fmt.Errorf("purge registrations: %w", err)
		}
		for _, addr := range gone {
			if err := mail.Forget(ctx, tx, addr); err != nil {
				return err
			}
		}
		res, err := tx.NewDelete().Model((*Registration)(nil)).Where("event_id IN (?)", ended).Exec(ctx)
		if err != nil {
			return fmt.Errorf("purge registrations: %w", err)
		}
		affected, _ := res.RowsAffected()
		n = int(affected)
		if _, err := tx.NewDelete().Model((*heldAnswer)(nil)).Where("event_id IN (?)", ended).Exec(ctx); err != nil {
			return fmt.Errorf("purge held feedback: %w", err)
		}
		_, err = tx.NewUpdate().Model((*Event)(nil)).Set("purged_at = ?", at).
			Where("purged_at IS NULL").Where("ends_at < ?", at.Add(-s.Retention)).Exec(ctx)
		return err
	})
	return n, err
}

// Forget deletes reg at their own request, in one transaction: it cancels
// their place first if they still hold one (the seat goes to the first
// person waiting), withdraws their certificate of attendance, deletes
// every unsent mail to their address, and deletes the registration.
func (s *Service) Forget(ctx context.Context, reg *Registration) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.cancel(ctx, tx, reg); err != nil && err != ErrCancelled {
			return err
		}
		if err := s.Certificates.ForgetAttendance(ctx, tx, reg.ID); err != nil {
			return err
		}
		if err := mail.Forget(ctx, tx, reg.Email); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Registration)(nil)).Where("id = ?", reg.ID).Exec(ctx); err != nil {
			return fmt.Errorf("delete registration: %w", err)
		}
		return nil
	})
}
