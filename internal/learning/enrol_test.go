package learning_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/audit"
)

// twoModuleCourses writes the example curriculum plus second-steps, a
// two-lesson module that requires first-contact, both in the programme.
func twoModuleCourses(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../catalog/testdata/example")); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"programme.yaml": "slug: trainee-groupworker\ntitle: Trainee Groupworker Programme\n" +
			"summary: A two-module example programme.\nmodules:\n  - first-contact\n  - second-steps\nsupervision_hours: 2\n",
		"second-steps/module.yaml": "title: Second steps\nsummary: What to do on a second visit.\naudience: trainee\n" +
			"minutes: 20\nprerequisites: [first-contact]\npass_mark: 80\noutcomes:\n  - Remember what a visitor told you.\n" +
			"reflection_prompts:\n  - What did you notice on a second visit?\nreferences:\n" +
			"  - text: \"Example reference.\"\n",
		"second-steps/lessons/01-coming-back.md": "---\ntitle: Coming back\nminutes: 10\n---\n\nWelcome people back by name.\n",
		"second-steps/lessons/02-follow-up.md":   "---\ntitle: Follow-up\nminutes: 10\n---\n\nDo what you said you would do.\n",
		"second-steps/quiz.yaml": "questions:\n  - id: names\n    type: truefalse\n    scenario: Sam comes back a week later.\n    prompt: Remembering a name helps.\n" +
			"    options:\n      - text: \"True\"\n        correct: true\n        explanation: It shows you listened.\n" +
			"      - text: \"False\"\n        explanation: It does help.\n",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPrerequisitesGateStartingAModule(t *testing.T) {
	t.Parallel()
	a, base := siteFrom(t, twoModuleCourses(t))
	v := trainee(t, a, base, "t@example.org")
	const second = "/modules/second-steps"
	const lesson = second + "/lessons/coming-back"

	if _, page := v.Get(second); !strings.Contains(page, "This module builds on") ||
		!strings.Contains(page, `href="/modules/first-contact"`) || strings.Contains(page, "Start the first lesson") {
		t.Fatal("the module page does not say which module comes first")
	}
	if code, page := v.Get(lesson); code != http.StatusForbidden || !strings.Contains(page, "Not open to you yet") ||
		strings.Contains(page, "Welcome people back by name") {
		t.Fatalf("a gated lesson = %d, want 403 with the reason and without the content", code)
	}
	if code, page := v.PostPage(lesson+"/complete", "/modules/first-contact/lessons/the-first-minute", url.Values{}); code != http.StatusForbidden ||
		!strings.Contains(page, "Finish your part of First contact at the drop-in before you start Second steps.") {
		t.Fatalf("mark-as-read of a gated lesson = %d", code)
	}
	if code, _ := v.Post(second+"/reflections", "/modules/first-contact/lessons/the-first-minute",
		url.Values{"prompt-1": {"x"}, "action": {"save"}}); code != http.StatusForbidden {
		t.Fatalf("reflections in a gated module = %d", code)
	}
	if n := count(t, a, "lesson_progress"); n != 0 {
		t.Fatalf("a refused request recorded %d lessons", n)
	}
	if _, page := v.Get("/dashboard"); !strings.Contains(page, "Opens when you have finished your part of") {
		t.Fatal("the dashboard does not say the module waits on another")
	}

	// Staff are never gated.
	const password = "a long enough passphrase"
	a.Accounts.CreateUser(context.Background(), "sup@example.org", "Sup", account.Supervisor, password)
	if code, _ := signIn(t, base, "sup@example.org", password).Get(lesson); code != http.StatusOK {
		t.Fatalf("a supervisor reading a lesson = %d", code)
	}

	// The trainee's own part of first-contact opens second-steps, before
	// any competency is signed off.
	finishOwnPart(t, v)
	if code, page := v.Get(lesson); code != http.StatusOK || !strings.Contains(page, "Welcome people back by name") {
		t.Fatalf("lesson after the prerequisite = %d", code)
	}
	if _, page := v.Get(second); !strings.Contains(page, "Start the first lesson") {
		t.Fatal("an open module does not offer its first lesson")
	}
	v.Post(lesson+"/complete", lesson, url.Values{})
	if _, page := v.Get(second); !strings.Contains(page, "Continue where you left off: Follow-up") {
		t.Fatal("the module page does not offer to continue where the trainee left off")
	}

	counter := apptest.CountQueries(a)
	v.Get(lesson)
	if n := counter.N(); n > 5 {
		t.Errorf("a gated module's lesson page ran %d queries, budget 5", n)
	}
}

// finishOwnPart reads first-contact, passes its check and submits its
// reflections.
func finishOwnPart(t *testing.T, v *apptest.Person) {
	t.Helper()
	const lesson = "/modules/first-contact/lessons/the-first-minute"
	v.Post(lesson+"/complete", lesson, url.Values{})
	action := startQuiz(t, v)
	v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}})
	if code, _ := v.Post("/modules/first-contact/reflections", "/modules/first-contact/reflections",
		url.Values{"prompt-1": {"One."}, "prompt-2": {"Two."}, "action": {"submit"}}); code != http.StatusSeeOther {
		t.Fatalf("submit reflections = %d", code)
	}
}

func count(t *testing.T, a *app.App, table string) int {
	t.Helper()
	n, err := a.DB.NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

var cohortID = regexp.MustCompile(`/admin/cohorts/([0-9a-f-]{36})`)

func TestEnrolment(t *testing.T) {
	t.Parallel()
	a, base := siteFrom(t, twoModuleCourses(t))
	ctx := context.Background()
	const password = "a long enough passphrase"
	a.Accounts.CreateUser(ctx, "admin@example.org", "Ada Admin", account.Admin, password)
	a.Accounts.CreateUser(ctx, "sup@example.org", "Sup", account.Supervisor, password)
	admin := signIn(t, base, "admin@example.org", password)
	tr, _, _ := a.Accounts.CreateUser(ctx, "t@example.org", "Tia", account.Trainee, password)
	v := signIn(t, base, "t@example.org", password)

	if _, page := v.Get("/dashboard"); !strings.Contains(page, "You are not enrolled in any module yet") {
		t.Fatal("a trainee without enrolments is not told so")
	}
	if code, _ := v.Get("/modules/first-contact/lessons/the-first-minute"); code != http.StatusForbidden {
		t.Fatalf("a lesson before enrolment = %d", code)
	}

	// Joining a cohort enrols in the programme.
	if code, _ := admin.Post("/admin/cohorts", "/admin/cohorts", url.Values{"name": {"Spring"}}); code != http.StatusSeeOther {
		t.Fatalf("create cohort = %d", code)
	}
	_, list := admin.Get("/admin/cohorts")
	id := cohortID.FindStringSubmatch(list)
	if id == nil {
		t.Fatal("no cohort listed")
	}
	members := "/admin/cohorts/" + id[1]
	if code, _ := admin.Post(members+"/members", members, url.Values{"user": {tr.ID}}); code != http.StatusSeeOther {
		t.Fatalf("add member = %d", code)
	}
	_, page := v.Get("/dashboard")
	if !strings.Contains(page, "First contact at the drop-in") || !strings.Contains(page, "Second steps") {
		t.Fatal("joining a cohort did not enrol the trainee in the programme")
	}
	learningPage := "/admin/users/" + tr.ID + "/learning"
	if _, page := admin.Get(learningPage); !strings.Contains(page, "<td>Trainee Groupworker Programme</td>") || !strings.Contains(page, "Ada Admin") {
		t.Fatal("the enrolment page does not show the programme enrolment and who made it")
	}

	// A single module, for someone outside any cohort.
	other, _, _ := a.Accounts.CreateUser(ctx, "o@example.org", "Ola", account.Trainee, password)
	o := signIn(t, base, "o@example.org", password)
	otherPage := "/admin/users/" + other.ID + "/learning"
	if code, _ := admin.Post("/admin/users/"+other.ID+"/enrolments", otherPage, url.Values{"scope": {"no-such-module"}}); code != http.StatusBadRequest {
		t.Fatalf("enrol in an unknown module = %d, want 400", code)
	}
	if code, _ := admin.Post("/admin/users/"+other.ID+"/enrolments", otherPage, url.Values{"scope": {"first-contact"}}); code != http.StatusSeeOther {
		t.Fatalf("enrol in one module = %d", code)
	}
	_, page = o.Get("/dashboard")
	if !strings.Contains(page, "First contact at the drop-in") || strings.Contains(page, "Second steps") {
		t.Fatal("a single-module enrolment shows the wrong modules")
	}
	if code, _ := o.Get("/modules/first-contact/lessons/the-first-minute"); code != http.StatusOK {
		t.Fatalf("a lesson of the enrolled module = %d", code)
	}

	// Only admins enrol; withdrawing keeps progress and is audited.
	sup := signIn(t, base, "sup@example.org", password)
	if code, _ := sup.Get(otherPage); code != http.StatusForbidden {
		t.Fatalf("a supervisor opening the enrolment page = %d", code)
	}
	if code, _ := v.Post("/admin/users/"+other.ID+"/enrolments", "/dashboard", url.Values{"scope": {"second-steps"}}); code != http.StatusForbidden {
		t.Fatalf("a trainee enrolling someone = %d", code)
	}
	o.Post("/modules/first-contact/lessons/the-first-minute/complete", "/modules/first-contact/lessons/the-first-minute", url.Values{})
	withdraw := "/admin/users/" + other.ID + "/enrolments/withdraw"
	if code, page := admin.PostPage(withdraw, otherPage, url.Values{"scope": {"first-contact"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "Yes, withdraw the enrolment") {
		t.Fatalf("withdraw without confirmation = %d, want 422 and the confirmation page", code)
	}
	if code, _ := o.Get("/modules/first-contact/lessons/the-first-minute"); code != http.StatusOK {
		t.Fatalf("an unconfirmed withdrawal closed the lesson: %d", code)
	}
	if code, _ := admin.Post(withdraw, otherPage, url.Values{"scope": {"first-contact"}, "confirmed": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("withdraw = %d", code)
	}
	if code, _ := admin.Post(withdraw, otherPage, url.Values{"scope": {"first-contact"}, "confirmed": {"yes"}}); code != http.StatusConflict {
		t.Fatalf("withdraw twice = %d, want 409", code)
	}
	if code, _ := o.Get("/modules/first-contact/lessons/the-first-minute"); code != http.StatusForbidden {
		t.Fatalf("a lesson after withdrawal = %d", code)
	}
	if n := count(t, a, "lesson_progress"); n != 1 {
		t.Fatalf("withdrawal left %d lesson rows, want the 1 kept", n)
	}
	for _, action := range []audit.Action{audit.Enrolled, audit.Unenrolled} {
		entries, err := audit.List(ctx, a.DB, audit.Filter{SubjectID: other.ID, Action: action})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Detail != "first-contact" {
			t.Fatalf("audit log holds %d %s entries, want 1", len(entries), action)
		}
	}
}
