package learning_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/certificate"
	"groundwork/internal/demo"
	"groundwork/internal/learning"
	"groundwork/internal/web"
)

// demoSite is a site filled with the demonstration organisation, and its
// training lead signed in.
func demoSite(t *testing.T, trainees int) (*app.App, string, demo.Result) {
	t.Helper()
	a, base := site(t)
	res, err := demo.Fill(context.Background(), a.DB, a.Accounts, a.Courses.Catalog(),
		demo.Options{Trainees: trainees, Learning: a.Learning, Certificates: a.Certificates})
	if err != nil {
		t.Fatal(err)
	}
	return a, base, *res
}

// matrixRows counts the trainee rows of a report page.
func matrixRows(page string) int {
	return strings.Count(page, `<th scope="row"><a href="/admin/users/`)
}

func TestReportAllCohortsAndSupervisorFilter(t *testing.T) {
	t.Parallel()
	a, base, res := demoSite(t, 24)
	ctx := context.Background()
	admin := signIn(t, base, "lead@demo.groundwork.example", res.Password)
	trainees, err := account.UsersByRole(ctx, a.DB, account.Trainee)
	if err != nil || len(trainees) != 24 {
		t.Fatalf("%d trainees, %v", len(trainees), err)
	}
	_, page := admin.Get("/admin/reports")
	if n := matrixRows(page); n != len(trainees) || !strings.Contains(page, "in all cohorts") {
		t.Fatalf("the all-cohorts view shows %d rows of %d", n, len(trainees))
	}

	supervisors, _ := account.UsersByRole(ctx, a.DB, account.Supervisor)
	sup := supervisors[0]
	var theirs []string
	for _, u := range trainees {
		if u.SupervisorID != nil && *u.SupervisorID == sup.ID {
			theirs = append(theirs, u.ID)
		}
	}
	if len(theirs) == 0 || len(theirs) == len(trainees) {
		t.Fatalf("the demo gave %s %d of %d trainees", sup.Name, len(theirs), len(trainees))
	}
	_, page = admin.Get("/admin/reports?supervisor=" + sup.ID)
	if n := matrixRows(page); n != len(theirs) || !strings.Contains(page, "supervised by "+sup.Name) {
		t.Fatalf("the supervisor filter shows %d rows, want %d", n, len(theirs))
	}
	for _, u := range trainees {
		shown := strings.Contains(page, `<a href="/admin/users/`+u.ID+`">`)
		if shown != slices.Contains(theirs, u.ID) {
			t.Errorf("%s shown %v under %s", u.Name, shown, sup.Name)
		}
	}

	cohorts, _ := account.ListCohorts(ctx, a.DB)
	members, _ := account.CohortMembers(ctx, a.DB, cohorts[0].ID)
	both := 0
	for _, m := range members {
		if slices.Contains(theirs, m.ID) {
			both++
		}
	}
	_, page = admin.Get("/admin/reports?cohort=" + cohorts[0].ID + "&supervisor=" + sup.ID)
	if n := matrixRows(page); n != both {
		t.Errorf("cohort and supervisor together show %d rows, want %d", n, both)
	}
	if code, _ := admin.Get("/admin/reports?cohort=0192f0a0-0000-7000-8000-000000000001"); code != 404 {
		t.Errorf("an unknown cohort = %d", code)
	}
}

func TestProgressCSVColumns(t *testing.T) {
	t.Parallel()
	a, base, res := demoSite(t, 20)
	ctx := context.Background()
	admin := signIn(t, base, "lead@demo.groundwork.example", res.Password)
	if res.Issued == 0 {
		t.Fatal("the demo issued no certificates")
	}
	_, body := admin.Get("/admin/reports/progress.csv")
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
	if err != nil || len(records) != 21 {
		t.Fatalf("csv: %d records, %v", len(records), err)
	}
	want := []string{"name", "email", "cohort", "supervisor", "last activity", "supervision hours", "cleared for unsupervised practice"}
	for _, m := range a.Courses.Catalog().TraineeModules() {
		want = append(want, m.Title)
	}
	want = append(want, "certificate numbers")
	if !slices.Equal(records[0], want) {
		t.Fatalf("header = %q\nwant     %q", records[0], want)
	}

	// A trainee with a certificate in force, checked column by column.
	trainees, _ := account.UsersByRole(ctx, a.DB, account.Trainee)
	var holder *account.User
	var number string
	for i := range trainees {
		certs, _ := certificate.OfHolder(ctx, a.DB, trainees[i].ID)
		for _, c := range certs {
			if c.Current() && trainees[i].SupervisorID != nil {
				holder, number = &trainees[i], c.Number
			}
		}
	}
	if holder == nil {
		t.Fatal("no trainee holds a certificate")
	}
	var row []string
	for _, r := range records[1:] {
		if r[1] == holder.Email {
			row = r
		}
	}
	cohorts, _ := account.CohortsOf(ctx, a.DB, holder.ID)
	supervisor, _ := account.UserByID(ctx, a.DB, *holder.SupervisorID)
	summaries, _ := a.Supervision.Summaries(ctx, []string{holder.ID})
	if row == nil || row[0] != holder.Name || len(cohorts) == 0 || row[2] != cohorts[0].Name || row[3] != supervisor.Name {
		t.Fatalf("row = %q", row)
	}
	if hours, err := strconv.ParseFloat(row[5], 64); err != nil || hours != summaries[holder.ID].Hours {
		t.Errorf("hours = %q, want %v", row[5], summaries[holder.ID].Hours)
	}
	if row[6] != "cleared" && row[6] != "not cleared" {
		t.Errorf("clearance = %q", row[6])
	}
	for i := 7; i < len(row)-1; i++ {
		if row[i] != "Complete" && row[i] != "Not started" && !strings.HasSuffix(row[i], "%") {
			t.Errorf("module cell %q = %q", records[0][i], row[i])
		}
	}
	if !strings.Contains(row[len(row)-1], number) {
		t.Errorf("certificate numbers = %q, want %s", row[len(row)-1], number)
	}

	supervisors, _ := account.UsersByRole(ctx, a.DB, account.Supervisor)
	_, body = admin.Get("/admin/reports/progress.csv?supervisor=" + supervisors[0].ID)
	filtered, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
	for _, r := range filtered[1:] {
		if r[3] != supervisors[0].Name {
			t.Errorf("the supervisor's export holds %s, supervised by %q", r[0], r[3])
		}
	}
}

func TestItemAnalysisCountsDemoAttempts(t *testing.T) {
	t.Parallel()
	a, base, res := demoSite(t, 30)
	ctx := context.Background()
	admin := signIn(t, base, "lead@demo.groundwork.example", res.Password)
	n, err := a.DB.NewSelect().Model((*learning.Attempt)(nil)).Where("module_slug = ?", "first-contact").
		Where("submitted_at IS NOT NULL").Count(ctx)
	if err != nil || n == 0 {
		t.Fatalf("the demo made %d attempts, %v", n, err)
	}
	_, page := admin.Get("/admin/reports/items?module=first-contact")
	if !strings.Contains(page, fmt.Sprintf("<p>%d submitted attempts.</p>", n)) {
		t.Fatalf("the item analysis does not count the demo's %d attempts", n)
	}
	m, _ := a.Courses.Catalog().Module("first-contact")
	for i, q := range m.Quiz.Questions {
		if !strings.Contains(page, fmt.Sprintf("<td>%d</td><td>%s</td><td>%d</td>", i+1, template.HTMLEscapeString(q.Prompt), n)) {
			t.Errorf("question %d is not answered in all %d attempts", i+1, n)
		}
	}
}
