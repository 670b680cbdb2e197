package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/learning"
)

// TestReadALesson: a trainee signs in, opens a module from the catalogue and
// reads its lesson.
func TestReadALesson(t *testing.T) {
	example, _ := filepath.Abs("../catalog/testdata/example")
	srv := StartServer(t, func(c *app.Config) { c.CoursesDir = example })
	const password = "trainee passphrase here"
	tia, _, err := srv.App.Accounts.CreateUser(context.Background(), "tia@example.org", "Tia", account.Trainee, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.App.Learning.Enrol(context.Background(), srv.App.DB, learning.ProgrammeScope, "", tia.ID); err != nil {
		t.Fatal(err)
	}
	page := Browser(t)
	page.Go(srv.URL + "/modules")
	page.Submit(`a[href="/modules/first-contact"]`)
	if !strings.HasPrefix(page.Location(), srv.URL+"/signin") {
		t.Fatalf("a trainee module before sign-in went to %s", page.Location())
	}
	page.Fill("#f-email", "tia@example.org")
	page.Fill("#f-password", password)
	page.Submit("main form button[type=submit]")
	if h := page.Text("h1"); h != "First contact at the drop-in" {
		t.Fatalf("after sign-in the page is %q, want the module", h)
	}
	page.Submit(`a[role=button]`)
	if h := page.Text("article.lesson h1"); h != "The first minute" {
		t.Fatalf("lesson heading %q", h)
	}
	scenario := page.Text("aside.callout-scenario")
	if !strings.Contains(scenario, "A visitor at the door") || !strings.Contains(scenario, "offer a tea") {
		t.Fatalf("scenario callout: %q", scenario)
	}
	if label := page.Eval(`document.querySelector('aside.callout-scenario').getAttribute('aria-labelledby')`); label == "" {
		t.Fatal("the callout has no accessible name")
	}
}
