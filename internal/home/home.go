// Package home serves the public home page.
package home

import (
	"embed"
	"net/http"

	"github.com/labstack/echo/v4"

	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the home page's template source for the renderer.
var Templates = web.Source{Namespace: "home", FS: web.MustSub(templates, "templates")}

// Routes mounts the home page.
func Routes(e *echo.Echo, r *web.Renderer) error {
	page, err := r.Page("home/index")
	if err != nil {
		return err
	}
	e.GET("/", func(c echo.Context) error {
		return page.Render(c, http.StatusOK, nil)
	})
	return nil
}
