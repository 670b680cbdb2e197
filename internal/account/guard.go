package account

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"groundwork/internal/web"
)

// RequireSignIn lets signed-in people through. Others are sent to the
// sign-in page (for a page view) or refused (for anything else).
func RequireSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if CurrentUser(c) != nil {
			return next(c)
		}
		if c.Request().Method == http.MethodGet {
			return c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request().URL.Path))
		}
		return web.Errorf(web.CodeUnauthorized, "Please sign in again: your session has ended.")
	}
}

// RequireRole lets through signed-in people with one of roles and refuses
// everyone else signed in with the 403 page.
func RequireRole(roles ...Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return RequireSignIn(func(c echo.Context) error {
			if !slices.Contains(roles, CurrentUser(c).Role) {
				return web.Forbidden()
			}
			return next(c)
		})
	}
}

// safeNext returns next when it is a path on this site, else "/".
func safeNext(next string) string { return web.LocalPath(next) }
