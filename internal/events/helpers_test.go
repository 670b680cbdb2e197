package events_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/events"
	"groundwork/internal/mail"
)

// fixture is a running site with a training lead and a supervisor who
// facilitates.
type fixture struct {
	site      *apptest.Site
	lead, sup *account.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := apptest.Start(t, "")
	return &fixture{site: s,
		lead: s.User("lead@example.org", "Lea Lead", account.Admin),
		sup:  s.User("sup@example.org", "Sam Supervisor", account.Supervisor)}
}

// schedule saves a session starting in `in` with capacity seats, open for
// registration now, facilitated by the supervisor.
func (fx *fixture) schedule(t testing.TB, capacity int, in time.Duration) *events.Event {
	t.Helper()
	start := time.Now().UTC().Add(in).Truncate(time.Minute)
	ev := &events.Event{Title: "Talking with young people about drugs", Description: "For **teachers**.",
		Audience: events.Schools, Format: events.InPerson, Address: "Harbour Lane Community Centre", TimeZone: "Europe/London",
		StartsAt: start, EndsAt: start.Add(90 * time.Minute), Capacity: capacity,
		OpensAt: time.Now().UTC().Add(-time.Hour), ClosesAt: start.Add(-time.Minute), CreatedBy: fx.lead.ID}
	if in < 0 {
		ev.OpensAt, ev.ClosesAt = start.Add(-30*24*time.Hour), start.Add(-time.Minute)
	}
	if err := fx.site.App.Events.Save(context.Background(), ev, []string{fx.sup.ID}); err != nil {
		t.Fatal(err)
	}
	return ev
}

// person is a registrant's details.
func person(name, email string) events.Registrant {
	return events.Registrant{Name: name, Email: email, Organisation: "Bayview High School", Audience: events.Schools}
}

// mailTo returns the newest mail to address, or nil.
func (fx *fixture) mailTo(t *testing.T, address string) *mail.Item {
	t.Helper()
	items, err := mail.List(context.Background(), fx.site.App.DB, mail.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range items {
		if items[i].To == address {
			return &items[i]
		}
	}
	return nil
}

var privateLink = regexp.MustCompile(`/registrations/([0-9a-f-]{36}\.[A-Za-z0-9_-]{22})`)

// linkIn returns the private link's path in a mail body.
func linkIn(t *testing.T, body string) string {
	t.Helper()
	m := privateLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no private link in:\n%s", body)
	}
	return "/registrations/" + m[1]
}

// endedAgo moves a session so that it ended ago: an hour long, with
// registration closed before it.
func (fx *fixture) endedAgo(t *testing.T, eventID string, ago time.Duration) {
	t.Helper()
	end := time.Now().UTC().Add(-ago)
	if _, err := fx.site.App.DB.NewUpdate().Table("events").Set("starts_at = ?, ends_at = ?, opens_at = ?, closes_at = ?",
		end.Add(-time.Hour), end, end.Add(-72*time.Hour), end.Add(-2*time.Hour)).Where("id = ?", eventID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}
