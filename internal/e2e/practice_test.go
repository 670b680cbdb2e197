package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/app"
	"groundwork/internal/learning"
)

// TestClearedForUnsupervisedPractice: a trainee's dashboard says they are
// not cleared for unsupervised practice and names the safety-critical
// competency; they ask for its sign-off, seeing its rubric; their
// supervisor signs it off against the rubric; both dashboards then say
// the trainee is cleared.
func TestClearedForUnsupervisedPractice(t *testing.T) {
	courses, _ := filepath.Abs("../catalog/testdata/safety")
	srv := StartServer(t, func(c *app.Config) { c.CoursesDir = courses })
	admin, _, tr := team(t, srv)
	if err := srv.App.Learning.Enrol(context.Background(), srv.App.DB, learning.ProgrammeScope, admin.ID, tr.ID); err != nil {
		t.Fatal(err)
	}
	page := Browser(t)

	signInAs(page, srv.URL, "tia@example.org", e2ePassword)
	page.Go(srv.URL + "/dashboard")
	if practice := page.Text("section.practice"); !strings.Contains(practice, "You are not yet cleared for unsupervised practice") ||
		!strings.Contains(practice, "Responds to an overdose in a drill") || strings.Contains(practice, "Welcomes new visitors") {
		t.Fatalf("before sign-off: %q", practice)
	}
	page.Submit(`section.practice a[href$="#c-contact-overdose-drill"]`)
	if rubric := page.Text("#c-contact-overdose-drill .rubric"); !strings.Contains(rubric, "Simulation (a drill or role play)") ||
		!strings.Contains(rubric, "Calls 999 (or asks someone to) and puts the phone on speaker.") {
		t.Fatalf("the rubric the trainee sees: %q", rubric)
	}
	page.Fill("#ev-contact-overdose-drill", "In Monday's drill with the training kit I checked breathing, called 999 on speaker, gave naloxone and repeated it after 3 minutes.")
	page.Submit(`#c-contact-overdose-drill form[action$="/competencies/request"] button`)
	if status := page.Text("#c-contact-overdose-drill .status"); status != "Waiting for sign-off" {
		t.Fatalf("after asking: %q", status)
	}
	page.Submit("header form button")

	signInAs(page, srv.URL, "sup@example.org", e2ePassword)
	page.Go(srv.URL + "/dashboard")
	if cell := page.Text("td.practice"); !strings.Contains(cell, "Not cleared: 1 to sign off") {
		t.Fatalf("the supervisor's dashboard before sign-off: %q", cell)
	}
	page.Submit("td.practice a")
	if form := page.Text("form.sign-off"); !strings.Contains(form, "Sign off only on evidence from 1 separate occasion") ||
		!strings.Contains(form, "Gives naloxone and repeats it every 2 to 3 minutes if there is no response.") {
		t.Fatalf("the sign-off form: %q", form)
	}
	page.Fill("#so-first-contact", "Watched the drill: every step in order, and the repeat dose on time.")
	page.Submit("form.sign-off button")
	if status := page.Text("#c-contact-overdose-drill .status"); status != "Signed off" {
		t.Fatalf("after sign-off: %q", status)
	}
	page.Go(srv.URL + "/dashboard")
	if cell := page.Text("td.practice"); cell != "Cleared for unsupervised practice" {
		t.Fatalf("the supervisor's dashboard after sign-off: %q", cell)
	}
	page.Submit("header form button")

	signInAs(page, srv.URL, "tia@example.org", e2ePassword)
	page.Go(srv.URL + "/dashboard")
	if practice := page.Text("section.practice"); !strings.Contains(practice, "You are cleared for unsupervised practice") {
		t.Fatalf("after sign-off: %q", practice)
	}
}
