package account_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
)

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("Sam@Example.org", "Sam Okafor", account.Trainee)
	b := s.browser()

	r := b.signIn("sam@example.ORG", testPassword) // email is case-insensitive
	if r.Code != http.StatusSeeOther || r.Location != "/dashboard" {
		t.Fatalf("sign-in = %d %q, want the dashboard", r.Code, r.Location)
	}
	if !b.signedIn() {
		t.Fatal("not signed in after sign-in")
	}
	home := b.get("/")
	if !strings.Contains(home.Body, "Sam Okafor") || !strings.Contains(home.Body, "Sign out") {
		t.Fatal("the header does not show the signed-in person")
	}

	old := b.cookie("gw_session")
	if r := b.post("/signout", "/", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("sign-out = %d", r.Code)
	}
	if b.signedIn() {
		t.Fatal("still signed in after sign-out")
	}
	// The old cookie is dead on the server, not just deleted in the browser.
	b.setCookie(old)
	if b.signedIn() {
		t.Fatal("the cookie from before sign-out still works")
	}
}

// TestSignInLeadsToThePageAskedFor: signing in goes to the page on this
// site that was asked for, and to the dashboard when the page asked for is
// on another site; signed in, the sign-in page sends people on too.
func TestSignInLeadsToThePageAskedFor(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("ana@example.org", "Ana", account.Trainee)
	for next, want := range map[string]string{
		"/certificates?page=2": "/certificates?page=2",
		"//evil.example/":      "/dashboard",
		"https://evil.example": "/dashboard",
		"/\\evil.example":      "/dashboard",
		"":                     "/dashboard",
	} {
		b := s.browser()
		r := b.post("/signin", "/forgot", url.Values{"email": {"ana@example.org"}, "password": {testPassword}, "next": {next}})
		if r.Code != http.StatusSeeOther || r.Location != want {
			t.Errorf("sign-in with next %q = %d %q, want %q", next, r.Code, r.Location, want)
		}
		if again := b.get("/signin?next=" + url.QueryEscape(next)); again.Code != http.StatusSeeOther || again.Location != want {
			t.Errorf("the sign-in page, signed in, with next %q = %d %q, want %q", next, again.Code, again.Location, want)
		}
	}
}

func TestSignInFailuresLookTheSame(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("ana@example.org", "Ana", account.Supervisor)
	wrong := s.browser().signIn("ana@example.org", "not the right password")
	unknown := s.browser().signIn("nobody@example.org", "not the right password")
	if wrong.Code != http.StatusUnauthorized || unknown.Code != http.StatusUnauthorized {
		t.Fatalf("codes %d and %d, want 401", wrong.Code, unknown.Code)
	}
	const msg = "The email or password is not correct."
	if !strings.Contains(wrong.Body, msg) || !strings.Contains(unknown.Body, msg) {
		t.Fatal("a failed sign-in must give the one generic message")
	}
	if strings.Contains(wrong.Body, "not the right password") {
		t.Fatal("the password was echoed back")
	}
	if !strings.Contains(wrong.Body, `value="ana@example.org"`) {
		t.Fatal("the email was not kept in the form")
	}
}

func TestSessionIDChangesAtSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("lee@example.org", "Lee", account.Trainee)
	b := s.browser()
	b.signIn("lee@example.org", testPassword)
	first := b.cookie("gw_session")
	b.signIn("lee@example.org", testPassword)
	second := b.cookie("gw_session")
	if first == nil || second == nil || first.Value == second.Value {
		t.Fatal("signing in again did not issue a new session ID")
	}
	other := s.browser()
	other.setCookie(first)
	if other.signedIn() {
		t.Fatal("the session from before the new sign-in is still accepted")
	}
	forged := s.browser()
	forged.setCookie(&http.Cookie{Name: "gw_session", Value: "made-up-value"})
	if forged.signedIn() {
		t.Fatal("a forged session cookie was accepted")
	}
}

func TestDeactivationEndsOpenSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.user("admin@example.org", "Admin", account.Admin)
	trainee := s.user("t@example.org", "Trainee", account.Trainee)
	b := s.browser()
	b.signIn("t@example.org", testPassword)
	if !b.signedIn() {
		t.Fatal("not signed in")
	}
	if err := s.service().SetActive(context.Background(), admin, trainee, false, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if b.signedIn() {
		t.Fatal("a deactivated user's open session still works")
	}
	if r := b.signIn("t@example.org", testPassword); r.Code != http.StatusUnauthorized {
		t.Fatalf("a deactivated user signed in: %d", r.Code)
	}
}

func TestThrottlingLocksAnAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("kim@example.org", "Kim", account.Trainee)
	b := s.browser()
	for i := range 5 {
		if r := b.signIn("kim@example.org", "wrong password number "+string(rune('a'+i))); r.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d", i+1, r.Code)
		}
	}
	r := b.signIn("kim@example.org", testPassword) // even the right password
	if r.Code != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many failed attempts") {
		t.Fatalf("sixth try = %d, want 429 with a clear message", r.Code)
	}
	if b.signedIn() {
		t.Fatal("signed in while locked")
	}
	// Other accounts from another client are unaffected.
	s.user("jo@example.org", "Jo", account.Trainee)
	if r := s.browser().signIn("jo@example.org", testPassword); r.Code != http.StatusSeeOther {
		t.Fatalf("another account = %d", r.Code)
	}
	// After the window the lock lifts.
	s.clock.Move(16 * time.Minute)
	if r := b.signIn("kim@example.org", testPassword); r.Code != http.StatusSeeOther {
		t.Fatalf("after 15 minutes = %d", r.Code)
	}
}

func TestThrottlingLimitsAClient(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("victim@example.org", "V", account.Trainee)
	b := s.browser()
	for i := range 20 { // one client guessing across many accounts
		b.signIn("guess"+string(rune('a'+i))+"@example.org", "wrong password here")
	}
	if r := b.signIn("victim@example.org", testPassword); r.Code != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from one client = %d, want 429", r.Code)
	}
}

func TestStateChangeWithoutCSRFIsRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("a@example.org", "A", account.Trainee)
	b := s.browser()
	r := b.post("/signin", "", url.Values{"email": {"a@example.org"}, "password": {testPassword}})
	if r.Code != http.StatusForbidden || b.signedIn() {
		t.Fatalf("sign-in without a CSRF token = %d", r.Code)
	}
	b.signIn("a@example.org", testPassword)
	if r := b.post("/account/name", "", url.Values{"name": {"Changed"}}); r.Code != http.StatusForbidden {
		t.Fatalf("profile change without a CSRF token = %d", r.Code)
	}
	if r := b.post("/signout", "", nil); r.Code != http.StatusForbidden || !b.signedIn() {
		t.Fatalf("sign-out without a CSRF token = %d", r.Code)
	}
}

func TestAuthenticatedPageCostsOneQuery(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("q@example.org", "Q", account.Trainee)
	b := s.browser()
	b.signIn("q@example.org", testPassword)
	b.get("/account") // the first request after sign-in may refresh last-seen
	counter := apptest.CountQueries(s.app)
	for range 3 {
		if r := b.get("/account"); r.Code != http.StatusOK {
			t.Fatalf("profile = %d", r.Code)
		}
	}
	if n := counter.N(); n != 3 {
		t.Fatalf("3 authenticated pages ran %d queries, want 3 (session and user in one)", n)
	}
}

func TestIdleAndExpiredSessionsAreRefusedAndPurged(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("idle@example.org", "Idle", account.Trainee)
	b := s.browser()
	b.signIn("idle@example.org", testPassword)
	ctx := context.Background()
	// Three hours without a request: past the two-hour idle timeout.
	s.clock.Move(3 * time.Hour)
	if b.signedIn() {
		t.Fatal("an idle session was accepted")
	}
	n, err := s.app.Accounts.Sessions.Purge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
}
