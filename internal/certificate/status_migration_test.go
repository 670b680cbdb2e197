package certificate_test

import (
	"context"
	"strings"
	"testing"
	"text/template"

	"github.com/uptrace/bun"

	"groundwork/internal/db"
	"groundwork/migrations"
)

// runMigrationFile runs one migration file as bun does: the template
// rendered for the dialect, then each --bun:split part in turn.
func runMigrationFile(t *testing.T, conn *bun.DB, name string) {
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
	for _, part := range strings.Split(sql.String(), "--bun:split") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		if _, err := conn.ExecContext(context.Background(), part); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, part)
		}
	}
}

// Certificates issued before the status list get distinct places spread
// at random over the list, and new ones then find free places.
func TestStatusIndexMigrationBackfillsAtRandom(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	conn := tm.site.App.DB
	ctx := context.Background()
	for _, slug := range []string{"the-workers-role", "harm-reduction-social-work"} {
		tm.complete(t, tm.trainee, tm.module(t, slug))
	}
	runMigrationFile(t, conn, "20261206000017_credential_status_index.tx.down.sql")
	runMigrationFile(t, conn, "20261206000017_credential_status_index.tx.up.sql")

	var places []int
	if err := conn.NewSelect().Table("certificates").Column("status_index").Order("issued_at").Scan(ctx, &places); err != nil {
		t.Fatal(err)
	}
	if len(places) < 2 {
		t.Fatalf("only %d certificates", len(places))
	}
	seen := map[int]bool{}
	for _, p := range places {
		if p < 0 || p >= 131072 || seen[p] {
			t.Fatalf("places %v are not distinct places in a list of 131,072", places)
		}
		seen[p] = true
	}
	if places[len(places)-1] < 131072/len(places) && places[0] < 131072/len(places) {
		t.Fatalf("places %v are not spread over the list", places)
	}

	c := tm.complete(t, tm.trainee, tm.module(t, "ethics-and-boundaries"))
	if seen[c.StatusIndex] {
		t.Fatalf("a new certificate took a place already given: %d", c.StatusIndex)
	}
}
