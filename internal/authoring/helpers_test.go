package authoring_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/authoring"
	"groundwork/internal/identity"
)

// fastReload makes a served site look for published changes often.
func fastReload(cfg *app.Config) { cfg.CurriculumReload = 100 * time.Millisecond }

// lead is a training lead of site, as an authoring actor.
func lead(t *testing.T, site *apptest.Site) (*account.User, authoring.Actor) {
	t.Helper()
	u := site.User("lead@example.org", "Lena Lead", account.Admin)
	return u, authoring.Actor{Viewer: &identity.Viewer{ID: u.ID, Name: u.Name, Role: identity.Admin}, IP: "192.0.2.1"}
}

// localModule is a small public module of a service's own.
var localModule = map[string]string{
	"local-referrals/module.yaml": `title: Referral pathways in Northtown
summary: Where to send people for treatment, housing and naloxone in Northtown.
audience: public
minutes: 15
outcomes:
  - Name the three local services people are most often referred to.
references:
  - text: Northtown drug and alcohol service directory (2026).
    url: https://example.org/directory
`,
	"local-referrals/lessons/01-who-to-call.md": `---
title: Who to call
minutes: 10
---

Call the **Northtown Recovery Hub** first: it takes self-referrals.

## Out of hours

Use the crisis line.
`,
}

// save saves every file of files in its module's draft and fails the test
// on an error.
func save(t *testing.T, svc *authoring.Service, by authoring.Actor, files map[string]string) {
	t.Helper()
	for p, content := range files {
		module, _, _ := strings.Cut(p, "/")
		if _, err := svc.SaveFile(context.Background(), by, module, p, []byte(content)); err != nil {
			t.Fatalf("save %s: %v", p, err)
		}
	}
}

// eventually polls check until it is true or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serves reports whether path answers 200 with want in its body.
func serves(site *apptest.Site, t *testing.T, path, want string) bool {
	code, body := site.Anonymous().Get(path)
	return code == http.StatusOK && strings.Contains(body, want)
}

// signOffWorkersRole signs a new trainee off for the built-in competency
// role-explains-remit (module the-workers-role), so that it may not be
// removed.
func signOffWorkersRole(t *testing.T, site *apptest.Site) {
	t.Helper()
	sup := site.User("sup@example.org", "Sam Sup", account.Supervisor)
	trainee := site.User("tr@example.org", "Tia Trainee", account.Trainee)
	m, _ := site.App.Courses.Catalog().Module("the-workers-role")
	if err := site.App.Supervision.SignOff(context.Background(), sup, trainee, m, []string{"role-explains-remit"}, "Seen twice.", ""); err != nil {
		t.Fatal(err)
	}
}
