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
	"groundwork/internal/audit"
	"groundwork/internal/mail"
)

var adminHref = regexp.MustCompile(`href="(/admin[^"#]*)"`)

// crawlAdmin visits every admin page reachable from start by links, as
// the admin b, and returns each page's path and body.
func crawlAdmin(t *testing.T, b *browser, start ...string) map[string]string {
	t.Helper()
	seen := map[string]string{}
	queue := append([]string(nil), start...)
	for len(queue) > 0 && len(seen) < 500 {
		path := queue[0]
		queue = queue[1:]
		if _, ok := seen[path]; ok {
			continue
		}
		r := b.get(path)
		seen[path] = r.Body
		for _, m := range adminHref.FindAllStringSubmatch(r.Body, -1) {
			queue = append(queue, html.UnescapeString(m[1]))
		}
	}
	return seen
}

// pendingResetToken reads the token of the newest unsent reset mail to
// email straight from the database, as only someone with database access
// could.
func pendingResetToken(t *testing.T, s *site, email string) string {
	t.Helper()
	var body string
	err := s.app.DB.NewSelect().Table("mail_outbox").Column("body").Where("to_addr = ?", email).
		Where("kind = ?", mail.PasswordReset).OrderExpr("created_at DESC").Limit(1).Scan(context.Background(), &body)
	if err != nil {
		t.Fatalf("no reset mail to %s: %v", email, err)
	}
	return tokenOf(t, linkPattern.FindString(body))
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	i := strings.LastIndex(link, "/")
	if link == "" || i < 0 {
		t.Fatalf("no link: %q", link)
	}
	return link[i+1:]
}

// assertNoAdminPageShows crawls every admin page and fails if one holds
// secret; it also checks that every outbox item was among the pages.
func assertNoAdminPageShows(t *testing.T, s *site, admin *browser, secret string, victim *account.User) {
	t.Helper()
	pages := crawlAdmin(t, admin, "/admin/users", "/admin/outbox", "/admin/outbox?all=1", "/admin/audit", "/admin/users/"+victim.ID)
	for path, body := range pages {
		if strings.Contains(body, secret) {
			t.Fatalf("the admin page %s shows the reset token", path)
		}
	}
	items, err := mail.List(context.Background(), s.app.DB, mail.Filter{})
	if err != nil || len(items) == 0 {
		t.Fatalf("outbox: %d items, %v", len(items), err)
	}
	for _, it := range items {
		if _, ok := pages["/admin/outbox/"+it.ID]; !ok {
			t.Fatalf("the crawl missed outbox item %s (%d pages)", it.ID, len(pages))
		}
		if body := pages["/admin/outbox/"+it.ID]; !strings.Contains(body, "1 recipient") || strings.Contains(body, victim.Email) {
			t.Fatalf("outbox item %s shows its recipient or not its count", it.ID)
		}
	}
}

// TestAdminCannotReachResetLinks: an admin asks for a reset of another
// person's password, then searches every admin page they can reach for the
// link, before and after the mail is sent, with and without SMTP.
func TestAdminCannotReachResetLinks(t *testing.T) {
	t.Parallel()
	for _, withMail := range []bool{true, false} {
		s := newSiteWithoutMail(t)
		if withMail {
			s = newSite(t)
		}
		s.user("lead@example.org", "Lead", account.Admin)
		victim := s.user("supervisor@example.org", "Sam Supervisor", account.Supervisor)
		admin := s.browser()
		admin.signIn("lead@example.org", testPassword)
		if r := admin.post("/forgot", "/forgot", url.Values{"email": {victim.Email}}); r.Code != http.StatusOK {
			t.Fatalf("reset request = %d", r.Code)
		}
		token := pendingResetToken(t, s, victim.Email)
		assertNoAdminPageShows(t, s, admin, token, victim)
		if withMail {
			delivered := tokenOf(t, s.lastLink(victim.Email))
			if delivered != token {
				t.Fatalf("delivered a different link")
			}
			assertNoAdminPageShows(t, s, admin, token, victim)
		}
		// The link is real: the person it was sent to can use it.
		if r := s.browser().get("/reset/" + token); r.Code != http.StatusOK {
			t.Fatalf("the reset link = %d", r.Code)
		}
	}
}

// TestSentMailKeepsNoAddressOrBody: once the reset mail is delivered, its
// outbox row holds its kind and status and nothing it said or to whom.
func TestSentMailKeepsNoAddressOrBody(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	u := s.user("rio@example.org", "Rio", account.Trainee)
	if r := s.browser().post("/forgot", "/forgot", url.Values{"email": {u.Email}}); r.Code != http.StatusOK {
		t.Fatalf("reset request = %d", r.Code)
	}
	token := tokenOf(t, s.lastLink(u.Email))
	items, err := mail.List(context.Background(), s.app.DB, mail.Filter{})
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox: %v, %v", items, err)
	}
	it := items[0]
	if it.To != "" || it.Subject != "" || it.Body != "" || it.Calendar != "" || it.Kind != mail.PasswordReset || it.Status() != "sent" {
		t.Fatalf("the sent reset mail: %+v", it)
	}
	var rows []map[string]any
	if err := s.app.DB.NewSelect().Table("mail_outbox").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		for col, v := range row {
			if str, ok := v.(string); ok && (strings.Contains(str, token) || strings.Contains(str, u.Email) || strings.Contains(str, "Rio")) {
				t.Fatalf("mail_outbox.%s still holds %q", col, str)
			}
		}
	}
}

// TestResetRequestIsAudited: the audit log names who asked for a reset (a
// signed-in person, or anonymous) and from which address, as the trusted
// proxy reports it.
func TestResetRequestIsAudited(t *testing.T) {
	t.Parallel()
	s := startSite(t, true, func(c *app.Config) { c.TrustedProxies = "127.0.0.1/32" })
	lead := s.user("lead@example.org", "Lead", account.Admin)
	u := s.user("rio@example.org", "Rio", account.Trainee)
	forgot := func(b *browser, email, from string) {
		t.Helper()
		form := url.Values{"email": {email}, "_csrf": {b.csrf("/forgot")}}
		req, _ := http.NewRequest(http.MethodPost, s.Base+"/forgot", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", from)
		if r := b.do(req); r.Code != http.StatusOK {
			t.Fatalf("reset request = %d", r.Code)
		}
	}
	forgot(s.browser(), u.Email, "203.0.113.7")
	admin := s.browser()
	admin.signIn(lead.Email, testPassword)
	forgot(admin, u.Email, "198.51.100.9")
	forgot(s.browser(), "nobody@example.org", "192.0.2.44")

	entries, err := audit.List(context.Background(), s.app.DB, audit.Filter{Action: audit.PasswordResetRequested})
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit: %+v, %v", entries, err)
	}
	unknown, byAdmin, anonymous := entries[0], entries[1], entries[2]
	if anonymous.ActorID != "" || anonymous.SubjectID != u.ID || anonymous.IP != "203.0.113.7" || !strings.Contains(anonymous.Detail, "anonymous") {
		t.Errorf("the anonymous request: %+v", anonymous)
	}
	if byAdmin.ActorID != lead.ID || byAdmin.SubjectID != u.ID || byAdmin.IP != "198.51.100.9" {
		t.Errorf("the admin's request: %+v", byAdmin)
	}
	if unknown.ActorID != "" || unknown.SubjectID != "" || unknown.IP != "192.0.2.44" || strings.Contains(unknown.Detail, "nobody") {
		t.Errorf("the request for an unknown email: %+v", unknown)
	}
}

// TestResetAnswersAlikeForUnknownEmails: the same page, and no mail, for
// an email without an account; a mail for one with.
func TestResetAnswersAlikeForUnknownEmails(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("rio@example.org", "Rio", account.Trainee)
	known := s.browser().post("/forgot", "/forgot", url.Values{"email": {"rio@example.org"}})
	unknown := s.browser().post("/forgot", "/forgot", url.Values{"email": {"nobody@example.org"}})
	strip := regexp.MustCompile(`name="_csrf" value="[^"]*"`)
	if known.Code != unknown.Code || strip.ReplaceAllString(known.Body, "") != strip.ReplaceAllString(unknown.Body, "") {
		t.Fatalf("the answers differ: %d vs %d", known.Code, unknown.Code)
	}
	if _, err := s.app.Outbox.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sent := s.mail.Sent(); len(sent) != 1 || sent[0].To != "rio@example.org" {
		t.Fatalf("mail sent: %+v", sent)
	}
	tokens, err := s.app.DB.NewSelect().Table("account_tokens").Count(context.Background())
	if err != nil || tokens != 1 {
		t.Fatalf("%d links stored (%v), want the known person's only", tokens, err)
	}
}

// TestInvitationLinkShownOnceWithoutMail: with no mail server, the admin
// who invites sees the link on the confirmation page, once; nothing is
// queued, and the link works.
func TestInvitationLinkShownOnceWithoutMail(t *testing.T) {
	t.Parallel()
	s := newSiteWithoutMail(t)
	s.user("lead@example.org", "Lead", account.Admin)
	admin := s.browser()
	admin.signIn("lead@example.org", testPassword)
	r := admin.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"noor@example.org"}, "role": {"trainee"}})
	link := linkPattern.FindString(r.Body)
	if r.Code != http.StatusOK || link == "" || !strings.Contains(link, "/invitations/") {
		t.Fatalf("invite = %d, link %q\n%s", r.Code, link, text(r.Body))
	}
	if items, _ := mail.List(context.Background(), s.app.DB, mail.Filter{}); len(items) != 0 {
		t.Fatalf("an invitation was queued with no mail server: %d", len(items))
	}
	for path, body := range crawlAdmin(t, admin, "/admin/users", "/admin/outbox?all=1", "/admin/audit") {
		if strings.Contains(body, tokenOf(t, link)) {
			t.Fatalf("%s shows the invitation link again", path)
		}
	}
	invitee := s.browser()
	path := strings.TrimPrefix(link, s.Base)
	if r := invitee.post(path, path, url.Values{"name": {"Noor"}, "password": {testPassword}, "confirm": {testPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("accept = %d", r.Code)
	}
}

// TestInvitationMailedWithMail: with mail delivered, the invitation goes by
// mail and the admin does not see the link.
func TestInvitationMailedWithMail(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("lead@example.org", "Lead", account.Admin)
	admin := s.browser()
	admin.signIn("lead@example.org", testPassword)
	r := admin.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"noor@example.org"}, "role": {"trainee"}})
	if r.Code != http.StatusSeeOther || linkPattern.MatchString(r.Body) {
		t.Fatalf("invite = %d", r.Code)
	}
	if link := s.lastLink("noor@example.org"); !strings.Contains(link, "/invitations/") {
		t.Fatalf("mailed %q", link)
	}
	if sent := s.mail.Sent(); sent[0].Kind != mail.Invitation {
		t.Fatalf("kind %q", sent[0].Kind)
	}
}
