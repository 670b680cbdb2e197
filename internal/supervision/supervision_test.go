package supervision_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/audit"
)

// team is a small service: an admin, two supervisors and a trainee for
// each, on the built-in curriculum.
type team struct {
	site                 *apptest.Site
	admin, sup1, sup2    *account.User
	traineeA, traineeB   *account.User
	adminP, s1, s2, a, b *apptest.Person
}

func newTeam(t *testing.T) *team {
	t.Helper()
	s := apptest.Start(t, "")
	tm := &team{site: s}
	tm.admin = s.User("admin@example.org", "Ada Admin", account.Admin)
	tm.sup1 = s.User("sup1@example.org", "Sam Supervisor", account.Supervisor)
	tm.sup2 = s.User("sup2@example.org", "Sol Supervisor", account.Supervisor)
	tm.traineeA = s.User("a@example.org", "Aroha Trainee", account.Trainee)
	tm.traineeB = s.User("b@example.org", "Bea Trainee", account.Trainee)
	tm.assign(tm.traineeA, tm.sup1)
	tm.assign(tm.traineeB, tm.sup2)
	tm.adminP, tm.s1, tm.s2 = s.SignIn(tm.admin), s.SignIn(tm.sup1), s.SignIn(tm.sup2)
	tm.a, tm.b = s.SignIn(tm.traineeA), s.SignIn(tm.traineeB)
	return tm
}

func (tm *team) assign(trainee, sup *account.User) {
	ctx := context.Background()
	if err := tm.site.App.Accounts.AssignSupervisor(ctx, tm.admin, trainee, sup.ID, "127.0.0.1"); err != nil {
		panic(err)
	}
	trainee.SupervisorID = &sup.ID
}

var recordURL = regexp.MustCompile(`^/supervision/records/([0-9a-f-]{36})$`)

// record has by write a one-to-one session with trainee through the form
// and returns the record's path.
func record(t *testing.T, by *apptest.Person, trainee *account.User, form url.Values) string {
	t.Helper()
	base := url.Values{"held_on": {time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)}, "minutes": {"60"},
		"kind": {"one_to_one"}, "summary": {"Talked through the first weeks at the drop-in."},
		"action-1": {"Shadow an evening outreach shift"}, "due-1": {time.Now().UTC().AddDate(0, 0, 14).Format(time.DateOnly)},
		"private_note": {"Seems tired; check in about workload."}}
	for k, v := range form {
		base[k] = v
	}
	newPath := "/trainees/" + trainee.ID + "/supervision/new"
	code, loc := by.Post("/trainees/"+trainee.ID+"/supervision", newPath, base)
	if code != http.StatusSeeOther || !recordURL.MatchString(loc) {
		t.Fatalf("record = %d %q", code, loc)
	}
	return loc
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	rec := record(t, tm.s1, tm.traineeA, nil)
	anon := tm.site.Anonymous()
	A := tm.traineeA.ID
	reads := []string{"/trainees/" + A + "/supervision", rec, "/trainees/" + A + "/competencies",
		"/trainees/" + A + "/portfolio", "/trainees/" + A + "/portfolio.csv", "/trainees/" + A + "/supervision/new"}
	for _, path := range reads {
		for _, c := range []struct {
			who  string
			p    *apptest.Person
			want int
		}{{"trainee", tm.a, 200}, {"their supervisor", tm.s1, 200}, {"admin", tm.adminP, 200},
			{"another supervisor", tm.s2, 404}, {"another trainee", tm.b, 404}, {"anonymous", anon, 303}} {
			if code, _ := c.p.Get(path); code != c.want {
				t.Errorf("%s GET %s = %d, want %d", c.who, path, code, c.want)
			}
		}
	}

	// The private note is its author's alone.
	const note = "Seems tired"
	for who, p := range map[string]*apptest.Person{"author": tm.s1, "trainee": tm.a, "admin": tm.adminP} {
		_, page := p.Get(rec)
		if strings.Contains(page, note) != (who == "author") {
			t.Errorf("%s: private note shown = %v", who, strings.Contains(page, note))
		}
	}
	if _, csv := tm.s1.Get("/trainees/" + A + "/portfolio.csv"); strings.Contains(csv, note) {
		t.Error("the portfolio exports a private note")
	}

	// Writes: only the right person, and never without a CSRF token.
	writes := []struct {
		who  string
		p    *apptest.Person
		path string
		form url.Values
		want int
	}{
		{"the author signing their own record", tm.s1, rec + "/sign", nil, 403},
		{"an admin signing for the trainee", tm.adminP, rec + "/sign", nil, 403},
		{"another supervisor signing", tm.s2, rec + "/sign", nil, 404},
		{"the trainee editing the supervisor's record", tm.a, rec + "/edit", nil, 403},
		{"an admin editing someone's record", tm.adminP, rec + "/edit", nil, 403},
		{"the trainee signing off their own competency", tm.a, "/trainees/" + A + "/competencies/sign-off",
			url.Values{"module": {"ethics-and-boundaries"}, "competencies": {"ethics-records-consent"}, "comment": {"x"}}, 403},
		{"another supervisor signing off", tm.s2, "/trainees/" + A + "/competencies/sign-off",
			url.Values{"module": {"ethics-and-boundaries"}, "competencies": {"ethics-records-consent"}, "comment": {"x"}}, 404},
		{"a supervisor asking for sign-off for the trainee", tm.s1, "/trainees/" + A + "/competencies/request",
			url.Values{"competency": {"ethics-records-consent"}, "evidence": {"x"}}, 403},
		{"a trainee recording one-to-one supervision", tm.a, "/trainees/" + A + "/supervision",
			url.Values{"held_on": {"2026-01-05"}, "minutes": {"60"}, "kind": {"one_to_one"}, "summary": {"x"}}, 422},
		{"a trainee recording for another trainee", tm.a, "/trainees/" + tm.traineeB.ID + "/supervision",
			url.Values{"held_on": {"2026-01-05"}, "minutes": {"60"}, "kind": {"peer"}, "summary": {"x"}}, 404},
	}
	for _, w := range writes {
		form := url.Values{}
		for k, v := range w.form {
			form[k] = v
		}
		if code, _ := w.p.Post(w.path, "/dashboard", form); code != w.want {
			t.Errorf("%s = %d, want %d", w.who, code, w.want)
		}
	}
	if code, _ := tm.a.Post(rec+"/sign", "", url.Values{}); code != http.StatusForbidden {
		t.Errorf("signing without a CSRF token = %d, want 403", code)
	}
	assertUnsigned(t, tm, rec)

	// An admin's views of someone else's supervision are audited.
	entries, err := audit.List(context.Background(), tm.site.App.DB, audit.Filter{Action: audit.RecordViewed})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 5 {
		t.Errorf("%d record views audited, want one per admin page view (at least 5)", len(entries))
	}
	for _, e := range entries {
		if e.ActorID != tm.admin.ID || e.SubjectID != A {
			t.Errorf("audited view by %s of %s, want the admin viewing trainee A", e.ActorID, e.SubjectID)
		}
	}

	// Reassigning the trainee hands access to the new supervisor; the
	// author keeps their own record and nothing else.
	tm.assign(tm.traineeA, tm.sup2)
	if code, _ := tm.s2.Get("/trainees/" + A + "/supervision"); code != 200 {
		t.Errorf("the new supervisor = %d, want 200", code)
	}
	if code, _ := tm.s1.Get("/trainees/" + A + "/supervision"); code != 404 {
		t.Errorf("the old supervisor on the trainee's page = %d, want 404", code)
	}
	if code, _ := tm.s1.Get(rec); code != 200 {
		t.Errorf("the old supervisor on the record they wrote = %d, want 200", code)
	}
	if _, page := tm.s2.Get(rec); strings.Contains(page, note) {
		t.Error("the new supervisor sees the old supervisor's private note")
	}
}

func assertUnsigned(t *testing.T, tm *team, rec string) {
	t.Helper()
	n, err := tm.site.App.DB.NewSelect().Table("supervision_records").Where("other_signed_at IS NOT NULL").Count(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("%d records signed by someone not allowed to (%v)", n, err)
	}
}
