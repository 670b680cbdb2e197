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
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// enrolPages serves an admin's view of one person's enrolments.
type enrolPages struct {
	store    *catalog.Store
	progress *Progress
	page     *web.Page
	confirm  *web.Page
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
	return ep.change(c, func(ctx context.Context, by, u *account.User, scope string) (string, error) {
		err := ep.progress.EnrolByAdmin(ctx, by, u, ep.store.Catalog(), scope, c.RealIP())
		return "Enrolled in " + scopeTitle(ep.store.Catalog(), scope) + ".", err
	})
}

func (ep *enrolPages) withdraw(c echo.Context) error {
	if c.FormValue(web.ConfirmField) != "yes" {
		return ep.confirmWithdraw(c)
	}
	return ep.change(c, func(ctx context.Context, by, u *account.User, scope string) (string, error) {
		return "Enrolment withdrawn. Their progress is kept.", ep.progress.Withdraw(ctx, by, u, scope, c.RealIP())
	})
}

// confirmWithdraw shows the page that asks before an enrolment is
// withdrawn; nothing is changed.
func (ep *enrolPages) confirmWithdraw(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := account.UserByID(ctx, ep.progress.DB, c.Param("id"))
	if err != nil {
		return err
	}
	scope := c.FormValue("scope")
	rows, err := enrolmentsOf(ctx, ep.progress.DB, u.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rows, func(r enrolmentRow) bool { return r.Scope == scope })
	if i < 0 {
		return fault.Errorf(fault.CodeConflict, "They were not enrolled in that; the page may be out of date.")
	}
	title := scopeTitle(ep.store.Catalog(), scope)
	return web.RenderConfirmation(c, ep.confirm, web.RefuseUnconfirmed, web.Confirmation{
		Title: "Withdraw " + u.Name + " from " + title + "?",
		Effects: []string{
			u.Name + " is no longer enrolled in " + title + ": its lessons close to them and it leaves their dashboard and the reports.",
			"What they have done so far (lessons read, knowledge checks, reflections) is kept.",
			"The record of this enrolment (since " + rows[i].EnrolledAt.Format("2 January 2006") + ", by " + rows[i].EnrolledBy + ") is removed.",
		},
		Note:   "You can enrol them again later; they pick up where they left off.",
		Action: "/admin/users/" + u.ID + "/enrolments/withdraw", Button: "Yes, withdraw the enrolment",
		Back: "/admin/users/" + u.ID + "/learning", BackLabel: "No, keep them enrolled",
		Hidden: map[string]string{"scope": scope},
	})
}

// change runs command for the person in the URL and the scope in the form,
// then returns to their page with the message command gives.
func (ep *enrolPages) change(c echo.Context, command func(ctx context.Context, by, u *account.User, scope string) (string, error)) error {
	ctx := c.Request().Context()
	u, err := account.UserByID(ctx, ep.progress.DB, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	done, err := command(ctx, account.CurrentUser(c), u, f.Get("scope"))
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
	if ep.confirm, err = r.Page(web.ConfirmPage); err != nil {
		return err
	}
	g.GET("/users/:id/learning", ep.show)
	g.POST("/users/:id/enrolments", ep.enrol)
	g.POST("/users/:id/enrolments/withdraw", ep.withdraw)
	return nil
}
