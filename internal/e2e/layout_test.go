package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/events"
	"groundwork/internal/supervision"
	"groundwork/internal/voice"
)

// routeTable is the golden list of every route with its guard.
const routeTable = "../app/testdata/routes.golden"

// notPages are signed-in GET routes that answer with a file, not a page.
var notPages = map[string]string{
	"/admin/audit.csv":                                     "a CSV file",
	"/admin/certificates/cohort.zip":                       "a ZIP of PDFs",
	"/admin/curriculum/export.zip":                         "a ZIP of the curriculum",
	"/admin/curriculum/modules/:module/export.zip":         "a ZIP of a module",
	"/admin/curriculum/modules/:module/draft/images/:name": "a picture",
	"/admin/reports/progress.csv":                          "a CSV file",
	"/certificates/:id/pdf":                                "a PDF",
	"/trainees/:trainee/portfolio.csv":                     "a CSV file",
	"/voice/rounds/:id/qr.png":                             "a PNG image",
}

// TestEverySignedInPageFitsEveryScreen walks every signed-in page of the
// route table as a trainee, a supervisor and a training lead, over the
// demonstration organisation, on two phones and a laptop, each page once per
// screen. On each: nothing scrolls sideways, every link of the site menu can
// be reached (the menu opened first where it is collapsed) and, on the
// phones, axe-core finds no WCAG 2.2 AA violation. On the laptop the header
// is one line, every control shows its keyboard focus and every aria-label
// contains the words its control shows.
func TestEverySignedInPageFitsEveryScreen(t *testing.T) {
	srv := StartServer(t)
	axe := axeSource(t)
	org := demoOrganisation(t, srv)
	routes := signedInRoutes(t)
	t.Run("public", func(t *testing.T) {
		t.Parallel()
		page := Browser(t)
		page.UseAxe(axe)
		for i, path := range publicPages(t, srv) {
			checkPage(t, page, srv.URL, path, []Screen{SmallPhone, Phone}, i == 0)
		}
	})
	for _, role := range []account.Role{account.Trainee, account.Supervisor, account.Admin} {
		t.Run(string(role), func(t *testing.T) {
			t.Parallel()
			paths := org.pages(t, role, routes)
			page := Browser(t)
			page.UseAxe(axe)
			page.SignIn(srv.URL, org.emails[role], org.password)
			for i, path := range paths {
				checkPage(t, page, srv.URL, path, []Screen{SmallPhone, Phone, Laptop}, i == 0)
			}
		})
	}
}

// publicPages are the pages anyone reaches without an account, with the
// private links a registrant, an invitee, someone resetting a password and
// a member of a client-voice group are sent. Left out: the first-run setup
// page (it exists only while there is no admin) and the page that follows
// a registration (it shows only right after registering; the public
// session tests open it).
func publicPages(t *testing.T, srv *Server) []string {
	t.Helper()
	ctx := context.Background()
	a := srv.App
	var module, lesson, session, cert, trainee, sup string
	for _, q := range []struct {
		into  *string
		query string
	}{
		{&module, `SELECT module_slug FROM reflections ORDER BY module_slug LIMIT 1`},
		{&session, `SELECT id FROM events WHERE starts_at > CURRENT_TIMESTAMP AND cancelled_at IS NULL ORDER BY starts_at LIMIT 1`},
		{&cert, `SELECT token FROM certificates c WHERE holder_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM certificate_revocations r WHERE r.certificate_id = c.id) ORDER BY id LIMIT 1`},
		{&trainee, `SELECT id FROM users WHERE role = 'trainee' AND supervisor_id IS NOT NULL ORDER BY email LIMIT 1`},
	} {
		if err := a.DB.NewRaw(q.query).Scan(ctx, q.into); err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
	}
	m, ok := a.Courses.Catalog().Module(module)
	if !ok || len(m.Lessons) == 0 {
		t.Fatalf("no lessons in %s", module)
	}
	lesson = m.Lessons[0].Slug
	if err := a.DB.NewRaw(`SELECT supervisor_id FROM users WHERE id = ?`, trainee).Scan(ctx, &sup); err != nil {
		t.Fatal(err)
	}
	reg, err := a.Events.Register(ctx, session, events.Registrant{Name: "Rhiannon Pryce", Email: "rhiannon@example.org",
		Organisation: "Ysgol Bro Taf", Audience: events.Schools}, "")
	if err != nil {
		t.Fatal(err)
	}
	token := a.Events.Link.Token(reg.ID)
	var lead account.User
	if err := a.DB.NewSelect().Model(&lead).Where("role = 'admin'").Order("email").Limit(1).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	invitation, err := a.Accounts.Invite(ctx, &lead, "new.starter@example.org", account.Trainee, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	reset, err := a.Accounts.ResetLink(ctx, lead.Email, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	var code string
	if err := a.DB.NewRaw(`SELECT code FROM voice_rounds WHERE closed_at IS NULL ORDER BY opened_at LIMIT 1`).Scan(ctx, &code); err != nil {
		t.Fatal(err)
	}
	local := func(link string) string { return strings.TrimPrefix(link, a.Config.BaseURL) }
	return []string{"/", "/modules", "/modules/" + module, "/modules/" + module + "/lessons/" + lesson,
		"/sessions", "/sessions/" + session, "/signin", "/forgot", "/verify", "/verify/" + cert,
		"/registrations/" + token, "/registrations/" + token + "/cancel", "/registrations/" + token + "/forget",
		local(invitation), local(reset), "/v/" + code, "/v/" + code + "/easy", "/v/" + code + "/thanks"}
}

// checkPage opens path once and checks it on each screen in turn, as a
// window resized from one width to the next: see
// TestEverySignedInPageFitsEveryScreen. At 320 px axe-core checks the page
// as it opens and, on the first page (openMenuAxe), the open menu.
func checkPage(t *testing.T, page *Page, base, path string, screens []Screen, openMenuAxe bool) {
	t.Helper()
	page.Screen(screens[0])
	page.Go(base + path)
	for i, screen := range screens {
		if i > 0 {
			page.Screen(screen)
		}
		where := path + " at " + strconv.Itoa(screen.Width) + " px"
		// The page's status, then as it opens on this screen: whether it
		// scrolls sideways.
		opened := page.EvalAll(StatusJS, resetJS, overflowJS)
		if opened[0] != "200" {
			t.Errorf("%s: status %s", path, opened[0])
			return
		}
		if wide := opened[2]; wide != "" {
			t.Errorf("%s scrolls sideways: %s", where, wide)
		}
		checkScreen(t, page, where, screen, openMenuAxe)
	}
}

// checkScreen checks the open page on screen, after checking that it does
// not scroll sideways as it opens. The checks that run in the page are sent
// together, one round trip each before and after axe-core.
func checkScreen(t *testing.T, page *Page, where string, screen Screen, openMenuAxe bool) {
	t.Helper()
	// axe-core runs at the narrowest width only: no style sheet changes
	// between 320 and 390 px (the first breakpoint is 576 px), so a second
	// run finds what the first did, at twice the cost of the walk.
	axe := screen == SmallPhone
	if axe {
		for _, v := range page.Axe("") {
			t.Errorf("%s: axe-core %s (%s): %s at %v", where, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
	checks := []struct{ js, problem string }{
		{menuJS, "menu items out of reach"},
		{overflowJS, "with the menu open, the page scrolls sideways"},
	}
	if !screen.Phone {
		checks = append(checks, []struct{ js, problem string }{
			{oneLineJS, "the header is not one line"},
			{focusJS, "no visible focus on"},
			{labelInNameJS, "accessible names without their visible label (WCAG 2.5.3)"},
		}...)
	}
	js := make([]string, len(checks))
	for i, c := range checks {
		js[i] = c.js
	}
	for i, found := range page.EvalAll(js...) {
		if found != "" {
			t.Errorf("%s: %s: %s", where, checks[i].problem, found)
		}
	}
	if axe && openMenuAxe {
		for _, v := range page.Axe("header") {
			t.Errorf("%s, the open menu: axe-core %s (%s): %s at %v", where, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

// resetJS puts the page back as it opened after the checks at another
// width: menu closed, focus off, scrolled to the top.
const resetJS = `(() => {
  const menu = document.querySelector("header details.site-menu");
  if (menu) menu.open = false;
  if (document.activeElement) document.activeElement.blur();
  window.scrollTo(0, 0);
  return "";
})()`

// overflowJS names what sticks out when the page is wider than the window,
// or returns "".
const overflowJS = `(() => {
  const w = window.innerWidth;
  if (document.documentElement.scrollWidth <= w) return "";
  const out = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1)
    .filter(e => !e.closest(".table-scroll") || e.matches(".table-scroll"))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : "") +
      " (right edge " + Math.round(e.getBoundingClientRect().right) + ")");
  return "page is " + document.documentElement.scrollWidth + " px wide in " + w + ": " + out.join(", ");
})()`

// menuJS opens the site menu if its "Menu" button shows, then names each
// menu link or button that is not on screen where it sits, after
// scrolling to it, or returns "".
const menuJS = `(() => {
  const menu = document.querySelector("header details.site-menu");
  if (!menu) return "no site menu";
  const summary = menu.querySelector("summary");
  if (summary.getBoundingClientRect().width > 0 && !menu.open) summary.click();
  const items = [...menu.querySelectorAll("nav a, nav button")];
  if (items.length < 4) return "only " + items.length + " menu items";
  const lost = [];
  for (const el of items) {
    el.scrollIntoView({block: "nearest", inline: "nearest"});
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    if (r.width === 0 || r.left < 0 || r.right > window.innerWidth + 1 || !hit || !(el === hit || el.contains(hit))) {
      lost.push(JSON.stringify(el.textContent.trim()));
    }
  }
  window.scrollTo(0, 0);
  return lost.join(", ");
})()`

// oneLineJS checks that the site name and every menu item sit on one line,
// in order, none over another; it names what does not, or returns "".
const oneLineJS = `(() => {
  const menu = document.querySelector("header details.site-menu");
  if (menu.querySelector("summary").getBoundingClientRect().width > 0) return "the menu is collapsed";
  const brand = document.querySelector("header .brand").getBoundingClientRect();
  const middle = r => (r.top + r.bottom) / 2;
  const bad = [];
  let right = brand.right;
  for (const el of menu.querySelectorAll("nav a, nav button")) {
    const r = el.getBoundingClientRect(), name = JSON.stringify(el.textContent.trim());
    if (Math.abs(middle(r) - middle(brand)) > 8) bad.push(name + " is on another line");
    else if (r.left < right - 1) bad.push(name + " overlaps what is before it");
    right = r.right;
  }
  if (right > window.innerWidth) bad.push("the last item ends at " + Math.round(right));
  return bad.join(", ");
})()`

// focusJS focuses each control on the page as the keyboard would and names
// those whose focus shows no outline of at least 2 pixels, or returns "".
const focusJS = `(() => {
  const bad = new Set();
  const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])');
  for (const el of controls) {
    if (el.getClientRects().length === 0 || el.closest("[inert]")) continue;
    el.focus({preventScroll: true});
    if (document.activeElement !== el || !el.matches(":focus-visible")) continue;
    const cs = getComputedStyle(el);
    if (cs.outlineStyle === "none" || parseFloat(cs.outlineWidth) < 2) {
      bad.add(el.tagName.toLowerCase() + (el.type ? "[type=" + el.type + "]" : "") + (el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : "") + " " + JSON.stringify((el.textContent || el.name || "").trim().slice(0, 30)));
    }
  }
  if (document.activeElement) document.activeElement.blur();
  return [...bad].slice(0, 6).join(", ");
})()`

// labelInNameJS names the buttons and links whose aria-label does not
// contain the words they show, or returns "".
const labelInNameJS = `(() => {
  const squash = s => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return [...document.querySelectorAll("a[aria-label], button[aria-label], summary[aria-label], [role=button][aria-label]")]
    .filter(el => { const shown = squash(el.innerText || ""); return shown && !squash(el.getAttribute("aria-label")).includes(shown); })
    .slice(0, 5).map(el => JSON.stringify(el.innerText.trim()) + " named " + JSON.stringify(el.getAttribute("aria-label"))).join(", ");
})()`

// TestSignInLandsOnTheDashboard: signing in leads to the dashboard, or to
// the local page asked for, never off the site; signed in, the home page
// no longer offers to sign in.
func TestSignInLandsOnTheDashboard(t *testing.T) {
	srv := StartServer(t)
	team(t, srv)
	page := Browser(t)
	page.SignIn(srv.URL, "tia@example.org", e2ePassword)
	if loc := page.Location(); loc != srv.URL+"/dashboard" {
		t.Fatalf("signing in led to %s, want the dashboard", loc)
	}
	page.Go(srv.URL + "/")
	if body := page.Text("main"); strings.Contains(body, "Sign in") || !strings.Contains(body, "dashboard") {
		t.Errorf("the home page, signed in:\n%s", body)
	}
	page.Submit("header form button")

	page.Go(srv.URL + "/certificates") // asks for a page that needs signing in
	if loc := page.Location(); !strings.HasPrefix(loc, srv.URL+"/signin?next=") {
		t.Fatalf("a signed-in page sent a stranger to %s", loc)
	}
	page.Fill("#f-email", "tia@example.org")
	page.Fill("#f-password", e2ePassword)
	page.Submit("main form button[type=submit]")
	if loc := page.Location(); loc != srv.URL+"/certificates" {
		t.Fatalf("signing in on the way to /certificates led to %s", loc)
	}
	page.Submit("header form button")

	page.Go(srv.URL + "/signin?next=//evil.example/")
	page.Fill("#f-email", "tia@example.org")
	page.Fill("#f-password", e2ePassword)
	page.Submit("main form button[type=submit]")
	if loc := page.Location(); loc != srv.URL+"/dashboard" {
		t.Fatalf("a next that leaves the site led to %s, want the dashboard", loc)
	}
}

// route is a GET route of the route table that needs signing in.
type route struct {
	path  string
	guard string // signed-in, staff or admin
}

// signedInRoutes reads the GET routes that need signing in from the golden
// route table, so that a new page is walked as soon as it is routed.
func signedInRoutes(t *testing.T) []route {
	t.Helper()
	f, err := os.Open(filepath.FromSlash(routeTable))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var routes []route
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 || fields[0] != "GET" || fields[2] == "public" {
			continue
		}
		routes = append(routes, route{path: fields[1], guard: fields[2]})
	}
	if err := sc.Err(); err != nil || len(routes) < 20 {
		t.Fatalf("read %d signed-in routes from %s: %v", len(routes), routeTable, err)
	}
	return routes
}

// organisation is the demonstration data with the IDs that fill route
// parameters.
type organisation struct {
	password string
	emails   map[account.Role]string
	// ids maps a route parameter, or a route prefix and parameter, to a
	// value that the trainee, their supervisor and the lead can all see.
	ids map[string]string
	// exact fills routes whose IDs differ by role, whole.
	exact map[account.Role]map[string]string
	// unreachable names the routes a role cannot open, with the reason.
	unreachable map[account.Role]map[string]string
}

// demoOrganisation fills the server's database with the demonstration
// organisation, then picks a trainee with supervision records and
// certificates, their supervisor and the training lead, and opens a
// client-voice round for the trainee.
func demoOrganisation(t *testing.T, srv *Server) *organisation {
	t.Helper()
	ctx := context.Background()
	a := srv.App
	res := apptest.Fill(t, a, 12)
	org := &organisation{password: res.Password, emails: map[account.Role]string{}, ids: map[string]string{},
		exact: map[account.Role]map[string]string{}, unreachable: map[account.Role]map[string]string{}}
	one := func(what, query string, args ...any) string {
		t.Helper()
		var id string
		if err := a.DB.NewRaw(query, args...).Scan(ctx, &id); err != nil {
			t.Fatalf("find %s: %v", what, err)
		}
		return id
	}
	trainee := one("a supervised trainee with records and certificates", `SELECT u.id FROM users u
		WHERE u.role = 'trainee' AND u.supervisor_id IS NOT NULL
		AND EXISTS (SELECT 1 FROM supervision_records r WHERE r.trainee_id = u.id)
		AND EXISTS (SELECT 1 FROM certificates c WHERE c.holder_id = u.id)
		AND EXISTS (SELECT 1 FROM quiz_attempts q WHERE q.user_id = u.id)
		ORDER BY u.email LIMIT 1`)
	var tr, sup, lead account.User
	for _, q := range []*bun.SelectQuery{
		a.DB.NewSelect().Model(&tr).Where("id = ?", trainee),
		a.DB.NewSelect().Model(&sup).Where("id = (SELECT supervisor_id FROM users WHERE id = ?)", trainee),
		a.DB.NewSelect().Model(&lead).Where("role = 'admin'").Order("email").Limit(1),
	} {
		if err := q.Scan(ctx); err != nil {
			t.Fatal(err)
		}
	}
	people := map[account.Role]*account.User{account.Trainee: &tr, account.Supervisor: &sup, account.Admin: &lead}
	for role, u := range people {
		org.emails[role] = u.Email
	}
	org.records(t, srv, people)

	round, err := a.Voice.Open(ctx, &sup, &tr, voice.Draft{Group: "Tuesday drop-in", HeldOn: time.Now().UTC().Truncate(24 * time.Hour),
		Competencies: []string{"voice-gathers-feedback"}, Hours: voice.DefaultHours, MaxAnswers: voice.DefaultMaxAnswers})
	if err != nil {
		t.Fatal(err)
	}
	org.ids[":trainee"] = trainee
	org.ids[":module"] = one("a module with the trainee's reflections", `SELECT module_slug FROM reflections WHERE user_id = ? ORDER BY module_slug LIMIT 1`, trainee)
	org.ids["/admin/users/:id"] = trainee
	org.ids["/admin/certificates/:id"] = one("a certificate", `SELECT id FROM certificates WHERE holder_id = ? ORDER BY id LIMIT 1`, trainee)
	org.ids["/admin/cohorts/:id"] = one("the trainee's cohort", `SELECT cohort_id FROM cohort_members WHERE user_id = ?`, trainee)
	org.ids["/admin/outbox/:id"] = one("a message", `SELECT id FROM mail_outbox ORDER BY created_at LIMIT 1`)
	org.ids["/facilitate/sessions/:id"] = one("a session with a register", `SELECT e.id FROM events e
		WHERE EXISTS (SELECT 1 FROM registrations r WHERE r.event_id = e.id) ORDER BY e.starts_at LIMIT 1`)
	org.ids["/supervision/records/:id"] = one("a supervision record", `SELECT id FROM supervision_records WHERE trainee_id = ? ORDER BY created_at DESC LIMIT 1`, trainee)
	org.ids["/voice/rounds/:id"] = round.ID
	org.ids["/admin/cohorts/:id/members/:user"] = one("a cohort member", `SELECT user_id FROM cohort_members WHERE cohort_id = ? ORDER BY user_id LIMIT 1`, org.ids["/admin/cohorts/:id"])
	if _, err := a.Accounts.Invite(ctx, &lead, "invited@example.org", account.Trainee, ""); err != nil {
		t.Fatal(err)
	}
	org.ids["/admin/invitations/:id"] = one("a pending invitation", `SELECT id FROM account_tokens WHERE kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL ORDER BY created_at LIMIT 1`)
	attempt := one("a quiz attempt", `SELECT id FROM quiz_attempts WHERE user_id = ? AND submitted_at IS NOT NULL ORDER BY started_at LIMIT 1`, trainee)
	module := one("the attempt's module", `SELECT module_slug FROM quiz_attempts WHERE id = ?`, attempt)
	const attemptRoute = "/modules/:module/quiz/:attempt"
	org.exact[account.Trainee][attemptRoute] = "/modules/" + module + "/quiz/" + attempt
	org.unreachable[account.Supervisor] = map[string]string{attemptRoute: "a quiz attempt is its taker's alone"}
	org.unreachable[account.Admin] = map[string]string{attemptRoute: "a quiz attempt is its taker's alone"}
	return org
}

// records writes the supervision records the record pages need: one the
// trainee wrote and the supervisor agreed, which each of them and the
// lead may amend, and for each person a draft of their own to edit.
func (o *organisation) records(t *testing.T, srv *Server, people map[account.Role]*account.User) {
	t.Helper()
	ctx := context.Background()
	sv := srv.App.Supervision
	tr := people[account.Trainee]
	held := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	agreed, err := sv.Create(ctx, tr, tr, supervision.Content{HeldOn: held, Minutes: 60, Kind: supervision.Peer,
		Summary: "Co-facilitated the Tuesday drop-in group with a peer.", Actions: "[]"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := sv.Sign(ctx, agreed, agreed.Version, "Agreed."); err != nil {
		t.Fatal(err)
	}
	for role, author := range people {
		kind := supervision.OneToOne
		if role == account.Trainee {
			kind = supervision.Group
		}
		draft, err := sv.Create(ctx, author, tr, supervision.Content{HeldOn: held, Minutes: 45, Kind: kind,
			Summary: "Talked through a hard session and what to try next time.", Actions: "[]"}, "")
		if err != nil {
			t.Fatal(err)
		}
		o.exact[role] = map[string]string{
			"/supervision/records/:id/edit":  "/supervision/records/" + draft.ID + "/edit",
			"/supervision/records/:id/amend": "/supervision/records/" + agreed.ID + "/amend",
		}
	}
}

// pages fills the parameters of each route that role may open, and logs
// the routes left out with the reason.
func (o *organisation) pages(t *testing.T, role account.Role, routes []route) []string {
	t.Helper()
	var paths []string
	for _, r := range routes {
		if _, ok := notPages[r.path]; ok {
			continue
		}
		if (r.guard == "admin" && role != account.Admin) || (r.guard == "staff" && role == account.Trainee) {
			continue
		}
		if why, ok := o.unreachable[role][r.path]; ok {
			t.Logf("not walked as %s: %s (%s)", role, r.path, why)
			continue
		}
		path, err := o.fill(r.path, role)
		if err != nil {
			t.Errorf("cannot walk %s: %v", r.path, err)
			continue
		}
		paths = append(paths, path)
	}
	return paths
}

// fill puts IDs in the route's parameters.
func (o *organisation) fill(path string, role account.Role) (string, error) {
	if exact, ok := o.exact[role][path]; ok {
		return exact, nil
	}
	pattern := strings.Split(path, "/")
	parts := slices.Clone(pattern)
	for i, p := range pattern {
		if !strings.HasPrefix(p, ":") {
			continue
		}
		if v, ok := o.ids[strings.Join(pattern[:i+1], "/")]; ok {
			parts[i] = v
		} else if v, ok := o.ids[p]; ok {
			parts[i] = v
		} else {
			return "", fmt.Errorf("no value for %s: give it one in demoOrganisation", p)
		}
	}
	return strings.Join(parts, "/"), nil
}

// TestNoStyleChangesBetweenThePhoneWidths keeps true what running
// axe-core at 320 px only relies on: no media query in Groundwork's style
// sheets or Pico's takes effect between 320 and 390 px.
func TestNoStyleChangesBetweenThePhoneWidths(t *testing.T) {
	query := regexp.MustCompile(`@media[^{]*\((min|max)-width:\s*([0-9.]+)(px|rem|em)\)`)
	sheets, _ := filepath.Glob("../../static/css/*.css")
	vendor, _ := filepath.Glob("../../static/vendor/*/*.css")
	sheets = append(sheets, vendor...)
	if len(sheets) < 2 {
		t.Fatalf("style sheets not found: %v", sheets)
	}
	for _, name := range sheets {
		css, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range query.FindAllStringSubmatch(string(css), -1) {
			px, _ := strconv.ParseFloat(m[2], 64)
			if m[3] != "px" {
				px *= 16
			}
			low, high := float64(SmallPhone.Width), float64(Phone.Width)
			if (m[1] == "min" && px > low && px <= high) || (m[1] == "max" && px >= low && px < high) {
				t.Errorf("%s: %s changes the page between %d and %d px; run axe-core at both widths", filepath.Base(name), m[0], SmallPhone.Width, Phone.Width)
			}
		}
	}
}
