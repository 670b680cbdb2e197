package learning_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
)

func TestTraineeDashboardShowsWhatRemains(t *testing.T) {
	t.Parallel()
	a, base := site(t)
	v := trainee(t, a, base, "t@example.org")
	if _, page := v.Get("/dashboard"); !strings.Contains(page, "1 lesson to read") || !strings.Contains(page, "1 competency to ask sign-off for") ||
		!strings.Contains(page, "Read The first minute") {
		t.Fatal("a new trainee's dashboard does not say what to do")
	}
	const lesson = "/modules/first-contact/lessons/the-first-minute"
	v.Post(lesson+"/complete", lesson, url.Values{})
	action := startQuiz(t, v)
	v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}})
	v.Post("/modules/first-contact/reflections", "/modules/first-contact/reflections",
		url.Values{"prompt-1": {"One."}, "prompt-2": {"Two."}, "action": {"submit"}})

	counter := apptest.CountQueries(a)
	_, page := v.Get("/dashboard")
	// Session, facts, sign-offs, supervision, certificates, Needs you.
	if n := counter.N(); n > 6 {
		t.Errorf("the trainee dashboard ran %d queries, budget 6", n)
	}
	for _, want := range []string{"Still to do: 1 competency to ask sign-off for.", "best score 100%", "Ask your supervisor to sign off"} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(page, "lesson to read") || strings.Contains(page, "knowledge check to pass") {
		t.Error("done steps are still listed as remaining")
	}
}

func TestSupervisorDashboard(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	a, base, clk := clockedSite(t, dir)
	ctx := context.Background()
	const password = "a long enough passphrase"
	sup, _, _ := a.Accounts.CreateUser(ctx, "sup@example.org", "Sup", account.Supervisor, password)
	admin, _, _ := a.Accounts.CreateUser(ctx, "admin@example.org", "Admin", account.Admin, password)
	mine := trainee(t, a, base, "mine@example.org")
	trainee(t, a, base, "notmine@example.org")
	me, _ := account.UserByID(ctx, a.DB, mustUserID(t, a, "mine@example.org"))
	a.Accounts.AssignSupervisor(ctx, admin, me, sup.ID, "127.0.0.1")
	mine.Post("/modules/first-contact/reflections", "/modules/first-contact/reflections",
		url.Values{"prompt-1": {"One."}, "prompt-2": {"Two."}, "action": {"submit"}})

	s := signIn(t, base, "sup@example.org", password)
	_, page := s.Get("/dashboard")
	if strings.Count(page, `<th scope="row">`) != 1 {
		t.Fatalf("the supervisor sees %d trainees, want only their own", strings.Count(page, `<th scope="row">`))
	}
	if !strings.Contains(page, "2 reflections to read") {
		t.Error("waiting reflections are not shown")
	}
	if strings.Contains(page, `<span class="status">inactive</span>`) {
		t.Error("an active trainee is marked inactive")
	}
	// Fifteen days without activity: highlighted. (The supervisor's
	// session has ended by then; they sign in again.)
	clk.Move(15 * 24 * time.Hour)
	s = signIn(t, base, "sup@example.org", password)
	if _, page := s.Get("/dashboard"); !strings.Contains(page, `<span class="status">inactive</span>`) {
		t.Error("an inactive trainee is not highlighted")
	}
	if _, page := signIn(t, base, "admin@example.org", password).Get("/dashboard"); strings.Count(page, `<th scope="row">`) != 2 {
		t.Error("the admin does not see every trainee")
	}
	if code, _ := apptest.Visit(t, base).Get("/dashboard"); code != http.StatusSeeOther {
		t.Errorf("anonymous dashboard = %d", code)
	}
}
