package authoring_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"groundwork/internal/app/apptest"
)

// TestAQuestionIsRemovedAndADraftDiscarded removes a built-in question
// from a draft and publishes it, then starts a module and discards its
// draft: asked first, and then the module is gone.
func TestAQuestionIsRemovedAndADraftDiscarded(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, by := lead(t, site)
	p := site.SignIn(u)
	before, _ := site.App.Courses.Catalog().Module("the-workers-role")
	first := before.Quiz.Questions[0].ID
	const module = "/admin/curriculum/modules/the-workers-role"
	if code, _ := p.Post(module+"/question/delete", module+"/question?id="+first, url.Values{"original": {first}}); code != http.StatusSeeOther {
		t.Fatalf("remove a question = %d", code)
	}
	if _, err := site.App.Authoring.Publish(context.Background(), by, "the-workers-role", ""); err != nil {
		t.Fatal(err)
	}
	after, _ := site.App.Courses.Catalog().Module("the-workers-role")
	if len(after.Quiz.Questions) != len(before.Quiz.Questions)-1 || after.Quiz.Questions[0].ID == first {
		t.Fatal("the question was not removed")
	}
	if code, _ := p.Post("/admin/curriculum/modules", "/admin/curriculum", url.Values{"title": {"Scratch"}, "slug": {"scratch"}, "audience": {"public"}}); code != http.StatusSeeOther {
		t.Fatalf("start a module = %d", code)
	}
	if code, _ := p.Post("/admin/curriculum/modules/scratch/discard", "/admin/curriculum/modules/scratch", nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("an unconfirmed discard = %d, want the confirmation", code)
	}
	if code, _ := p.Get("/admin/curriculum/modules/scratch"); code != http.StatusOK {
		t.Fatal("an unconfirmed discard changed something")
	}
	if code, loc := p.Post("/admin/curriculum/modules/scratch/discard", "/admin/curriculum/modules/scratch", url.Values{"confirmed": {"yes"}}); code != http.StatusSeeOther || loc != "/admin/curriculum" {
		t.Fatalf("discard = %d %s", code, loc)
	}
	if code, _ := p.Get("/admin/curriculum/modules/scratch"); code != http.StatusNotFound {
		t.Fatalf("the discarded module's page = %d", code)
	}
}
