package web

import "github.com/labstack/echo/v4"

// Viewer is the signed-in person a request is made by. The accounts package
// sets it; pages and guards read it.
type Viewer struct {
	UserID string
	Name   string
	Role   string
}

const viewerKey = "groundwork.viewer"

// SetViewer records the signed-in person for the rest of the request.
func SetViewer(c echo.Context, v *Viewer) { c.Set(viewerKey, v) }

// ViewerFrom returns the signed-in person, or nil for a member of the public.
func ViewerFrom(c echo.Context) *Viewer {
	v, _ := c.Get(viewerKey).(*Viewer)
	return v
}
