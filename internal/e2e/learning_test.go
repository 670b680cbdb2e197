package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groundwork/internal/app"
)

// TestTraineeLearnsAndSupervisorSees: an admin enrols a trainee; the trainee
// reads the lesson, fails then passes the knowledge check and writes
// reflections; their supervisor sees the progress.
func TestTraineeLearnsAndSupervisorSees(t *testing.T) {
	example, _ := filepath.Abs("../catalog/testdata/example")
	srv := StartServer(t, func(c *app.Config) { c.CoursesDir = example })
	_, _, tr := team(t, srv)
	const password = e2ePassword

	page := Browser(t)
	signInAs(page, srv.URL, "lead@example.org", password)
	page.Go(srv.URL + "/admin/users/" + tr.ID)
	page.Submit(`a[href$="/learning"]`)
	page.Submit(`form[action$="/enrolments"] button`) // the programme is the first choice
	if got := page.Text("tbody td"); got != "Trainee Groupworker Programme" {
		t.Fatalf("after enrolling, the first enrolment is %q", got)
	}
	page.Submit("header form button") // sign out

	signInAs(page, srv.URL, "tia@example.org", password)
	page.Go(srv.URL + "/modules/first-contact/lessons/the-first-minute")
	page.Submit("section.lesson-done button")

	page.Go(srv.URL + "/modules/first-contact/quiz")
	page.Click(`input[name="q-first-words"][value="1"]`) // wrong
	page.Click(`input[name="q-labels"][value="1"]`)
	page.Submit("form.quiz button[type=submit]")
	if r := page.Text("p.result"); !strings.Contains(r, "Not passed yet") {
		t.Fatalf("first attempt: %q", r)
	}
	// The retake wait passes (10 minutes in the module's default rule).
	srv.Clock.Move(11 * time.Minute)
	page.Go(srv.URL + "/modules/first-contact/quiz")
	page.Click(`input[name="q-first-words"][value="0"]`)
	page.Click(`input[name="q-labels"][value="1"]`)
	page.Submit("form.quiz button[type=submit]")
	if r := page.Text("p.result"); !strings.Contains(r, "Passed") {
		t.Fatalf("second attempt: %q", r)
	}

	page.Go(srv.URL + "/modules/first-contact/reflections")
	page.Fill("#prompt-1", "At my old job nobody said hello, and I felt invisible.")
	page.Fill("#prompt-2", "My name, a smile, and an offer of tea.")
	page.Submit(`button[value="submit"]`)
	page.Go(srv.URL + "/dashboard")
	if left := page.Text("article.module-progress"); !strings.Contains(left, "1 competency to ask sign-off for") {
		t.Fatalf("trainee dashboard: %q", left)
	}
	page.Submit("header form button") // sign out

	signInAs(page, srv.URL, "sup@example.org", password)
	page.Go(srv.URL + "/dashboard")
	row := page.Text("tbody tr")
	if !strings.Contains(row, "Tia Trainee") || !strings.Contains(row, "2 reflections to read") {
		t.Fatalf("supervisor dashboard row: %q", row)
	}
	page.Submit(`tbody tr td a[href$="/reflections"]`)
	if body := page.Text("main"); !strings.Contains(body, "offer of tea") {
		t.Fatalf("the supervisor cannot read the reflections: %q", body)
	}
}

func signInAs(page *Page, base, email, password string) {
	page.t.Helper()
	page.Go(base + "/signin")
	page.Fill("#f-email", email)
	page.Fill("#f-password", password)
	page.Submit("main form button[type=submit]")
}
