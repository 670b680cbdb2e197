package learning_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/db"
	"groundwork/internal/demo"
)

// querySet records each distinct SELECT the site sends while recording.
type querySet struct {
	mu        sync.Mutex
	recording bool
	seen      map[string]bool
	queries   []string
}

func (q *querySet) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (q *querySet) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	query := e.Query
	if e.Query == e.QueryTemplate { // a prepared statement: its arguments are apart
		query = withArguments(query, e.QueryArgs)
	}
	query = strings.TrimSpace(query)
	upper := strings.ToUpper(query)
	if !strings.HasPrefix(upper, "SELECT") && !strings.HasPrefix(upper, "WITH") {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.recording && !q.seen[query] {
		q.seen[query] = true
		q.queries = append(q.queries, query)
	}
}

// placeholder matches a prepared statement's parameters: $1 on
// PostgreSQL, ?1 on SQLite.
var placeholder = regexp.MustCompile(`[$?](\d+)`)

// withArguments writes a prepared statement's arguments into its query, so
// that it can be explained like any other; bun's own queries carry none.
func withArguments(query string, args []any) string {
	if len(args) == 0 {
		return query
	}
	return placeholder.ReplaceAllStringFunc(query, func(p string) string {
		n, err := strconv.Atoi(p[1:])
		if err != nil || n < 1 || n > len(args) {
			return p
		}
		switch v := args[n-1].(type) {
		case string:
			return "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			return fmt.Sprint(v)
		}
	})
}

func (q *querySet) record(on bool) {
	q.mu.Lock()
	q.recording = on
	q.mu.Unlock()
}

// TestQueriesAtScale fills demonstration organisations of 500 and 120
// trainees, with their statistics refreshed, and runs the two checks that
// keep a page's cost the same however large the organisation grows: the
// staff dashboard sends as many queries for 500 trainees as for 120, and no
// hot query reads a large table of the 500 from end to end. They share the
// organisations because filling them is most of their cost; the two fills
// run at once, the checks in turn.
func TestQueriesAtScale(t *testing.T) {
	t.Parallel()
	const trainees = 500
	site, smallSite := apptest.Start(t, ""), apptest.Start(t, "")
	var res, smallRes *demo.Result
	var err, smallErr error
	var fills sync.WaitGroup
	fills.Go(func() { res, err = apptest.FillContext(t.Context(), site.App, trainees) })
	fills.Go(func() { smallRes, smallErr = apptest.FillContext(t.Context(), smallSite.App, 120) })
	fills.Wait()
	if err := errors.Join(err, smallErr); err != nil {
		t.Fatal(err)
	}
	t.Run("StaffDashboardQueriesDoNotGrow", func(t *testing.T) {
		small, large := dashboardQueries(t, smallSite, smallRes), dashboardQueries(t, site, res)
		for who, n := range small {
			if large[who] != n {
				t.Errorf("the %s's dashboard sends %d queries for 120 trainees and %d for %d", who, n, large[who], trainees)
			}
		}
	})
	t.Run("HotQueriesUseIndexes", func(t *testing.T) { hotQueriesUseIndexes(t, site, res, trainees) })
}

// hotQueriesUseIndexes checks that the pages every trainee opens, sign-in
// included, and the staff dashboard read every large table through an
// index: after a demonstration fill and its statistics refresh, the
// database's own plan for each query those pages send reads no table of at
// least one row per trainee from end to end. The staff dashboard is read
// by a supervisor with a small caseload, by one of the demonstration's
// supervisors (half of every trainee, with hundreds of modules whose
// reflections wait) and by the training lead (every trainee). On
// PostgreSQL the check runs with sequential scans discouraged, so a Seq
// Scan that remains means no index could serve.
func hotQueriesUseIndexes(t *testing.T, site *apptest.Site, res *demo.Result, trainees int) {
	a := site.App
	large := largeTables(t, a, trainees)
	rec := &querySet{seen: map[string]bool{}}
	a.DB.AddQueryHook(rec)
	db.ObserveStatements(a.DB, rec)

	staff := caseload(t, site, 10)
	module := a.Courses.Catalog().TraineeModules()[0]
	lesson := "/modules/" + module.Slug + "/lessons/" + module.Lessons[0].Slug
	rec.record(true)
	trainee := signIn(t, site.Base, "trainee00001@demo.groundwork.example", res.Password)
	for _, path := range []string{"/dashboard", lesson, "/modules/" + module.Slug, "/certificates"} {
		if code, _ := trainee.Get(path); code != http.StatusOK {
			t.Fatalf("%s = %d", path, code)
		}
	}
	for _, p := range []*apptest.Person{site.SignIn(staff),
		signIn(t, site.Base, "sam.okoro@demo.groundwork.example", res.Password),
		signIn(t, site.Base, "lead@demo.groundwork.example", res.Password)} {
		if code, _ := p.Get("/dashboard"); code != http.StatusOK {
			t.Fatalf("a staff dashboard = %d", code)
		}
	}
	rec.record(false)

	if len(rec.queries) < 10 {
		t.Fatalf("only %d queries recorded", len(rec.queries))
	}
	for _, q := range rec.queries {
		plan, scans := explain(t, a.DB, q, large)
		t.Logf("%s\n%s", oneLine(q), plan)
		if len(scans) > 0 {
			t.Errorf("reads all of %v without an index:\n%s\n%s", scans, q, plan)
		}
	}
}

// caseload adds a supervisor and hands them n of the demonstration's
// trainees, a caseload of the size a supervisor has in a large
// organisation (the demonstration's two supervisors share every trainee).
func caseload(t *testing.T, site *apptest.Site, n int) *account.User {
	t.Helper()
	ctx := context.Background()
	a := site.App
	sup := site.User("new.supervisor@example.org", "Noor Supervisor", account.Supervisor)
	lead, err := account.UsersByRole(ctx, a.DB, account.Admin)
	if err != nil || len(lead) == 0 {
		t.Fatalf("no training lead: %v", err)
	}
	trainees, err := account.UsersByRole(ctx, a.DB, account.Trainee)
	if err != nil || len(trainees) < n {
		t.Fatalf("%d trainees: %v", len(trainees), err)
	}
	for i := range n {
		if err := a.Accounts.AssignSupervisor(ctx, &lead[0], &trainees[i*len(trainees)/n], sup.ID, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	return sup
}

// largeTables lists the tables with at least one row per trainee.
func largeTables(t *testing.T, a *app.App, trainees int) map[string]bool {
	t.Helper()
	ctx := context.Background()
	var tables []string
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if db.DialectOf(a.DB) == db.Postgres {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	if err := a.DB.NewRaw(q).Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	large := map[string]bool{}
	for _, table := range tables {
		n, err := a.DB.NewSelect().TableExpr(`"` + table + `"`).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n >= int64(trainees) {
			large[table] = true
		}
	}
	if !large["lesson_progress"] || !large["users"] {
		t.Fatalf("large tables %v lack the obvious ones", large)
	}
	return large
}

// explain returns the database's plan for query and the large tables it
// reads in full.
func explain(t *testing.T, conn *bun.DB, query string, large map[string]bool) (string, []string) {
	t.Helper()
	if db.DialectOf(conn) == db.Postgres {
		return explainPostgres(t, conn, query, large)
	}
	return explainSQLite(t, conn, query, large)
}

var sqliteScan = regexp.MustCompile(`^SCAN (\S+)(.*)$`)

// explainSQLite reads EXPLAIN QUERY PLAN: "SCAN t" without an index on a
// large table is a full read; "SEARCH t USING INDEX" is not.
func explainSQLite(t *testing.T, conn *bun.DB, query string, large map[string]bool) (string, []string) {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	aliases := tableAliases(query)
	var plan strings.Builder
	var scans []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&plan, "  %s\n", detail)
		m := sqliteScan.FindStringSubmatch(detail)
		if m == nil || strings.Contains(m[2], "USING") {
			continue
		}
		if table := aliases[m[1]]; large[table] {
			scans = append(scans, table)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String(), scans
}

var fromClause = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+(?:AS\s+)?"?(\w+)"?)?`)

// tableAliases maps each name a query gives a table (its alias, or its
// own name) to the table.
func tableAliases(query string) map[string]string {
	keywords := []string{"WHERE", "JOIN", "LEFT", "INNER", "CROSS", "ON", "ORDER", "GROUP", "UNION", "LIMIT", "USING", "SET", "HAVING", "AND", "OR"}
	out := map[string]string{}
	for _, m := range fromClause.FindAllStringSubmatch(query, -1) {
		out[m[1]] = m[1]
		if m[2] != "" && !slices.Contains(keywords, strings.ToUpper(m[2])) {
			out[m[2]] = m[1]
		}
	}
	return out
}

// explainPostgres asks for the plan with sequential scans discouraged and
// returns the large tables that are still read by a Seq Scan.
func explainPostgres(t *testing.T, conn *bun.DB, query string, large map[string]bool) (string, []string) {
	t.Helper()
	var raw string
	err := conn.RunInTx(context.Background(), &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query).Scan(&raw)
	})
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	var plans []struct{ Plan pgPlan }
	if err := json.Unmarshal([]byte(raw), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("explain %s: %v", query, err)
	}
	var plan strings.Builder
	var scans []string
	plans[0].Plan.walk(0, func(depth int, p pgPlan) {
		fmt.Fprintf(&plan, "  %s%s %s %s\n", strings.Repeat("  ", depth), p.NodeType, p.RelationName, p.IndexName)
		if p.NodeType == "Seq Scan" && large[p.RelationName] {
			scans = append(scans, p.RelationName)
		}
	})
	return plan.String(), scans
}

// pgPlan is a node of PostgreSQL's JSON plan.
type pgPlan struct {
	NodeType     string   `json:"Node Type"`
	RelationName string   `json:"Relation Name"`
	IndexName    string   `json:"Index Name"`
	Plans        []pgPlan `json:"Plans"`
}

func (p pgPlan) walk(depth int, fn func(int, pgPlan)) {
	fn(depth, p)
	for _, c := range p.Plans {
		c.walk(depth+1, fn)
	}
}

var spaces = regexp.MustCompile(`\s+`)

func oneLine(q string) string { return spaces.ReplaceAllString(q, " ") }

// dashboardQueries returns how many queries the first page of /dashboard
// sends on site, by who asks for it: the training lead (every trainee) and
// one of the demonstration's supervisors (half of them). Each query reads
// the page's trainees or counts through an index, never one query per
// trainee or per item waiting; it counts rather than times, so a busy
// machine cannot fail it.
func dashboardQueries(t *testing.T, site *apptest.Site, res *demo.Result) map[string]int64 {
	t.Helper()
	counter := apptest.CountQueries(site.App)
	out := map[string]int64{}
	for who, email := range map[string]string{"training lead": "lead", "supervisor": "sam.okoro"} {
		p := signIn(t, site.Base, email+"@demo.groundwork.example", res.Password)
		get(t, p, "/dashboard")
		before := counter.N()
		page := get(t, p, "/dashboard")
		out[who] = counter.N() - before
		if n := len(names(page)); n != 50 {
			t.Fatalf("the %s's first page lists %d trainees, want a full page of 50", who, n)
		}
	}
	return out
}
