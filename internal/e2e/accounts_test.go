package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
)

// TestInvitationJourney: an admin invites a trainee; the trainee accepts the
// invitation from the outbox (no SMTP is configured), signs in and out.
func TestInvitationJourney(t *testing.T) {
	srv := StartServer(t)
	const adminPassword = "admin passphrase for tests"
	if _, _, err := srv.App.Accounts.CreateUser(context.Background(), "lead@example.org", "Lead", account.Admin, adminPassword); err != nil {
		t.Fatal(err)
	}
	page := Browser(t)

	page.Go(srv.URL + "/signin")
	page.Fill("#f-email", "lead@example.org")
	page.Fill("#f-password", adminPassword)
	page.Submit("form button[type=submit]")
	page.Go(srv.URL + "/admin/users/invite")
	page.Fill("#f-email", "noor@example.org")
	page.Click(`input[name=role][value=trainee]`)
	page.Submit("main form button[type=submit]")
	if flash := page.Text(".flash"); !strings.Contains(flash, "Invitation sent") {
		t.Fatalf("after inviting: %q", flash)
	}

	page.Go(srv.URL + "/admin/outbox")
	page.Submit(`main table a`)
	body := page.Text("main")
	link := regexp.MustCompile(`http://\S+/invitations/[A-Z0-9]+`).FindString(body)
	if link == "" {
		t.Fatalf("no invitation link in the outbox message:\n%s", body)
	}
	page.Submit("header form button") // the admin signs out

	page.Go(link)
	page.Fill("#f-name", "Noor Haddad")
	page.Fill("#f-password", "my own long passphrase")
	page.Fill("#f-confirm", "my own long passphrase")
	page.Submit("main form button[type=submit]")
	if flash := page.Text(".flash"); !strings.Contains(flash, "Your account is ready") {
		t.Fatalf("after accepting: %q", flash)
	}
	page.Fill("#f-email", "noor@example.org")
	page.Fill("#f-password", "my own long passphrase")
	page.Submit("main form button[type=submit]")
	if who := page.Text(`header a[href="/account"]`); who != "Noor Haddad" {
		t.Fatalf("signed in as %q", who)
	}
	page.Submit("header form button")
	if flash := page.Text(".flash"); !strings.Contains(flash, "signed out") {
		t.Fatalf("after signing out: %q", flash)
	}
	if signin := page.Text(`header a[href="/signin"]`); signin != "Sign in" {
		t.Fatalf("header after sign-out: %q", signin)
	}
}
