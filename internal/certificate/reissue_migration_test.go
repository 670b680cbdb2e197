package certificate_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"text/template"

	"github.com/uptrace/bun"

	"groundwork/internal/certificate"
	"groundwork/internal/db"
	"groundwork/migrations"
)

// runMigrationInTx runs one migration file as bun runs a .tx. migration:
// the template rendered for the dialect, then each --bun:split part in
// turn, all in one transaction.
func runMigrationInTx(t *testing.T, conn *bun.DB, name string) {
	t.Helper()
	raw, err := migrations.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var sql strings.Builder
	tpl := template.Must(template.New(name).Parse(string(raw)))
	if err := tpl.Execute(&sql, map[string]string{"Dialect": string(db.DialectOf(conn))}); err != nil {
		t.Fatal(err)
	}
	err = conn.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		for _, part := range strings.Split(sql.String(), "--bun:split") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, part); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// The partial reissue_of index migrates down and up with certificates,
// revocations, re-issues and flags in place, and either way a certificate
// is re-issued at most once.
func TestReissueIndexMigratesBothWaysKeepingEveryRow(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	conn := tm.site.App.DB
	ctx := context.Background()
	svc := tm.site.App.Certificates
	first := tm.complete(t, tm.trainee, tm.module(t, "the-workers-role"))
	second := tm.complete(t, tm.trainee, tm.module(t, "harm-reduction-social-work"))
	if _, err := svc.Reissue(ctx, tm.admin, first, "Name changed."); err != nil {
		t.Fatal(err)
	}
	if err := svc.Revoke(ctx, tm.admin, second, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	if err := svc.FlagWithdrawal(ctx, conn, tm.trainee.ID, "the-workers-role", "Withdrawn."); err != nil {
		t.Fatal(err)
	}
	tables := []string{"certificates", "certificate_revocations", "certificate_flags"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = tm.count(t, table)
	}
	if before["certificate_flags"] == 0 {
		t.Fatal("no flag to carry through the migration")
	}

	const name = "20261207000500_reissue_partial_index.tx."
	for _, step := range []string{"down", "up"} {
		runMigrationInTx(t, conn, name+step+".sql")
		for _, table := range tables {
			if n := tm.count(t, table); n != before[table] {
				t.Fatalf("after %s, %s has %d rows, want %d", step, table, n, before[table])
			}
		}
		old, err := certificate.ByID(ctx, conn, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if old.Status() != certificate.Superseded {
			t.Fatalf("after %s the re-issued certificate is %s", step, old.Status())
		}
		old.SupersededBy = "" // as an admin holding a stale page would act
		if _, err := svc.Reissue(ctx, tm.admin, old, "Again."); !errors.Is(err, certificate.ErrSuperseded) {
			t.Fatalf("after %s a second re-issue = %v, want ErrSuperseded", step, err)
		}
	}
	if c := tm.complete(t, tm.trainee, tm.module(t, "ethics-and-boundaries")); c.ReissueOf != nil {
		t.Fatal("a new certificate is marked a re-issue")
	}
}
