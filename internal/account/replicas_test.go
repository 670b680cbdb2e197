package account_test

import (
	"net/http"
	"net/url"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
)

// TestSignOutEndsTheSessionOnEveryReplica: two servers on one database
// share sessions; signing out on one is refused by the other at once, with
// no cache to wait out.
func TestSignOutEndsTheSessionOnEveryReplica(t *testing.T) {
	t.Parallel()
	first := apptest.Start(t, "")
	second := apptest.Start(t, "", func(cfg *app.Config) { cfg.DatabaseURL = first.App.Config.DatabaseURL })
	first.User("two@example.org", "Two Replicas", account.Trainee)
	person := apptest.Visit(t, first.Base).SignInAs("two@example.org", apptest.Password)
	onSecond := apptest.Visit(t, second.Base)
	base, _ := url.Parse(first.Base)
	for _, c := range person.Client().Jar.Cookies(base) {
		onSecond.SetCookie(c)
	}
	for range 3 {
		if code, _ := onSecond.Get("/account"); code != http.StatusOK {
			t.Fatalf("the second replica does not know the session: %d", code)
		}
	}
	if code, _ := person.Post("/signout", "/account", nil); code != http.StatusOK && code != http.StatusSeeOther {
		t.Fatalf("sign-out = %d", code)
	}
	if code, _ := onSecond.Get("/account"); code == http.StatusOK {
		t.Fatal("the second replica still accepts a session ended on the first")
	}
}
