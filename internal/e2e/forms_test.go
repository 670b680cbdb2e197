package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/app"
	"groundwork/internal/learning"
	"groundwork/internal/supervision"
)

// TestFormProblemsEmptySignOffComment: a supervisor signs off without a
// comment; the page comes back with the error summary at the top of the
// page, focused without any script, linking to the comment box, which is
// marked and described by its message.
func TestFormProblemsEmptySignOffComment(t *testing.T) {
	example, _ := filepath.Abs("../catalog/testdata/example")
	srv := StartServer(t, func(c *app.Config) { c.CoursesDir = example })
	ctx := context.Background()
	admin, _, tr := team(t, srv)
	if err := srv.App.Learning.Enrol(ctx, srv.App.DB, learning.ProgrammeScope, admin.ID, tr.ID); err != nil {
		t.Fatal(err)
	}
	m, _ := srv.App.Courses.Catalog().Module("first-contact")
	if err := srv.App.Supervision.Request(ctx, tr, m, "contact-welcome", supervision.Evidence{Text: "I welcomed two first-time visitors."}); err != nil {
		t.Fatal(err)
	}

	page := Browser(t)
	signInAs(page, srv.URL, "sup@example.org", e2ePassword)
	page.Go(srv.URL + "/trainees/" + tr.ID + "/competencies")
	page.Submit("form.sign-off button")
	if status := page.Status(); status != 422 {
		t.Errorf("status %d, want 422", status)
	}
	checkSummaryFocused(t, page)
	checkAxe(t, page, axeSource(t), "the refused sign-off")
	if title := page.Eval(`document.title`); !strings.HasPrefix(title, "Error: ") {
		t.Errorf("title %q does not start with \"Error: \"", title)
	}
	if invalid := page.Eval(`document.querySelector("#so-first-contact").getAttribute("aria-invalid") || ""`); invalid != "true" {
		t.Errorf("the comment box is not marked invalid: %q", invalid)
	}
	message := page.Eval(`document.getElementById(document.querySelector("#so-first-contact").getAttribute("aria-describedby")).textContent`)
	if !strings.Contains(message, "Write a comment") {
		t.Errorf("the comment box is described by %q", message)
	}
	if ticked := page.Eval(`String(document.querySelector('input[name="competencies"][value="contact-welcome"]').checked)`); ticked != "true" {
		t.Errorf("the ticked competency was not kept: %s", ticked)
	}
	page.Click(`.error-summary a[href="#so-first-contact"]`)
	if hash := page.Eval(`location.hash`); hash != "#so-first-contact" {
		t.Errorf("the summary's link goes to %q", hash)
	}
}

// TestFormProblemsEmptyKnowledgeCheck: a trainee submits the knowledge
// check without answering; every question is marked and linked from the
// summary, which has the focus.
func TestFormProblemsEmptyKnowledgeCheck(t *testing.T) {
	example, _ := filepath.Abs("../catalog/testdata/example")
	srv := StartServer(t, func(c *app.Config) { c.CoursesDir = example })
	ctx := context.Background()
	admin, _, tr := team(t, srv)
	if err := srv.App.Learning.Enrol(ctx, srv.App.DB, learning.ProgrammeScope, admin.ID, tr.ID); err != nil {
		t.Fatal(err)
	}
	page := Browser(t)
	signInAs(page, srv.URL, "tia@example.org", e2ePassword)
	page.Go(srv.URL + "/modules/first-contact/quiz")
	page.Click(`input[name="q-labels"][value="1"]`)
	page.Submit("form.quiz button[type=submit]")
	checkSummaryFocused(t, page)
	checkAxe(t, page, axeSource(t), "the refused knowledge check")
	if links := page.Eval(`[...document.querySelectorAll(".error-summary a")].map(a => a.getAttribute("href")).join(" ")`); links != "#f-q-first-words" {
		t.Errorf("the summary links to %q, want the one unanswered question", links)
	}
	if invalid := page.Eval(`document.querySelector("#f-q-first-words").getAttribute("aria-invalid") || ""`); invalid != "true" {
		t.Errorf("the unanswered question is not marked: %q", invalid)
	}
	if kept := page.Eval(`String(document.querySelector('input[name="q-labels"][value="1"]').checked)`); kept != "true" {
		t.Errorf("the answer given was not kept")
	}
	if marked := page.Eval(`String(document.querySelectorAll('[name="q-labels"][aria-invalid]').length)`); marked != "0" {
		t.Errorf("the answered question is marked too")
	}

	page.Go(srv.URL + "/modules/first-contact/quiz")
	page.Submit("form.quiz button[type=submit]")
	checkSummaryFocused(t, page)
	if n := page.Eval(`String(document.querySelectorAll('.error-summary a').length)`); n != "2" {
		t.Errorf("%s links in the summary, want one for each question", n)
	}
}

// checkSummaryFocused checks that the error summary is the first thing in
// main, has the focus, and the page is scrolled to the top.
func checkSummaryFocused(t *testing.T, page *Page) {
	t.Helper()
	if first := page.Eval(`document.querySelector("main").firstElementChild.className`); first != "error-summary" {
		t.Errorf("main starts with %q, not the error summary", first)
	}
	if focused := page.Eval(`document.activeElement.id`); focused != "error-summary" {
		t.Errorf("the focus is on %q, not the error summary", focused)
	}
	if heading := page.Text(".error-summary h2"); heading != "There is a problem" {
		t.Errorf("summary heading %q", heading)
	}
	if y := page.Eval(`String(window.scrollY)`); y != "0" {
		t.Errorf("the page is scrolled to %s, not the top", y)
	}
}
