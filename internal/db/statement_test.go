package db_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"groundwork/internal/db"
	"groundwork/internal/db/dbtest"
)

type countingHook struct{ n atomic.Int64 }

func (h *countingHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}
func (h *countingHook) AfterQuery(context.Context, *bun.QueryEvent) { h.n.Add(1) }

// TestStatementTakesParametersOnBothEngines runs one prepared statement
// with a repeated placeholder many times, concurrently, and shows that the
// hooks see each run.
func TestStatementTakesParametersOnBothEngines(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE statement_probe (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO statement_probe (id, a, b) VALUES (1, 'x', 'y'), (2, 'y', 'x'), (3, 'z', 'z')`); err != nil {
		t.Fatal(err)
	}
	hook := &countingHook{}
	db.ObserveStatements(conn, hook)
	stmt := db.NewStatement(conn, `SELECT id FROM statement_probe WHERE a = $1 OR b = $1 ORDER BY id LIMIT $2`)
	const runs = 40
	errs := make(chan error, runs)
	for range runs {
		go func() {
			rows, err := stmt.Query(ctx, "x", 5)
			if err != nil {
				errs <- err
				return
			}
			defer rows.Close()
			var ids []int
			for rows.Next() {
				var id int
				if err := rows.Scan(&id); err != nil {
					errs <- err
					return
				}
				ids = append(ids, id)
			}
			if len(ids) != 2 || ids[0] != 1 || ids[1] != 2 {
				t.Errorf("ids = %v, want [1 2]", ids)
			}
			errs <- rows.Err()
		}()
	}
	for range runs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := hook.n.Load(); n != runs {
		t.Errorf("hooks saw %d runs, want %d", n, runs)
	}
}
