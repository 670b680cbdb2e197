package events_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/events"
)

func TestSessionFormDefaultsAndZonePicker(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	lead := fx.site.SignIn(fx.lead)
	code, page := lead.Get("/facilitate/sessions/new")
	if code != http.StatusOK {
		t.Fatalf("new session form = %d", code)
	}
	for _, want := range []string{`<select id="f-time_zone" name="time_zone"`, "<option selected>Europe/London</option>",
		"<option>Pacific/Auckland</option>", "empty: 2 hours after the start", "empty: when it starts"} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	now := fx.site.Clock.Now().In(mustZone(t, "Europe/London"))
	if !strings.Contains(page, `name="opens_at" type="datetime-local" value="`+now.Format("2006-01-02T")) {
		t.Error("registration does not open now by default")
	}

	// Only the start given: the end, opening and closing follow from it.
	code, where := lead.Post("/facilitate/sessions", "/facilitate/sessions/new", url.Values{
		"title": {"Harm reduction for parents"}, "description": {"An evening talk."},
		"audience": {"community"}, "format": {"online"}, "online_link": {"https://meet.example/parents"},
		"time_zone": {"America/New_York"}, "starts_at": {"2027-07-01T18:30"}, "capacity": {"30"},
		"facilitators": {fx.sup.ID}})
	if code != http.StatusSeeOther {
		t.Fatalf("schedule with defaults = %d", code)
	}
	ev, err := events.Get(context.Background(), fx.site.App.DB, strings.TrimPrefix(where, "/facilitate/sessions/"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 7, 1, 22, 30, 0, 0, time.UTC) // 18:30 EDT
	if !ev.StartsAt.Equal(start) || !ev.EndsAt.Equal(start.Add(events.DefaultLength)) || !ev.ClosesAt.Equal(start) {
		t.Errorf("times = %v to %v, closes %v", ev.StartsAt, ev.EndsAt, ev.ClosesAt)
	}
	if d := fx.site.Clock.Now().Sub(ev.OpensAt); d < 0 || d > 2*time.Minute {
		t.Errorf("registration opens %v, not now", ev.OpensAt)
	}
	if ev.TimeZone != "America/New_York" {
		t.Errorf("zone = %q", ev.TimeZone)
	}
	_, page = lead.Get(where + "/edit")
	if !strings.Contains(page, "<option selected>America/New_York</option>") {
		t.Error("the edit form does not keep the session's zone")
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
