package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"groundwork/internal/db"
)

// Tables lists every table of the database under test (bun's migration
// bookkeeping included), as a person with read access would see them.
func Tables(t testing.TB, conn *bun.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if db.DialectOf(conn) == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	var names []string
	if err := conn.NewRaw(q).Scan(context.Background(), &names); err != nil {
		t.Fatalf("dbtest: list tables: %v", err)
	}
	return names
}

// Dump returns every row of every table as text, one line per row in the
// form "table: value | value | ...", for tests that must show a person's
// data is gone from everywhere, not just from the tables they expect.
func Dump(t testing.TB, conn *bun.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range Tables(t, conn) {
		rows, err := conn.QueryContext(context.Background(), "SELECT * FROM "+table)
		if err != nil {
			t.Fatalf("dbtest: dump %s: %v", table, err)
		}
		if err := dumpRows(&b, table, rows); err != nil {
			t.Fatalf("dbtest: dump %s: %v", table, err)
		}
	}
	return b.String()
}

func dumpRows(b *strings.Builder, table string, rows *sql.Rows) error {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	values := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		cells := make([]string, len(values))
		for i, v := range values {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			cells[i] = fmt.Sprint(v)
		}
		fmt.Fprintf(b, "%s: %s\n", table, strings.Join(cells, " | "))
	}
	return rows.Err()
}

// Mentions returns the lines of Dump that contain any of needles (compared
// case-insensitively), so a failure names the table and row that kept them.
func Mentions(t testing.TB, conn *bun.DB, needles ...string) []string {
	t.Helper()
	var found []string
	for _, line := range strings.Split(Dump(t, conn), "\n") {
		lower := strings.ToLower(line)
		for _, n := range needles {
			if n != "" && strings.Contains(lower, strings.ToLower(n)) {
				found = append(found, line)
				break
			}
		}
	}
	return found
}
