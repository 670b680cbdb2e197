package audit_test

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/audit"
	"groundwork/internal/web"
)

// logSite is a site with a known log: two people with the same name, one
// deleted person and three dated entries.
type logSite struct {
	site       *apptest.Site
	admin      *apptest.Person
	sam1, sam2 *account.User
}

func newLogSite(t *testing.T) logSite {
	t.Helper()
	example, _ := filepath.Abs("../catalog/testdata/example")
	s := apptest.Start(t, example)
	ctx := context.Background()
	lead := s.User("lead@example.org", "Lee Lead", account.Admin)
	sam1 := s.User("sam1@example.org", "Sam Carter", account.Trainee)
	sam2 := s.User("sam2@example.org", "Sam Carter", account.Trainee)
	gone := s.User("gone@example.org", "Dee Gone", account.Trainee)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	for _, e := range []audit.Entry{
		{At: day(1), ActorID: lead.ID, SubjectID: sam1.ID, Action: audit.RoleChanged, IP: "192.0.2.1", Detail: "trainee -> supervisor"},
		{At: day(3), ActorID: lead.ID, SubjectID: sam2.ID, Action: audit.Deactivated, IP: "192.0.2.1"},
		{At: day(5), ActorID: gone.ID, SubjectID: gone.ID, Action: audit.PasswordChanged, IP: "192.0.2.9"},
	} {
		if err := audit.Record(ctx, s.App.DB, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.App.Accounts.DeleteUser(ctx, lead, gone, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	return logSite{site: s, admin: s.SignIn(lead), sam1: sam1, sam2: sam2}
}

// rows counts the entries a log page shows.
func rows(page string) int { return strings.Count(page, "<tr><td>") }

func TestLogShowsNamesAndLabels(t *testing.T) {
	t.Parallel()
	ls := newLogSite(t)
	code, page := ls.admin.Get("/admin/audit")
	if code != 200 {
		t.Fatalf("log = %d", code)
	}
	for _, want := range []string{
		`<a href="/admin/users/` + ls.sam1.ID + `">Sam Carter</a>`, ">Lee Lead</a>",
		"<td>Changed a role</td>", "<td>Deactivated an account</td>", "<td>Deleted a person</td>",
		"<td>" + audit.DeletedPerson + "</td>", "Sam Carter (sam1@example.org)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	if strings.Contains(page, "<td>role_changed</td>") || strings.Contains(page, ">"+ls.sam1.ID[:8]+"<") {
		t.Error("the log still shows action codes or ID prefixes")
	}
	if strings.Contains(page, "Dee Gone") {
		t.Error("the log names a deleted person")
	}
}

func TestLogFilters(t *testing.T) {
	t.Parallel()
	ls := newLogSite(t)
	cases := []struct {
		query       string
		want, never []string
		n           int
	}{
		{"?person=" + ls.sam1.ID, []string{"Changed a role"}, []string{"<td>Deactivated an account</td>"}, 1},
		{"?person=" + ls.sam2.ID, []string{"<td>Deactivated an account</td>"}, []string{"<td>Changed a role</td>"}, 1},
		{"?action=deactivated", []string{"<td>Deactivated an account</td>"}, []string{"<td>Changed a role</td>"}, 1},
		{"?from=2026-11-02&to=2026-11-04", []string{"<td>Deactivated an account</td>"}, []string{"<td>Changed a role</td>", "<td>Changed a password</td>"}, 1},
		{"?from=2026-11-03&to=2026-11-03", []string{"<td>Deactivated an account</td>"}, nil, 1},
		{"?to=2026-11-01", []string{"<td>Changed a role</td>"}, nil, 1},
		{"?from=2026-11-02&to=2026-11-05&action=password_changed", []string{"<td>Changed a password</td>"}, nil, 1},
	}
	for _, tc := range cases {
		code, page := ls.admin.Get("/admin/audit" + tc.query)
		if code != 200 || rows(page) != tc.n {
			t.Errorf("%s: %d, %d rows, want %d", tc.query, code, rows(page), tc.n)
		}
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", tc.query, w)
			}
		}
		for _, n := range tc.never {
			if strings.Contains(page, n) {
				t.Errorf("%s shows %q", tc.query, n)
			}
		}
	}
	code, page := ls.admin.Get("/admin/audit?from=yesterday&action=not_an_action")
	if code != 200 || !strings.Contains(page, "Enter a date like") || rows(page) < 4 {
		t.Errorf("a bad date = %d, %d rows, message shown: %v", code, rows(page), strings.Contains(page, "Enter a date like"))
	}
	code, page = ls.admin.Get("/admin/audit?from=2026-11-05&to=2026-11-01")
	if code != 200 || !strings.Contains(page, "on or after the from date") {
		t.Errorf("a reversed range = %d, no message", code)
	}
}

func TestLogExport(t *testing.T) {
	t.Parallel()
	ls := newLogSite(t)
	r := ls.admin.Fetch("/admin/audit.csv?action=role_changed&person=" + ls.sam1.ID)
	if r.Code != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("export = %d, %s, %q", r.Code, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
	}
	body, bom := strings.CutPrefix(r.Body, web.ByteOrderMark)
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if !bom || err != nil || len(records) != 2 {
		t.Fatalf("export: bom %v, %v, %d records", bom, err, len(records))
	}
	if strings.Join(records[0], "|") != strings.Join(audit.CSVHeader, "|") {
		t.Errorf("header = %v", records[0])
	}
	want := []string{"2026-11-01 10:00:00", "Changed a role", "role_changed", "Lee Lead", "Sam Carter", "192.0.2.1", "trainee -> supervisor"}
	if strings.Join(records[1], "|") != strings.Join(want, "|") {
		t.Errorf("row = %v, want %v", records[1], want)
	}
	_, body = ls.admin.Get("/admin/audit.csv?from=2026-11-05&to=2026-11-05")
	records, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
	if len(records) != 2 || records[1][3] != audit.DeletedPerson || records[1][4] != audit.DeletedPerson {
		t.Errorf("the deleted person's entry exports as %v", records)
	}
	trainee := ls.site.SignIn(ls.sam1)
	if code, _ := trainee.Get("/admin/audit.csv"); code != 403 && code != 404 {
		t.Errorf("a trainee's export = %d", code)
	}
}
