package app_test

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/identity"
	"groundwork/internal/web"
)

var update = flag.Bool("update", false, "rewrite testdata/routes.golden from the running server")

const routesGolden = "testdata/routes.golden"

// routeLine is one line of the route table: who gets past a route's guards.
type routeLine struct {
	Method, Path, Guard string
}

func (r routeLine) String() string { return r.Method + " " + r.Path + " " + r.Guard }

// The guards, named by who gets through them.
const (
	guardPublic   = "public"    // anyone, signed in or not
	guardSignedIn = "signed-in" // every role
	guardStaff    = "staff"     // supervisors and admins
	guardAdmin    = "admin"
	guardTrainee  = "trainee"
)

// groups gives the guard every route under a path prefix must have at
// least: a route added to a group without its guard, or outside the group,
// is caught.
var groups = []struct {
	prefix string
	allow  []string // acceptable guards
}{
	{"/admin/", []string{guardAdmin}},
	{"/facilitate/", []string{guardStaff, guardAdmin}},
	{"/account", []string{guardSignedIn, guardStaff, guardAdmin, guardTrainee}},
	{"/dashboard", []string{guardSignedIn, guardStaff, guardAdmin, guardTrainee}},
	{"/supervision", []string{guardSignedIn, guardStaff, guardAdmin, guardTrainee}},
	{"/trainees/", []string{guardSignedIn, guardStaff, guardAdmin, guardTrainee}},
	{"/certificates", []string{guardSignedIn, guardStaff, guardAdmin, guardTrainee}},
}

// TestRouteTable shows every route with its guard in one place,
// testdata/routes.golden, and holds each group to its guard. After adding a
// route, regenerate the file with
//
//	go test ./internal/app -run TestRouteTable -update
//
// and review the diff.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	table := routeTable(t, apptest.Start(t, ""))
	for _, problem := range outsideGroups(table) {
		t.Error(problem)
	}
	got := format(table)
	if *update {
		if err := os.WriteFile(routesGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(routesGolden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the route table changed; review and run `go test ./internal/app -run TestRouteTable -update`:\n%s",
			lineDiff(string(want), got))
	}
}

// TestRouteTableCatchesAnUnguardedAdminRoute adds an admin route without
// the admin guard and shows the route table refusing it.
func TestRouteTableCatchesAnUnguardedAdminRoute(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	site.App.Echo.GET("/admin/unguarded", func(c echo.Context) error { return c.String(http.StatusOK, "secret") })
	table := routeTable(t, site)
	line := routeLine{http.MethodGet, "/admin/unguarded", guardPublic}
	if !slices.Contains(table, line) {
		t.Fatalf("the route table lacks %q", line)
	}
	problems := outsideGroups(table)
	if len(problems) != 1 || !strings.Contains(problems[0], "GET /admin/unguarded") {
		t.Fatalf("problems = %q, want one about GET /admin/unguarded", problems)
	}
	want, err := os.ReadFile(routesGolden)
	if err != nil {
		t.Fatal(err)
	}
	if format(table) == string(want) {
		t.Fatal("the golden table does not notice a new route")
	}
}

// routeTable asks every route of site as each kind of person and names its
// guard after who got through.
func routeTable(t *testing.T, site *apptest.Site) []routeLine {
	t.Helper()
	personas := []*persona{{name: "anonymous", site: site}}
	for _, role := range identity.Roles {
		u := site.User(string(role)+"@example.org", "Probe "+role.Label(), role)
		personas = append(personas, &persona{name: string(role), site: site, user: u})
	}
	var table []routeLine
	for _, r := range site.App.Echo.Routes() {
		if strings.HasPrefix(r.Path, web.AssetPrefix) || strings.HasPrefix(r.Method, "echo_") {
			continue
		}
		var allowed []string
		for _, p := range personas {
			if p.passes(t, r.Method, concrete(r.Path)) {
				allowed = append(allowed, p.name)
			}
		}
		table = append(table, routeLine{r.Method, r.Path, guardOf(allowed)})
	}
	slices.SortFunc(table, func(a, b routeLine) int {
		return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
	})
	return slices.Compact(table)
}

// concrete fills a route's parameters with values that name nothing.
func concrete(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || p == "*" {
			parts[i] = uuid.NewString()
		}
	}
	return strings.Join(parts, "/")
}

// guardOf names the guard that let exactly allowed through.
func guardOf(allowed []string) string {
	switch strings.Join(allowed, ",") {
	case "anonymous,trainee,supervisor,admin":
		return guardPublic
	case "trainee,supervisor,admin":
		return guardSignedIn
	case "supervisor,admin":
		return guardStaff
	case "admin":
		return guardAdmin
	case "trainee":
		return guardTrainee
	case "":
		return "nobody"
	}
	return strings.Join(allowed, "+")
}

// outsideGroups lists routes whose guard is weaker than their group's.
func outsideGroups(table []routeLine) []string {
	var problems []string
	for _, r := range table {
		for _, g := range groups {
			if strings.HasPrefix(r.Path, g.prefix) && !slices.Contains(g.allow, r.Guard) {
				problems = append(problems, fmt.Sprintf("%s is %s; routes under %s must be one of %v", r, r.Guard, g.prefix, g.allow))
			}
		}
	}
	return problems
}

func format(table []routeLine) string {
	var b strings.Builder
	b.WriteString("# method path guard (who gets through): go test ./internal/app -run TestRouteTable -update\n")
	for _, r := range table {
		b.WriteString(r.String() + "\n")
	}
	return b.String()
}

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// persona is one kind of person asking routes: anonymous, or signed in
// with a role.
type persona struct {
	name string
	site *apptest.Site
	user *account.User
	as   *apptest.Person
}

// passes reports whether the persona gets past the guards of method path:
// anything but a refusal (401, 403) or a redirect to sign in. A request
// that reaches the handler with made-up IDs is answered 404 or 400, which
// counts as passing.
func (p *persona) passes(t *testing.T, method, path string) bool {
	t.Helper()
	if p.as == nil {
		p.as = p.site.Anonymous()
		if p.user != nil {
			p.as = p.site.SignIn(p.user)
		}
	}
	tokenFrom := ""
	if method != http.MethodGet && method != http.MethodHead {
		tokenFrom = "/signin"
		if p.user != nil {
			tokenFrom = "/account"
		}
	}
	resp := p.as.Do(method, path, tokenFrom, nil)
	if p.user != nil && method != http.MethodGet {
		if code, _ := p.as.Get("/account"); code != http.StatusOK {
			p.as = nil // signed out (by sign-out, say): sign in afresh next time
		}
	}
	switch {
	case resp.Code == http.StatusUnauthorized, resp.Code == http.StatusForbidden:
		return false
	case resp.Code >= 300 && resp.Code < 400:
		return !strings.HasPrefix(resp.Location, "/signin")
	}
	return true
}
