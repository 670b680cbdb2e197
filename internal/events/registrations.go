package events

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/mail"
	"groundwork/internal/web"
)

// Status is where a registration stands.
type Status string

// The statuses of a registration.
const (
	Confirmed  Status = "confirmed"
	Waitlisted Status = "waitlisted"
	Withdrawn  Status = "cancelled"
)

// Registration is one person's place, or place in the queue, for a
// session. They have no account: their private link is their key.
type Registration struct {
	bun.BaseModel `bun:"table:registrations,alias:r"`

	ID            string     `bun:"id,pk"`
	EventID       string     `bun:"event_id,notnull"`
	Name          string     `bun:"name,notnull"`
	Email         string     `bun:"email,notnull"`
	Organisation  string     `bun:"organisation,notnull"`
	Audience      Audience   `bun:"audience,notnull"`
	AccessNeeds   string     `bun:"access_needs,notnull"`
	ConsentedAt   *time.Time `bun:"consented_at"`
	Status        Status     `bun:"status,notnull"`
	Position      *int       `bun:"position"`
	Attended      *bool      `bun:"attended"`
	FeedbackGiven bool       `bun:"feedback_given,notnull"`
	RemindedAt    *time.Time `bun:"reminded_at"`
	AddedBy       *string    `bun:"added_by"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	UpdatedAt     time.Time  `bun:"updated_at,notnull"`
	PurgedAt      *time.Time `bun:"purged_at"`

	// Place is the position among those still waiting (1 is next).
	Place int `bun:"place,scanonly"`
}

// Registrant is what a person gives when they register.
type Registrant struct {
	Name, Email, Organisation string
	Audience                  Audience
	AccessNeeds               string
}

// Link makes and checks the private links of registrations: the ID and an
// HMAC of it under a server secret, so a link can be written into any mail
// without keeping a token, and the database alone opens no registration.
type Link struct{ Key []byte }

// Token is the private token of registration id.
func (l Link) Token(id string) string {
	return id + "." + l.mac(id)
}

func (l Link) mac(id string) string {
	h := hmac.New(sha256.New, l.Key)
	h.Write([]byte("registration:" + id))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// ID returns the registration ID in token when its HMAC is right.
func (l Link) ID(token string) (string, bool) {
	id, mac, ok := strings.Cut(token, ".")
	if !ok || !web.IsID(id) || !hmac.Equal([]byte(mac), []byte(l.mac(id))) {
		return "", false
	}
	return id, true
}

// lock takes the session's row lock for the rest of tx, so that seat
// counts, waitlist positions and promotions change one at a time, and
// returns the session as it now stands.
func lock(ctx context.Context, tx bun.Tx, eventID string) (*Event, error) {
	if _, err := tx.NewUpdate().Model((*Event)(nil)).Set("sequence = sequence").Where("id = ?", eventID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("lock session: %w", err)
	}
	return Get(ctx, tx, eventID)
}

// Register gives r a seat, or a place on the waitlist when the session is
// full, and queues the confirmation. byStaff is the staff member adding
// them by hand ("" for a registration through the public form), who may do
// so outside the registration window and without the consent tick.
//
// Through the public form, an email already booked on the session is not
// an error: whoever typed it may not own it, so the answer must not say
// whether it was booked. The existing registrant is mailed their link
// instead, and their registration is returned; the caller answers exactly
// as for a new one. Staff adding someone already booked get ErrRegistered.
func (s *Service) Register(ctx context.Context, eventID string, r Registrant, byStaff string) (*Registration, error) {
	var reg *Registration
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		ev, err := lock(ctx, tx, eventID)
		if err != nil {
			return err
		}
		t := s.Clock.Now()
		if ev.Cancelled() || (byStaff == "" && !ev.Open(t)) {
			return ErrClosed
		}
		if reg, err = booked(ctx, tx, ev.ID, r.Email); err != nil || reg != nil {
			if err == nil && byStaff != "" {
				err = ErrRegistered
			}
			if err != nil {
				return err
			}
			// The same kind of writes as a new registration, so that the
			// answer takes about as long.
			if _, err := tx.NewUpdate().Model((*Registration)(nil)).Set("updated_at = ?", t).Where("id = ?", reg.ID).Exec(ctx); err != nil {
				return fmt.Errorf("register: %w", err)
			}
			return mail.Enqueue(ctx, tx, mail.Registration, s.alreadyBooked(ev, reg))
		}
		reg = &Registration{ID: clock.NewID(), EventID: ev.ID, Name: r.Name, Email: r.Email,
			Organisation: r.Organisation, Audience: r.Audience, AccessNeeds: r.AccessNeeds, CreatedAt: t, UpdatedAt: t}
		if byStaff == "" {
			reg.ConsentedAt = &t
		} else {
			reg.AddedBy = &byStaff
		}
		if err := s.seat(ctx, tx, ev, reg); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(reg).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrRegistered
			}
			return fmt.Errorf("register: %w", err)
		}
		return mail.Enqueue(ctx, tx, mail.Registration, s.confirmation(ev, reg))
	})
	if err != nil {
		return nil, err
	}
	return reg, nil
}

// booked returns the live registration of email on a session, or nil.
func booked(ctx context.Context, tx bun.Tx, eventID, email string) (*Registration, error) {
	reg := new(Registration)
	err := selectRegistrations(tx, reg).Where("r.event_id = ?", eventID).Where("r.email = ?", email).
		Where("r.status <> ?", Withdrawn).Where("r.purged_at IS NULL").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	return reg, nil
}

// seat gives reg a confirmed seat when one is left, or the next waitlist
// position, and counts it on the locked session.
func (s *Service) seat(ctx context.Context, tx bun.Tx, ev *Event, reg *Registration) error {
	q := tx.NewUpdate().Model((*Event)(nil)).Where("id = ?", ev.ID).Set("updated_at = ?", s.Clock.Now())
	if ev.Confirmed < ev.Capacity {
		reg.Status = Confirmed
		q = q.Set("confirmed = confirmed + 1")
	} else {
		reg.Status = Waitlisted
		position := ev.WaitlistNext + 1
		reg.Position = &position
		q = q.Set("waitlist_next = ?", position)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	return nil
}

// ByToken returns the registration whose private link ends in token.
func (s *Service) ByToken(ctx context.Context, token string) (*Registration, error) {
	id, ok := s.Link.ID(token)
	if !ok {
		return nil, fault.NotFound()
	}
	reg := new(Registration)
	err := selectRegistrations(s.DB, reg).Where("r.id = ?", id).Where("r.purged_at IS NULL").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("load registration: %w", err)
	}
	return reg, nil
}

// selectRegistrations starts a query for registrations with their place
// in the queue.
func selectRegistrations(idb bun.IDB, into any) *bun.SelectQuery {
	return idb.NewSelect().Model(into).ColumnExpr("r.*").
		ColumnExpr(`CASE WHEN r.status = 'waitlisted' THEN (SELECT count(*) FROM registrations AS w
 WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.position <= r.position) ELSE 0 END AS place`)
}

// Registrations returns a session's registrations: confirmed by name, then
// the waitlist in order, then cancellations.
func Registrations(ctx context.Context, idb bun.IDB, eventID string) ([]Registration, error) {
	var out []Registration
	err := selectRegistrations(idb, &out).Where("r.event_id = ?", eventID).Where("r.purged_at IS NULL").
		OrderExpr("CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, r.position, lower(r.name), r.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	return out, nil
}

// Cancel gives up reg's place. A confirmed seat passes at once to the
// first person waiting, who is told by mail.
func (s *Service) Cancel(ctx context.Context, reg *Registration) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		return s.cancel(ctx, tx, reg)
	})
}

// cancel is Cancel inside tx.
func (s *Service) cancel(ctx context.Context, tx bun.Tx, reg *Registration) error {
	ev, err := lock(ctx, tx, reg.EventID)
	if err != nil {
		return err
	}
	cur := new(Registration)
	if err := tx.NewSelect().Model(cur).Where("id = ?", reg.ID).Scan(ctx); err != nil {
		return fmt.Errorf("cancel registration: %w", err)
	}
	if cur.Status == Withdrawn {
		return ErrCancelled
	}
	if _, err := tx.NewUpdate().Model((*Registration)(nil)).Set("status = ?, position = NULL, updated_at = ?", Withdrawn, s.Clock.Now()).
		Where("id = ?", reg.ID).Exec(ctx); err != nil {
		return fmt.Errorf("cancel registration: %w", err)
	}
	if cur.Status != Confirmed {
		return nil
	}
	return s.freeSeat(ctx, tx, ev)
}

// freeSeat gives up one confirmed seat and hands it to the first person on
// the waitlist, if anyone waits.
func (s *Service) freeSeat(ctx context.Context, tx bun.Tx, ev *Event) error {
	if _, err := tx.NewUpdate().Model((*Event)(nil)).Set("confirmed = confirmed - 1, updated_at = ?", s.Clock.Now()).
		Where("id = ?", ev.ID).Exec(ctx); err != nil {
		return fmt.Errorf("free seat: %w", err)
	}
	_, err := s.promoteNext(ctx, tx, ev, s.promotion)
	return err
}

// promoteNext gives a free seat to the first person on the waitlist and
// queues letter to them; it returns nil when nobody waits. The caller holds
// the session's lock and has checked that a seat is free.
//
// The session's sequence goes up, and ev with it, so the confirmed
// invitation in the letter replaces the tentative one in the person's
// calendar: clients apply an update only when its sequence is higher.
func (s *Service) promoteNext(ctx context.Context, tx bun.Tx, ev *Event, letter func(*Event, *Registration) mail.Message) (*Registration, error) {
	next := new(Registration)
	err := tx.NewSelect().Model(next).Where("event_id = ?", ev.ID).Where("status = ?", Waitlisted).
		OrderExpr("position").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("promote: %w", err)
	}
	t := s.Clock.Now()
	if _, err := tx.NewUpdate().Model((*Registration)(nil)).Set("status = ?, position = NULL, updated_at = ?", Confirmed, t).
		Where("id = ?", next.ID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("promote: %w", err)
	}
	if _, err := tx.NewUpdate().Model((*Event)(nil)).Set("confirmed = confirmed + 1, sequence = sequence + 1, updated_at = ?", t).
		Where("id = ?", ev.ID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("promote: %w", err)
	}
	ev.Sequence++
	ev.UpdatedAt = t
	return next, mail.Enqueue(ctx, tx, mail.Promotion, letter(ev, next))
}
