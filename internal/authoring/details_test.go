package authoring_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/app/apptest"
)

// TestPromptsAndReferencesAreEditedWithAForm changes a built-in module's
// reflection prompts and references through the form: module.yaml keeps
// every other field, the draft passes the checker and, once published, the
// module shows the new references.
func TestPromptsAndReferencesAreEditedWithAForm(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, by := lead(t, site)
	p := site.SignIn(u)
	const module = "/admin/curriculum/modules/the-workers-role"
	_, page := p.Get(module + "/details")
	if !strings.Contains(page, "https://") {
		t.Fatal("the form does not show the module's references")
	}
	r := p.Do(http.MethodPost, module+"/details", module+"/details", url.Values{
		"prompt_lines":    {"What did you notice in your first week?\nWho would you ask for help?"},
		"reference_lines": {"Northtown referral directory (2026) | https://example.org/directory\nOur service's induction pack"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("save = %d", r.Code)
	}
	if _, err := site.App.Authoring.Publish(context.Background(), by, "the-workers-role", "local references"); err != nil {
		t.Fatal(err)
	}
	m, _ := site.App.Courses.Catalog().Module("the-workers-role")
	if len(m.ReflectionPrompts) != 2 || len(m.References) != 2 || m.References[1].Text != "Our service's induction pack" {
		t.Fatalf("prompts %q, references %+v", m.ReflectionPrompts, m.References)
	}
	if len(m.Competencies) != 4 || len(m.Outcomes) == 0 {
		t.Fatal("the form lost the module's other fields")
	}
}
