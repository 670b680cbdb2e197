// Package apptest runs the real Groundwork server for tests: a fresh
// database (SQLite, or PostgreSQL with GROUNDWORK_TEST_DATABASE_URL), real
// HTTP and real templates, and people who sign in and use it.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/db/dbtest"
)

// Password is every test account's password.
const Password = "a long enough passphrase"

// Site is a running server.
type Site struct {
	App  *app.App
	Base string // the server's URL
	t    testing.TB
}

// Start runs Groundwork on a fresh database with the curriculum in
// coursesDir ("" for the built-in one) until the test ends.
func Start(t testing.TB, coursesDir string) *Site {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.DatabaseURL = dbtest.URL(t)
	cfg.CoursesDir = coursesDir
	cfg.DBMaxConns = 8
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &Site{App: a, Base: srv.URL, t: t}
}

// User creates an active account with Password.
func (s *Site) User(email, name string, role account.Role) *account.User {
	s.t.Helper()
	u, _, err := s.App.Accounts.CreateUser(context.Background(), email, name, role, Password)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// Person is someone using the site in their own browser session. It does
// not follow redirects, so tests see them.
type Person struct {
	User   *account.User
	site   *Site
	client *http.Client
}

// SignIn signs u in and returns them as a Person.
func (s *Site) SignIn(u *account.User) *Person {
	s.t.Helper()
	p := s.Anonymous()
	p.User = u
	if code, _ := p.Post("/signin", "/signin", url.Values{"email": {u.Email}, "password": {Password}}); code != http.StatusSeeOther {
		s.t.Fatalf("sign in %s = %d", u.Email, code)
	}
	return p
}

// Anonymous is a visitor who has not signed in.
func (s *Site) Anonymous() *Person {
	jar, _ := cookiejar.New(nil)
	return &Person{site: s, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Get fetches path and returns the status and body.
func (p *Person) Get(path string) (int, string) {
	p.site.t.Helper()
	resp, err := p.client.Get(p.site.Base + path)
	if err != nil {
		p.site.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Post submits form with the CSRF token of the page at tokenFrom ("" for
// none) and returns the status and the Location header.
func (p *Person) Post(path, tokenFrom string, form url.Values) (int, string) {
	p.site.t.Helper()
	resp, _ := p.send(path, tokenFrom, form)
	return resp.StatusCode, resp.Header.Get("Location")
}

// PostPage is Post returning the page answered instead of the Location.
func (p *Person) PostPage(path, tokenFrom string, form url.Values) (int, string) {
	p.site.t.Helper()
	resp, body := p.send(path, tokenFrom, form)
	return resp.StatusCode, body
}

func (p *Person) send(path, tokenFrom string, form url.Values) (*http.Response, string) {
	p.site.t.Helper()
	if tokenFrom != "" {
		_, page := p.Get(tokenFrom)
		m := csrfToken.FindStringSubmatch(page)
		if m == nil {
			p.site.t.Fatalf("no CSRF token on %s", tokenFrom)
		}
		form.Set("_csrf", m[1])
	}
	resp, err := p.client.PostForm(p.site.Base+path, form)
	if err != nil {
		p.site.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}
