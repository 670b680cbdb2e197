package learning_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/learning"
)

type visitor struct {
	t      testing.TB
	base   string
	client *http.Client
}

func newVisitor(t testing.TB, base string) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, base: base, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) get(path string) (int, string) {
	v.t.Helper()
	resp, err := v.client.Get(v.base + path)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var token = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// post submits form with the CSRF token found on page tokenFrom ("" for
// none) and returns the status and the Location header.
func (v *visitor) post(path, tokenFrom string, form url.Values) (int, string) {
	v.t.Helper()
	resp, _ := v.send(path, tokenFrom, form)
	return resp.StatusCode, resp.Header.Get("Location")
}

// postPage is post returning the page answered instead of the Location.
func (v *visitor) postPage(path, tokenFrom string, form url.Values) (int, string) {
	v.t.Helper()
	resp, body := v.send(path, tokenFrom, form)
	return resp.StatusCode, body
}

func (v *visitor) send(path, tokenFrom string, form url.Values) (*http.Response, string) {
	v.t.Helper()
	if tokenFrom != "" {
		_, page := v.get(tokenFrom)
		form.Set("_csrf", token.FindStringSubmatch(page)[1])
	}
	resp, err := v.client.PostForm(v.base+path, form)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	return resp, string(body)
}

func TestLessonProgressAndModuleStatus(t *testing.T) {
	t.Parallel()
	cfg := app.DefaultConfig()
	cfg.DatabaseURL = dbtest.URL(t)
	cfg.CoursesDir, _ = filepath.Abs("../catalog/testdata/example")
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	const password = "a long enough passphrase"
	u, _, err := a.Accounts.CreateUser(context.Background(), "t@example.org", "T", account.Trainee, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := learning.Enrol(context.Background(), a.DB, learning.ProgrammeScope, "", u.ID); err != nil {
		t.Fatal(err)
	}
	const lesson = "/modules/first-contact/lessons/the-first-minute"

	anon := newVisitor(t, srv.URL)
	if code, _ := anon.post(lesson+"/complete", "/signin", url.Values{}); code != http.StatusUnauthorized {
		t.Fatalf("anonymous mark-as-read = %d, want 401", code)
	}

	v := newVisitor(t, srv.URL)
	v.post("/signin", "/signin", url.Values{"email": {"t@example.org"}, "password": {password}})
	if _, page := v.get("/modules"); !strings.Contains(page, "Not started") {
		t.Fatal("the catalogue shows no status for a new trainee")
	}
	if code, _ := v.post(lesson+"/complete", "", url.Values{}); code != http.StatusForbidden {
		t.Fatalf("mark-as-read without CSRF = %d", code)
	}
	for range 2 { // a double submit counts once
		if code, loc := v.post(lesson+"/complete", lesson, url.Values{}); code != http.StatusSeeOther || loc != "/modules/first-contact" {
			t.Fatalf("mark-as-read = %d %q", code, loc)
		}
	}
	n, err := a.DB.NewSelect().Table("lesson_progress").Count(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("%d progress rows, %v; want 1", n, err)
	}
	if _, page := v.get("/modules"); !strings.Contains(page, "All lessons read") {
		t.Fatal("the catalogue does not show the progress")
	}
	if _, page := v.get(lesson); !strings.Contains(page, "You have read this lesson") {
		t.Fatal("the lesson does not show it was read")
	}
	if code, _ := v.post("/modules/first-contact/lessons/nothing/complete", lesson, url.Values{}); code != http.StatusNotFound {
		t.Fatalf("an unknown lesson = %d", code)
	}
}
