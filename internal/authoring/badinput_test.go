package authoring_test

import (
	"net/http"
	"net/url"
	"testing"

	"groundwork/internal/app/apptest"
)

// TestBadInputIsRefusedPlainly sends the authoring routes requests no page
// would make: each is refused with a 4xx page, never a server error, and
// other roles are refused.
func TestBadInputIsRefusedPlainly(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, _ := lead(t, site)
	p := site.SignIn(u)
	gets := []string{
		"/admin/curriculum/modules/NOT-A-SLUG", "/admin/curriculum/modules/no-such-module",
		"/admin/curriculum/modules/the-workers-role/file?path=../../etc/passwd",
		"/admin/curriculum/modules/the-workers-role/file?path=the-workers-role/lessons/99-nothing.md",
		"/admin/curriculum/modules/the-workers-role/file?path=other/module.yaml",
		"/admin/curriculum/modules/the-workers-role/history?v=abc", "/admin/curriculum/modules/the-workers-role/history?v=7",
		"/admin/curriculum/modules/the-workers-role/draft/images/..%2f..%2fmodule.yaml",
		"/admin/curriculum/modules/no-such-module/export.zip",
		"/admin/curriculum/modules/the-workers-role/question?id=%00",
	}
	for _, path := range gets {
		if code, _ := p.Get(path); code < 400 && code != http.StatusOK || code >= 500 {
			t.Errorf("GET %s = %d", path, code)
		}
	}
	posts := map[string]url.Values{
		"/admin/curriculum/modules/the-workers-role/file":            {"path": {"the-workers-role/../x.md"}, "title": {"x"}, "minutes": {"1"}},
		"/admin/curriculum/modules/the-workers-role/file/delete":     {"path": {"the-workers-role/lessons/01-nothing.md"}},
		"/admin/curriculum/modules/the-workers-role/restore":         {"version": {"abc"}},
		"/admin/curriculum/modules/the-workers-role/publish":         {"note": {"nothing to publish"}},
		"/admin/curriculum/modules/the-workers-role/question/delete": {"original": {"no-such-question"}},
		"/admin/curriculum/import/publish":                           {"import": {"not-an-id"}},
		"/admin/curriculum/reviewed":                                 {"path": {"the-workers-role/module.yaml"}},
	}
	for path, form := range posts {
		if code, _ := p.Post(path, "/admin/curriculum", form); code < 400 || code >= 500 {
			t.Errorf("POST %s = %d, want a 4xx", path, code)
		}
	}
	trainee := site.SignIn(site.User("tr@example.org", "Tia", "trainee"))
	if code, _ := trainee.Get("/admin/curriculum"); code != http.StatusForbidden {
		t.Errorf("a trainee opens the curriculum pages: %d", code)
	}
}
