package learning

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/supervision"
	"groundwork/internal/web"
)

// reports serves the training lead's reports: the cohort matrix with its
// chart, knowledge-check item analysis and the CSV export.
type reports struct {
	store    *catalog.Store
	progress *Progress
	views    struct {
		Matrix *web.Page `page:"report_matrix"`
		Items  *web.Page `page:"report_items"`
	}
}

// Cell states in the matrix and the export.
const (
	statusComplete   = "Complete"
	statusInProgress = "In progress"
	statusNotStarted = "Not started"
)

func status(mp ModuleProgress) string {
	switch {
	case mp.Complete():
		return statusComplete
	case mp.Started():
		return statusInProgress
	}
	return statusNotStarted
}

// percentLabels are the cells of modules in progress, by percentage.
var percentLabels = func() (labels [101]string) {
	for i := range labels {
		labels[i] = strconv.Itoa(i) + "%"
	}
	return labels
}()

// reportRow is one trainee in the matrix and the export, with each
// module's state and cell worked out once.
type reportRow struct {
	User      account.User
	Modules   []ModuleProgress
	Clearance catalog.Clearance
	// States holds each module's state; Cells what its cell shows: the
	// state, or the percentage done when in progress.
	States []string
	Cells  []string
	// Practice is what the unsupervised practice cell shows.
	Practice string
}

// CellsHTML is the row's module cells as table cells, escaped, so a page of
// hundreds of trainees renders one action per row instead of one per cell.
func (r reportRow) CellsHTML() template.HTML {
	var b strings.Builder
	for _, c := range r.Cells {
		b.WriteString("<td>")
		b.WriteString(template.HTMLEscapeString(c))
		b.WriteString("</td>")
	}
	return template.HTML(b.String()) //nolint:gosec // every cell is escaped above
}

func newReportRow(u account.User, modules []ModuleProgress, cl catalog.Clearance) reportRow {
	row := reportRow{User: u, Modules: modules, Clearance: cl,
		States: make([]string, len(modules)), Cells: make([]string, len(modules)), Practice: "Cleared"}
	if !cl.Cleared() {
		row.Practice = "Not cleared: " + strconv.Itoa(len(cl.Missing)) + " to sign off"
	}
	for i, mp := range modules {
		row.States[i] = status(mp)
		row.Cells[i] = row.States[i]
		if row.States[i] == statusInProgress {
			row.Cells[i] = percentLabels[min(max(mp.Percent(), 0), 100)]
		}
	}
	return row
}

// matrixData is what the cohort matrix shows.
type matrixData struct {
	Cohorts []account.Cohort
	// Cohort is the cohort shown; nil means every trainee of every cohort.
	Cohort *account.Cohort
	// Supervisors lists the choices of the supervisor filter; Supervisor
	// is the one chosen, nil for any.
	Supervisors []account.User
	Supervisor  *account.User
	Status      string
	Statuses    []string
	Modules     []*catalog.Module
	Rows        []reportRow
	Chart       []chartBar
	// Practice filters by clearance for unsupervised practice: "",
	// practiceCleared or practiceNotCleared; Practices lists the choices,
	// none when the programme has no safety-critical competency.
	Practice  string
	Practices []string
	// Export is the query string of the CSV export of the same trainees.
	Export string
}

// Scope names the trainees shown, for captions.
func (d matrixData) Scope() string {
	s := "all cohorts"
	if d.Cohort != nil {
		s = d.Cohort.Name
	}
	if d.Supervisor != nil {
		s += ", supervised by " + d.Supervisor.Name
	}
	return s
}

// Filter values for clearance for unsupervised practice.
const (
	practiceCleared    = "cleared"
	practiceNotCleared = "not cleared"
)

// practiceLabel is how a report cell names a trainee's clearance.
func practiceLabel(cl catalog.Clearance) string {
	if cl.Cleared() {
		return practiceCleared
	}
	return practiceNotCleared
}

// chartBar is one module's counts, drawn as a stacked bar.
type chartBar struct {
	Title                          string
	Complete, InProgress, NotStart int
	CompleteW, InProgressW         int // widths out of 400
}

func (r *reports) showMatrix(c echo.Context) error {
	ctx := c.Request().Context()
	cat := r.store.Catalog()
	data := matrixData{Statuses: []string{statusComplete, statusInProgress, statusNotStarted},
		Modules: cat.TraineeModules()}
	if len(cat.BeforeUnsupervisedPractice()) > 0 {
		data.Practices = []string{practiceCleared, practiceNotCleared}
	}
	scope, err := r.scopeFrom(c)
	if err != nil {
		return err
	}
	data.Cohorts, data.Cohort, data.Supervisors, data.Supervisor = scope.cohorts, scope.cohort, scope.supervisors, scope.supervisor
	data.Export = scope.query()
	if s := c.QueryParam("status"); s == statusComplete || s == statusInProgress || s == statusNotStarted {
		data.Status = s
	}
	if p := c.QueryParam("practice"); data.Practices != nil && (p == practiceCleared || p == practiceNotCleared) {
		data.Practice = p
	}
	members, err := scope.members(ctx, r.progress.DB)
	if err != nil {
		return err
	}
	rows, err := r.rows(ctx, scope.memberIDs(r.progress.DB), members)
	if err != nil {
		return err
	}
	data.Chart = chart(data.Modules, rows)
	for _, row := range rows {
		if (data.Status == "" || anyStatus(row, data.Status)) && (data.Practice == "" || practiceLabel(row.Clearance) == data.Practice) {
			data.Rows = append(data.Rows, row)
		}
	}
	return r.views.Matrix.Render(c, http.StatusOK, data)
}

// reportScope is which trainees a report covers: one cohort's or every
// trainee's, optionally only one supervisor's.
type reportScope struct {
	cohorts     []account.Cohort
	cohort      *account.Cohort // nil for every cohort
	supervisors []account.User
	supervisor  *account.User // nil for any
}

// scopeFrom reads the cohort and supervisor filters from the query. An
// unknown cohort is not found; an unknown supervisor filters nothing.
func (r *reports) scopeFrom(c echo.Context) (reportScope, error) {
	ctx := c.Request().Context()
	var s reportScope
	var err error
	if s.cohorts, err = account.ListCohorts(ctx, r.progress.DB); err != nil {
		return s, err
	}
	if id := c.QueryParam("cohort"); id != "" {
		if s.cohort, err = account.CohortByID(ctx, r.progress.DB, id); err != nil {
			return s, err
		}
	}
	if s.supervisors, err = account.UsersByRole(ctx, r.progress.DB, account.Supervisor); err != nil {
		return s, err
	}
	id := c.QueryParam("supervisor")
	for i := range s.supervisors {
		if s.supervisors[i].ID == id {
			s.supervisor = &s.supervisors[i]
		}
	}
	return s, nil
}

// query is the scope as a query string, empty for every trainee.
func (s reportScope) query() string {
	q := url.Values{}
	if s.cohort != nil {
		q.Set("cohort", s.cohort.ID)
	}
	if s.supervisor != nil {
		q.Set("supervisor", s.supervisor.ID)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// where narrows q, a query of users AS u, to the trainees in scope.
func (s reportScope) where(q *bun.SelectQuery) *bun.SelectQuery {
	q = q.Where("u.role = ?", account.Trainee)
	if s.cohort != nil {
		q = q.Where("u.id IN (SELECT m.user_id FROM cohort_members AS m WHERE m.cohort_id = ?)", s.cohort.ID)
	}
	if s.supervisor != nil {
		q = q.Where("u.supervisor_id = ?", s.supervisor.ID)
	}
	return q
}

// traineeQuery selects the trainees in scope, by name.
func (s reportScope) traineeQuery(idb bun.IDB, users *[]account.User) *bun.SelectQuery {
	return s.where(idb.NewSelect().Model(users)).OrderExpr("lower(u.name), u.id")
}

// batchAfter returns the next exportBatch trainees in scope after the
// trainee after in the report's order (from the first when nil). It seeks
// past after in the index of trainees by name rather than skipping the
// rows before it, so every batch costs the same however far the export has
// gone.
func (s reportScope) batchAfter(ctx context.Context, idb bun.IDB, after *account.User) ([]account.User, error) {
	var users []account.User
	q := s.traineeQuery(idb, &users).Limit(int64(exportBatch))
	if after != nil {
		// (lower(name), id) > (lower(?), ?), spelt so that SQLite too
		// seeks in the index rather than reading it from the start.
		q = q.Where("lower(u.name) >= lower(?)", after.Name).
			Where("(lower(u.name) > lower(?) OR u.id > ?)", after.Name, after.ID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("report trainees: %w", err)
	}
	return users, nil
}

// memberIDs is a subquery of the IDs of the trainees members returns.
func (s reportScope) memberIDs(idb bun.IDB) *bun.SelectQuery {
	q := s.where(idb.NewSelect().TableExpr("users AS u").Column("u.id"))
	if s.cohort == nil {
		q = q.Where("u.active")
	}
	return q
}

// members returns the trainees in scope: a cohort's members, or every
// active trainee when no cohort is chosen.
func (s reportScope) members(ctx context.Context, idb bun.IDB) ([]account.User, error) {
	var users []account.User
	q := s.traineeQuery(idb, &users)
	if s.cohort == nil {
		q = q.Where("u.active")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("report trainees: %w", err)
	}
	return users, nil
}

func anyStatus(row reportRow, s string) bool {
	for _, st := range row.States {
		if st == s {
			return true
		}
	}
	return false
}

// rows works out the report rows of users, whom trainees selects (a
// subquery of their IDs, or bun.List of them).
func (r *reports) rows(ctx context.Context, trainees schema.QueryAppender, users []account.User) ([]reportRow, error) {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	cat := r.store.Catalog()
	totals, signed, err := r.progress.Totals(ctx, trainees, ids, cat)
	if err != nil {
		return nil, err
	}
	rows := make([]reportRow, len(users))
	for i, u := range users {
		rows[i] = newReportRow(u, totals[u.ID], cat.Clearance(signed[u.ID]))
	}
	return rows, nil
}

// chart counts each module's states across rows.
func chart(modules []*catalog.Module, rows []reportRow) []chartBar {
	bars := make([]chartBar, len(modules))
	for i, m := range modules {
		bars[i] = chartBar{Title: m.Title}
		for _, row := range rows {
			switch row.States[i] {
			case statusComplete:
				bars[i].Complete++
			case statusInProgress:
				bars[i].InProgress++
			default:
				bars[i].NotStart++
			}
		}
		if n := len(rows); n > 0 {
			bars[i].CompleteW = bars[i].Complete * 400 / n
			bars[i].InProgressW = bars[i].InProgress * 400 / n
		}
	}
	return bars
}

// itemData is the item analysis of one module's knowledge check.
type itemData struct {
	Modules  []*catalog.Module
	Module   *catalog.Module
	Attempts int
	Items    []itemRow
}

type itemRow struct {
	Number   int
	Prompt   string
	Answered int
	Correct  int
}

// Percent is the share of attempts answering the question correctly.
func (i itemRow) Percent() int {
	if i.Answered == 0 {
		return 0
	}
	return i.Correct * 100 / i.Answered
}

func (r *reports) showItems(c echo.Context) error {
	cat := r.store.Catalog()
	data := itemData{}
	for _, m := range cat.TraineeModules() {
		if m.Quiz != nil {
			data.Modules = append(data.Modules, m)
		}
	}
	slug := c.QueryParam("module")
	if slug == "" && len(data.Modules) > 0 {
		slug = data.Modules[0].Slug
	}
	if slug != "" {
		m, ok := cat.Module(slug)
		if !ok || m.Quiz == nil {
			return fault.NotFound()
		}
		data.Module = m
		var err error
		if data.Attempts, data.Items, err = r.analyse(c.Request().Context(), m); err != nil {
			return err
		}
	}
	return r.views.Items.Render(c, http.StatusOK, data)
}

// analyse reads every submitted attempt's answers and counts, per question,
// how many answered it correctly. It reads rows as they come.
func (r *reports) analyse(ctx context.Context, m *catalog.Module) (int, []itemRow, error) {
	items := make([]itemRow, len(m.Quiz.Questions))
	for i, q := range m.Quiz.Questions {
		items[i] = itemRow{Number: i + 1, Prompt: q.Prompt}
	}
	rows, err := r.progress.DB.NewSelect().Model((*Attempt)(nil)).Column("answers").
		Where("module_slug = ?", m.Slug).Where("submitted_at IS NOT NULL").Rows(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("read attempts: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		a := Attempt{}
		if err := rows.Scan(&a.Answers); err != nil {
			return 0, nil, err
		}
		n++
		chosen := a.Chosen()
		for i, q := range m.Quiz.Questions {
			if _, answered := chosen[q.ID]; answered {
				items[i].Answered++
				if Score(&catalog.Quiz{Questions: []catalog.Question{q}}, chosen) == 100 {
					items[i].Correct++
				}
			}
		}
	}
	return n, items, rows.Err()
}

// exportBatch is how many trainees the CSV export loads at a time, so its
// memory stays flat however many there are. Tests make it small, to cross
// batches with a few trainees.
var exportBatch = 500

// exportHeader is the first row of the progress export: fixed columns,
// then one per module (by title), then certificate numbers.
func exportHeader(modules []*catalog.Module) []string {
	header := []string{"name", "email", "cohort", "supervisor", "last activity", "supervision hours",
		"cleared for unsupervised practice"}
	for _, m := range modules {
		header = append(header, web.CSVCell(m.Title))
	}
	return append(header, "certificate numbers")
}

// exportExtras is what the export shows beside progress, for one batch of
// trainees.
type exportExtras struct {
	cohorts     map[string][]string
	supervisors map[string]string
	hours       map[string]supervision.Summary
	numbers     map[string][]string
}

func (r *reports) extras(ctx context.Context, users []account.User) (exportExtras, error) {
	var x exportExtras
	ids := make([]string, len(users))
	var supervisorIDs []string
	for i, u := range users {
		ids[i] = u.ID
		if u.SupervisorID != nil {
			supervisorIDs = append(supervisorIDs, *u.SupervisorID)
		}
	}
	var err error
	if x.cohorts, err = account.CohortNamesOf(ctx, r.progress.DB, ids); err != nil {
		return x, err
	}
	if x.supervisors, err = account.NamesByID(ctx, r.progress.DB, supervisorIDs); err != nil {
		return x, err
	}
	if r.progress.Supervision != nil {
		if x.hours, err = r.progress.Supervision.Summaries(ctx, ids); err != nil {
			return x, err
		}
	}
	if r.progress.Certificates != nil {
		if x.numbers, err = r.progress.Certificates.CurrentNumbers(ctx, ids); err != nil {
			return x, err
		}
	}
	return x, nil
}

func (r *reports) exportCSV(c echo.Context) error {
	ctx := c.Request().Context()
	scope, err := r.scopeFrom(c)
	if err != nil {
		return err
	}
	modules := r.store.Catalog().TraineeModules()
	web.StartCSV(c, "groundwork-progress.csv")
	w := csv.NewWriter(c.Response())
	_ = w.Write(exportHeader(modules))
	var after *account.User
	for {
		users, err := scope.batchAfter(ctx, r.progress.DB, after)
		if err != nil || len(users) == 0 {
			w.Flush()
			return err
		}
		after = &users[len(users)-1]
		ids := make([]string, len(users))
		for i, u := range users {
			ids[i] = u.ID
		}
		rows, err := r.rows(ctx, bun.List(ids), users)
		if err != nil {
			return err
		}
		x, err := r.extras(ctx, users)
		if err != nil {
			return err
		}
		for _, row := range rows {
			_ = w.Write(csvRow(row, x))
		}
		w.Flush()
		c.Response().Flush()
	}
}

func csvRow(row reportRow, x exportExtras) []string {
	var last string
	var lastActivity time.Time
	for _, mp := range row.Modules {
		lastActivity = latest(lastActivity, mp.LastActivity)
	}
	if !lastActivity.IsZero() {
		last = lastActivity.UTC().Format("2006-01-02")
	}
	var supervisor string
	if id := row.User.SupervisorID; id != nil {
		supervisor = x.supervisors[*id]
	}
	hours := strconv.FormatFloat(x.hours[row.User.ID].Hours, 'f', -1, 64)
	out := []string{web.CSVCell(row.User.Name), web.CSVCell(row.User.Email),
		web.CSVCell(strings.Join(x.cohorts[row.User.ID], "; ")), web.CSVCell(supervisor), last, hours,
		practiceLabel(row.Clearance)}
	out = append(out, row.Cells...)
	return append(out, strings.Join(x.numbers[row.User.ID], "; "))
}

// ReportRoutes mounts the reports on g, the admin group.
func ReportRoutes(g *echo.Group, r *web.Renderer, store *catalog.Store, p *Progress) error {
	rep := &reports{store: store, progress: p}
	if err := r.Pages("learning", &rep.views); err != nil {
		return err
	}
	g.GET("/reports", rep.showMatrix)
	g.GET("/reports/items", rep.showItems)
	g.GET("/reports/progress.csv", rep.exportCSV)
	return nil
}
