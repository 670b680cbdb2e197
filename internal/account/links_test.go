package account_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
)

func TestInvitationWorksOnceAndExpires(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("lead@example.org", "Lead", account.Admin)
	admin := s.browser()
	admin.signIn("lead@example.org", testPassword)
	r := admin.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"New.Trainee@Example.org"}, "role": {"trainee"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("invite = %d\n%s", r.Code, text(r.Body))
	}
	link := s.lastLink("new.trainee@example.org")

	invitee := s.browser()
	page := invitee.get(link)
	if page.Code != 200 || !strings.Contains(page.Body, "new.trainee@example.org") {
		t.Fatalf("invitation page = %d", page.Code)
	}
	bad := invitee.post(link, link, url.Values{"name": {"Noor"}, "password": {"qwerty123456"}, "confirm": {"qwerty123456"}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "most common") {
		t.Fatalf("a common password = %d", bad.Code)
	}
	if strings.Contains(bad.Body, "qwerty123456") {
		t.Fatal("the refused password was echoed back")
	}
	if !strings.Contains(bad.Body, `value="Noor"`) {
		t.Fatal("the name was not kept")
	}
	ok := invitee.post(link, link, url.Values{"name": {"Noor"}, "password": {testPassword}, "confirm": {testPassword}})
	if ok.Code != http.StatusSeeOther {
		t.Fatalf("accept = %d\n%s", ok.Code, text(ok.Body))
	}
	if r := invitee.signIn("new.trainee@example.org", testPassword); r.Code != http.StatusSeeOther {
		t.Fatalf("the invitee cannot sign in: %d", r.Code)
	}
	if r := s.browser().get(link); r.Code != http.StatusNotFound {
		t.Fatalf("a used invitation = %d, want 404", r.Code)
	}

	// An invitation older than 7 days no longer works.
	admin.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"late@example.org"}, "role": {"supervisor"}})
	late := s.lastLink("late@example.org")
	s.clock.Move(7*24*time.Hour + time.Minute)
	if r := s.browser().get(late); r.Code != http.StatusNotFound {
		t.Fatalf("an expired invitation = %d, want 404", r.Code)
	}
}

func TestPasswordResetWorksOnceAndEndsSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("rio@example.org", "Rio", account.Trainee)
	elsewhere := s.browser()
	elsewhere.signIn("rio@example.org", testPassword)

	b := s.browser()
	known := b.post("/forgot", "/forgot", url.Values{"email": {"RIO@example.org"}})
	unknown := b.post("/forgot", "/forgot", url.Values{"email": {"nobody@example.org"}})
	if known.Code != 200 || unknown.Code != 200 || text(known.Body) != text(unknown.Body) {
		t.Fatal("the forgot-password answer reveals whether an email is registered")
	}
	link := s.lastLink("rio@example.org")
	const newPassword = "a brand new long passphrase"
	if r := b.post(link, link, url.Values{"password": {newPassword}, "confirm": {newPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("reset = %d\n%s", r.Code, text(r.Body))
	}
	if elsewhere.signedIn() {
		t.Fatal("a password reset left another session open")
	}
	if r := b.signIn("rio@example.org", testPassword); r.Code != http.StatusUnauthorized {
		t.Fatal("the old password still works")
	}
	if r := b.signIn("rio@example.org", newPassword); r.Code != http.StatusSeeOther {
		t.Fatal("the new password does not work")
	}
	if r := s.browser().get(link); r.Code != http.StatusNotFound {
		t.Fatalf("a used reset link = %d", r.Code)
	}

	b.post("/forgot", "/forgot", url.Values{"email": {"rio@example.org"}})
	second := s.lastLink("rio@example.org")
	s.clock.Move(time.Hour + time.Minute)
	if r := s.browser().get(second); r.Code != http.StatusNotFound {
		t.Fatalf("a reset link older than an hour = %d", r.Code)
	}
}

func TestFirstRunSetup(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	link, err := s.service().SetupLink(ctx)
	if err != nil || link == "" {
		t.Fatalf("SetupLink = %q, %v", link, err)
	}
	path := strings.TrimPrefix(link, s.Base)
	b := s.browser()
	r := b.post(path, path, url.Values{"email": {"first@example.org"}, "name": {"First Admin"},
		"password": {testPassword}, "confirm": {testPassword}})
	if r.Code != http.StatusSeeOther || r.Location != "/admin/users" {
		t.Fatalf("setup = %d %q\n%s", r.Code, r.Location, text(r.Body))
	}
	if page := b.get("/admin/users"); page.Code != 200 {
		t.Fatalf("the new admin cannot open Users: %d", page.Code)
	}
	if r := s.browser().get(path); r.Code != http.StatusNotFound {
		t.Fatalf("the setup link works twice: %d", r.Code)
	}
	if again, err := s.service().SetupLink(ctx); err != nil || again != "" {
		t.Fatalf("SetupLink with an admin = %q, %v; want none", again, err)
	}
}

func TestPasswordRules(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"short":                    false,
		"qwerty123456":             false, // on the common list
		"QWERTYUIOPASDFGHJKLZ":     true,
		strings.Repeat("x", 257):   false,
		"four random words here":   true,
		"ĀŌŪ ūnicode pāsswords ok": true,
		"LeaveMeAlone":             false, // common, whatever the case
		"twelve chars":             true,
	}
	for pw, ok := range cases {
		if got := account.CheckPassword(pw) == ""; got != ok {
			t.Errorf("CheckPassword(%q) accepted=%v, want %v", pw, got, ok)
		}
	}
	hash, err := account.HashPassword("four random words here")
	if err != nil || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash = %q, %v", hash, err)
	}
	if !account.VerifyPassword(hash, "four random words here") || account.VerifyPassword(hash, "four random words HERE") {
		t.Fatal("VerifyPassword is wrong")
	}
	if account.VerifyPassword("", "") || account.VerifyPassword("$argon2id$garbage", "x") {
		t.Fatal("an empty or malformed hash matched")
	}
}
