// Package mail queues outgoing mail in an outbox table, in the same
// transaction as the change it reports, and sends it in the background
// through SMTP with retries. With no SMTP server configured the mail stays
// in the outbox, where admins can read it.
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

	"groundwork/internal/web"
)

// Message is a plain-text mail to one person, with a calendar invitation
// when Calendar (iCalendar text) is set.
type Message struct {
	To, Subject, Body string
	Calendar          string
}

// Item is a message in the outbox with its delivery state.
type Item struct {
	bun.BaseModel `bun:"table:mail_outbox"`

	ID            string     `bun:"id,pk"`
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

// Enqueue checks m and adds it to the outbox. Call it with the transaction
// of the change the mail reports, so the mail exists exactly when the change
// does.
func Enqueue(ctx context.Context, idb bun.IDB, m Message) error {
	if err := check(m); err != nil {
		return err
	}
	t := time.Now().UTC().Truncate(time.Microsecond)
	it := &Item{ID: uuid.Must(uuid.NewV7()).String(), To: m.To, Subject: m.Subject, Body: m.Body, Calendar: m.Calendar, CreatedAt: t, NextAttemptAt: t}
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
		return nil, web.NotFound()
	}
	it := new(Item)
	err := idb.NewSelect().Model(it).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, web.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read outbox item: %w", err)
	}
	return it, nil
}

// Forget deletes every message to addr, sent or not, so that a person who
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
