package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/mail"
	"groundwork/internal/mail/mailtest"
)

// TestInvitationJourney: an admin invites a trainee; the trainee opens the
// invitation they received by email, chooses a password, signs in and out.
// The admin's outbox shows that an invitation went, not its link.
func TestInvitationJourney(t *testing.T) {
	inbox := &mailtest.Recorder{}
	srv := StartServer(t, func(cfg *app.Config) { cfg.Mailer = inbox })
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

	if _, err := srv.App.Outbox.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var link string
	for _, m := range inbox.Sent() {
		if m.To == "noor@example.org" && m.Kind == mail.Invitation {
			link = regexp.MustCompile(`http://\S+/invitations/[A-Z0-9]+`).FindString(m.Body)
		}
	}
	if link == "" {
		t.Fatalf("no invitation reached noor@example.org: %+v", inbox.Sent())
	}
	page.Go(srv.URL + "/admin/outbox?all=1")
	if row := page.Text("main tbody tr"); !strings.Contains(row, "Invitation") || !strings.Contains(row, "1 recipient") || !strings.Contains(row, "sent") {
		t.Fatalf("the outbox row: %q", row)
	}
	page.Submit(`main table a`)
	if body := page.Text("main"); strings.Contains(body, "/invitations/") || strings.Contains(body, "noor@example.org") {
		t.Fatalf("the outbox shows the invitation:\n%s", body)
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
