package account

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/fault"
	"groundwork/internal/identity"
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
		return fault.Errorf(fault.CodeUnauthorized, "Please sign in again: your session has ended.")
	}
}

// RequireRole lets through signed-in people with one of roles and refuses
// everyone else signed in with the 403 page.
func RequireRole(roles ...Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return RequireSignIn(func(c echo.Context) error {
			if !slices.Contains(roles, CurrentUser(c).Role) {
				return fault.Forbidden()
			}
			return next(c)
		})
	}
}

// SeesEveryTrainee reports whether v oversees every trainee (an admin)
// rather than only those assigned to them (a supervisor).
func SeesEveryTrainee(v *identity.Viewer) bool { return v.Is(Admin) }

// VisibleTrainees selects from "users AS u" the trainees v oversees, the
// same people TraineesVisibleTo lists: every active trainee for an admin,
// their own for a supervisor, none for anyone else. Callers add columns,
// filters, order and limits; the rule stays here.
func VisibleTrainees(idb bun.IDB, v *identity.Viewer) *bun.SelectQuery {
	q := idb.NewSelect().TableExpr("users AS u").Where("u.role = ?", Trainee)
	if SeesEveryTrainee(v) {
		return q.Where("u.active")
	}
	return q.Where("u.supervisor_id = ?", v.ID)
}

// TraineesVisibleTo lists the trainees v oversees, by name: every trainee
// for an admin, their own for a supervisor.
func TraineesVisibleTo(ctx context.Context, idb bun.IDB, v *identity.Viewer) ([]User, error) {
	if SeesEveryTrainee(v) {
		return UsersByRole(ctx, idb, Trainee)
	}
	return TraineesOf(ctx, idb, v.ID)
}
