package account_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/account"
)

func TestAdminRoutesRefuseOtherRoles(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.user("admin@example.org", "Admin", account.Admin)
	s.user("sup@example.org", "Sup", account.Supervisor)
	s.user("tr@example.org", "Tr", account.Trainee)
	cohort := &account.Cohort{Name: "Autumn"}
	if err := s.service().SaveCohort(context.Background(), cohort); err != nil {
		t.Fatal(err)
	}
	routes := []struct{ method, path string }{
		{"GET", "/admin/users"},
		{"GET", "/admin/users/invite"},
		{"POST", "/admin/users/invite"},
		{"GET", "/admin/users/" + admin.ID},
		{"POST", "/admin/users/" + admin.ID + "/role"},
		{"POST", "/admin/users/" + admin.ID + "/active"},
		{"POST", "/admin/users/" + admin.ID + "/signout"},
		{"POST", "/admin/users/" + admin.ID + "/supervisor"},
		{"GET", "/admin/users/" + admin.ID + "/delete"},
		{"POST", "/admin/users/" + admin.ID + "/delete"},
		{"GET", "/admin/cohorts"},
		{"POST", "/admin/cohorts"},
		{"GET", "/admin/cohorts/" + cohort.ID},
		{"POST", "/admin/cohorts/" + cohort.ID},
		{"POST", "/admin/cohorts/" + cohort.ID + "/members"},
		{"POST", "/admin/cohorts/" + cohort.ID + "/members/" + admin.ID + "/remove"},
		{"GET", "/admin/cohorts/" + cohort.ID + "/members/" + admin.ID + "/remove"},
		{"GET", "/admin/users/" + admin.ID + "/signout"},
		{"GET", "/admin/users/import"},
		{"POST", "/admin/users/import"},
		{"POST", "/admin/users/import/confirm"},
		{"GET", "/admin/invitations"},
		{"POST", "/admin/invitations/" + admin.ID + "/resend"},
		{"GET", "/admin/invitations/" + admin.ID + "/revoke"},
		{"POST", "/admin/invitations/" + admin.ID + "/revoke"},
		{"GET", "/admin/outbox"},
		{"GET", "/admin/audit"},
		{"GET", "/admin/reports"},
		{"GET", "/admin/reports/items"},
		{"GET", "/admin/reports/progress.csv"},
	}
	for _, who := range []string{"sup@example.org", "tr@example.org"} {
		b := s.browser()
		b.signIn(who, testPassword)
		for _, r := range routes {
			var got response
			if r.method == "GET" {
				got = b.get(r.path)
			} else {
				got = b.post(r.path, "/account", url.Values{"role": {"admin"}, "active": {"false"}, "name": {"x"}})
			}
			if got.Code != http.StatusForbidden || !strings.Contains(got.Body, "Not allowed") {
				t.Errorf("%s %s as %s = %d, want the 403 page", r.method, r.path, who, got.Code)
			}
		}
	}
	anon := s.browser()
	if r := anon.get("/admin/users"); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/signin?next=") {
		t.Errorf("anonymous GET /admin/users = %d %q, want a redirect to sign in", r.Code, r.Location)
	}
	// The admin's own role was never changed by the refused requests.
	u, err := account.UserByID(context.Background(), s.app.DB, admin.ID)
	if err != nil || u.Role != account.Admin || !u.Active {
		t.Fatalf("refused requests changed the admin: %+v %v", u, err)
	}
}

func TestAdminManagesUsersAndCohorts(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	sup := s.user("sup@example.org", "Sam Supervisor", account.Supervisor)
	tr := s.user("tr@example.org", "Tia Trainee", account.Trainee)
	b := s.browser()
	b.signIn("admin@example.org", testPassword)

	list := b.get("/admin/users?q=tia&role=trainee")
	if !strings.Contains(list.Body, "Tia Trainee") || strings.Contains(list.Body, "Sam Supervisor") {
		t.Fatal("search and role filter do not narrow the list")
	}
	if r := b.get("/admin/users?q=%25"); r.Code != 200 || strings.Contains(r.Body, "Tia Trainee") {
		t.Fatal("a % in the search must match literally")
	}

	r := b.post("/admin/users/"+tr.ID+"/supervisor", "/admin/users/"+tr.ID, url.Values{"supervisor": {sup.ID}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("assign supervisor = %d", r.Code)
	}
	trainees, err := account.TraineesOf(context.Background(), s.app.DB, sup.ID)
	if err != nil || len(trainees) != 1 || trainees[0].ID != tr.ID {
		t.Fatalf("TraineesOf = %v, %v", trainees, err)
	}
	if r := b.post("/admin/users/"+tr.ID+"/supervisor", "/admin/users/"+tr.ID, url.Values{"supervisor": {tr.ID}}); r.Code != http.StatusBadRequest {
		t.Fatalf("a trainee as supervisor = %d, want 400", r.Code)
	}

	bad := b.post("/admin/cohorts", "/admin/cohorts", url.Values{"name": {""}, "description": {"Keeps this"}, "starts_on": {"2026-09-01"}, "ends_on": {"2026-08-01"}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Keeps this") || !strings.Contains(bad.Body, "on or after") {
		t.Fatalf("invalid cohort = %d", bad.Code)
	}
	made := b.post("/admin/cohorts", "/admin/cohorts", url.Values{"name": {"Autumn 2026"}, "starts_on": {"2026-09-01"}})
	if made.Code != http.StatusSeeOther {
		t.Fatalf("create cohort = %d", made.Code)
	}
	cohortPath := made.Location
	if r := b.post(cohortPath+"/members", cohortPath, url.Values{"user": {tr.ID}}); r.Code != http.StatusSeeOther {
		t.Fatalf("add member = %d", r.Code)
	}
	if page := b.get(cohortPath); !strings.Contains(page.Body, "Tia Trainee") {
		t.Fatal("the member is not listed")
	}
	if r := b.post(cohortPath+"/members", cohortPath, url.Values{"user": {sup.ID}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("adding a supervisor to a cohort = %d, want 422", r.Code)
	}
	if r := b.post("/admin/cohorts", "/admin/cohorts", url.Values{"name": {"Autumn 2026"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a duplicate cohort name = %d", r.Code)
	}

	if r := b.post("/admin/users/"+tr.ID+"/role", "/admin/users/"+tr.ID, url.Values{"role": {"supervisor"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("change role = %d", r.Code)
	}
	if u, _ := account.UserByID(context.Background(), s.app.DB, tr.ID); u.Role != account.Supervisor || u.SupervisorID != nil {
		t.Fatalf("after the role change: %+v", u)
	}
	if r := b.get("/admin/users/not-a-uuid"); r.Code != http.StatusNotFound {
		t.Fatalf("a malformed user ID = %d, want 404", r.Code)
	}
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.user("admin@example.org", "Admin", account.Admin)
	b := s.browser()
	b.signIn("admin@example.org", testPassword)
	for _, path := range []string{"/role", "/active"} {
		r := b.post("/admin/users/"+admin.ID+path, "/admin/users/"+admin.ID, url.Values{"role": {"trainee"}, "active": {"false"}})
		if r.Code != http.StatusConflict {
			t.Errorf("POST %s on oneself = %d, want 409", path, r.Code)
		}
	}
	if !b.signedIn() {
		t.Fatal("the admin lost their session")
	}
}

func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	tr := s.user("tr@example.org", "Tr", account.Trainee)
	phone, laptop := s.browser(), s.browser()
	phone.signIn("tr@example.org", testPassword)
	laptop.signIn("tr@example.org", testPassword)
	admin := s.browser()
	admin.signIn("admin@example.org", testPassword)
	if r := admin.post("/admin/users/"+tr.ID+"/signout", "/admin/users/"+tr.ID, url.Values{"confirmed": {"yes"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("sign out everywhere = %d", r.Code)
	}
	if phone.signedIn() || laptop.signedIn() {
		t.Fatal("a session survived sign out everywhere")
	}
}

func TestProfileChanges(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("me@example.org", "Me", account.Trainee)
	s.user("taken@example.org", "Other", account.Trainee)
	b, other := s.browser(), s.browser()
	b.signIn("me@example.org", testPassword)
	other.signIn("me@example.org", testPassword)

	if r := b.post("/account/name", "/account", url.Values{"name": {"Mele Tupou"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("change name = %d", r.Code)
	}
	if r := b.post("/account/email", "/account", url.Values{"email": {"taken@example.org"}, "current": {testPassword}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("an email in use = %d", r.Code)
	}
	if r := b.post("/account/email", "/account", url.Values{"email": {"new@example.org"}, "current": {"wrong password!"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("email change with a wrong password = %d", r.Code)
	}
	const next = "another long passphrase"
	r := b.post("/account/password", "/account", url.Values{"current": {testPassword}, "password": {next}, "confirm": {next}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("change password = %d\n%s", r.Code, text(r.Body))
	}
	if !b.signedIn() {
		t.Fatal("changing the password ended the current session")
	}
	if other.signedIn() {
		t.Fatal("changing the password left another session open")
	}
	if page := b.get("/account"); !strings.Contains(page.Body, "Mele Tupou") {
		t.Fatal("the new name is not shown")
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("me@example.org", "Me", account.Trainee)
	b := s.browser()
	b.signIn("me@example.org", testPassword)
	cases := []url.Values{
		{"name": {strings.Repeat("n", 101)}},
		{"name": {"   "}},
		{"name": {"bad \xff utf-8"}},
	}
	for _, form := range cases {
		r := b.post("/account/name", "/account", form)
		if r.Code != http.StatusUnprocessableEntity && r.Code != http.StatusBadRequest {
			t.Errorf("name %q = %d, want 400 or 422", form.Get("name"), r.Code)
		}
	}
	if page := b.get("/account"); !strings.Contains(page.Body, `value="Me"`) {
		t.Fatal("bad input changed the name")
	}
	if r := s.browser().post("/signin", "/signin", url.Values{"email": {strings.Repeat("a", 300) + "@example.org"}, "password": {"x"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("an over-long email = %d", r.Code)
	}
}
