package supervision_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
)

// A curriculum that drops a competency someone was signed off for would
// orphan their record: the server refuses to start on it.
func TestServerRefusesACurriculumThatDropsASignedOffCompetency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := apptest.Config(t)
	a := apptest.New(t, cfg)
	sup, _, _ := a.Accounts.CreateUser(ctx, "s@example.org", "Sam", account.Supervisor, "a long enough passphrase")
	tr, _, _ := a.Accounts.CreateUser(ctx, "t@example.org", "Tia", account.Trainee, "a long enough passphrase")
	m, _ := a.Courses.Catalog().Module("ethics-and-boundaries")
	if err := a.Supervision.SignOff(ctx, sup, tr, m, []string{"ethics-records-consent"}, "Observed.", ""); err != nil {
		t.Fatal(err)
	}
	a.Close()

	cfg.CoursesDir, _ = filepath.Abs("../catalog/testdata/example")
	if b, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		b.Close()
		t.Fatal("the server started on a curriculum without a signed-off competency")
	} else if !strings.Contains(err.Error(), `"ethics-records-consent" was removed`) {
		t.Fatalf("error = %v", err)
	}
}
