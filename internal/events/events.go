// Package events runs public sessions for schools, workplaces and
// policymakers: scheduling, a public catalogue, registration without an
// account, the waitlist, reminders, attendance, attendance certificates,
// anonymous feedback, and the purge of personal data after the session.
package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/catalog"
	"groundwork/internal/certificate"
	"groundwork/internal/clock"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// Audience is who a session is for.
type Audience string

// The audiences.
const (
	Schools       Audience = "schools"
	Policymakers  Audience = "policymakers"
	Community     Audience = "community"
	Professionals Audience = "professionals"
)

// Audiences lists every audience, for forms and filters.
var Audiences = []Audience{Schools, Policymakers, Community, Professionals}

// Label is the audience in words.
func (a Audience) Label() string {
	switch a {
	case Schools:
		return "Schools"
	case Policymakers:
		return "Policymakers"
	case Community:
		return "Community"
	case Professionals:
		return "Professionals"
	}
	return string(a)
}

// Format is how a session is held.
type Format string

// The formats.
const (
	InPerson Format = "in_person"
	Online   Format = "online"
)

// Event is one public session.
type Event struct {
	bun.BaseModel `bun:"table:events,alias:e"`

	ID           string     `bun:"id,pk"`
	Title        string     `bun:"title,notnull"`
	Description  string     `bun:"description,notnull"` // Markdown
	Audience     Audience   `bun:"audience,notnull"`
	Format       Format     `bun:"format,notnull"`
	Address      string     `bun:"address,notnull"`
	OnlineLink   string     `bun:"online_link,notnull"` // shown to confirmed registrants only
	StartsAt     time.Time  `bun:"starts_at,notnull"`
	EndsAt       time.Time  `bun:"ends_at,notnull"`
	TimeZone     string     `bun:"time_zone,notnull"`
	Capacity     int        `bun:"capacity,notnull"`
	OpensAt      time.Time  `bun:"opens_at,notnull"`
	ClosesAt     time.Time  `bun:"closes_at,notnull"`
	PreReading   string     `bun:"pre_reading,notnull"` // a public module's slug, or ""
	Confirmed    int        `bun:"confirmed,notnull"`
	WaitlistNext int        `bun:"waitlist_next,notnull"`
	Sequence     int        `bun:"sequence,notnull"`
	CancelledAt  *time.Time `bun:"cancelled_at"`
	CancelReason string     `bun:"cancel_reason,notnull"`
	PurgedAt     *time.Time `bun:"purged_at"`
	CreatedBy    string     `bun:"created_by,notnull"`
	CreatedAt    time.Time  `bun:"created_at,notnull"`
	UpdatedAt    time.Time  `bun:"updated_at,notnull"`

	Waitlisted int `bun:"waitlisted,scanonly"`
}

// Location is the session's time zone (UTC if the name is unknown).
func (e *Event) Location() *time.Location {
	if loc, err := time.LoadLocation(e.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// LocalStart and LocalEnd are the session's times in its own zone.
func (e *Event) LocalStart() time.Time { return e.StartsAt.In(e.Location()) }

// LocalEnd is the end in the session's own zone.
func (e *Event) LocalEnd() time.Time { return e.EndsAt.In(e.Location()) }

// SeatsLeft is how many confirmed places remain.
func (e *Event) SeatsLeft() int { return max(0, e.Capacity-e.Confirmed) }

// Cancelled reports whether the session was called off.
func (e *Event) Cancelled() bool { return e.CancelledAt != nil }

// Open reports whether people may register at t.
func (e *Event) Open(t time.Time) bool {
	return !e.Cancelled() && !t.Before(e.OpensAt) && t.Before(e.ClosesAt) && t.Before(e.StartsAt)
}

// Past reports whether the session has ended at t.
func (e *Event) Past(t time.Time) bool { return !t.Before(e.EndsAt) }

// Service runs public sessions over one database.
type Service struct {
	DB      *bun.DB
	Courses *catalog.Store
	// Certificates issues attendance certificates.
	Certificates *certificate.Service
	// BaseURL is the site's public URL, for links in mail.
	BaseURL string
	// Organisation signs the mail; Sender is its address, the invitations'
	// organiser ("" for none).
	Organisation string
	Sender       string
	// Link makes registrants' private links.
	Link Link
	// ReminderBefore is how long before a session confirmed registrants
	// are reminded.
	ReminderBefore time.Duration
	// Retention is how long after a session registrants' personal data is
	// kept.
	Retention time.Duration
	Logger    *slog.Logger
	// Clock tells the time of every change and decides what is past.
	Clock clock.Clock
}

// Errors a person may see.
var (
	ErrClosed     = fault.Errorf(fault.CodeConflict, "Registration for this session is closed.")
	ErrRegistered = fault.Errorf(fault.CodeConflict, "This email address is already registered for this session. Check your inbox for the confirmation: its link lets you view or cancel your place.")
	ErrCancelled  = fault.Errorf(fault.CodeConflict, "This registration is already cancelled.")
)

// Get returns the session with id, or not found.
func Get(ctx context.Context, idb bun.IDB, id string) (*Event, error) {
	if !web.IsID(id) {
		return nil, fault.NotFound()
	}
	e := new(Event)
	err := selectEvents(idb, e).Where("e.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	return e, nil
}

// selectEvents starts a query for sessions with their waitlist length.
func selectEvents(idb bun.IDB, into any) *bun.SelectQuery {
	return idb.NewSelect().Model(into).ColumnExpr("e.*").
		ColumnExpr("(SELECT count(*) FROM registrations AS r WHERE r.event_id = e.id AND r.status = 'waitlisted') AS waitlisted")
}

// Upcoming returns the sessions not yet ended, soonest first, for one
// audience or all ("").
func Upcoming(ctx context.Context, idb bun.IDB, audience Audience, at time.Time) ([]Event, error) {
	var out []Event
	q := selectEvents(idb, &out).Where("e.ends_at > ?", at)
	if audience != "" {
		q = q.Where("e.audience = ?", audience)
	}
	if err := q.OrderExpr("e.starts_at, e.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
