package learning_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/supervision"
)

// staffWorld is a site with a supervisor, an admin and trainees imported in
// bulk, for the staff dashboard's pages.
type staffWorld struct {
	site       *apptest.Site
	sup, admin *account.User
}

func newStaffWorld(t *testing.T, serve bool) *staffWorld {
	t.Helper()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	start := apptest.Start
	if serve {
		start = apptest.Serve
	}
	s := start(t, dir)
	return &staffWorld{site: s, sup: s.User("sup@example.org", "Sam Supervisor", account.Supervisor),
		admin: s.User("lead@example.org", "Lena Lead", account.Admin)}
}

// trainees imports n trainees named "<prefix> 001" and so on, with emails
// <prefix>001@example.org, supervised by supervisorID when it is not
// empty, and returns them in that order.
func (w *staffWorld) trainees(t *testing.T, n int, prefix, supervisorID string) []account.User {
	t.Helper()
	users := make([]account.User, n)
	for i := range users {
		users[i] = account.User{Name: fmt.Sprintf("%s %03d", prefix, i+1), Email: fmt.Sprintf("%s%03d@example.org", strings.ToLower(prefix), i+1),
			Role: account.Trainee, PasswordHash: "not a hash", Active: true}
		if supervisorID != "" {
			users[i].SupervisorID = &supervisorID
		}
	}
	if err := w.site.App.Accounts.ImportUsers(context.Background(), w.site.App.DB, users); err != nil {
		t.Fatal(err)
	}
	return users
}

// cohort makes a cohort of members.
func (w *staffWorld) cohort(t *testing.T, name string, members []account.User) *account.Cohort {
	t.Helper()
	ctx := context.Background()
	co := &account.Cohort{Name: name}
	if err := w.site.App.Accounts.SaveCohort(ctx, co); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	if err := w.site.App.Accounts.AddMembers(ctx, w.site.App.DB, co.ID, ids); err != nil {
		t.Fatal(err)
	}
	return co
}

var rowName = regexp.MustCompile(`<th scope="row">([^<]+?)(?: <span|</th>)`)

// names lists the trainees on a dashboard page, in order.
func names(page string) []string {
	var out []string
	for _, m := range rowName.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func get(t *testing.T, p *apptest.Person, path string) string {
	t.Helper()
	code, page := p.Get(path)
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, code)
	}
	return page
}

func TestStaffDashboardPages(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	admin := w.site.SignIn(w.admin)

	w.trainees(t, 50, "Alpha", "")
	page := get(t, admin, "/dashboard")
	if n := len(names(page)); n != 50 {
		t.Fatalf("exactly 50 trainees: %d on the page", n)
	}
	if strings.Contains(page, `aria-label="Pages of trainees"`) || !strings.Contains(page, "Showing 1–50 of 50 trainees") {
		t.Error("exactly 50 trainees: want one page with no page links and the count")
	}

	w.trainees(t, 1, "Beta", "")
	page = get(t, admin, "/dashboard?sort=name")
	if n := len(names(page)); n != 50 || !strings.Contains(page, "Showing 1–50 of 51 trainees") {
		t.Fatalf("51 trainees, first page: %d rows", n)
	}
	for _, want := range []string{`<nav aria-label="Pages of trainees"`, `<span aria-current="page">Page 1 of 2</span>`,
		`<a href="/dashboard?page=2&amp;sort=name" rel="next">Next page</a>`, `<span aria-disabled="true">Previous page</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("first of two pages lacks %s", want)
		}
	}
	page = get(t, admin, "/dashboard?sort=name&page=2")
	if got := names(page); len(got) != 1 || got[0] != "Beta 001" || !strings.Contains(page, "Showing 51–51 of 51 trainees") {
		t.Errorf("second page shows %v", got)
	}
	if !strings.Contains(page, `<a href="/dashboard?sort=name" rel="prev">Previous page</a>`) {
		t.Error("the second page has no link back to the first")
	}
	page = get(t, admin, "/dashboard?sort=name&page=9")
	if got := names(page); len(got) != 1 || !strings.Contains(page, "There is no page 9; the last page, 2, is shown.") {
		t.Errorf("a page past the end shows %d trainees without saying so", len(got))
	}
}

func TestStaffDashboardBadParameters(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	w.trainees(t, 3, "Alpha", "")
	admin := w.site.SignIn(w.admin)
	for query, note := range map[string]string{
		"page=-3":                   "Pages are numbered from 1",
		"page=abc":                  "Pages are numbered from 1",
		"page=99999999999999999999": "Pages are numbered from 1",
		"sort=xyz":                  "That order is not one of the choices",
		"cohort=nonsense":           "That cohort was not found",
		"cohort=0193a3c5-0000-7000-8000-000000000000": "That cohort was not found",
		"q=" + strings.Repeat("a", 300):               "Searches are limited to 100 characters",
	} {
		code, page := admin.Get("/dashboard?" + query)
		if code != http.StatusOK {
			t.Errorf("%s = %d, want 200 with the defaults", query, code)
			continue
		}
		if !strings.Contains(page, note) {
			t.Errorf("%s: the page does not say %q", query, note)
		}
	}
	if page := get(t, admin, "/dashboard?page=-3&sort=xyz"); len(names(page)) != 3 {
		t.Error("bad parameters do not fall back to the first page of every trainee")
	}
}

func TestStaffDashboardSearch(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, true)
	w.trainees(t, 60, "Alpha", "")
	w.trainees(t, 2, "Zeta", "")
	admin := w.site.SignIn(w.admin)

	page := get(t, admin, "/dashboard?q=zeta")
	if got := names(page); len(got) != 2 || got[0] != "Zeta 001" {
		t.Errorf("search by name finds %v", got)
	}
	if !strings.Contains(page, `value="zeta"`) || !strings.Contains(page, "Showing 1–2 of 2 trainees matching “zeta”") {
		t.Error("the search is not kept in the form and the count")
	}
	if got := names(get(t, admin, "/dashboard?q=ALPHA017%40example")); len(got) != 1 || got[0] != "Alpha 017" {
		t.Errorf("search by email finds %v", got)
	}
	page = get(t, admin, "/dashboard?q=nobody-like-this")
	if len(names(page)) != 0 || !strings.Contains(page, "No trainees match “nobody-like-this”") {
		t.Error("a search that finds nobody does not say so")
	}
	// LIKE's wildcards are searched for as themselves.
	if got := names(get(t, admin, "/dashboard?q=%25")); len(got) != 0 {
		t.Errorf("a search for %% finds %d trainees", len(got))
	}
	if got := names(get(t, admin, "/dashboard?q=_")); len(got) != 0 {
		t.Errorf("a search for _ finds %d trainees", len(got))
	}
	if logs := w.site.Logs.String(); strings.Contains(logs, "nobody-like-this") || strings.Contains(logs, "zeta") {
		t.Error("a search term is in the logs")
	}
}

func TestStaffDashboardAttentionFirst(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	ctx := context.Background()
	alphas := w.trainees(t, 60, "Alpha", w.sup.ID)
	late := w.trainees(t, 1, "Zed", w.sup.ID)[0]
	expected := w.site.Clock.Now().AddDate(0, 0, -2)
	co := &account.Cohort{Name: "Late", ExpectedBy: &expected}
	if err := w.site.App.Accounts.SaveCohort(ctx, co); err != nil {
		t.Fatal(err)
	}
	if err := w.site.App.Accounts.AddMembers(ctx, w.site.App.DB, co.ID, []string{alphas[29].ID}); err != nil {
		t.Fatal(err)
	}
	cat := w.site.App.Courses.Catalog()
	m, _ := cat.Module("first-contact")
	err := w.site.App.Supervision.Request(ctx, &late, m, "contact-welcome", supervision.Evidence{Text: "I welcomed two first-time visitors."})
	if err != nil {
		t.Fatal(err)
	}
	s := w.site.SignIn(w.sup)
	page := get(t, s, "/dashboard")
	if got := names(page); len(got) == 0 || got[0] != "Zed 001" {
		t.Fatalf("the trainee with evidence to review is not first: %v", got[:min(3, len(got))])
	}
	if got := names(page); got[1] != "Alpha 030" {
		t.Errorf("the trainee past their cohort's expected date is not second: %v", got[:3])
	}
	if !strings.Contains(page, "1 competency to review") {
		t.Error("the waiting evidence is not shown")
	}
	if got := names(get(t, s, "/dashboard?sort=name")); got[0] != "Alpha 001" {
		t.Errorf("by name, the first is %s", got[0])
	}
	// Fifteen days on, everyone is inactive; the evidence still comes first.
	w.site.Clock.Move(15 * 24 * 60 * 60 * 1e9)
	s = w.site.SignIn(w.sup)
	if got := names(get(t, s, "/dashboard")); got[0] != "Zed 001" {
		t.Errorf("after 15 days the first is %s", got[0])
	}
}

func TestStaffDashboardSupervisorSeesOnlyTheirs(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	other := w.site.User("other@example.org", "Olga Other", account.Supervisor)
	mine := w.trainees(t, 55, "Mine", w.sup.ID)
	theirs := w.trainees(t, 55, "Theirs", other.ID)
	unassigned := w.trainees(t, 3, "Loose", "")
	mixed := w.cohort(t, "Mixed", append(append(mine[:5:5], theirs[:5]...), unassigned...))
	onlyTheirs := w.cohort(t, "Only theirs", theirs)
	s := w.site.SignIn(w.sup)

	pages := []string{"/dashboard", "/dashboard?page=2", "/dashboard?page=3", "/dashboard?sort=name&page=2",
		"/dashboard?sort=activity&page=2", "/dashboard?q=theirs", "/dashboard?q=loose", "/dashboard?q=example.org&page=2",
		"/dashboard?cohort=" + mixed.ID, "/dashboard?cohort=" + onlyTheirs.ID, "/dashboard?cohort=" + onlyTheirs.ID + "&q=theirs",
		"/dashboard?cohort=" + mixed.ID + "&page=2"}
	seen := 0
	for _, path := range pages {
		page := get(t, s, path)
		for _, name := range names(page) {
			if !strings.HasPrefix(name, "Mine ") {
				t.Errorf("%s shows %s, not the supervisor's trainee", path, name)
			}
			seen++
		}
		if strings.Contains(page, "Theirs 0") || strings.Contains(page, "Loose 0") || strings.Contains(page, "theirs001@") {
			t.Errorf("%s names someone else's trainee", path)
		}
	}
	if seen == 0 {
		t.Fatal("the supervisor saw nobody at all")
	}
	if page := get(t, s, "/dashboard?cohort="+mixed.ID); len(names(page)) != 5 || !strings.Contains(page, "of 5 trainees in Mixed") {
		t.Errorf("the cohort filter shows %d of the supervisor's 5 in it", len(names(page)))
	}
	if page := get(t, s, "/dashboard"); !strings.Contains(page, "Showing 1–50 of 55 trainees") {
		t.Error("the supervisor's count is not of their own trainees")
	}
	admin := w.site.SignIn(w.admin)
	if page := get(t, admin, "/dashboard?cohort="+mixed.ID); len(names(page)) != 13 {
		t.Errorf("the admin sees %d of the 13 in the cohort", len(names(page)))
	}
	q := url.Values{"q": {"Theirs 007"}}
	if got := names(get(t, admin, "/dashboard?"+q.Encode())); len(got) != 1 {
		t.Errorf("the admin's search finds %v", got)
	}
}
