package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/mail"
)

// digestDay names the day of t, in UTC: a person gets one digest a day.
func digestDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// wantsMail loads userID and reports whether they are to be mailed.
func wantsMail(ctx context.Context, idb bun.IDB, userID string) (*account.User, bool, error) {
	u, err := account.UserByID(ctx, idb, userID)
	if err != nil {
		return nil, false, fmt.Errorf("notify: %w", err)
	}
	return u, u.Active && !u.NotificationMailOff, nil
}

// mailNow queues an urgent notice's mail in idb and reports whether it did.
func (n *Notifier) mailNow(ctx context.Context, idb bun.IDB, nt *Notice) (bool, error) {
	u, ok, err := wantsMail(ctx, idb, nt.UserID)
	if err != nil || !ok {
		return false, err
	}
	body := fmt.Sprintf("Hello %s,\n\n%s\n%s\n\n%s", u.Name, nt.Text, n.BaseURL+nt.Link, n.footer())
	err = mail.Enqueue(ctx, idb, mail.Notification, mail.Message{To: u.Email, Subject: "Groundwork: " + nt.Text, Body: body})
	return err == nil, err
}

func (n *Notifier) footer() string {
	return "You can turn these mails off on your profile page: " + n.BaseURL + "/account\n"
}

// Run sends the day's digests every interval until ctx is done. Every
// replica may run it: each digest is claimed in the database.
func (n *Notifier) Run(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	send := func(ctx context.Context) {
		if _, err := n.SendDigests(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("send notification digests", slog.String("error", err.Error()))
		}
	}
	send(ctx)
	clock.Every(ctx, interval, send)
}

// SendDigests queues today's digest for everyone who has something new to
// hear about and has not had today's, once the day's DigestHour has come,
// and returns how many it queued.
func (n *Notifier) SendDigests(ctx context.Context) (int, error) {
	now := n.Clock.Now()
	if now.Hour() < n.DigestHour {
		return 0, nil
	}
	ids, err := n.candidates(ctx, digestDay(now))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range ids {
		ok, err := n.digest(ctx, id, now)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// candidates lists the active people who want mail and have had no digest
// on day: anyone with a notice not yet mailed, and anyone with trainees.
func (n *Notifier) candidates(ctx context.Context, day string) ([]string, error) {
	var ids []string
	err := n.DB.NewSelect().TableExpr("users AS u").Column("u.id").
		Where("u.active").Where("NOT u.notification_mail_off").
		Where("NOT EXISTS (SELECT 1 FROM notice_digests AS d WHERE d.user_id = u.id AND d.day = ?)", day).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("EXISTS (SELECT 1 FROM notices AS n WHERE n.user_id = u.id AND n.mailed_at IS NULL AND n.read_at IS NULL)").
				WhereOr("EXISTS (SELECT 1 FROM users AS t WHERE t.supervisor_id = u.id AND t.active)")
		}).OrderExpr("u.id").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("list digest recipients: %w", err)
	}
	return ids, nil
}

// lastDigest is when userID's last digest was sent, or the zero time.
func lastDigest(ctx context.Context, idb bun.IDB, userID string) (time.Time, error) {
	var last struct {
		SentAt time.Time `bun:"sent_at"`
	}
	err := idb.NewSelect().TableExpr("notice_digests").Column("sent_at").Where("user_id = ?", userID).
		OrderExpr("sent_at DESC").Limit(1).Scan(ctx, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read last digest: %w", err)
	}
	return last.SentAt, nil
}

// digest queues userID's digest for now's day if there is anything new for
// it, and reports whether it did. The day's row in notice_digests is the
// claim: a second run, in this replica or another, inserts nothing and
// sends nothing.
func (n *Notifier) digest(ctx context.Context, userID string, now time.Time) (bool, error) {
	u, ok, err := wantsMail(ctx, n.DB, userID)
	if err != nil || !ok {
		return false, err
	}
	waiting, err := n.newlyWaiting(ctx, u)
	if err != nil {
		return false, err
	}
	sent := false
	err = db.InTx(ctx, n.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		sent = false
		var notices []Notice
		err := tx.NewSelect().Model(&notices).Where("user_id = ?", userID).Where("read_at IS NULL").
			Where("mailed_at IS NULL").OrderExpr("created_at, id").Scan(ctx)
		if err != nil {
			return fmt.Errorf("list notices to mail: %w", err)
		}
		if len(notices) == 0 && len(waiting) == 0 {
			return nil
		}
		res, err := tx.NewRaw("INSERT INTO notice_digests (user_id, day, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			userID, digestDay(now), now).Exec(ctx)
		if err != nil {
			return fmt.Errorf("claim digest: %w", err)
		}
		if rows, _ := res.RowsAffected(); rows == 0 {
			return nil
		}
		if err := markMailed(ctx, tx, notices, now); err != nil {
			return err
		}
		sent = true
		return mail.Enqueue(ctx, tx, mail.Digest, mail.Message{To: u.Email,
			Subject: "Groundwork: what needs you today", Body: n.digestBody(u, notices, waiting)})
	})
	return sent, err
}

// newlyWaiting is what the Source has for u that began to wait after u's
// last digest.
func (n *Notifier) newlyWaiting(ctx context.Context, u *account.User) ([]Item, error) {
	if n.Source == nil {
		return nil, nil
	}
	all, err := n.Source.Waiting(ctx, u)
	if err != nil {
		return nil, err
	}
	last, err := lastDigest(ctx, n.DB, u.ID)
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, it := range all {
		if it.At.After(last) {
			out = append(out, it)
		}
	}
	return out, nil
}

func markMailed(ctx context.Context, tx bun.IDB, notices []Notice, now time.Time) error {
	if len(notices) == 0 {
		return nil
	}
	ids := make([]string, len(notices))
	for i, nt := range notices {
		ids[i] = nt.ID
	}
	_, err := tx.NewUpdate().Model((*Notice)(nil)).Set("mailed_at = ?", now).Where("id IN (?)", bun.List(ids)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark notices mailed: %w", err)
	}
	return nil
}

// digestBody lists the notices and waiting items, each with its link.
func (n *Notifier) digestBody(u *account.User, notices []Notice, waiting []Item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nThis is what needs you in Groundwork:\n\n", u.Name)
	for _, nt := range notices {
		fmt.Fprintf(&b, "- %s\n  %s\n", nt.Text, n.BaseURL+nt.Link)
	}
	for _, it := range waiting {
		fmt.Fprintf(&b, "- %s\n  %s\n", it.Text, n.BaseURL+it.Link)
	}
	fmt.Fprintf(&b, "\nThe same list is on your dashboard: %s/dashboard\n\n%s", n.BaseURL, n.footer())
	return b.String()
}
