package learning_test

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/web"
)

// safetySite starts Groundwork on a one-module curriculum whose module has
// a safety-critical competency (contact-overdose-drill) besides an
// ordinary one (contact-welcome).
func safetySite(t *testing.T) (*app.App, string) {
	t.Helper()
	dir, _ := filepath.Abs("../catalog/testdata/safety")
	return siteFrom(t, dir)
}

// TestUnsupervisedPracticeStatus follows one trainee from not cleared to
// cleared and back, as the trainee, their supervisor and an admin see it.
func TestUnsupervisedPracticeStatus(t *testing.T) {
	t.Parallel()
	a, base := safetySite(t)
	ctx := context.Background()
	const password = "a long enough passphrase"
	sup, _, _ := a.Accounts.CreateUser(ctx, "sup@example.org", "Sup", account.Supervisor, password)
	admin, _, _ := a.Accounts.CreateUser(ctx, "admin@example.org", "Admin", account.Admin, password)
	tv := trainee(t, a, base, "t@example.org")
	me, _ := account.UserByID(ctx, a.DB, mustUserID(t, a, "t@example.org"))
	a.Accounts.AssignSupervisor(ctx, admin, me, sup.ID, "127.0.0.1")
	cohort := &account.Cohort{Name: "Spring"}
	if err := a.Accounts.SaveCohort(ctx, cohort); err != nil {
		t.Fatal(err)
	}
	if err := a.Accounts.AddToCohort(ctx, admin, cohort, me); err != nil {
		t.Fatal(err)
	}
	sv := signIn(t, base, "sup@example.org", password)
	av := signIn(t, base, "admin@example.org", password)
	report := "/admin/reports?cohort=" + cohort.ID

	check := func(cleared bool) {
		t.Helper()
		_, page := tv.Get("/dashboard")
		if got := strings.Contains(page, "You are cleared for unsupervised practice"); got != cleared {
			t.Errorf("trainee dashboard says cleared = %v, want %v", got, cleared)
		}
		if !cleared && !strings.Contains(page, `<a href="/supervision/competencies#c-contact-overdose-drill">Responds to an overdose in a drill</a>`) {
			t.Error("the trainee dashboard does not name the competency still to sign off")
		}
		if !cleared && strings.Contains(page, "#c-contact-welcome") {
			t.Error("the trainee dashboard lists a competency that is not safety-critical")
		}
		_, page = sv.Get("/dashboard")
		want := `<td class="practice"><a href="/trainees/` + me.ID + `/competencies">Not cleared: 1 to sign off</a></td>`
		if cleared {
			want = `<td class="practice">Cleared for unsupervised practice</td>`
		}
		if !strings.Contains(page, want) {
			t.Errorf("supervisor dashboard lacks %q", want)
		}
		_, page = sv.Get("/trainees/" + me.ID + "/supervision")
		if got := strings.Contains(page, "Cleared for unsupervised practice"); got != cleared {
			t.Errorf("supervisor's trainee view says cleared = %v, want %v", got, cleared)
		}
		_, page = av.Get(report)
		want = `<td class="practice">Not cleared: 1 to sign off</td>`
		if cleared {
			want = `<td class="practice">Cleared</td>`
		}
		if !strings.Contains(page, want) {
			t.Errorf("admin report lacks %q", want)
		}
		in, out := "&practice=cleared", "&practice=not+cleared"
		if !cleared {
			in, out = out, in
		}
		if _, page = av.Get(report + in); !strings.Contains(page, `<th scope="row"><a href="/admin/users/`+me.ID+`">`) {
			t.Errorf("the %s filter leaves the trainee out", in)
		}
		if _, page = av.Get(report + out); strings.Contains(page, `<th scope="row"><a href="/admin/users/`+me.ID+`">`) {
			t.Errorf("the %s filter keeps the trainee", out)
		}
		_, body := av.Get("/admin/reports/progress.csv")
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
		if err != nil || len(records) != 2 || records[0][6] != "cleared for unsupervised practice" {
			t.Fatalf("csv = %v, %v", records, err)
		}
		if want := map[bool]string{true: "cleared", false: "not cleared"}[cleared]; records[1][6] != want {
			t.Errorf("csv says %q, want %q", records[1][6], want)
		}
	}

	check(false)
	cat := a.Courses.Catalog()
	m, _ := cat.Module("first-contact")
	// Signing off the ordinary competency does not clear the trainee.
	if err := a.Supervision.SignOff(ctx, sup, me, m, []string{"contact-welcome"}, "Seen at the drop-in.", ""); err != nil {
		t.Fatal(err)
	}
	check(false)
	if err := a.Supervision.SignOff(ctx, sup, me, m, []string{"contact-overdose-drill"}, "Drill with a training kit.", ""); err != nil {
		t.Fatal(err)
	}
	check(true)
	// A withdrawn sign-off no longer counts.
	if err := a.Supervision.Withdraw(ctx, sup, me, m, "contact-overdose-drill", "Missed the repeat dose in a later drill."); err != nil {
		t.Fatal(err)
	}
	check(false)
}
