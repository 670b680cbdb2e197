package account_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/audit"
)

func TestSecurityEventsAreAudited(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("lead@example.org", "Lead", account.Admin)
	tr := s.user("tr@example.org", "Tr", account.Trainee)
	b := s.browser()
	b.signIn("tr@example.org", "a wrong password")
	for range 5 {
		b.signIn("nobody@example.org", "a wrong password")
	}
	b.signIn("nobody@example.org", "a wrong password") // locked
	admin := s.browser()
	admin.signIn("lead@example.org", testPassword)
	admin.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"new@example.org"}, "role": {"trainee"}})
	admin.post("/admin/users/"+tr.ID+"/role", "/admin/users/"+tr.ID, url.Values{"role": {"supervisor"}})
	admin.post("/admin/users/"+tr.ID+"/active", "/admin/users/"+tr.ID, url.Values{"active": {"false"}})
	b.post("/forgot", "/forgot", url.Values{"email": {"lead@example.org"}})
	link := s.lastLink("lead@example.org")
	b.post(link, link, url.Values{"password": {"the next long passphrase"}, "confirm": {"the next long passphrase"}})

	entries, err := audit.List(context.Background(), s.app.DB, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[audit.Action]int{}
	for _, e := range entries {
		got[e.Action]++
		if e.IP == "" {
			t.Errorf("%s has no client address", e.Action)
		}
		for _, secret := range []string{testPassword, "a wrong password", "next long passphrase", strings.TrimPrefix(link, "/reset/")} {
			if strings.Contains(e.Detail, secret) {
				t.Errorf("%s detail holds a secret", e.Action)
			}
		}
	}
	for _, want := range []audit.Action{audit.SignInFailed, audit.LockedOut, audit.SignIn, audit.Invited,
		audit.RoleChanged, audit.Deactivated, audit.PasswordResetRequested, audit.PasswordReset} {
		if got[want] == 0 {
			t.Errorf("no %s entry (have %v)", want, got)
		}
	}
}
