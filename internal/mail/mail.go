// Package mail queues outgoing mail in an outbox table, in the same
// transaction as the change it reports, and sends it in the background
// through SMTP with retries. Once a mail is sent, or has failed for good,
// its recipient, subject, body and calendar are purged: what remains (kind,
// times, attempts, status) shows that it went, and nobody, admins included,
// can read another person's mail or the links in it.
package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/clock"
	"groundwork/internal/fault"
)

// Kind says what a mail is for. It is all an admin sees of a mail.
type Kind string

// The kinds of mail Groundwork sends.
const (
	Invitation    Kind = "invitation"     // a new account's first link
	PasswordReset Kind = "password_reset" // a reset link
	Registration  Kind = "registration"   // a public session's confirmation or waitlist place
	Promotion     Kind = "promotion"      // a waitlisted place that became a seat
	SessionUpdate Kind = "session_update" // a session moved or cancelled
	Reminder      Kind = "reminder"       // shortly before a session
	Attendance    Kind = "attendance"     // after a session: certificate and feedback
	Notification  Kind = "notification"   // an urgent notice, such as a sign-off withdrawn
	Digest        Kind = "digest"         // the day's notices in one mail
)

// Label is the kind's name for people.
func (k Kind) Label() string {
	switch k {
	case Invitation:
		return "Invitation"
	case PasswordReset:
		return "Password reset"
	case Registration:
		return "Registration"
	case Promotion:
		return "Place from the waitlist"
	case SessionUpdate:
		return "Session changed or cancelled"
	case Reminder:
		return "Session reminder"
	case Attendance:
		return "Attendance certificate and feedback"
	case Notification:
		return "Urgent notice"
	case Digest:
		return "Daily notices"
	}
	return "Other"
}

// Message is a plain-text mail to one person, with a calendar invitation
// when Calendar (iCalendar text) is set.
type Message struct {
	// ID is the outbox item's ID. Senders build the Message-ID from it, so
	// that a message sent twice (the process died between sending it and
	// recording that it was sent) carries one Message-ID, which mail
	// systems use to show it once.
	ID                string
	Kind              Kind
	To, Subject, Body string
	Calendar          string
}

// Item is a message in the outbox with its delivery state.
type Item struct {
	bun.BaseModel `bun:"table:mail_outbox"`

	ID            string     `bun:"id,pk"`
	Kind          Kind       `bun:"kind,notnull"`
	To            string     `bun:"to_addr,notnull"`
	Subject       string     `bun:"subject,notnull"`
	Body          string     `bun:"body,notnull"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	Attempts      int        `bun:"attempts,notnull"`
	NextAttemptAt time.Time  `bun:"next_attempt_at,notnull"`
	SentAt        *time.Time `bun:"sent_at"`
	FailedAt      *time.Time `bun:"failed_at"`
	LastError     string     `bun:"last_error,notnull"`
	Calendar      string     `bun:"calendar,notnull"`
}

// Status is "sent", "failed" or "pending".
func (it Item) Status() string {
	switch {
	case it.SentAt != nil:
		return "sent"
	case it.FailedAt != nil:
		return "failed"
	}
	return "pending"
}

// When is when the mail was sent or given up, or nil while it waits.
func (it Item) When() *time.Time {
	if it.SentAt != nil {
		return it.SentAt
	}
	return it.FailedAt
}

// Enqueue checks m and adds it to the outbox as a mail of kind. Call it
// with the transaction of the change the mail reports, so the mail exists
// exactly when the change does.
func Enqueue(ctx context.Context, idb bun.IDB, kind Kind, m Message) error {
	m.Kind = kind
	if err := check(m); err != nil {
		return err
	}
	t := clock.System.Now()
	it := &Item{ID: clock.NewID(), Kind: m.Kind, To: m.To, Subject: m.Subject, Body: m.Body, Calendar: m.Calendar, CreatedAt: t, NextAttemptAt: t}
	if _, err := idb.NewInsert().Model(it).Exec(ctx); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

// check refuses a message with more than one address, an empty part, or a
// line break in a header (header injection).
func check(m Message) error {
	addr, err := mail.ParseAddress(m.To)
	switch {
	case err != nil || addr.Address != m.To:
		return fmt.Errorf("queue mail: invalid recipient")
	case m.Kind == "":
		return errors.New("queue mail: no kind")
	case m.Subject == "" || m.Body == "":
		return errors.New("queue mail: empty subject or body")
	case strings.ContainsAny(m.To+m.Subject, "\r\n"):
		return errors.New("queue mail: line break in a header")
	}
	return nil
}

// Filter selects outbox items.
type Filter struct {
	Unsent        bool
	Limit, Offset int
}

// List returns outbox items, newest first.
func List(ctx context.Context, idb bun.IDB, f Filter) ([]Item, error) {
	var items []Item
	q := idb.NewSelect().Model(&items).OrderExpr("created_at DESC, id DESC")
	if f.Unsent {
		q = q.Where("sent_at IS NULL")
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return items, nil
}

// Get returns one outbox item, or a not-found error.
func Get(ctx context.Context, idb bun.IDB, id string) (*Item, error) {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return nil, fault.NotFound()
	}
	it := new(Item)
	err := idb.NewSelect().Model(it).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read outbox item: %w", err)
	}
	return it, nil
}

// Forget deletes every message to addr that still holds it (unsent mail:
// sent and failed mail no longer holds any address), so that a person who
// asks to be forgotten leaves nothing behind in the outbox. Call it in the
// transaction that deletes the rest of their details.
func Forget(ctx context.Context, idb bun.IDB, addr string) error {
	if addr == "" {
		return nil
	}
	if _, err := idb.NewDelete().Model((*Item)(nil)).Where("lower(to_addr) = lower(?)", addr).Exec(ctx); err != nil {
		return fmt.Errorf("forget mail: %w", err)
	}
	return nil
}

// purged lists the columns emptied once a mail no longer needs them.
var purged = []string{"to_addr", "subject", "body", "calendar"}

// purge empties what the mail said and to whom, keeping its kind, times,
// attempts and status.
func (it *Item) purge() []string {
	it.To, it.Subject, it.Body, it.Calendar = "", "", "", ""
	return purged
}
