package authoring_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
)

// TestAnUpgradeThatBreaksLocalContentKeepsServing publishes a local lesson
// 02, then starts a server whose built-in curriculum has a lesson 02 of
// its own (as an upgrade might): it starts, serves the curriculum without
// that module's local content (other local modules stay) and tells admins
// why.
func TestAnUpgradeThatBreaksLocalContentKeepsServing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../catalog/testdata/example")); err != nil {
		t.Fatal(err)
	}
	before := apptest.Start(t, dir)
	u, by := lead(t, before)
	save(t, before.App.Authoring, by, map[string]string{"first-contact/lessons/02-our-door.md": "---\ntitle: Our door\nminutes: 5\n---\n\nRead [the first minute](lesson:the-first-minute) again.\n"})
	if _, err := before.App.Authoring.Publish(context.Background(), by, "first-contact", ""); err != nil {
		t.Fatal(err)
	}
	save(t, before.App.Authoring, by, localModule)
	if _, err := before.App.Authoring.Publish(context.Background(), by, "local-referrals", ""); err != nil {
		t.Fatal(err)
	}
	upgraded := t.TempDir()
	if err := os.CopyFS(upgraded, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	added := filepath.Join(upgraded, "first-contact", "lessons", "02-the-second-minute.md")
	if err := os.WriteFile(added, []byte("---\ntitle: The second minute\nminutes: 5\n---\n\nListen.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	after := apptest.Start(t, upgraded, func(cfg *app.Config) { cfg.DatabaseURL = before.App.Config.DatabaseURL })
	if code, _ := after.Anonymous().Get("/modules/first-contact/lessons/our-door"); code == http.StatusOK {
		t.Fatal("a local lesson that fails the checker is served")
	}
	if !serves(after, t, "/modules/local-referrals/lessons/who-to-call", "Recovery Hub") {
		t.Fatal("a local module without problems is no longer served")
	}
	_, page := after.SignIn(u).Get("/admin/curriculum")
	if !strings.Contains(page, "does not work with this version of Groundwork") || !strings.Contains(page, "lesson number 02 is also used") {
		t.Fatal("the admin is not told why the local curriculum is not served")
	}
}
