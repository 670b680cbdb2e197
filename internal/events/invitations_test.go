package events_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"groundwork/internal/events"
	"groundwork/internal/mail"
)

// invitation is what a calendar client reads from an .ics: parsed with
// go-ical, an independent parser.
type invitation struct {
	method, status, partstat string
	sequence                 int
	start                    time.Time
}

func readInvitation(t *testing.T, calendar string) invitation {
	t.Helper()
	if calendar == "" {
		t.Fatal("the mail carries no calendar invitation")
	}
	cal, err := ical.NewDecoder(strings.NewReader(calendar)).Decode()
	if err != nil {
		t.Fatalf("the invitation does not parse: %v\n%s", err, calendar)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events in the invitation", len(evs))
	}
	ev := evs[0]
	start, err := ev.DateTimeStart(nil)
	if err != nil {
		t.Fatalf("DTSTART: %v", err)
	}
	seq, err := strconv.Atoi(ev.Props.Get(ical.PropSequence).Value)
	if err != nil {
		t.Fatalf("SEQUENCE: %v", err)
	}
	return invitation{method: cal.Props.Get(ical.PropMethod).Value, status: ev.Props.Get(ical.PropStatus).Value,
		partstat: ev.Props.Get(ical.PropAttendee).Params.Get(ical.ParamParticipationStatus), sequence: seq, start: start}
}

// mailsTo returns every mail to address in the outbox, newest first.
func (fx *fixture) mailsTo(t *testing.T, address string) []mail.Item {
	t.Helper()
	items, err := mail.List(context.Background(), fx.site.App.DB, mail.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Item
	for _, it := range items {
		if it.To == address {
			out = append(out, it)
		}
	}
	return out
}

// move saves the session two days later, with its capacity set to seats.
func (fx *fixture) move(t *testing.T, eventID string, seats int) *events.Event {
	t.Helper()
	ctx := context.Background()
	cur, err := events.Get(ctx, fx.site.App.DB, eventID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Capacity = seats
	cur.StartsAt, cur.EndsAt = cur.StartsAt.Add(48*time.Hour), cur.EndsAt.Add(48*time.Hour)
	if err := fx.site.App.Events.Save(ctx, cur, []string{fx.sup.ID}); err != nil {
		t.Fatal(err)
	}
	return cur
}

// Moving a session tells every registrant once, with an invitation at the
// new time and a higher sequence, whether or not anyone waits: with free
// seats and nobody waiting, and on a full session with a waitlist, where
// the person waiting gets a tentative invitation and the seated ones a
// confirmed one.
func TestMovingASessionTellsEveryRegistrant(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		capacity int
		people   []string
		waiting  string // the one on the waitlist, if any
	}{
		{"free seats, no waitlist", 10, []string{"ana", "bo", "cy"}, ""},
		{"full, with a waitlist", 2, []string{"ana", "bo", "cy"}, "cy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			ctx := context.Background()
			ev := fx.schedule(t, c.capacity, 7*24*time.Hour)
			before := map[string]invitation{}
			for _, n := range c.people {
				if _, err := fx.site.App.Events.Register(ctx, ev.ID, person(n, n+"@school.example"), ""); err != nil {
					t.Fatal(err)
				}
				before[n] = readInvitation(t, fx.mailTo(t, n+"@school.example").Calendar)
			}
			moved := fx.move(t, ev.ID, c.capacity)
			for _, n := range c.people {
				mails := fx.mailsTo(t, n+"@school.example")
				if len(mails) != 2 {
					t.Errorf("%s has %d mails; want the confirmation and one change notice", n, len(mails))
					continue
				}
				if !strings.HasPrefix(mails[0].Subject, "Changed") {
					t.Errorf("%s's last mail is %q, want the change", n, mails[0].Subject)
				}
				inv := readInvitation(t, mails[0].Calendar)
				if !inv.start.Equal(moved.StartsAt) || inv.start.Equal(ev.StartsAt) {
					t.Errorf("%s's invitation starts at %v, want the new time %v", n, inv.start, moved.StartsAt)
				}
				if inv.sequence <= before[n].sequence {
					t.Errorf("%s's invitation has SEQUENCE %d, not above the %d they hold", n, inv.sequence, before[n].sequence)
				}
				status, partstat := "CONFIRMED", "ACCEPTED"
				if n == c.waiting {
					status, partstat = "TENTATIVE", "TENTATIVE"
				}
				if inv.method != "REQUEST" || inv.status != status || inv.partstat != partstat {
					t.Errorf("%s's invitation: METHOD:%s STATUS:%s PARTSTAT=%s; want REQUEST, %s, %s", n, inv.method, inv.status, inv.partstat, status, partstat)
				}
			}
		})
	}
}

// A person on the waitlist holds a tentative invitation, in their mail and
// on their private page; when a seat frees up, the promotion carries the
// confirmed invitation with a higher sequence, so calendars replace it.
func TestWaitlistInvitationIsTentativeUntilPromoted(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	svc := fx.site.App.Events
	ev := fx.schedule(t, 1, 7*24*time.Hour)
	if _, err := svc.Register(ctx, ev.ID, person("Ana Seated", "ana@school.example"), ""); err != nil {
		t.Fatal(err)
	}
	waiting, err := svc.Register(ctx, ev.ID, person("Bo Waiting", "bo@school.example"), "")
	if err != nil || waiting.Status != events.Waitlisted {
		t.Fatalf("the second registration: %+v, %v", waiting, err)
	}
	visitor := fx.site.Anonymous()
	told := fx.mailTo(t, "bo@school.example")
	link := linkIn(t, told.Body)
	_, download := visitor.Get(link + "/invitation.ics")
	for where, calendar := range map[string]string{"mail": told.Calendar, "download": download} {
		inv := readInvitation(t, calendar)
		if inv.status != "TENTATIVE" || inv.partstat != "TENTATIVE" || inv.method != "REQUEST" {
			t.Errorf("the waitlisted person's invitation (%s): METHOD:%s STATUS:%s PARTSTAT=%s", where, inv.method, inv.status, inv.partstat)
		}
		if !inv.start.Equal(ev.StartsAt) {
			t.Errorf("the tentative invitation (%s) starts at %v, want %v", where, inv.start, ev.StartsAt)
		}
	}
	tentative := readInvitation(t, told.Calendar)

	ana := linkIn(t, fx.mailTo(t, "ana@school.example").Body)
	if code, _ := visitor.Post(ana+"/cancel", ana+"/cancel", url.Values{"confirmed": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("cancel = %d", code)
	}
	promoted := fx.mailTo(t, "bo@school.example")
	if !strings.Contains(promoted.Subject, "A place is now yours") {
		t.Fatalf("Bo's last mail is %q, want the promotion", promoted.Subject)
	}
	_, download = visitor.Get(link + "/invitation.ics")
	for where, calendar := range map[string]string{"mail": promoted.Calendar, "download": download} {
		inv := readInvitation(t, calendar)
		if inv.status != "CONFIRMED" || inv.partstat != "ACCEPTED" || inv.method != "REQUEST" {
			t.Errorf("the promoted person's invitation (%s): METHOD:%s STATUS:%s PARTSTAT=%s", where, inv.method, inv.status, inv.partstat)
		}
		if inv.sequence <= tentative.sequence {
			t.Errorf("the confirmed invitation (%s) has SEQUENCE %d, not above the tentative one's %d", where, inv.sequence, tentative.sequence)
		}
	}
}
