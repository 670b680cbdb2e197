// Package e2e drives the real Groundwork server in headless Chromium. Its
// tests skip when no browser is installed, unless GROUNDWORK_E2E=1, which
// makes a missing browser a failure (CI sets it); GROUNDWORK_E2E=0 skips
// them even with a browser.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/clock"
	"groundwork/internal/outside"
)

// axeTags are the rules axe runs: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Server is a running Groundwork server on a free port with a fresh database.
type Server struct {
	URL string
	App *app.App
	// Clock is the time the server reads; tests move it to let time pass.
	Clock *clock.Moving
}

// StartServer starts the real server for t and stops it when t ends. Each
// configure function may adjust the configuration first.
func StartServer(t testing.TB, configure ...func(*app.Config)) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	cfg := apptest.Config(t)
	cfg.Address = ln.Addr().String()
	cfg.BaseURL = url
	cfg.LogLevel = "warn"
	cfg.ShutdownGrace = 5 * time.Second
	for _, f := range configure {
		f(cfg)
	}
	a := apptest.New(t, cfg)
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	clk, _ := cfg.Clock.(*clock.Moving)
	return &Server{URL: url, App: a, Clock: clk}
}

// chromiumPath finds a Chromium binary, or returns "".
func chromiumPath() string {
	if p := os.Getenv("GROUNDWORK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Page is one browser tab in a test. Its methods fail the test on error, so
// journeys read as a list of steps.
type Page struct {
	t   testing.TB
	ctx context.Context
}

// Browser returns a new tab for t in a browser context of its own (its own
// cookies and storage, like a separate browser profile), closed when t
// ends. All tests share one headless Chromium, started by the first. It
// skips t when no browser is found, unless GROUNDWORK_E2E=1, and always
// with GROUNDWORK_E2E=0.
func Browser(t testing.TB) *Page {
	t.Helper()
	path := chromiumPath()
	outside.Need(t, "Chromium", path != "", "apt-get install chromium, or set GROUNDWORK_CHROMIUM")
	browser, err := shared.start(path)
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	page := &Page{t: t, ctx: ctx}
	page.Screen(Laptop)
	return page
}

// Screen is the size of a browser window, in CSS pixels; Phone is a touch
// screen.
type Screen struct {
	Width, Height int
	Phone         bool
}

// The screens the tests use: the smallest phone WCAG 1.4.10 asks for, a
// common phone and a laptop. Every tab starts as a laptop.
var (
	SmallPhone = Screen{Width: 320, Height: 640, Phone: true}
	Phone      = Screen{Width: 390, Height: 844, Phone: true}
	Laptop     = Screen{Width: 1280, Height: 800}
)

// Screen makes the tab's window s.
func (p *Page) Screen(s Screen) {
	p.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if s.Phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	run(p, fmt.Sprintf("a %dx%d screen", s.Width, s.Height), chromedp.EmulateViewport(int64(s.Width), int64(s.Height), opts...))
}

// UseAxe loads axe-core (its source) into every page the tab opens from
// now on, for Axe.
func (p *Page) UseAxe(source string) {
	p.t.Helper()
	run(p, "load axe-core into each page", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: source})
		return chromedp.Void{}, err
	})
}

// Violation is one axe-core rule that failed, with the elements that fail it.
type Violation struct {
	ID, Impact, Help string
	Nodes            []string
}

// Axe runs axe-core's WCAG 2.0 to 2.2 A and AA rules over the elements
// matching within (the whole document when ""), on a page opened after
// UseAxe, and returns what fails.
func (p *Page) Axe(within string) []Violation {
	p.t.Helper()
	context := "document"
	if within != "" {
		quoted, _ := json.Marshal(within)
		context = "document.querySelector(" + string(quoted) + ")"
	}
	tags, _ := json.Marshal(axeTags)
	js := `axe.run(` + context + `, {runOnly: {type: "tag", values: ` + string(tags) + `}, resultTypes: ["violations"]}).then(r => JSON.stringify(
		r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}))))`
	out := runFor(p, "run axe-core", axeTimeout, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	var violations []Violation
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		p.t.Fatalf("axe-core's answer: %v", err)
	}
	return violations
}

// SignIn signs in on the sign-in form at base with email and password.
func (p *Page) SignIn(base, email, password string) {
	p.t.Helper()
	p.Go(base + "/signin")
	p.Fill("#f-email", email)
	p.Fill("#f-password", password)
	p.Submit("main form button[type=submit]")
}

// Status returns the HTTP status of the page on screen, from the browser's
// navigation timing.
func (p *Page) Status() int {
	p.t.Helper()
	status, err := strconv.Atoi(p.Eval(StatusJS))
	if err != nil {
		p.t.Fatalf("status: %v", err)
	}
	return status
}

// StatusJS yields the HTTP status of the page on screen as a string.
const StatusJS = `String(performance.getEntriesByType("navigation")[0].responseStatus)`

// chromium is the headless browser the tests share.
type chromium struct {
	once    sync.Once
	ctx     context.Context
	err     error
	dataDir string
	stop    func()
}

var shared chromium

// start launches the browser once and returns its context.
func (c *chromium) start(path string) (context.Context, error) {
	c.once.Do(func() {
		if c.dataDir, c.err = os.MkdirTemp("", "groundwork-e2e-"); c.err != nil {
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.DisableGPU,
			chromedp.UserDataDir(c.dataDir),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-dev-shm-usage", true),
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		c.ctx, c.stop = ctx, func() { cancelCtx(); cancelAlloc() }
		// The first action starts the browser; it must run without a
		// timeout, which would bound the browser's whole life.
		_, c.err = chromedp.Run(ctx, chromedp.Navigate("about:blank"))
	})
	return c.ctx, c.err
}

// close stops the browser and removes its profile.
func (c *chromium) close() {
	if c.stop != nil {
		c.stop()
	}
	if c.dataDir != "" {
		os.RemoveAll(c.dataDir)
	}
}

// stepTimeout bounds each step, so a missing element fails fast.
const stepTimeout = 15 * time.Second

func run[T any](p *Page, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	return runFor(p, what, stepTimeout, a)
}

// axeTimeout bounds one axe-core run, which on a long page with a busy
// machine takes seconds.
const axeTimeout = 90 * time.Second

func runFor[T any](p *Page, what string, timeout time.Duration, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Go opens url.
func (p *Page) Go(url string) {
	p.t.Helper()
	run(p, "navigate to "+url, chromedp.Navigate(url))
}

// Text returns the visible text of the first element matching sel.
func (p *Page) Text(sel string) string {
	p.t.Helper()
	return run(p, "text of "+sel, chromedp.Text(sel))
}

// Eval evaluates a JavaScript expression that yields a string.
func (p *Page) Eval(expr string) string {
	p.t.Helper()
	return run(p, "evaluate "+expr, chromedp.Evaluate[string](expr))
}

// EvalAll evaluates JavaScript expressions that yield strings, in order,
// in one round trip to the browser, and returns what each yields.
func (p *Page) EvalAll(exprs ...string) []string {
	p.t.Helper()
	js := "[" + strings.Join(exprs, ",\n") + "]"
	out := run(p, "evaluate "+js, chromedp.Evaluate[[]string](js))
	if len(out) != len(exprs) {
		p.t.Fatalf("%d answers to %d expressions", len(out), len(exprs))
	}
	return out
}

// Download fetches path as the page's own session would, following a
// download link, and returns the response's status, content type and its
// first bytes (as Latin-1 text).
func (p *Page) Download(path string) string {
	p.t.Helper()
	quoted, _ := json.Marshal(path)
	js := `fetch(` + string(quoted) + `).then(async r => r.status + " " + r.headers.get("Content-Type") + " " +
		String.fromCharCode(...new Uint8Array(await r.arrayBuffer()).slice(0, 8)))`
	return run(p, "download "+path, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
}

// Click clicks the first element matching sel.
func (p *Page) Click(sel string) {
	p.t.Helper()
	run(p, "click "+sel, chromedp.Click(sel))
}

// Fill types value into the input matching sel, replacing its content.
func (p *Page) Fill(sel, value string) {
	p.t.Helper()
	quoted, _ := json.Marshal(sel)
	run(p, "clear "+sel, chromedp.Evaluate[bool](`(el => { el.value = ""; return true })(document.querySelector(`+string(quoted)+`))`))
	run(p, "fill "+sel, chromedp.SendKeys(sel, value))
}

// Location returns the current URL.
func (p *Page) Location() string {
	p.t.Helper()
	return run(p, "location", chromedp.Location())
}

// Submit clicks the element matching sel (a submit button or a link) and
// waits until the next page has loaded.
func (p *Page) Submit(sel string) {
	p.t.Helper()
	run(p, "mark page", chromedp.Evaluate[bool](`window.__groundworkOld = true`))
	p.Click(sel)
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		loaded, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`window.__groundworkOld === undefined && document.readyState === "complete"`))
		if err == nil && loaded {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("no new page after clicking %s", sel)
}

// e2ePassword is the password of every account a journey creates.
const e2ePassword = "long enough passphrase"

// team creates a training lead (lead@example.org), a supervisor
// (sup@example.org, Sam Supervisor) and a trainee (tia@example.org, Tia
// Trainee) assigned to that supervisor, all with e2ePassword.
func team(t *testing.T, srv *Server) (admin, sup, trainee *account.User) {
	t.Helper()
	ctx := context.Background()
	accounts := srv.App.Accounts
	admin, _, err := accounts.CreateUser(ctx, "lead@example.org", "Lead", account.Admin, e2ePassword)
	if err != nil {
		t.Fatal(err)
	}
	sup, _, err = accounts.CreateUser(ctx, "sup@example.org", "Sam Supervisor", account.Supervisor, e2ePassword)
	if err != nil {
		t.Fatal(err)
	}
	trainee, _, err = accounts.CreateUser(ctx, "tia@example.org", "Tia Trainee", account.Trainee, e2ePassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := accounts.AssignSupervisor(ctx, admin, trainee, sup.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	return admin, sup, trainee
}
