package learning_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/learning"
)

func TestLessonProgressAndModuleStatus(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	srv := apptest.Start(t, dir)
	a := srv.App
	const password = "a long enough passphrase"
	u, _, err := a.Accounts.CreateUser(context.Background(), "t@example.org", "T", account.Trainee, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Learning.Enrol(context.Background(), a.DB, learning.ProgrammeScope, "", u.ID); err != nil {
		t.Fatal(err)
	}
	const lesson = "/modules/first-contact/lessons/the-first-minute"

	anon := apptest.Visit(t, srv.Base)
	if code, _ := anon.Post(lesson+"/complete", "/signin", url.Values{}); code != http.StatusUnauthorized {
		t.Fatalf("anonymous mark-as-read = %d, want 401", code)
	}

	v := apptest.Visit(t, srv.Base)
	v.Post("/signin", "/signin", url.Values{"email": {"t@example.org"}, "password": {password}})
	if _, page := v.Get("/modules"); !strings.Contains(page, "Not started") {
		t.Fatal("the catalogue shows no status for a new trainee")
	}
	if code, _ := v.Post(lesson+"/complete", "", url.Values{}); code != http.StatusForbidden {
		t.Fatalf("mark-as-read without CSRF = %d", code)
	}
	for range 2 { // a double submit counts once
		if code, loc := v.Post(lesson+"/complete", lesson, url.Values{}); code != http.StatusSeeOther || loc != "/modules/first-contact" {
			t.Fatalf("mark-as-read = %d %q", code, loc)
		}
	}
	n, err := a.DB.NewSelect().Table("lesson_progress").Count(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("%d progress rows, %v; want 1", n, err)
	}
	if _, page := v.Get("/modules"); !strings.Contains(page, "All lessons read") {
		t.Fatal("the catalogue does not show the progress")
	}
	if _, page := v.Get(lesson); !strings.Contains(page, "You have read this lesson") {
		t.Fatal("the lesson does not show it was read")
	}
	if code, _ := v.Post("/modules/first-contact/lessons/nothing/complete", lesson, url.Values{}); code != http.StatusNotFound {
		t.Fatalf("an unknown lesson = %d", code)
	}
}
