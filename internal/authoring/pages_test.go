package authoring_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/audit"
)

const lessonPath = "northtown/lessons/01-introduction.md"

// editLesson posts the lesson editor of the new module's first lesson.
func editLesson(p *apptest.Person, action, markdown string) apptest.Response {
	form := url.Values{"path": {lessonPath}, "action": {action}, "title": {"Who to call in Northtown"},
		"minutes": {"10"}, "markdown": {markdown}}
	return p.Do(http.MethodPost, "/admin/curriculum/modules/northtown/file", "/admin/curriculum", form)
}

var fieldError = regexp.MustCompile(`(?s)<small id="f-markdown-error" class="field-error">(.*?)</small>`)

// TestALeadWritesChecksPublishesAndRestoresAModule goes through the
// authoring pages as a training lead: start a module, preview a lesson,
// save it with a broken link (kept as a draft, the checker's message beside
// the text with its line), see publishing refused, fix and publish, read
// the changes in the history, restore the first version and publish it.
func TestALeadWritesChecksPublishesAndRestoresAModule(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, _ := lead(t, site)
	p := site.SignIn(u)
	if code, loc := p.Post("/admin/curriculum/modules", "/admin/curriculum",
		url.Values{"title": {"Northtown"}, "slug": {"northtown"}, "audience": {"public"}}); code != http.StatusSeeOther || loc != "/admin/curriculum/modules/northtown" {
		t.Fatalf("start a module = %d %s", code, loc)
	}
	r := editLesson(p, "preview", "Call the **hub** first.\n")
	if r.Code != http.StatusOK || !strings.Contains(r.Body, "Preview (not saved)") || !strings.Contains(r.Body, "<strong>hub</strong>") {
		t.Fatalf("preview = %d", r.Code)
	}
	if r = editLesson(p, "save", "Call the hub.\n\nSee [the list](lesson:the-list).\n"); r.Code != http.StatusSeeOther {
		t.Fatalf("save with a problem = %d, want it kept as a draft", r.Code)
	}
	if _, page := p.Get("/admin/curriculum/modules/northtown"); !strings.Contains(page, "last saved by Lena Lead") {
		t.Fatal("the module page does not say who saved the draft")
	}
	_, page := p.Get(r.Location)
	m := fieldError.FindStringSubmatch(page)
	if m == nil || !strings.Contains(html.UnescapeString(m[1]), `Line 3 of the text: link to lesson "the-list"`) {
		t.Fatalf("the checker's message is not beside the text: %q", m)
	}
	publish := func(want int) apptest.Response {
		t.Helper()
		r := p.Do(http.MethodPost, "/admin/curriculum/modules/northtown/publish", "/admin/curriculum/modules/northtown", url.Values{"note": {"Local contacts"}})
		if r.Code != want {
			t.Fatalf("publish = %d, want %d", r.Code, want)
		}
		return r
	}
	if r := publish(http.StatusUnprocessableEntity); !strings.Contains(r.Body, "the-list") {
		t.Fatal("the refused publish does not say why")
	}
	editLesson(p, "save", "Call the hub.\n")
	publish(http.StatusSeeOther)
	if !serves(site, t, "/modules/northtown/lessons/introduction", "Call the hub.") {
		t.Fatal("the published lesson is not served")
	}
	editLesson(p, "save", "Call the hub, then the crisis line.\n")
	publish(http.StatusSeeOther)
	_, hist := p.Get("/admin/curriculum/modules/northtown/history?v=2")
	if !strings.Contains(hist, "<del>- Call the hub.</del>") || !strings.Contains(hist, "<ins>+ Call the hub, then the crisis line.</ins>") || !strings.Contains(hist, "Lena Lead") {
		t.Fatalf("the history does not show who changed what:\n%s", hist)
	}
	if code, _ := p.Post("/admin/curriculum/modules/northtown/restore", "/admin/curriculum/modules/northtown/history", url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("restore = %d", code)
	}
	publish(http.StatusSeeOther)
	if !serves(site, t, "/modules/northtown/lessons/introduction", "Call the hub.</p>") {
		t.Fatal("the restored version is not served")
	}
	wantAudit(t, site, audit.CurriculumPublished, 3)
	wantAudit(t, site, audit.CurriculumRestored, 1)
}

// wantAudit checks that action was logged n times.
func wantAudit(t *testing.T, site *apptest.Site, action audit.Action, n int) {
	t.Helper()
	entries, err := audit.List(context.Background(), site.App.DB, audit.Filter{Action: action})
	if err != nil || len(entries) != n {
		t.Fatalf("%d %s entries (%v), want %d", len(entries), action, err, n)
	}
}

// upload sends a ZIP to the import form as a browser does.
func upload(p *apptest.Person, data []byte) apptest.Response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", p.CSRF("/admin/curriculum/import"))
	part, _ := w.CreateFormFile("file", "module.zip")
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, p.URL("/admin/curriculum/import"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return p.Send(req)
}

var importID = regexp.MustCompile(`name="import" value="([^"]+)"`)

// TestAModuleTravelsBetweenServicesThroughTheBrowser downloads a module
// from one service, uploads it to another (a bad ZIP first, refused with
// its reason and nothing kept), previews and publishes it.
func TestAModuleTravelsBetweenServicesThroughTheBrowser(t *testing.T) {
	t.Parallel()
	one, two := apptest.Start(t, ""), apptest.Start(t, "")
	_, by := lead(t, one)
	save(t, one.App.Authoring, by, localModule)
	if _, err := one.App.Authoring.Publish(context.Background(), by, "local-referrals", ""); err != nil {
		t.Fatal(err)
	}
	from := one.SignIn(one.User("other@example.org", "Olu Other", account.Admin))
	zipped := from.Fetch("/admin/curriculum/modules/local-referrals/export.zip")
	if zipped.Code != http.StatusOK || zipped.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export = %d %s", zipped.Code, zipped.Header.Get("Content-Type"))
	}
	u, _ := lead(t, two)
	to := two.SignIn(u)
	bad := upload(to, []byte("not a zip at all"))
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "is not a ZIP archive") {
		t.Fatalf("a bad upload = %d", bad.Code)
	}
	r := upload(to, []byte(zipped.Body))
	m := importID.FindStringSubmatch(r.Body)
	if r.Code != http.StatusOK || m == nil || !strings.Contains(r.Body, "Referral pathways in Northtown") || !strings.Contains(r.Body, "Recovery Hub") {
		t.Fatalf("preview = %d", r.Code)
	}
	if serves(two, t, "/modules/local-referrals", "Northtown") {
		t.Fatal("a previewed import is served before it is published")
	}
	if r := to.Do(http.MethodPost, "/admin/curriculum/import/publish", "/admin/curriculum/import", url.Values{"import": {m[1]}}); r.Code != http.StatusOK {
		t.Fatalf("publish the import = %d", r.Code)
	}
	if !serves(two, t, "/modules/local-referrals/lessons/who-to-call", "Recovery Hub") {
		t.Fatal("the imported module is not served")
	}
	wantAudit(t, two, audit.CurriculumImported, 1)
	if again := to.Fetch("/admin/curriculum/modules/local-referrals/export.zip"); again.Body != zipped.Body {
		t.Fatal("the export after the import differs")
	}
}

// TestAChangedBuiltInLessonIsShownForReview copies a lesson of a
// curriculum folder, publishes the copy, changes the folder's lesson (as
// an upgrade would) and finds it listed for review until it is marked.
func TestAChangedBuiltInLessonIsShownForReview(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../catalog/testdata/example")); err != nil {
		t.Fatal(err)
	}
	site := apptest.Start(t, dir)
	u, by := lead(t, site)
	p := "first-contact/lessons/01-the-first-minute.md"
	save(t, site.App.Authoring, by, map[string]string{p: overrideOf(t, site, p, "At our drop-in, the kettle is always on.")})
	if _, err := site.App.Authoring.Publish(context.Background(), by, "first-contact", ""); err != nil {
		t.Fatal(err)
	}
	lead := site.SignIn(u)
	if _, page := lead.Get("/admin/curriculum"); strings.Contains(page, "changed since you copied") {
		t.Fatal("an unchanged built-in lesson is listed for review")
	}
	file := filepath.Join(dir, filepath.FromSlash(p))
	old, _ := os.ReadFile(file)
	if err := os.WriteFile(file, append(old, []byte("\nA new paragraph from the upgrade.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, page := lead.Get("/admin/curriculum"); !strings.Contains(page, "A new paragraph from the upgrade.") {
		t.Fatal("the changed built-in lesson is not shown for review")
	}
	if code, _ := lead.Post("/admin/curriculum/reviewed", "/admin/curriculum", url.Values{"path": {p}}); code != http.StatusSeeOther {
		t.Fatalf("mark reviewed = %d", code)
	}
	if _, page := lead.Get("/admin/curriculum"); strings.Contains(page, "changed since you copied") {
		t.Fatal("a reviewed lesson is still listed")
	}
	wantAudit(t, site, audit.CurriculumReviewed, 1)
}

var seenField = regexp.MustCompile(`name="seen" value="([^"]+)"`)

// TestASaveDoesNotSilentlyReplaceSomeoneElses: two leads open the same
// lesson; the second to save is told and keeps their text, and a second
// save replaces the file knowingly.
func TestASaveDoesNotSilentlyReplaceSomeoneElses(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, _ := lead(t, site)
	ann, bob := site.SignIn(u), site.SignIn(site.User("bob@example.org", "Bob Lead", account.Admin))
	const edit = "/admin/curriculum/modules/the-workers-role/file?path=the-workers-role%2Flessons%2F01-what-the-role-is.md"
	form := func(p *apptest.Person, text string) url.Values {
		_, page := p.Get(edit)
		return url.Values{"path": {"the-workers-role/lessons/01-what-the-role-is.md"}, "action": {"save"}, "title": {"The role"},
			"minutes": {"10"}, "markdown": {text}, "seen": {seenField.FindStringSubmatch(page)[1]}}
	}
	annForm, bobForm := form(ann, "Ann's text."), form(bob, "Bob's text.")
	if code, _ := ann.Post("/admin/curriculum/modules/the-workers-role/file", edit, annForm); code != http.StatusSeeOther {
		t.Fatalf("first save = %d", code)
	}
	r := bob.Do(http.MethodPost, "/admin/curriculum/modules/the-workers-role/file", edit, bobForm)
	if r.Code != http.StatusConflict || !strings.Contains(r.Body, "Someone else saved this file") || !strings.Contains(r.Body, "Bob&#39;s text.") {
		t.Fatalf("second save over the first = %d", r.Code)
	}
	bobForm.Set("seen", seenField.FindStringSubmatch(r.Body)[1])
	if code, _ := bob.Post("/admin/curriculum/modules/the-workers-role/file", edit, bobForm); code != http.StatusSeeOther {
		t.Fatalf("a knowing second save = %d", code)
	}
	_, page := ann.Get(edit)
	if !strings.Contains(page, "Bob&#39;s text.") {
		t.Fatal("the knowing save was not kept")
	}
}
