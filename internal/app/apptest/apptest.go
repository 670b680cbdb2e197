// Package apptest is Groundwork's test kit: the real server on a fresh
// migrated database (SQLite, or PostgreSQL with
// GROUNDWORK_TEST_DATABASE_URL), real HTTP and real templates, a clock
// tests can move, and people who sign in and use the site.
//
// Passwords are hashed with Hasher, a cheap argon2id setting that only
// tests inject (app.WithPasswords); no configuration can choose it.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/demo"
	"groundwork/internal/mail/mailtest"
)

// Password is every test account's password.
const Password = "a long enough passphrase"

// Hasher hashes test passwords: argon2id at 64 KiB and one pass, a
// thousandth of the production cost, so signing in costs tests nothing.
var Hasher = account.NewHasher(64, 1, 1)

// Config returns a test configuration: a fresh migrated database, a
// moving clock (see Site.Clock) and a small connection pool.
func Config(t testing.TB) *app.Config {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.DatabaseURL = dbtest.MigratedURL(t)
	cfg.DBMaxConns = 8
	cfg.Clock = &clock.Moving{}
	return cfg
}

// New builds Groundwork from cfg with the test hasher, its logs discarded,
// and closes it when the test ends.
func New(t testing.TB, cfg *app.Config) *app.App {
	t.Helper()
	return NewLogged(t, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// NewLogged is New writing logs to logger.
func NewLogged(t testing.TB, cfg *app.Config, logger *slog.Logger) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), cfg, logger, app.WithPasswords(Hasher))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// Site is a running server.
type Site struct {
	App  *app.App
	Base string // the server's URL
	// Clock is the server's clock; Move lets time pass.
	Clock *clock.Moving
	// Mail receives delivered mail when the site was started WithMail;
	// App.Outbox.SendDue delivers what is due.
	Mail     *mailtest.Recorder
	Logs     *Logs // a served site's logs (Serve)
	t        testing.TB
	shutdown func() error // set by Serve
}

// WithMail makes the site deliver mail to a recorder (Site.Mail), as it
// would to an SMTP server.
func WithMail(cfg *app.Config) { cfg.Mailer = &mailtest.Recorder{} }

// Start runs Groundwork on a fresh database with the curriculum in
// coursesDir ("" for the built-in one) until the test ends. Each configure
// function may change the configuration first.
func Start(t testing.TB, coursesDir string, configure ...func(*app.Config)) *Site {
	t.Helper()
	cfg, a := build(t, coursesDir, configure, io.Discard)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return newSite(t, cfg, a, srv.URL)
}

// Serve is Start through Groundwork's own server (App.Serve, with its
// timeouts, downloads and shutdown) on a port of its own; Shutdown stops it
// as SIGTERM does. Its JSON logs are kept in Site.Logs.
func Serve(t testing.TB, coursesDir string, configure ...func(*app.Config)) *Site {
	t.Helper()
	logs := &Logs{}
	cfg, a := build(t, coursesDir, configure, logs)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	s := newSite(t, cfg, a, "http://"+ln.Addr().String())
	s.Logs = logs
	var once sync.Once
	var result error
	s.shutdown = func() error {
		once.Do(func() { stop(); result = <-served })
		return result
	}
	t.Cleanup(func() { _ = s.shutdown() })
	return s
}

// Shutdown stops a site started with Serve as SIGTERM does and returns
// what Serve returned, once the server has stopped.
func (s *Site) Shutdown() error {
	if s.shutdown == nil {
		s.t.Fatal("apptest: Shutdown needs a site started with Serve")
	}
	return s.shutdown()
}

// build makes the configuration and the App for Start and Serve, logging
// to logs as JSON.
func build(t testing.TB, coursesDir string, configure []func(*app.Config), logs io.Writer) (*app.Config, *app.App) {
	t.Helper()
	cfg := Config(t)
	cfg.CoursesDir = coursesDir
	for _, f := range configure {
		f(cfg)
	}
	return cfg, NewLogged(t, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
}

// Logs keeps a served site's log lines.
type Logs struct {
	mu  sync.Mutex
	buf strings.Builder
}

// Write adds log output.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newSite(t testing.TB, cfg *app.Config, a *app.App, base string) *Site {
	s := &Site{App: a, Base: base, t: t}
	s.Clock, _ = cfg.Clock.(*clock.Moving)
	s.Mail, _ = cfg.Mailer.(*mailtest.Recorder)
	return s
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

// SignIn signs u in and returns them as a Person.
func (s *Site) SignIn(u *account.User) *Person {
	s.t.Helper()
	p := s.Anonymous()
	p.User = u
	p.SignInAs(u.Email, Password)
	return p
}

// Anonymous is a visitor who has not signed in.
func (s *Site) Anonymous() *Person { return Visit(s.t, s.Base) }

// Person is someone using a site in their own browser session. It does
// not follow redirects, so tests see them.
type Person struct {
	User *account.User // nil until signed in through Site.SignIn
	// Header is added to every request (X-Forwarded-For, say).
	Header http.Header
	base   string
	client *http.Client
	t      testing.TB
}

// Visit is a new visitor to the server at base.
func Visit(t testing.TB, base string) *Person {
	jar, _ := cookiejar.New(nil)
	return &Person{base: base, t: t, Header: http.Header{}, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is a finished request.
type Response struct {
	Code     int
	Body     string
	Location string
	Header   http.Header
}

// SignInAs submits the sign-in form and fails the test unless it signs in.
func (p *Person) SignInAs(email, password string) *Person {
	p.t.Helper()
	if r := p.Do(http.MethodPost, "/signin", "/signin", url.Values{"email": {email}, "password": {password}}); r.Code != http.StatusSeeOther {
		p.t.Fatalf("sign in %s = %d", email, r.Code)
	}
	return p
}

// Get fetches path and returns the status and body.
func (p *Person) Get(path string) (int, string) {
	p.t.Helper()
	r := p.Fetch(path)
	return r.Code, r.Body
}

// Fetch fetches path.
func (p *Person) Fetch(path string) Response {
	p.t.Helper()
	return p.Do(http.MethodGet, path, "", nil)
}

// Post submits form with the CSRF token of the page at tokenFrom ("" for
// none) and returns the status and the Location header.
func (p *Person) Post(path, tokenFrom string, form url.Values) (int, string) {
	p.t.Helper()
	r := p.Do(http.MethodPost, path, tokenFrom, form)
	return r.Code, r.Location
}

// PostPage is Post returning the page answered instead of the Location.
func (p *Person) PostPage(path, tokenFrom string, form url.Values) (int, string) {
	p.t.Helper()
	r := p.Do(http.MethodPost, path, tokenFrom, form)
	return r.Code, r.Body
}

var csrfToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF returns the CSRF token of the page at path (any page with a form).
func (p *Person) CSRF(path string) string {
	p.t.Helper()
	r := p.Fetch(path)
	m := csrfToken.FindStringSubmatch(r.Body)
	if m == nil {
		p.t.Fatalf("no CSRF token on %s (%d)", path, r.Code)
	}
	return m[1]
}

// Do sends a request with method to path, with form as its body when the
// method is not GET or HEAD and the CSRF token of the page at tokenFrom
// ("" for none).
func (p *Person) Do(method, path, tokenFrom string, form url.Values) Response {
	p.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if tokenFrom != "" {
		form.Set("_csrf", p.CSRF(tokenFrom))
	}
	var body io.Reader
	if method != http.MethodGet && method != http.MethodHead {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, p.base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return p.Send(req)
}

// Send sends req, made by the caller, in the person's session.
func (p *Person) Send(req *http.Request) Response {
	p.t.Helper()
	for k, v := range p.Header {
		req.Header[k] = v
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Code: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}
}

// URL is the absolute URL of path on the person's server.
func (p *Person) URL(path string) string { return p.base + path }

// Client is the person's HTTP client: their cookies, no redirects followed.
func (p *Person) Client() *http.Client { return p.client }

// Cookie returns the person's cookie called name, or nil.
func (p *Person) Cookie(name string) *http.Cookie {
	u, _ := url.Parse(p.base)
	for _, c := range p.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// SetCookie puts c in the person's cookie jar.
func (p *Person) SetCookie(c *http.Cookie) {
	u, _ := url.Parse(p.base)
	p.client.Jar.SetCookies(u, []*http.Cookie{c})
}

// QueryCounter counts the queries an app's database runs: those bun builds
// and the prepared statements of the hot paths.
type QueryCounter struct{ n atomic.Int64 }

// CountQueries starts counting a's queries.
func CountQueries(a *app.App) *QueryCounter {
	q := &QueryCounter{}
	a.DB.AddQueryHook(q)
	db.ObserveStatements(a.DB, q)
	return q
}

// N is the number of queries counted so far.
func (q *QueryCounter) N() int64 { return q.n.Load() }

// BeforeQuery implements bun.QueryHook.
func (q *QueryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

// AfterQuery implements bun.QueryHook.
func (q *QueryCounter) AfterQuery(context.Context, *bun.QueryEvent) { q.n.Add(1) }

// Fill fills a's database with the demonstration organisation of the given
// size, with every service taking part (progress, certificates, public
// sessions), and returns what it made.
func Fill(t testing.TB, a *app.App, trainees int) *demo.Result {
	t.Helper()
	res, err := FillContext(context.Background(), a, trainees)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// FillContext is Fill for a goroutine of its own: it returns the error
// instead of failing a test.
func FillContext(ctx context.Context, a *app.App, trainees int) (*demo.Result, error) {
	return demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(),
		demo.Options{Trainees: trainees, Learning: a.Learning, Certificates: a.Certificates, Events: a.Events})
}
