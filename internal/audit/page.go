package audit

import (
	"embed"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "audit", FS: web.MustSub(templates, "templates")}

const perPage = 50

// logPage is the data of the audit log page.
type logPage struct {
	Entries  []Entry
	Actions  []Action
	Action   Action
	Page     int
	PrevPage int
	NextPage int
}

// Routes mounts GET /audit on g, which the caller guards for admins.
func Routes(g *echo.Group, r *web.Renderer, db bun.IDB) error {
	page, err := r.Page("audit/log")
	if err != nil {
		return err
	}
	g.GET("/audit", func(c echo.Context) error {
		data := logPage{Actions: Actions, Page: 1}
		if a := Action(c.QueryParam("action")); slices.Contains(Actions, a) {
			data.Action = a
		}
		if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 && p < 100000 {
			data.Page = p
		}
		entries, err := List(c.Request().Context(), db, Filter{Action: data.Action, Limit: perPage + 1, Offset: (data.Page - 1) * perPage})
		if err != nil {
			return err
		}
		data.PrevPage = data.Page - 1
		if len(entries) > perPage {
			entries, data.NextPage = entries[:perPage], data.Page+1
		}
		data.Entries = entries
		return page.Render(c, http.StatusOK, data)
	})
	return nil
}
