package account_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/audit"
)

func TestTimeZoneSettingSavedAndValidated(t *testing.T) {
	t.Parallel()
	example, _ := filepath.Abs("../catalog/testdata/example")
	s := apptest.Start(t, example)
	ctx := context.Background()
	u := s.User("lead@example.org", "Lee Lead", account.Admin)
	b := s.SignIn(u)
	_, page := b.Get("/account")
	if !strings.Contains(page, `<select id="f-time_zone" name="time_zone"`) || !strings.Contains(page, "<option selected>Europe/London</option>") {
		t.Fatal("the profile does not offer time zones, defaulting to the organisation's")
	}
	zoneOf := func() string {
		got, err := account.UserByID(ctx, s.App.DB, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.TimeZone
	}

	for _, bad := range []string{"Mars/Olympus", "Local", "../../etc/passwd", ""} {
		code, page := b.PostPage("/account/time-zone", "/account", url.Values{"time_zone": {bad}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Choose a time zone") {
			t.Errorf("zone %q = %d, no message", bad, code)
		}
	}
	if z := zoneOf(); z != "" {
		t.Fatalf("a refused zone was saved: %q", z)
	}

	// An audit entry at noon UTC in July, read in the organisation's zone
	// (Europe/London, UTC+1 in summer), then in the person's own.
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	if err := audit.Record(ctx, s.App.DB, audit.Entry{At: at, ActorID: u.ID, Action: audit.PasswordChanged, IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if _, log := b.Get("/admin/audit?from=2026-07-01&to=2026-07-01"); !strings.Contains(log, "2026-07-01 13:00:00 BST") {
		t.Error("the log does not show noon UTC as 13:00 in London")
	}

	if code, _ := b.Post("/account/time-zone", "/account", url.Values{"time_zone": {"America/New_York"}}); code != http.StatusSeeOther {
		t.Fatalf("save zone = %d", code)
	}
	if z := zoneOf(); z != "America/New_York" {
		t.Fatalf("zone saved as %q", z)
	}
	if _, page := b.Get("/account"); !strings.Contains(page, "<option selected>America/New_York</option>") {
		t.Error("the profile does not show the saved zone")
	}
	if _, log := b.Get("/admin/audit?from=2026-07-01&to=2026-07-01"); !strings.Contains(log, "2026-07-01 08:00:00 EDT") {
		t.Error("the log does not show noon UTC as 08:00 in New York")
	}

	// Choosing the organisation's zone follows it.
	b.Post("/account/time-zone", "/account", url.Values{"time_zone": {"Europe/London"}})
	if z := zoneOf(); z != "" {
		t.Errorf("the organisation's zone was saved as %q, not followed", z)
	}
}
