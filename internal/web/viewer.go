package web

import (
	"github.com/labstack/echo/v4"

	"groundwork/internal/identity"
)

const viewerKey = "groundwork.viewer"

// SetViewer records the signed-in person for the rest of the request.
func SetViewer(c echo.Context, v *identity.Viewer) { c.Set(viewerKey, v) }

// ViewerFrom returns the signed-in person, or nil for a member of the public.
func ViewerFrom(c echo.Context) *identity.Viewer {
	v, _ := c.Get(viewerKey).(*identity.Viewer)
	return v
}
