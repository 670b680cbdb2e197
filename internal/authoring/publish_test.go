package authoring_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/authoring"
	"groundwork/internal/fault"
)

// TestAPublishOnOneReplicaIsServedByTheOther runs two servers on one
// database: a module published on the first is served by the second
// within seconds, and so is a local copy of a built-in lesson.
func TestAPublishOnOneReplicaIsServedByTheOther(t *testing.T) {
	t.Parallel()
	one := apptest.Serve(t, "", fastReload)
	two := apptest.Serve(t, "", fastReload, func(cfg *app.Config) { cfg.DatabaseURL = one.App.Config.DatabaseURL })
	_, by := lead(t, one)
	ctx := context.Background()
	save(t, one.App.Authoring, by, localModule)
	const lesson = "/modules/local-referrals/lessons/who-to-call"
	if serves(two, t, lesson, "Recovery Hub") || serves(one, t, lesson, "Recovery Hub") {
		t.Fatal("a draft is served before it is published")
	}
	if _, err := one.App.Authoring.Publish(ctx, by, "local-referrals", "first version"); err != nil {
		t.Fatal(err)
	}
	if !serves(one, t, lesson, "Recovery Hub") {
		t.Fatal("the replica that published does not serve the module at once")
	}
	eventually(t, 5*time.Second, "the other replica serves the new module", func() bool { return serves(two, t, lesson, "Recovery Hub") })

	builtIn := "harm-reduction-for-policymakers/lessons/01-what-harm-reduction-is.md"
	copyOf := overrideOf(t, one, builtIn, "Northtown has its own introduction.")
	save(t, one.App.Authoring, by, map[string]string{builtIn: copyOf})
	if _, err := one.App.Authoring.Publish(ctx, by, "harm-reduction-for-policymakers", ""); err != nil {
		t.Fatal(err)
	}
	path := "/modules/harm-reduction-for-policymakers/lessons/what-harm-reduction-is"
	eventually(t, 5*time.Second, "the other replica serves the local copy", func() bool { return serves(two, t, path, "Northtown has its own introduction") })
}

// overrideOf returns the built-in file at p with line added after its
// front matter.
func overrideOf(t *testing.T, site *apptest.Site, p, line string) string {
	t.Helper()
	files, err := site.App.Authoring.Export(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	b, ok := files[p]
	if !ok {
		t.Fatalf("no built-in file %s", p)
	}
	head, body, _ := strings.Cut(strings.TrimPrefix(string(b), "---\n"), "\n---\n")
	return "---\n" + head + "\n---\n\n" + line + "\n" + body
}

// TestPublishRefusesProblemsButADraftKeepsThem saves a draft with a
// mistake (kept, with the checker's message), refuses to publish it, and
// publishes once it is fixed, as version 1 then 2.
func TestPublishRefusesProblemsButADraftKeepsThem(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	_, by := lead(t, site)
	svc, ctx := site.App.Authoring, context.Background()
	save(t, svc, by, localModule)
	broken := strings.Replace(localModule["local-referrals/lessons/01-who-to-call.md"], "## Out of hours", "See [the hub](lesson:the-hub).\n\n## Out of hours", 1)
	problems, err := svc.SaveFile(ctx, by, "local-referrals", "local-referrals/lessons/01-who-to-call.md", []byte(broken))
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Line != 8 || !strings.Contains(problems[0].Message, `"the-hub"`) {
		t.Fatalf("problems = %v, want the broken link on line 8", problems)
	}
	d, err := svc.Draft(ctx, "local-referrals")
	if err != nil || !strings.Contains(string(d.Files["local-referrals/lessons/01-who-to-call.md"]), "the-hub") || len(d.Problems) != 1 {
		t.Fatalf("the draft was not kept with its problem: %v %v", err, d)
	}
	_, err = svc.Publish(ctx, by, "local-referrals", "")
	if fault.CodeOf(err) != fault.CodeInvalid || len(authoring.ProblemsOf(err)) != 1 {
		t.Fatalf("publish with a problem = %v", err)
	}
	if _, ok := site.App.Courses.Catalog().Module("local-referrals"); ok {
		t.Fatal("a refused publish is served")
	}
	save(t, svc, by, localModule)
	for want := 1; want <= 2; want++ {
		if want == 2 {
			save(t, svc, by, map[string]string{"local-referrals/lessons/02-housing.md": "---\ntitle: Housing\nminutes: 5\n---\n\nAsk the housing desk.\n"})
		}
		n, err := svc.Publish(ctx, by, "local-referrals", "")
		if err != nil || n != want {
			t.Fatalf("publish = %d, %v; want version %d", n, err, want)
		}
	}
	if _, err := svc.Publish(ctx, by, "local-referrals", ""); fault.CodeOf(err) != fault.CodeConflict {
		t.Fatalf("publishing with no draft = %v, want a conflict", err)
	}
	m, _ := site.App.Courses.Catalog().Module("local-referrals")
	if m == nil || len(m.Lessons) != 2 {
		t.Fatalf("served module = %+v", m)
	}
}
