package account_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/mail/mailtest"
)

// site is the real Groundwork server on a fresh database. Its mail goes to
// a recorder, as it would to an SMTP server.
type site struct {
	t    testing.TB
	app  *app.App
	srv  *httptest.Server
	mail *mailtest.Recorder
}

// newSite starts a site whose mail is delivered (to a recorder).
func newSite(t *testing.T) *site {
	t.Helper()
	return startSite(t, &mailtest.Recorder{})
}

// newSiteWithoutMail starts a site with no mail server configured.
func newSiteWithoutMail(t *testing.T) *site {
	t.Helper()
	return startSite(t, nil)
}

func startSite(t testing.TB, rec *mailtest.Recorder, configure ...func(*app.Config)) *site {
	t.Helper()
	cfg := app.DefaultConfig()
	cfg.DatabaseURL = dbtest.URL(t)
	cfg.DBMaxConns = 8
	if rec != nil {
		cfg.Mailer = rec
	}
	for _, f := range configure {
		f(cfg)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	a.Config.BaseURL = srv.URL
	a.Accounts.BaseURL = srv.URL
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &site{t: t, app: a, srv: srv, mail: rec}
}

// service returns the account service wired into the app.
func (s *site) service() *account.Service { return s.app.Accounts }

// user creates an active account directly.
func (s *site) user(email, name string, role account.Role) *account.User {
	s.t.Helper()
	u, _, err := s.service().CreateUser(context.Background(), email, name, role, testPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

const testPassword = "correct horse battery staple"

// browser is one person's cookie jar; it does not follow redirects.
type browser struct {
	t      testing.TB
	s      *site
	client *http.Client
	ip     string
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, s: s, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a finished request.
type response struct {
	Code     int
	Body     string
	Location string
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{Code: resp.StatusCode, Body: string(body), Location: resp.Header.Get("Location")}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf returns the token of the page at path (any page with a form).
func (b *browser) csrf(path string) string {
	b.t.Helper()
	page := b.get(path)
	m := csrfField.FindStringSubmatch(page.Body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s (%d)", path, page.Code)
	}
	return m[1]
}

// post submits form to path with the CSRF token of page tokenFrom (or none
// when tokenFrom is "").
func (b *browser) post(path, tokenFrom string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if tokenFrom != "" {
		form.Set("_csrf", b.csrf(tokenFrom))
	}
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) signIn(email, password string) response {
	b.t.Helper()
	return b.post("/signin", "/forgot", url.Values{"email": {email}, "password": {password}})
}

// signedIn reports whether the browser's session is live.
func (b *browser) signedIn() bool {
	b.t.Helper()
	r := b.get("/account")
	return r.Code == http.StatusOK
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (b *browser) setCookie(c *http.Cookie) {
	u, _ := url.Parse(b.s.srv.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{c})
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<]+/(invitations|reset|setup)/[A-Z0-9]+`)

// lastLink delivers due mail and returns the single-use link in the newest
// mail received at email, as the person would find it in their inbox.
func (s *site) lastLink(email string) string {
	s.t.Helper()
	if _, err := s.app.Outbox.SendDue(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	sent := s.mail.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].To != email {
			continue
		}
		link := linkPattern.FindString(sent[i].Body)
		if link == "" {
			s.t.Fatalf("no link in mail to %s:\n%s", email, sent[i].Body)
		}
		return strings.TrimPrefix(link, s.srv.URL)
	}
	s.t.Fatalf("no mail to %s", email)
	return ""
}

// text strips tags and unescapes, for assertions on what people read.
func text(body string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " "))
}
