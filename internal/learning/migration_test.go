package learning_test

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"groundwork/internal/db"
	"groundwork/internal/db/dbtest"
	"groundwork/migrations"
)

// TestMigrationKeepsOneOpenAttempt upgrades a database holding attempts
// opened in parallel before at most one could be open: the newest stays
// open, the others are kept but expired, and submitted ones are untouched.
func TestMigrationKeepsOneOpenAttempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := migrateBefore(t, "20261206000014")

	user := uuid.NewString()
	at := time.Now().UTC().Truncate(time.Second)
	if _, err := conn.ExecContext(ctx, "INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
		user, "t@example.org", "Trainee", "trainee", at, at); err != nil {
		t.Fatal(err)
	}
	ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()}
	insert := "INSERT INTO quiz_attempts (id, user_id, module_slug, module_version, option_order, started_at, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
	for i, id := range ids[:3] {
		if _, err := conn.ExecContext(ctx, insert, id, user, "first-contact", "v1", "{}", at.Add(time.Duration(i)*time.Minute), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, insert, ids[3], user, "first-contact", "v1", "{}", at, at); err != nil {
		t.Fatal(err)
	}

	if _, err := db.Migrate(ctx, conn); err != nil {
		t.Fatalf("the upgrade failed on parallel open attempts: %v", err)
	}
	var rows []struct {
		ID          string     `bun:"id"`
		SubmittedAt *time.Time `bun:"submitted_at"`
		ExpiredAt   *time.Time `bun:"expired_at"`
	}
	if err := conn.NewSelect().Table("quiz_attempts").Column("id", "submitted_at", "expired_at").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	expired := map[string]*time.Time{}
	for _, r := range rows {
		expired[r.ID] = r.ExpiredAt
	}
	if len(rows) != 4 || expired[ids[0]] == nil || expired[ids[1]] == nil || expired[ids[2]] != nil || expired[ids[3]] != nil {
		t.Fatalf("after the upgrade: %+v, want the first two expired and every attempt kept", rows)
	}
	if !expired[ids[0]].Equal(at.Add(time.Minute)) {
		t.Errorf("the oldest attempt expired at %v, want when the next began (%v)", expired[ids[0]], at.Add(time.Minute))
	}
	// The database now refuses a second open attempt.
	if _, err := conn.ExecContext(ctx, insert, uuid.NewString(), user, "first-contact", "v1", "{}", at, nil); err == nil {
		t.Fatal("a second open attempt was accepted")
	}
}

// migrateBefore migrates a fresh database up to, not including, upgrade.
func migrateBefore(t *testing.T, upgrade string) *bun.DB {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Open(ctx, dbtest.URL(t), db.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	older := fstest.MapFS{}
	err = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path >= upgrade {
			return err
		}
		data, err := fs.ReadFile(migrations.FS, path)
		older[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(older); err != nil {
		t.Fatal(err)
	}
	m := migrate.NewMigrator(conn, ms, migrate.WithMarkAppliedOnSuccess(true),
		migrate.WithTemplateData(map[string]string{"Dialect": string(db.DialectOf(conn))}))
	if err := m.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return conn
}

// TestMigrationFillsDashboardColumns upgrades a database with progress in
// it: each person's latest step is in learning_activity, and reflections
// with a comment carry the time of their first.
func TestMigrationFillsDashboardColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := migrateBefore(t, "20261207000600")
	at := time.Now().UTC().Truncate(time.Second)
	user, idle, lead := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, u := range []string{user, idle, lead} {
		if _, err := conn.ExecContext(ctx, "INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			u, u+"@example.org", "Someone", "trainee", at, at); err != nil {
			t.Fatal(err)
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec("INSERT INTO lesson_progress (user_id, module_slug, lesson_slug, completed_at) VALUES (?, 'm', 'a', ?), (?, 'm', 'b', ?)",
		user, at.Add(-3*time.Hour), user, at.Add(-2*time.Hour))
	commented, waiting := uuid.NewString(), uuid.NewString()
	exec("INSERT INTO reflections (id, user_id, module_slug, prompt, body, updated_at, submitted_at) VALUES (?, ?, 'm', 1, 'x', ?, ?), (?, ?, 'm', 2, 'y', ?, ?)",
		commented, user, at.Add(-time.Hour), at.Add(-time.Hour), waiting, user, at.Add(-time.Hour), at.Add(-time.Hour))
	for i := range 2 {
		exec("INSERT INTO reflection_comments (id, reflection_id, author_id, body, created_at) VALUES (?, ?, ?, 'ok', ?)",
			uuid.NewString(), commented, lead, at.Add(time.Duration(i)*time.Minute))
	}

	if _, err := db.Migrate(ctx, conn); err != nil {
		t.Fatal(err)
	}
	var last []struct {
		UserID string    `bun:"user_id"`
		LastAt time.Time `bun:"last_at"`
	}
	if err := conn.NewSelect().Table("learning_activity").Column("user_id", "last_at").Scan(ctx, &last); err != nil {
		t.Fatal(err)
	}
	if len(last) != 1 || last[0].UserID != user || !last[0].LastAt.Equal(at.Add(-time.Hour)) {
		t.Errorf("learning_activity = %+v, want only the trainee with steps, at their reflections", last)
	}
	var marks []struct {
		ID          string     `bun:"id"`
		CommentedAt *time.Time `bun:"commented_at"`
	}
	if err := conn.NewSelect().Table("reflections").Column("id", "commented_at").OrderExpr("prompt").Scan(ctx, &marks); err != nil {
		t.Fatal(err)
	}
	if len(marks) != 2 || marks[0].CommentedAt == nil || !marks[0].CommentedAt.Equal(at) || marks[1].CommentedAt != nil {
		t.Errorf("commented_at = %+v, want the first comment's time on the commented reflection only", marks)
	}
}

// TestMigrationCountsReflectionsWaiting upgrades a database with
// reflections in it: each trainee's count of modules whose submitted
// reflections nobody has commented on starts right, a module counting once
// however many of its reflections wait, and a trainee with none has no row.
func TestMigrationCountsReflectionsWaiting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := migrateBefore(t, "20261207000800")
	at := time.Now().UTC().Truncate(time.Second)
	busy, idle := uuid.NewString(), uuid.NewString()
	for _, u := range []string{busy, idle} {
		if _, err := conn.ExecContext(ctx, "INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			u, u+"@example.org", "Someone", "trainee", at, at); err != nil {
			t.Fatal(err)
		}
	}
	reflections := []struct {
		user, module string
		prompt       int
		submitted    bool
		commented    bool
	}{
		{busy, "both-waiting", 1, true, false}, {busy, "both-waiting", 2, true, false},
		{busy, "one-read", 1, true, true}, {busy, "one-read", 2, true, false},
		{busy, "all-read", 1, true, true},
		{busy, "draft", 1, false, false},
		{idle, "all-read", 1, true, true},
	}
	for _, r := range reflections {
		var submitted, commented *time.Time
		if r.submitted {
			submitted = &at
		}
		if r.commented {
			commented = &at
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO reflections (id, user_id, module_slug, prompt, body, updated_at, submitted_at, commented_at) VALUES (?, ?, ?, ?, 'x', ?, ?, ?)",
			uuid.NewString(), r.user, r.module, r.prompt, at, submitted, commented); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := db.Migrate(ctx, conn); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		UserID  string `bun:"user_id"`
		Modules int    `bun:"modules"`
	}
	if err := conn.NewSelect().Table("reflections_waiting").Column("user_id", "modules").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].UserID != busy || rows[0].Modules != 2 {
		t.Errorf("reflections_waiting = %+v, want only %s with 2 modules", rows, busy)
	}
}
