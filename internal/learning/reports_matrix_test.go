package learning_test

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/demo"
	"groundwork/internal/learning"
	"groundwork/internal/supervision"
	"groundwork/internal/web"
)

// coursesSite starts Groundwork on the programme in courses/.
func coursesSite(t *testing.T) (*app.App, string) {
	t.Helper()
	dir, _ := filepath.Abs("../../courses")
	return siteFrom(t, dir)
}

// matrixRow matches one trainee's row of the matrix: the user ID, the
// practice cell and the module cells.
var matrixRow = regexp.MustCompile(`<tr><th scope="row"><a href="/admin/users/([0-9a-f-]{36})">[^<]*</a></th><td class="practice">([^<]*)</td>((?:<td>[^<]*</td>)*)</tr>`)

// matrixCells returns each trainee's practice cell and module cells, by ID.
func matrixCells(page string) map[string][]string {
	out := map[string][]string{}
	for _, m := range matrixRow.FindAllStringSubmatch(page, -1) {
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(m[3], "<td>"), "</td>"), "</td><td>")
		out[m[1]] = append([]string{m[2]}, cells...)
	}
	return out
}

// TestMatrixShowsEachState pins the matrix, the chart and the export for a
// cohort whose trainees stand at every state of one module, "The drug and
// alcohol worker's role": 4 lessons, a knowledge check, reflections and 4
// competencies, so 10 steps.
func TestMatrixShowsEachState(t *testing.T) {
	t.Parallel()
	a, base := coursesSite(t)
	ctx := context.Background()
	cat := a.Courses.Catalog()
	m, ok := cat.Module("the-workers-role")
	if !ok || len(m.Lessons) != 4 || m.Quiz == nil || len(m.ReflectionPrompts) == 0 || len(m.Competencies) != 4 {
		t.Fatal("the module's shape changed; the figures below assume 4 lessons, a quiz, reflections and 4 competencies")
	}
	const password = "a long enough passphrase"
	sup, _, _ := a.Accounts.CreateUser(ctx, "sup@example.org", "Sup", account.Supervisor, password)
	admin, _, _ := a.Accounts.CreateUser(ctx, "admin@example.org", "Admin", account.Admin, password)
	cohort := &account.Cohort{Name: "Spring"}
	if err := a.Accounts.SaveCohort(ctx, cohort); err != nil {
		t.Fatal(err)
	}
	people := map[string]*account.User{}
	for _, name := range []string{"absent", "reading", "failed", "passed", "waiting", "complete", "withdrawn", "stale"} {
		u, _, err := a.Accounts.CreateUser(ctx, name+"@example.org", name, account.Trainee, password)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Learning.Enrol(ctx, a.DB, learning.ProgrammeScope, "", u.ID); err != nil {
			t.Fatal(err)
		}
		a.Accounts.AssignSupervisor(ctx, admin, u, sup.ID, "127.0.0.1")
		if err := a.Accounts.AddToCohort(ctx, admin, cohort, u); err != nil {
			t.Fatal(err)
		}
		people[name] = u
	}
	read := func(name string, n int) {
		for _, l := range m.Lessons[:n] {
			if err := a.Learning.MarkLessonComplete(ctx, people[name].ID, m.Slug, l.Slug); err != nil {
				t.Fatal(err)
			}
		}
	}
	quiz := func(name string, pass bool) {
		at, err := a.Learning.Start(ctx, people[name].ID, m)
		if err != nil {
			t.Fatal(err)
		}
		ans := learning.Answers{}
		for _, q := range m.Quiz.Questions {
			if pass {
				ans[q.ID] = q.CorrectSet()
			}
		}
		if err := a.Learning.Submit(ctx, at, m, ans); err != nil {
			t.Fatal(err)
		}
	}
	reflect := func(name string) {
		answers := map[int]string{}
		for i := range m.ReflectionPrompts {
			answers[i+1] = "What I noticed."
		}
		if err := a.Learning.SaveReflections(ctx, people[name].ID, m, answers, true); err != nil {
			t.Fatal(err)
		}
	}
	ask := func(name string) {
		for _, comp := range m.Competencies {
			if err := a.Supervision.Request(ctx, people[name], m, comp.ID, supervision.Evidence{Text: "Seen at the drop-in."}); err != nil {
				t.Fatal(err)
			}
		}
	}
	signOff := func(name string) {
		var ids []string
		for _, comp := range m.Competencies {
			ids = append(ids, comp.ID)
		}
		if err := a.Supervision.SignOff(ctx, sup, people[name], m, ids, "Observed twice.", ""); err != nil {
			t.Fatal(err)
		}
	}
	read("reading", 2)
	quiz("failed", false)
	read("passed", 4)
	quiz("passed", true)
	for _, name := range []string{"waiting", "complete", "withdrawn"} {
		read(name, 4)
		quiz(name, true)
		reflect(name)
	}
	ask("waiting")
	signOff("complete")
	signOff("withdrawn")
	if err := a.Supervision.Withdraw(ctx, sup, people["withdrawn"], m, m.Competencies[0].ID, "Not seen again since."); err != nil {
		t.Fatal(err)
	}
	// A lesson no longer in the module counts for nothing.
	if err := a.Learning.MarkLessonComplete(ctx, people["stale"].ID, m.Slug, "a-lesson-since-removed"); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{"absent": "Not started", "reading": "20%", "failed": "0%", "passed": "50%",
		"waiting": "60%", "complete": "Complete", "withdrawn": "90%", "stale": "Not started"}
	modules := cat.TraineeModules()
	at := slices.Index(modules, m)
	required := len(cat.BeforeUnsupervisedPractice())
	ownRequired := 0
	for _, comp := range m.Competencies {
		if comp.BeforeUnsupervisedPractice {
			ownRequired++
		}
	}
	av := signIn(t, base, "admin@example.org", password)
	_, page := av.Get("/admin/reports?cohort=" + cohort.ID)
	cells := matrixCells(page)
	if len(cells) != len(people) {
		t.Fatalf("the matrix shows %d rows, want %d", len(cells), len(people))
	}
	for name, u := range people {
		row := cells[u.ID]
		if len(row) != 1+len(modules) {
			t.Fatalf("%s's row has %d cells", name, len(row))
		}
		practice := "Not cleared: " + strconv.Itoa(required) + " to sign off"
		if name == "complete" {
			practice = "Not cleared: " + strconv.Itoa(required-ownRequired) + " to sign off"
		}
		if row[0] != practice {
			t.Errorf("%s: practice = %q, want %q", name, row[0], practice)
		}
		for i, cell := range row[1:] {
			w := "Not started"
			if i == at {
				w = want[name]
			}
			if cell != w {
				t.Errorf("%s, %s = %q, want %q", name, modules[i].Slug, cell, w)
			}
		}
	}
	bar := `<tr><th scope="row">` + m.Title + `</th><td>1</td><td>5</td><td>2</td></tr>`
	if !strings.Contains(page, strings.ReplaceAll(bar, "'", "&#39;")) {
		t.Errorf("the chart's table lacks %q", bar)
	}
	_, page = av.Get("/admin/reports?cohort=" + cohort.ID + "&status=Complete")
	if got := matrixCells(page); len(got) != 1 || got[people["complete"].ID] == nil {
		t.Errorf("the Complete filter shows %d rows", len(got))
	}

	_, body := av.Get("/admin/reports/progress.csv?cohort=" + cohort.ID)
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
	if err != nil || len(records) != 1+len(people) {
		t.Fatalf("csv: %d records, %v", len(records), err)
	}
	for _, r := range records[1:] {
		name := strings.TrimSuffix(r[1], "@example.org")
		if got := r[7+at]; got != want[name] {
			t.Errorf("csv: %s = %q, want %q", name, got, want[name])
		}
		if (r[4] == "") != (name == "absent" || name == "stale") {
			t.Errorf("csv: %s's last activity = %q", name, r[4])
		}
	}
}

// TestTotalsAgreeWithOverview compares the progress the database sums with
// the progress worked out from every fact, for each trainee and module of
// the demonstration organisation.
func TestTotalsAgreeWithOverview(t *testing.T) {
	t.Parallel()
	a, _ := coursesSite(t)
	ctx := context.Background()
	cat := a.Courses.Catalog()
	if _, err := demo.Fill(ctx, a.DB, a.Accounts, cat, demo.Options{Trainees: 40, Learning: a.Learning}); err != nil {
		t.Fatal(err)
	}
	trainees, err := account.UsersByRole(ctx, a.DB, account.Trainee)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(trainees))
	for i, u := range trainees {
		ids[i] = u.ID
	}
	overview, err := a.Learning.Overview(ctx, ids, cat)
	if err != nil {
		t.Fatal(err)
	}
	totals, signed, err := a.Learning.Totals(ctx, bun.List(ids), ids, cat)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, id := range ids {
		for i, want := range overview[id] {
			got := totals[id][i]
			if !sameProgress(got, want) {
				t.Errorf("%s, %s: summed %+v, from facts %+v", id, want.Module.Slug, summary(got), summary(want))
			}
			states[state(want)]++
		}
		if got, want := cat.Clearance(signed[id]), learning.Clearance(cat, overview[id]); len(got.Missing) != len(want.Missing) {
			t.Errorf("%s: %d missing for clearance, want %d", id, len(got.Missing), len(want.Missing))
		}
	}
	if len(states) != 3 {
		t.Fatalf("the demonstration gives only the states %v", states)
	}
}

func sameProgress(a, b learning.ModuleProgress) bool {
	return a.Module == b.Module && summary(a) == summary(b) && a.LastActivity.Equal(b.LastActivity) &&
		a.Complete() == b.Complete() && a.Started() == b.Started() && a.Percent() == b.Percent() &&
		slices.Equal(a.Remaining(), b.Remaining())
}

// progressSummary is ModuleProgress's counts, comparable with ==.
type progressSummary struct {
	read, best, attempts, signed, asked int
	passed, reflected                   bool
}

func summary(p learning.ModuleProgress) progressSummary {
	return progressSummary{p.LessonsRead, p.BestScore, p.Attempts, p.CompetenciesSigned, p.CompetenciesAsked,
		p.QuizPassed, p.ReflectionsSubmitted}
}

func state(p learning.ModuleProgress) string {
	switch {
	case p.Complete():
		return "complete"
	case p.Started():
		return "started"
	}
	return "not started"
}
