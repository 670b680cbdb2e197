package authoring_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/audit"
)

// A supervisor writes and publishes the curriculum only while an admin has
// made them a curriculum editor, from the person's page; each change is in
// the audit log, and other supervisors, trainees and editors whose role
// changed stay out.
func TestCurriculumEditorsAreSupervisorsAnAdminChose(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	leadUser, _ := lead(t, site)
	admin := site.SignIn(leadUser)
	editor := site.User("sam@example.org", "Sam Supervisor", account.Supervisor)
	other := site.User("kai@example.org", "Kai Supervisor", account.Supervisor)
	trainee := site.User("tia@example.org", "Tia Trainee", account.Trainee)
	sam, kai := site.SignIn(editor), site.SignIn(other)
	if code, _ := sam.Get("/admin/curriculum"); code != http.StatusForbidden {
		t.Fatalf("a supervisor who is no editor = %d, want 403", code)
	}
	setEditor := func(who *apptest.Person, u *account.User, on string) (int, string) {
		t.Helper()
		return who.Post("/admin/users/"+u.ID+"/editor", "/admin/users/"+u.ID, url.Values{"editor": {on}})
	}
	if code, _ := setEditor(sam, editor, "true"); code != http.StatusForbidden {
		t.Fatalf("a supervisor making themself an editor = %d, want 403", code)
	}
	if code, _ := setEditor(admin, trainee, "true"); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
		t.Fatalf("making a trainee an editor = %d, want a refusal", code)
	}
	if _, page := admin.Get("/admin/users/" + editor.ID); !strings.Contains(page, "Make them a curriculum editor") {
		t.Fatal("the supervisor's page offers no way to make them an editor")
	}
	if code, _ := setEditor(admin, editor, "true"); code != http.StatusSeeOther {
		t.Fatalf("making a supervisor an editor = %d", code)
	}
	for _, page := range []string{"/account", "/modules"} {
		if _, body := sam.Get(page); !strings.Contains(body, `href="/admin/curriculum"`) {
			t.Fatalf("%s does not link an editor to the curriculum", page)
		}
		if _, body := kai.Get(page); strings.Contains(body, `href="/admin/curriculum"`) {
			t.Fatalf("%s links a supervisor who is no editor to the curriculum", page)
		}
	}
	if code, loc := sam.Post("/admin/curriculum/modules", "/admin/curriculum",
		url.Values{"title": {"Northtown"}, "slug": {"northtown"}, "audience": {"public"}}); code != http.StatusSeeOther || loc != "/admin/curriculum/modules/northtown" {
		t.Fatalf("the editor starts a module = %d %s", code, loc)
	}
	editLesson(sam, "save", "Call the hub.\n")
	if r := sam.Do(http.MethodPost, "/admin/curriculum/modules/northtown/publish", "/admin/curriculum/modules/northtown",
		url.Values{"note": {"Local contacts"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("the editor publishes = %d", r.Code)
	}
	if !serves(site, t, "/modules/northtown/lessons/introduction", "Call the hub.") {
		t.Fatal("the editor's lesson is not served")
	}
	for path, who := range map[string]*apptest.Person{"/admin/curriculum": kai, "/admin/users": sam} {
		if code, _ := who.Get(path); code != http.StatusForbidden {
			t.Errorf("%s = %d, want 403: editing the curriculum gives no other admin access", path, code)
		}
	}
	if code, _ := setEditor(admin, editor, "false"); code != http.StatusSeeOther {
		t.Fatalf("stopping the editor = %d", code)
	}
	if code, _ := sam.Get("/admin/curriculum"); code != http.StatusForbidden {
		t.Fatalf("a former editor = %d, want 403 at once", code)
	}
	for _, action := range []audit.Action{audit.EditorGranted, audit.EditorRevoked} {
		n, err := site.App.DB.NewSelect().Table("audit_log").Where("action = ? AND subject_id = ?", action, editor.ID).Count(t.Context())
		if err != nil || n != 1 {
			t.Errorf("%s in the audit log: %d, %v", action, n, err)
		}
	}
}
