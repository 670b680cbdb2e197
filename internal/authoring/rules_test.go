package authoring_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/authoring"
	"groundwork/internal/learning"
)

// TestACompetencyWithSignOffsCannotBeRemoved signs a trainee off for a
// built-in competency, then tries to publish a local copy of the module
// without it: the publish is refused with the checker's reason.
func TestACompetencyWithSignOffsCannotBeRemoved(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	_, by := lead(t, site)
	ctx := context.Background()
	signOffWorkersRole(t, site)
	files, err := site.App.Authoring.Export(ctx, "the-workers-role")
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(string(files["the-workers-role/module.yaml"]), "id: role-explains-remit", "id: role-explains-our-remit", 1)
	save(t, site.App.Authoring, by, map[string]string{"the-workers-role/module.yaml": renamed})
	_, err = site.App.Authoring.Publish(ctx, by, "the-workers-role", "")
	problems := authoring.ProblemsOf(err)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, `"role-explains-remit" was removed`) {
		t.Fatalf("publish = %v, want the sign-off rule", err)
	}
	if _, comp, ok := site.App.Courses.Catalog().Competency("role-explains-remit"); !ok || comp.ID == "" {
		t.Fatal("the competency is no longer served")
	}
}

// TestProgressIsKeptAcrossAPublishedVersion: a trainee who read a lesson
// has still read it after a local copy of it is published, as the
// catalogue's rules say (progress follows the lesson's slug).
func TestProgressIsKeptAcrossAPublishedVersion(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	_, by := lead(t, site)
	ctx := context.Background()
	tr := site.User("tr@example.org", "Tia Trainee", account.Trainee)
	if err := site.App.Learning.Enrol(ctx, site.App.DB, learning.ProgrammeScope, by.Viewer.ID, tr.ID); err != nil {
		t.Fatal(err)
	}
	reader := site.SignIn(tr)
	lesson := "/modules/the-workers-role/lessons/what-the-role-is"
	if code, _ := reader.Post(lesson+"/complete", lesson, nil); code != http.StatusSeeOther {
		t.Fatalf("mark as read = %d", code)
	}
	before, _ := site.App.Courses.Catalog().Module("the-workers-role")
	p := "the-workers-role/lessons/01-what-the-role-is.md"
	save(t, site.App.Authoring, by, map[string]string{p: overrideOf(t, site, p, "In Northtown the remit includes the needle exchange.")})
	if _, err := site.App.Authoring.Publish(ctx, by, "the-workers-role", ""); err != nil {
		t.Fatal(err)
	}
	after, _ := site.App.Courses.Catalog().Module("the-workers-role")
	if after.Version == before.Version {
		t.Fatal("the module's version did not change with its content")
	}
	_, body := reader.Get(lesson)
	if !strings.Contains(body, "needle exchange") || !strings.Contains(body, "You have read this lesson") {
		t.Fatal("the local copy is not served, or the trainee lost their progress")
	}
	_, hist := site.SignIn(site.User("other@example.org", "Olu Other", "admin")).Get("/admin/curriculum/modules/the-workers-role/history?v=1")
	if !strings.Contains(hist, "(changed)") || strings.Contains(hist, "(added)") || !strings.Contains(hist, "<ins>+ In Northtown the remit includes the needle exchange.</ins>") {
		t.Fatal("the first local version is not shown as a change to the built-in lesson")
	}
}
