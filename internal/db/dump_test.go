package db_test

import (
	"slices"
	"strings"
	"testing"

	"groundwork/internal/db/dbtest"
)

func TestMentionsFindsARowInAnyTable(t *testing.T) {
	conn := dbtest.New(t)
	if tables := dbtest.Tables(t, conn); !slices.Contains(tables, "mail_outbox") || !slices.Contains(tables, "users") {
		t.Fatalf("tables = %v, want every table including mail_outbox and users", tables)
	}
	if got := dbtest.Mentions(t, conn, "someone@example.org"); len(got) != 0 {
		t.Fatalf("fresh database mentions the address: %v", got)
	}
	dbtest.Exec(t, conn, `INSERT INTO mail_outbox (id, to_addr, subject, body, created_at, next_attempt_at)
		VALUES ('0190a0a0-0000-7000-8000-000000000001', 'Someone@Example.org', 's', 'b', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	got := dbtest.Mentions(t, conn, "someone@example.org")
	if len(got) != 1 || !strings.HasPrefix(got[0], "mail_outbox: ") {
		t.Fatalf("Mentions = %v, want the one outbox row", got)
	}
}
