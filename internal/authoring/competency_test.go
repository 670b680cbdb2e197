package authoring_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/app/apptest"
	"groundwork/internal/authoring"
)

// TestACompetencyIsRewordedWithAFormButKeepsItsID rewords a signed-off
// competency and its rubric through the form and publishes it; renaming
// its short name is saved in the draft but publishing refuses it.
func TestACompetencyIsRewordedWithAFormButKeepsItsID(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, by := lead(t, site)
	ctx := context.Background()
	signOffWorkersRole(t, site)
	p := site.SignIn(u)
	const path = "/admin/curriculum/modules/the-workers-role/competency"
	_, page := p.Get(path + "?id=role-explains-remit")
	if !strings.Contains(page, `name="original" value="role-explains-remit"`) || !strings.Contains(page, `value="observation" checked`) {
		t.Fatal("the form does not show the competency")
	}
	form := url.Values{"original": {"role-explains-remit"}, "cid": {"role-explains-remit"}, "title": {"Explains our service's remit"},
		"description": {"Tells a new visitor what Northtown's service offers and what it does not."}, "danos": {"AB2, scdhsc0031"},
		"evidence": {"observation", "testimony"}, "instances": {"2"},
		"criteria_lines": {"Says what the service offers.\nSays what it does not offer, and where to go instead."}}
	if r := p.Do(http.MethodPost, path, path, form); r.Code != http.StatusSeeOther {
		t.Fatalf("save = %d", r.Code)
	}
	if _, err := site.App.Authoring.Publish(ctx, by, "the-workers-role", ""); err != nil {
		t.Fatal(err)
	}
	_, comp, _ := site.App.Courses.Catalog().Competency("role-explains-remit")
	if comp.Title != "Explains our service's remit" || len(comp.Rubric.Criteria) != 2 || comp.DANOS[1] != "SCDHSC0031" {
		t.Fatalf("competency = %+v", comp)
	}
	form.Set("cid", "role-explains-our-remit")
	if r := p.Do(http.MethodPost, path, path, form); r.Code != http.StatusSeeOther {
		t.Fatalf("save the renamed competency = %d", r.Code)
	}
	_, err := site.App.Authoring.Publish(ctx, by, "the-workers-role", "")
	if problems := authoring.ProblemsOf(err); len(problems) != 1 || !strings.Contains(problems[0].Message, "has sign-offs") {
		t.Fatalf("publish of a renamed signed-off competency = %v", err)
	}
}
