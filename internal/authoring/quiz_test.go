package authoring_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/app/apptest"
	"groundwork/internal/catalog"
)

// TestAQuestionIsAddedAndEditedWithAForm adds a scenario question to a
// built-in module's knowledge check, edits it, and publishes: the other
// questions stay as they were, and the checker's rules still apply.
func TestAQuestionIsAddedAndEditedWithAForm(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, by := lead(t, site)
	p := site.SignIn(u)
	const module = "/admin/curriculum/modules/the-workers-role"
	before, _ := site.App.Courses.Catalog().Module("the-workers-role")
	form := url.Values{"qid": {"northtown-hub"}, "type": {"single"}, "scenario": {"A visitor asks where to get help tonight."},
		"question":      {"Where do you send them first?"},
		"option-1-text": {"The Northtown Recovery Hub, which takes self-referrals"}, "option-1-correct": {"yes"}, "option-1-explanation": {"It is open tonight."},
		"option-2-text": {"Their GP, tomorrow morning"}, "option-2-explanation": {"Too late for tonight."},
		"option-3-text": {"The hospital's emergency department"}, "option-3-explanation": {"Only in an emergency."}}
	if r := p.Do(http.MethodPost, module+"/question", module+"/question", form); r.Code != http.StatusSeeOther {
		t.Fatalf("add = %d", r.Code)
	}
	_, page := p.Get(module + "/question?id=northtown-hub")
	if !strings.Contains(page, `value="Their GP, tomorrow morning"`) {
		t.Fatal("the saved question is not in its form")
	}
	form.Set("original", "northtown-hub")
	form.Set("option-2-text", "Their GP in the morning")
	if r := p.Do(http.MethodPost, module+"/question", module+"/question", form); r.Code != http.StatusSeeOther {
		t.Fatalf("edit = %d", r.Code)
	}
	if _, err := site.App.Authoring.Publish(context.Background(), by, "the-workers-role", ""); err != nil {
		t.Fatal(err)
	}
	after, _ := site.App.Courses.Catalog().Module("the-workers-role")
	if len(after.Quiz.Questions) != len(before.Quiz.Questions)+1 {
		t.Fatalf("%d questions, want %d", len(after.Quiz.Questions), len(before.Quiz.Questions)+1)
	}
	q := after.Quiz.Questions[len(after.Quiz.Questions)-1]
	if q.ID != "northtown-hub" || q.Options[1].Text != "Their GP in the morning" || !q.Options[0].Correct || q.Type != catalog.QuestionSingle {
		t.Fatalf("question = %+v", q)
	}
	for i, old := range before.Quiz.Questions {
		if after.Quiz.Questions[i].Prompt != old.Prompt {
			t.Fatalf("question %d changed", i)
		}
	}
}
