package events

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/mail"
	"groundwork/internal/web"
)

// Facilitator is a staff member running a session.
type Facilitator struct {
	bun.BaseModel `bun:"table:event_facilitators"`

	EventID string `bun:"event_id,pk"`
	UserID  string `bun:"user_id,pk"`
}

// localLayout is how the form's datetime-local fields are written.
const localLayout = "2006-01-02T15:04"

// fromForm reads and checks a session from f into e; it returns the
// facilitators chosen. Errors are left on f, one per field.
func fromForm(f *web.Form, e *Event, staff []account.User, publicModules []string) []string {
	e.Title = strings.TrimSpace(f.Get("title"))
	e.Description = strings.ReplaceAll(strings.TrimSpace(f.Get("description")), "\r\n", "\n")
	e.Audience, e.Format = Audience(f.Get("audience")), Format(f.Get("format"))
	e.Address, e.OnlineLink = strings.TrimSpace(f.Get("address")), strings.TrimSpace(f.Get("online_link"))
	e.TimeZone, e.PreReading = strings.TrimSpace(f.Get("time_zone")), f.Get("pre_reading")
	for _, field := range []string{"title", "online_link", "time_zone"} {
		if hasControl(f.Get(field)) {
			f.Fail(field, "Keep this to one line: remove the line breaks.")
		}
	}
	f.Required("title", "Give the session a title.")
	f.MaxLength("title", 150)
	f.Required("description", "Describe the session: who it is for and what they will take away.")
	f.MaxLength("description", 10000)
	f.OneOf("audience", "Choose who the session is for.", "schools", "policymakers", "community", "professionals")
	f.OneOf("format", "Choose in person or online.", "in_person", "online")
	checkPlace(f, e)
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil || e.TimeZone == "" {
		f.Fail("time_zone", "Choose the session's time zone from the list.")
		loc = time.UTC
	}
	e.StartsAt = localTime(f, "starts_at", loc, "When does it start?")
	e.EndsAt = localTime(f, "ends_at", loc, "When does it end?")
	e.OpensAt = localTime(f, "opens_at", loc, "When does registration open?")
	e.ClosesAt = localTime(f, "closes_at", loc, "When does registration close?")
	checkTimes(f, e)
	if n, err := strconv.Atoi(f.Get("capacity")); err != nil || n < 1 || n > 10000 {
		f.Fail("capacity", "Give the number of seats, from 1 to 10,000.")
	} else if n < e.Confirmed {
		f.Fail("capacity", fmt.Sprintf("%d people already have a seat; the capacity cannot be lower.", e.Confirmed))
	} else {
		e.Capacity = n
	}
	if e.PreReading != "" && !slices.Contains(publicModules, e.PreReading) {
		f.Fail("pre_reading", "Choose one of the public modules, or none.")
	}
	return chosenStaff(f, staff)
}

// checkPlace needs an address in person and a link online.
func checkPlace(f *web.Form, e *Event) {
	switch e.Format {
	case InPerson:
		f.Required("address", "Give the address, with any directions people need.")
		e.OnlineLink = ""
	case Online:
		if !strings.HasPrefix(e.OnlineLink, "https://") || utf8.RuneCountInString(e.OnlineLink) > 500 {
			f.Fail("online_link", "Give the meeting link, starting with https://.")
		}
		e.Address = ""
	}
	f.MaxLength("address", 500)
}

// localTime reads a datetime-local field as a time in loc.
func localTime(f *web.Form, field string, loc *time.Location, missing string) time.Time {
	v := f.Get(field)
	if v == "" {
		f.Fail(field, missing)
		return time.Time{}
	}
	t, err := time.ParseInLocation(localLayout, v, loc)
	if err != nil {
		f.Fail(field, "Give a date and time.")
		return time.Time{}
	}
	if !web.SaneYear(t) {
		f.Fail(field, fmt.Sprintf("Give a date between the years %d and %d.", web.FirstYear, web.LastYear))
		return time.Time{}
	}
	return t.UTC()
}

// hasControl reports whether s holds a line break or another control
// character, which no one-line field may hold.
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// errBadSession refuses a session that the form would have refused: a
// line break in a one-line field, or a date outside the years the form
// accepts.
var errBadSession = fault.Errorf(fault.CodeInvalid, "The session has a line break in its title, link or time zone, or a date outside the years %d to %d.", web.FirstYear, web.LastYear)

// sane reports whether e passes the form's checks on one-line fields and
// dates, for sessions saved without the form.
func sane(e *Event) bool {
	for _, t := range []time.Time{e.StartsAt, e.EndsAt, e.OpensAt, e.ClosesAt} {
		if !web.SaneYear(t) {
			return false
		}
	}
	return !hasControl(e.Title) && !hasControl(e.OnlineLink) && !hasControl(e.TimeZone)
}

// checkTimes keeps the times in order.
func checkTimes(f *web.Form, e *Event) {
	if !e.StartsAt.IsZero() && !e.EndsAt.IsZero() && !e.EndsAt.After(e.StartsAt) {
		f.Fail("ends_at", "The end must come after the start.")
	}
	if !e.OpensAt.IsZero() && !e.ClosesAt.IsZero() && !e.ClosesAt.After(e.OpensAt) {
		f.Fail("closes_at", "Registration must close after it opens.")
	}
	if !e.ClosesAt.IsZero() && !e.StartsAt.IsZero() && e.ClosesAt.After(e.StartsAt) {
		f.Fail("closes_at", "Registration must close by the time the session starts.")
	}
}

// chosenStaff returns the facilitators ticked on f, all of them staff.
func chosenStaff(f *web.Form, staff []account.User) []string {
	var ids []string
	for _, u := range staff {
		if slices.Contains(f.Values["facilitators"], u.ID) {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) == 0 {
		f.Fail("facilitators", "Choose at least one facilitator.")
	}
	return ids
}

// Save creates or updates e with its facilitators. An update that adds
// seats gives them to the people waiting, and one that moves the session
// (its time, zone, place or link) tells everyone registered, with an
// updated calendar invitation.
func (s *Service) Save(ctx context.Context, e *Event, facilitators []string) error {
	if !sane(e) {
		return errBadSession
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if e.ID == "" {
			t := s.Clock.Now()
			e.ID, e.CreatedAt, e.UpdatedAt = clock.NewID(), t, t
			if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
				return fmt.Errorf("create session: %w", err)
			}
		} else if err := s.update(ctx, tx, e); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Facilitator)(nil)).Where("event_id = ?", e.ID).Exec(ctx); err != nil {
			return fmt.Errorf("save facilitators: %w", err)
		}
		rows := make([]Facilitator, len(facilitators))
		for i, id := range facilitators {
			rows[i] = Facilitator{EventID: e.ID, UserID: id}
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return fmt.Errorf("save facilitators: %w", err)
		}
		return nil
	})
}

// update saves the changes to e under the session's lock, fills new seats
// from the waitlist and, when the session moved, tells every registrant
// once: those seated by this edit in their promotion, the rest in a change
// notice, each with an updated invitation.
func (s *Service) update(ctx context.Context, tx bun.Tx, e *Event) error {
	old, err := lock(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	if old.Cancelled() || e.Capacity < old.Confirmed {
		return fault.Errorf(fault.CodeConflict, "The session changed while you edited it (cancelled, or more seats taken). Reload and try again.")
	}
	e.UpdatedAt = s.Clock.Now()
	if _, err := tx.NewUpdate().Model(e).Column("title", "description", "audience", "format", "address", "online_link",
		"starts_at", "ends_at", "time_zone", "capacity", "opens_at", "closes_at", "pre_reading", "updated_at").
		Set("sequence = sequence + 1").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update session: %w", err)
	}
	ev, err := Get(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	moved, promotion := hasMoved(old, ev), s.promotion
	if moved {
		promotion = s.promotionAndMove
	}
	told := map[string]bool{}
	for free := ev.Capacity - ev.Confirmed; free > 0; free-- {
		next, err := s.promoteNext(ctx, tx, ev, promotion)
		if err != nil {
			return err
		}
		if next == nil {
			break // nobody waits: the free seats stay free
		}
		told[next.ID] = true
	}
	if !moved {
		return nil
	}
	return s.tellEveryone(ctx, tx, ev, s.moved, told)
}

// hasMoved reports whether a change matters to people already registered.
func hasMoved(old, cur *Event) bool {
	return !old.StartsAt.Equal(cur.StartsAt) || !old.EndsAt.Equal(cur.EndsAt) || old.TimeZone != cur.TimeZone ||
		old.Format != cur.Format || old.Address != cur.Address || old.OnlineLink != cur.OnlineLink
}

// tellEveryone queues letter for everyone registered or waiting, except
// the registrations in told (already written to in this change).
func (s *Service) tellEveryone(ctx context.Context, tx bun.Tx, ev *Event, letter func(*Event, *Registration) mail.Message, told map[string]bool) error {
	regs, err := Registrations(ctx, tx, ev.ID)
	if err != nil {
		return err
	}
	for i := range regs {
		if regs[i].Status != Withdrawn && !told[regs[i].ID] {
			if err := mail.Enqueue(ctx, tx, mail.SessionUpdate, letter(ev, &regs[i])); err != nil {
				return err
			}
		}
	}
	return nil
}

// Facilitators returns the IDs of a session's facilitators.
func Facilitators(ctx context.Context, idb bun.IDB, eventID string) ([]string, error) {
	var ids []string
	if err := idb.NewSelect().Model((*Facilitator)(nil)).Column("user_id").Where("event_id = ?", eventID).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("load facilitators: %w", err)
	}
	return ids, nil
}

// CallOff cancels the session and tells everyone registered, confirmed or
// waiting, by mail.
func (s *Service) CallOff(ctx context.Context, eventID, reason string) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		ev, err := lock(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if ev.Cancelled() {
			return fault.Errorf(fault.CodeConflict, "This session is already cancelled.")
		}
		t := s.Clock.Now()
		ev.CancelledAt, ev.CancelReason = &t, reason
		if _, err := tx.NewUpdate().Model(ev).Column("cancelled_at", "cancel_reason").Set("sequence = sequence + 1").
			Set("updated_at = ?", t).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("cancel session: %w", err)
		}
		ev.Sequence++ // calendars replace the invitation only for a higher sequence
		return s.tellEveryone(ctx, tx, ev, s.calledOff, nil)
	})
}
