package certificate_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/catalog"
	"groundwork/internal/certificate"
	"groundwork/internal/learning"
)

// team is a running site with a training lead, a supervisor and a trainee
// they supervise.
type team struct {
	site                  *apptest.Site
	admin, sup, trainee   *account.User
	adminAt, supAt, tiaAt *apptest.Person
}

func newTeam(t testing.TB) *team {
	t.Helper()
	return teamOn(t, apptest.Start(t, ""))
}

// teamOn is newTeam on the site s.
func teamOn(t testing.TB, s *apptest.Site) *team {
	t.Helper()
	tm := &team{site: s,
		admin:   s.User("lead@example.org", "Lea Lead", account.Admin),
		sup:     s.User("sup@example.org", "Sam Supervisor", account.Supervisor),
		trainee: s.User("tia@example.org", "Tia Ngāti-Whātua Żółć", account.Trainee)}
	if err := s.App.Accounts.AssignSupervisor(context.Background(), tm.admin, tm.trainee, tm.sup.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	tm.trainee.SupervisorID = &tm.sup.ID
	tm.adminAt, tm.supAt, tm.tiaAt = s.SignIn(tm.admin), s.SignIn(tm.sup), s.SignIn(tm.trainee)
	return tm
}

// module returns a module of the built-in curriculum.
func (tm *team) module(t testing.TB, slug string) *catalog.Module {
	t.Helper()
	m, ok := tm.site.App.Courses.Catalog().Module(slug)
	if !ok {
		t.Fatalf("no module %s", slug)
	}
	return m
}

// doOwnPart records that u read every lesson of m, passed its check and
// submitted its reflections.
func (tm *team) doOwnPart(t testing.TB, u *account.User, m *catalog.Module) {
	t.Helper()
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Microsecond)
	var r learning.Records
	for _, l := range m.Lessons {
		r.Lessons = append(r.Lessons, learning.LessonRead{UserID: u.ID, Module: m.Slug, Lesson: l.Slug, At: at})
	}
	if m.Quiz != nil {
		score, passed := 100, true
		r.Attempts = append(r.Attempts, learning.Attempt{ID: uuid.NewString(), UserID: u.ID, ModuleSlug: m.Slug,
			ModuleVersion: m.Version, OptionOrder: "{}", StartedAt: at, SubmittedAt: &at, Answers: "{}", Score: &score, Passed: &passed})
	}
	for i := range m.ReflectionPrompts {
		r.Reflections = append(r.Reflections, learning.Reflection{ID: uuid.NewString(), UserID: u.ID, ModuleSlug: m.Slug,
			Prompt: i + 1, Body: "What I learnt.", UpdatedAt: at, SubmittedAt: &at})
	}
	if err := learning.Import(context.Background(), tm.site.App.DB, r); err != nil {
		t.Fatal(err)
	}
}

// signOff has the supervisor sign off every competency of m for u.
func (tm *team) signOff(t testing.TB, u *account.User, m *catalog.Module) {
	t.Helper()
	var ids []string
	for _, c := range m.Competencies {
		ids = append(ids, c.ID)
	}
	if err := tm.site.App.Supervision.SignOff(context.Background(), tm.sup, u, m, ids, "Seen in practice.", ""); err != nil {
		t.Fatal(err)
	}
}

// complete makes u complete m; the sign-off issues the certificate.
func (tm *team) complete(t testing.TB, u *account.User, m *catalog.Module) *certificate.Certificate {
	t.Helper()
	tm.doOwnPart(t, u, m)
	tm.signOff(t, u, m)
	return tm.certificateOf(t, u, m.Slug)
}

// certificateOf returns u's current certificate for achievement.
func (tm *team) certificateOf(t testing.TB, u *account.User, achievement string) *certificate.Certificate {
	t.Helper()
	certs, err := certificate.OfHolder(context.Background(), tm.site.App.DB, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range certs {
		if certs[i].Achievement == achievement && certs[i].Current() {
			return &certs[i]
		}
	}
	t.Fatalf("%s holds no current certificate for %s", u.Name, achievement)
	return nil
}

func (tm *team) count(t testing.TB, table string) int {
	t.Helper()
	n, err := tm.site.App.DB.NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// verifyPath is the path part of c's verification URL.
func (tm *team) verifyPath(c *certificate.Certificate) string {
	u, _ := url.Parse(tm.site.App.Certificates.VerifyURL(c))
	return u.Path
}

var tagged = regexp.MustCompile(`<[^>]+>`)

// text strips the tags of a page and unescapes what matters here.
func text(page string) string {
	return regexp.MustCompile(`\s+`).ReplaceAllString(tagged.ReplaceAllString(page, " "), " ")
}
