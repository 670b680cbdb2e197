package mail

import (
	"embed"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "mail", FS: web.MustSub(templates, "templates")}

// outboxPage is the data of the outbox list.
type outboxPage struct {
	Items      []Item
	UnsentOnly bool
	Delivers   bool
}

// Routes mounts the outbox pages on g, which the caller guards for admins.
// They show each mail's kind, times and status, never its address or text.
func Routes(g *echo.Group, r *web.Renderer, db bun.IDB, out *Outbox) error {
	list, err := r.Page("mail/outbox")
	if err != nil {
		return err
	}
	one, err := r.Page("mail/message")
	if err != nil {
		return err
	}
	g.GET("/outbox", func(c echo.Context) error {
		unsent := c.QueryParam("all") != "1"
		items, err := List(c.Request().Context(), db, Filter{Unsent: unsent, Limit: 200})
		if err != nil {
			return err
		}
		return list.Render(c, http.StatusOK, outboxPage{Items: items, UnsentOnly: unsent, Delivers: out.Delivers()})
	})
	g.GET("/outbox/:id", func(c echo.Context) error {
		it, err := Get(c.Request().Context(), db, c.Param("id"))
		if err != nil {
			return err
		}
		return one.Render(c, http.StatusOK, it)
	})
	return nil
}
