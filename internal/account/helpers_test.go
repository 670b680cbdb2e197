package account_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/clock"
	"groundwork/internal/mail/mailtest"
)

// site is the real Groundwork server on a fresh database (apptest). Its
// mail goes to a recorder, as it would to an SMTP server.
type site struct {
	*apptest.Site
	t     testing.TB
	app   *app.App
	mail  *mailtest.Recorder
	clock *clock.Moving
}

// newSite starts a site whose mail is delivered (to a recorder).
func newSite(t *testing.T) *site {
	t.Helper()
	return startSite(t, true)
}

// newSiteWithoutMail starts a site with no mail server configured.
func newSiteWithoutMail(t *testing.T) *site {
	t.Helper()
	return startSite(t, false)
}

// startSite starts a site, delivering mail when mail is set, with links in
// mail pointing at it.
func startSite(t testing.TB, mail bool, configure ...func(*app.Config)) *site {
	t.Helper()
	if mail {
		configure = append(configure, apptest.WithMail)
	}
	s := apptest.Start(t, "", configure...)
	s.App.Config.BaseURL = s.Base
	s.App.Accounts.BaseURL = s.Base
	return &site{Site: s, t: t, app: s.App, mail: s.Mail, clock: s.Clock}
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

// browser is one person's browser session; it does not follow redirects.
type browser struct{ *apptest.Person }

func (s *site) browser() *browser { return &browser{s.Anonymous()} }

// response is a finished request.
type response = apptest.Response

func (b *browser) get(path string) response { return b.Fetch(path) }

// csrf returns the token of the page at path (any page with a form).
func (b *browser) csrf(path string) string { return b.CSRF(path) }

// post submits form to path with the CSRF token of page tokenFrom (or none
// when tokenFrom is "").
func (b *browser) post(path, tokenFrom string, form url.Values) response {

	return b.Do(http.MethodPost, path, tokenFrom, form)
}

// do sends a request made by the test.
func (b *browser) do(req *http.Request) response { return b.Send(req) }

func (b *browser) signIn(email, password string) response {

	return b.post("/signin", "/forgot", url.Values{"email": {email}, "password": {password}})
}

// signedIn reports whether the browser's session is live.
func (b *browser) signedIn() bool {

	return b.get("/account").Code == http.StatusOK
}

func (b *browser) cookie(name string) *http.Cookie { return b.Cookie(name) }

func (b *browser) setCookie(c *http.Cookie) { b.SetCookie(c) }

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
		return strings.TrimPrefix(link, s.Base)
	}
	s.t.Fatalf("no mail to %s", email)
	return ""
}

// text strips tags and unescapes, for assertions on what people read.
func text(body string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " "))
}
