package learning

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/db"
	"groundwork/internal/web"
)

// enrolPages serves an admin's view of one person's enrolments.
type enrolPages struct {
	store    *catalog.Store
	progress *Progress
	page     *web.Page
}

// enrolmentRow is one enrolment as the admin page lists it.
type enrolmentRow struct {
	Scope, Title string
	EnrolledAt   time.Time
	EnrolledBy   string
}

// scopeOption is a programme or module the person can be enrolled in.
type scopeOption struct{ Scope, Title string }

type enrolData struct {
	User       *account.User
	Enrolments []enrolmentRow
	Options    []scopeOption
	Modules    []ModuleProgress
}

// enrolmentsOf lists userID's enrolments with who made them, oldest first.
func enrolmentsOf(ctx context.Context, idb bun.IDB, userID string) ([]enrolmentRow, error) {
	var rows []struct {
		Scope      string    `bun:"scope"`
		EnrolledAt time.Time `bun:"enrolled_at"`
		By         *string   `bun:"by_name"`
	}
	err := idb.NewSelect().TableExpr("enrolments AS e").
		ColumnExpr("e.scope, e.enrolled_at, u.name AS by_name").
		Join("LEFT JOIN users AS u ON u.id = e.enrolled_by").
		Where("e.user_id = ?", userID).OrderExpr("e.enrolled_at, e.scope").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("list enrolments: %w", err)
	}
	out := make([]enrolmentRow, len(rows))
	for i, r := range rows {
		out[i] = enrolmentRow{Scope: r.Scope, EnrolledAt: r.EnrolledAt, EnrolledBy: "Groundwork"}
		if r.By != nil {
			out[i].EnrolledBy = *r.By
		}
	}
	return out, nil
}

func (ep *enrolPages) show(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := account.UserByID(ctx, ep.progress.DB, c.Param("id"))
	if err != nil {
		return err
	}
	cat := ep.store.Catalog()
	data := enrolData{User: u}
	if data.Enrolments, err = enrolmentsOf(ctx, ep.progress.DB, u.ID); err != nil {
		return err
	}
	have := map[string]bool{}
	for i, e := range data.Enrolments {
		have[e.Scope] = true
		data.Enrolments[i].Title = scopeTitle(cat, e.Scope)
	}
	for _, o := range scopeOptions(cat) {
		if !have[o.Scope] {
			data.Options = append(data.Options, o)
		}
	}
	f, overview, err := ep.progress.overview(ctx, []string{u.ID}, cat)
	if err != nil {
		return err
	}
	enrolled := enrolledModules(f.scopes[u.ID], cat)
	for _, mp := range overview[u.ID] {
		if slices.Contains(enrolled, mp.Module) {
			data.Modules = append(data.Modules, mp)
		}
	}
	return ep.page.Render(c, http.StatusOK, data)
}

// scopeOptions lists the programme, then every trainee module.
func scopeOptions(cat *catalog.Catalog) []scopeOption {
	out := []scopeOption{{ProgrammeScope, cat.Programme.Title + " (every module)"}}
	for _, m := range cat.TraineeModules() {
		out = append(out, scopeOption{m.Slug, m.Title})
	}
	return out
}

// scopeTitle names a scope; a module since removed from the curriculum
// keeps its slug.
func scopeTitle(cat *catalog.Catalog, scope string) string {
	if scope == ProgrammeScope {
		return cat.Programme.Title
	}
	if m, ok := cat.Module(scope); ok {
		return m.Title
	}
	return scope + " (no longer in the curriculum)"
}

func (ep *enrolPages) enrol(c echo.Context) error {
	return ep.change(c, func(ctx context.Context, tx bun.Tx, u *account.User, scope string) (string, error) {
		if !slices.ContainsFunc(scopeOptions(ep.store.Catalog()), func(o scopeOption) bool { return o.Scope == scope }) {
			return "", web.Errorf(web.CodeInvalid, "Choose the programme or a module to enrol them in.")
		}
		return "Enrolled in " + scopeTitle(ep.store.Catalog(), scope) + ".", Enrol(ctx, tx, scope, account.CurrentUser(c).ID, u.ID)
	}, audit.Enrolled)
}

func (ep *enrolPages) withdraw(c echo.Context) error {
	return ep.change(c, func(ctx context.Context, tx bun.Tx, u *account.User, scope string) (string, error) {
		res, err := tx.NewDelete().Model((*enrolment)(nil)).Where("user_id = ?", u.ID).Where("scope = ?", scope).Exec(ctx)
		if err != nil {
			return "", fmt.Errorf("withdraw enrolment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return "", web.Errorf(web.CodeConflict, "They were not enrolled in that; the page may be out of date.")
		}
		return "Enrolment withdrawn. Their progress is kept.", nil
	}, audit.Unenrolled)
}

// change runs fn for the person in the URL and the scope in the form, with
// an audit entry in the same transaction, then returns to their page.
func (ep *enrolPages) change(c echo.Context, fn func(context.Context, bun.Tx, *account.User, string) (string, error), action audit.Action) error {
	ctx := c.Request().Context()
	u, err := account.UserByID(ctx, ep.progress.DB, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	scope := f.Get("scope")
	var done string
	err = db.InTx(ctx, ep.progress.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if done, err = fn(ctx, tx, u, scope); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: account.CurrentUser(c).ID, SubjectID: u.ID,
			Action: action, IP: c.RealIP(), Detail: scope})
	})
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", done)
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+u.ID+"/learning")
}

// EnrolmentRoutes mounts an admin's enrolment pages on g, the admin group.
func EnrolmentRoutes(g *echo.Group, r *web.Renderer, store *catalog.Store, p *Progress) error {
	ep := &enrolPages{store: store, progress: p}
	var err error
	if ep.page, err = r.Page("learning/enrolments"); err != nil {
		return err
	}
	g.GET("/users/:id/learning", ep.show)
	g.POST("/users/:id/enrolments", ep.enrol)
	g.POST("/users/:id/enrolments/withdraw", ep.withdraw)
	return nil
}
