package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/app"
	"groundwork/internal/learning"
)

// TestCompletingAModuleBringsAVerifiableCertificate: a trainee whose
// competency is already signed off passes the module's knowledge check,
// which completes the module; the certificate is on their certificates
// page, its PDF downloads, and its verification link says it is valid.
func TestCompletingAModuleBringsAVerifiableCertificate(t *testing.T) {
	example, _ := filepath.Abs("../catalog/testdata/example")
	srv := StartServer(t, func(c *app.Config) { c.CoursesDir = example; c.Organisation = "Harbour Lane Drug Service" })
	ctx := context.Background()
	admin, sup, tr := team(t, srv)
	if err := srv.App.Learning.Enrol(ctx, srv.App.DB, learning.ProgrammeScope, admin.ID, tr.ID); err != nil {
		t.Fatal(err)
	}
	m, _ := srv.App.Courses.Catalog().Module("first-contact")
	progress := &learning.Progress{DB: srv.App.DB, Clock: srv.App.Clock}
	if err := progress.MarkLessonComplete(ctx, tr.ID, m.Slug, m.Lessons[0].Slug); err != nil {
		t.Fatal(err)
	}
	if err := progress.SaveReflections(ctx, tr.ID, m, map[int]string{1: "Being ignored at a counter.", 2: "Hello, my name, and tea."}, true); err != nil {
		t.Fatal(err)
	}
	if err := srv.App.Supervision.SignOff(ctx, sup, tr, m, []string{"contact-welcome"}, "Seen at the drop-in.", ""); err != nil {
		t.Fatal(err)
	}

	page := Browser(t)
	signInAs(page, srv.URL, "tia@example.org", e2ePassword)
	page.Go(srv.URL + "/certificates")
	if none := page.Text("main"); !strings.Contains(none, "You have no certificates yet") {
		t.Fatalf("before completing: %q", none)
	}
	page.Go(srv.URL + "/modules/first-contact/quiz")
	page.Click(`input[name="q-first-words"][value="0"]`)
	page.Click(`input[name="q-labels"][value="1"]`)
	page.Submit("form.quiz button[type=submit]")

	page.Go(srv.URL + "/dashboard")
	page.Submit(`#certificates ~ ul a`)
	section := page.Text("section.certificate")
	if !strings.Contains(section, m.Title) || !strings.Contains(section, "GW-") {
		t.Fatalf("the certificates page: %q", section)
	}
	pdf := page.Eval(`document.querySelector('section.certificate a[href$="/pdf"]').getAttribute("href")`)
	if got := page.Download(pdf); !strings.HasPrefix(got, "200 application/pdf %PDF-") {
		t.Fatalf("downloading the PDF: %q", got)
	}
	badge := page.Eval(`document.querySelector('section.certificate a[href*="/credentials/"]').getAttribute("href")`)
	if got := page.Download(badge); !strings.HasPrefix(got, "200 application/vc+ld+json {") {
		t.Fatalf("downloading the badge: %q", got)
	}
	verify := page.Eval(`document.querySelector('section.certificate input[readonly]').value`)
	page.Submit("header form button") // sign out: anyone may verify

	page.Go(verify)
	verdict := page.Text("section.check-result")
	for _, want := range []string{"Valid certificate", "Tia Trainee", m.Title, "Harbour Lane Drug Service"} {
		if !strings.Contains(verdict, want) {
			t.Errorf("the verification page lacks %q: %q", want, verdict)
		}
	}
}
