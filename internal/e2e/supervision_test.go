package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/app"
	"groundwork/internal/learning"
)

// TestSignOffCompletesTheModule: a trainee who has done their own part of
// a module asks for sign-off of its competency with evidence; their
// supervisor signs it off from the queue; the module shows complete.
func TestSignOffCompletesTheModule(t *testing.T) {
	example, _ := filepath.Abs("../catalog/testdata/example")
	srv := StartServer(t, func(c *app.Config) { c.CoursesDir = example })
	ctx := context.Background()
	admin, _, tr := team(t, srv)
	const password = e2ePassword
	if err := srv.App.Learning.Enrol(ctx, srv.App.DB, learning.ProgrammeScope, admin.ID, tr.ID); err != nil {
		t.Fatal(err)
	}
	// The trainee's own part, done before: the lesson and the reflections.
	m, _ := srv.App.Courses.Catalog().Module("first-contact")
	progress := &learning.Progress{DB: srv.App.DB, Clock: srv.App.Clock}
	if err := progress.MarkLessonComplete(ctx, tr.ID, m.Slug, m.Lessons[0].Slug); err != nil {
		t.Fatal(err)
	}
	if err := progress.SaveReflections(ctx, tr.ID, m, map[int]string{1: "Being ignored at a counter.", 2: "Hello, my name, and tea."}, true); err != nil {
		t.Fatal(err)
	}

	page := Browser(t)
	signInAs(page, srv.URL, "tia@example.org", password)
	page.Go(srv.URL + "/modules/first-contact/quiz")
	page.Click(`input[name="q-first-words"][value="0"]`)
	page.Click(`input[name="q-labels"][value="1"]`)
	page.Submit("form.quiz button[type=submit]")
	page.Go(srv.URL + "/dashboard")
	if left := page.Text("article.module-progress"); !strings.Contains(left, "1 competency to ask sign-off for") {
		t.Fatalf("before sign-off: %q", left)
	}
	page.Submit(`a[href="/supervision/competencies"]`)
	page.Fill("#ev-contact-welcome", "On Tuesday I welcomed two first-time visitors, explained the needle exchange and asked before noting anything.")
	page.Click(`input[name="reflection"]`)
	page.Submit(`form[action$="/competencies/request"] button`)
	if status := page.Text("#c-contact-welcome .status"); status != "Waiting for sign-off" {
		t.Fatalf("after asking: %q", status)
	}
	page.Submit("header form button") // sign out

	signInAs(page, srv.URL, "sup@example.org", password)
	page.Go(srv.URL + "/supervision")
	if row := page.Text("#pending ~ div tbody tr"); !strings.Contains(row, "Tia Trainee") || !strings.Contains(row, "Welcomes new visitors") {
		t.Fatalf("the queue: %q", row)
	}
	page.Submit("#pending ~ div tbody tr a")
	if evidence := page.Text("#c-contact-welcome ol.history"); !strings.Contains(evidence, "needle exchange") {
		t.Fatalf("the evidence: %q", evidence)
	}
	page.Fill("#so-first-contact", "Saw the same at the drop-in: warm, clear, and asked before writing anything down.")
	page.Submit("form.sign-off button")
	if status := page.Text("#c-contact-welcome .status"); status != "Signed off" {
		t.Fatalf("after sign-off: %q", status)
	}
	page.Submit("header form button")

	signInAs(page, srv.URL, "tia@example.org", password)
	page.Go(srv.URL + "/dashboard")
	if h := page.Text("article.module-progress h3"); !strings.Contains(h, "Complete") {
		t.Fatalf("the module is not complete: %q", h)
	}
}
