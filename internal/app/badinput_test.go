package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/demo"
	"groundwork/internal/web"
)

// badValues is what an attacker or a broken client sends in every field at
// once: control characters, header injection, dates that break databases
// and calendars, IDs that are not IDs, numbers that overflow.
var badValues = []string{
	"Ann\x00e",
	"Title\r\nBcc: someone@example.org",
	"0000-01-01",
	"9999-12-31",
	"9999-12-31T23:59",
	"0000-01-01T00:00",
	"not-a-uuid'--",
	"99999999999999999999",
	"-1",
}

// badParams are route parameter values that no handler should pass on.
var badParams = []string{"not-a-uuid", "%00", "..%2f..%2fetc", "9999-12-31"}

// TestNoBadInputGivesA5xx sends every route, as every kind of person, real
// and bogus IDs and forms whose every field holds a bad value, and fails on
// any 5xx. A 5xx here is a bug: bad input deserves a message, not an error.
func TestNoBadInputGivesA5xx(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	logs := &apptest.Logs{}
	a := apptest.NewLogged(t, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	res := apptest.Fill(t, a, 3)
	fields := formFields(t)
	ids := realIDs(t, a)
	people := []*visitor{{name: "anonymous", Person: apptest.Visit(t, srv.URL)}}
	for _, role := range []string{"trainee", "supervisor", "admin"} {
		people = append(people, signIn(t, srv.URL, role, res))
	}
	var mu sync.Mutex
	var failures []string
	statuses := map[int]int{}
	answered := func(code int, failure string) {
		mu.Lock()
		defer mu.Unlock()
		statuses[code]++
		if code >= 500 {
			failures = append(failures, failure)
		}
	}
	// Each kind of person goes through every route at the same time as the
	// others, as on a live server.
	t.Run("everyone", func(t *testing.T) {
		for _, who := range people {
			t.Run(who.name, func(t *testing.T) {
				t.Parallel()
				sendBadInput(t, who, srv.URL, routes(a), ids, fields, answered)
			})
		}
	})
	t.Logf("answers by status: %v", statuses)
	if statuses[http.StatusUnprocessableEntity] == 0 || statuses[http.StatusOK] == 0 {
		t.Errorf("no form was refused with a message or no page shown (%v): the corpus does not reach the handlers", statuses)
	}
	if len(failures) > 0 {
		t.Errorf("%d requests gave a 5xx:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	for _, v := range []string{"not-a-uuid", "99999999999999999999", "someone@example.org"} {
		if strings.Contains(logs.String(), v) {
			t.Errorf("the log echoes the input %q", v)
		}
	}
}

// sendBadInput sends every route, as who, with real and bogus IDs and, to
// each route that takes a form, every bad value in every field at once,
// and reports each answer's status.
func sendBadInput(t *testing.T, who *visitor, base string, routes []route, ids map[string]string, fields []string, answered func(code int, failure string)) {
	tokenFrom := "/account"
	if who.name == "anonymous" {
		tokenFrom = "/signin"
	}
	token := who.CSRF(tokenFrom)
	for _, r := range routes {
		for _, path := range paths(r.Path, ids) {
			if r.Method == http.MethodGet {
				code := who.do(t, http.MethodGet, base+path, nil)
				answered(code, fmt.Sprintf("%s GET %s = %d", who.name, path, code))
				continue
			}
			for _, v := range badValues {
				form := url.Values{"_csrf": {token}}
				for _, f := range fields {
					form.Set(f, v)
				}
				code := who.do(t, r.Method, base+path, form)
				answered(code, fmt.Sprintf("%s %s %s with %q = %d", who.name, r.Method, path, v, code))
			}
		}
	}
}

type route struct{ Method, Path string }

// routes lists the server's routes but static files, which take no input.
func routes(a *app.App) []route {
	var out []route
	for _, r := range a.Echo.Routes() {
		if strings.HasPrefix(r.Path, web.AssetPrefix) || r.Method == "echo_route_any" || strings.HasSuffix(r.Path, "/signout") {
			continue
		}
		out = append(out, route{r.Method, r.Path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path+out[i].Method < out[j].Path+out[j].Method })
	return slices.Compact(out)
}

var param = regexp.MustCompile(`:[a-zA-Z]+|\*`)

// paths fills pattern's parameters with real values (so handlers go deep)
// and, one parameter at a time, with bad ones.
func paths(pattern string, ids map[string]string) []string {
	real := param.ReplaceAllStringFunc(pattern, func(p string) string { return ids[kindOf(pattern, p)] })
	out := []string{real}
	for _, bad := range badParams {
		if p := param.ReplaceAllString(pattern, bad); p != real {
			out = append(out, p)
		}
	}
	return out
}

// kindOf says what a parameter of pattern names, to pick a real value.
func kindOf(pattern, p string) string {
	switch {
	case p == ":id":
		for _, prefix := range []string{"users", "cohorts", "sessions", "records", "certificates", "outbox"} {
			if strings.Contains(pattern, "/"+prefix+"/:id") {
				return prefix
			}
		}
	case p == ":token" && strings.HasPrefix(pattern, "/registrations/"):
		return "registration"
	case p == ":token" && (strings.HasPrefix(pattern, "/verify/") || strings.HasPrefix(pattern, "/credentials/")):
		return "certificate"
	case p == "*":
		return "file"
	}
	return strings.TrimPrefix(p, ":")
}

// realIDs finds a real value for every kind of route parameter.
func realIDs(t *testing.T, a *app.App) map[string]string {
	t.Helper()
	one := func(query string) string {
		var v string
		if err := a.DB.NewRaw(query).Scan(context.Background(), &v); err != nil {
			t.Logf("no value for %s: %v", query, err)
			return "none"
		}
		return v
	}
	mod := a.Courses.Catalog().Modules[0]
	trainee := one("SELECT id FROM users WHERE role = 'trainee' ORDER BY email LIMIT 1")
	return map[string]string{
		"users":        trainee,
		"user":         trainee,
		"trainee":      trainee,
		"cohorts":      one("SELECT id FROM cohorts LIMIT 1"),
		"sessions":     one("SELECT id FROM events LIMIT 1"),
		"records":      one("SELECT id FROM supervision_records LIMIT 1"),
		"certificates": one("SELECT id FROM certificates LIMIT 1"),
		"outbox":       one("SELECT id FROM mail_outbox LIMIT 1"),
		"attempt":      one("SELECT id FROM quiz_attempts LIMIT 1"),
		"module":       mod.Slug,
		"lesson":       mod.Lessons[0].Slug,
		"prompt":       "1",
		"token":        "not-a-token",
		"registration": a.Events.Link.Token(one("SELECT id FROM registrations WHERE attended LIMIT 1")),
		"certificate":  one("SELECT token FROM certificates LIMIT 1"),
		"file":         "x.png",
	}
}

var fieldName = regexp.MustCompile(`name="([a-z_\-]+)"`)

// formFields lists every form field name in Groundwork's templates.
func formFields(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../*/templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	more, _ := filepath.Glob("../*/templates/*/*.html")
	seen := map[string]bool{}
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fieldName.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	delete(seen, "_csrf") // the one field every form needs right
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// visitor is one person's browser.
type visitor struct {
	name string
	*apptest.Person
}

func (v *visitor) do(t *testing.T, method, target string, form url.Values) int {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return 0 // a URL no client can send
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := v.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// signIn signs in the demonstration person with role.
func signIn(t *testing.T, base, role string, res *demo.Result) *visitor {
	t.Helper()
	for _, s := range res.SignIns {
		if strings.EqualFold(s.Role, role) || strings.Contains(strings.ToLower(s.Role), role) {
			v := &visitor{name: role, Person: apptest.Visit(t, base).SignInAs(s.Email, res.Password)}
			return v
		}
	}
	t.Fatalf("no demonstration %s in %+v", role, res.SignIns)
	return nil
}

// TestSignInNeverRedirectsOffSite tries the redirect tricks browsers fall
// for: each must land on the dashboard after signing in.
func TestSignInNeverRedirectsOffSite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u := site.User("ann@example.org", "Ann", account.Trainee)
	for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/\n/evil.example", "javascript:alert(1)"} {
		p := site.Anonymous()
		code, to := p.Post("/signin", "/signin?next="+url.QueryEscape(next),
			url.Values{"email": {u.Email}, "password": {apptest.Password}, "next": {next}})
		// A line break fails the form (422, no redirect at all); the rest
		// sign in and go to the dashboard.
		if (code != http.StatusSeeOther || to != "/dashboard") && (code != http.StatusUnprocessableEntity || to != "") {
			t.Errorf("sign in with next=%q = %d to %q, want 303 to /dashboard (or 422)", next, code, to)
		}
		if _, page := site.Anonymous().Get("/signin?next=" + url.QueryEscape(next)); strings.Contains(page, "evil") || strings.Contains(page, "javascript") {
			t.Errorf("the sign-in form carries next=%q on", next)
		}
	}
	code, to := site.Anonymous().Post("/signin", "/signin", url.Values{"email": {u.Email}, "password": {apptest.Password}, "next": {"/certificates"}})
	if code != http.StatusSeeOther || to != "/certificates" {
		t.Errorf("sign in with a path on the site = %d to %q", code, to)
	}
}

var textareaName = regexp.MustCompile(`<textarea[^>]*\sname="([^"{]+)`)

// TestEveryTextAreaMayHoldLineBreaks keeps the forms and web's list of
// multi-line fields in step: a text area left off the list would refuse
// every answer with more than one line.
func TestEveryTextAreaMayHoldLineBreaks(t *testing.T) {
	files, _ := filepath.Glob("../*/templates/*.html")
	more, _ := filepath.Glob("../*/templates/*/*.html")
	found := 0
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range textareaName.FindAllStringSubmatch(string(b), -1) {
			found++
			if !web.IsMultiLine(m[1]) {
				t.Errorf("%s: text area %q is not in web's multi-line fields", f, m[1])
			}
		}
	}
	if found < 10 {
		t.Fatalf("found %d text areas; the pattern no longer matches the templates", found)
	}
}
