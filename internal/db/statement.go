package db

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// Statement is a read query that signed-in pages run on every request. It
// is prepared once per pooled connection, so the database does not parse
// and plan it again each time: on SQLite parsing costs more than running a
// lookup by primary key. Queries built with bun are formatted with their
// arguments inline and cannot be reused; a Statement takes its arguments
// as parameters.
//
// The query is written with PostgreSQL's $1, $2... placeholders; on SQLite
// they become ?1, ?2..., which may likewise repeat.
type Statement struct {
	db    *bun.DB
	query string
	stmt  atomic.Pointer[sql.Stmt]
}

// NewStatement returns the statement for query on db. It is prepared on
// first use, once the migrations have made its tables.
func NewStatement(db *bun.DB, query string) *Statement {
	if DialectOf(db) == SQLite {
		query = pgPlaceholder.ReplaceAllString(query, "?$1")
	}
	return &Statement{db: db, query: query}
}

var pgPlaceholder = regexp.MustCompile(`\$(\d+)`)

// Query runs the statement with args. The hooks added with ObserveStatements
// see it as they would a query bun runs.
func (s *Statement) Query(ctx context.Context, args ...any) (*sql.Rows, error) {
	stmt, err := s.prepared(ctx)
	if err != nil {
		return nil, err
	}
	hooks := statementHooks(s.db)
	event := &bun.QueryEvent{DB: s.db, Query: s.query, QueryTemplate: s.query, QueryArgs: args, StartTime: time.Now()}
	for _, h := range hooks {
		ctx = h.BeforeQuery(ctx, event)
	}
	rows, err := stmt.QueryContext(ctx, args...)
	event.Err = err
	for i := len(hooks) - 1; i >= 0; i-- {
		hooks[i].AfterQuery(ctx, event)
	}
	return rows, err
}

// prepared returns the prepared statement, preparing it when no earlier
// attempt succeeded (a failed attempt, say during an outage, is retried).
// No lock is held while preparing, which waits for a pooled connection.
func (s *Statement) prepared(ctx context.Context) (*sql.Stmt, error) {
	if stmt := s.stmt.Load(); stmt != nil {
		return stmt, nil
	}
	stmt, err := s.db.DB.PrepareContext(ctx, s.query)
	if err != nil {
		return nil, fmt.Errorf("prepare statement: %w", err)
	}
	if !s.stmt.CompareAndSwap(nil, stmt) {
		stmt.Close() // another request prepared it first
	}
	return s.stmt.Load(), nil
}

// Columns lists the columns of model's table, each qualified with alias
// ("u.id, u.email, ..."), for a Statement that selects a whole row into a
// bun model without naming every column by hand.
func Columns(db *bun.DB, model any, alias string) string {
	table := db.Table(reflect.TypeOf(model))
	names := make([]string, len(table.Fields))
	for i, f := range table.Fields {
		names[i] = alias + "." + f.Name
	}
	return strings.Join(names, ", ")
}

// observers holds, per database, the hooks that see its Statements run.
var observers struct {
	sync.RWMutex
	hooks map[*bun.DB][]bun.QueryHook
}

// ObserveStatements adds hook to those the Statements on db call, as
// db.AddQueryHook does for bun's own queries. Tests and benchmarks that
// count queries add their counter with both.
func ObserveStatements(db *bun.DB, hook bun.QueryHook) {
	observers.Lock()
	defer observers.Unlock()
	if observers.hooks == nil {
		observers.hooks = map[*bun.DB][]bun.QueryHook{}
	}
	observers.hooks[db] = append(observers.hooks[db], hook)
}

func statementHooks(db *bun.DB) []bun.QueryHook {
	observers.RLock()
	defer observers.RUnlock()
	return observers.hooks[db]
}
