package learning

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/identity"
	"groundwork/internal/supervision"
	"groundwork/internal/web"
)

// Access rules of learning: who may start a module, and who may read a
// trainee's learning records. Dashboards list the trainees
// account.TraineesVisibleTo gives.

// Messages shown when a trainee may not start a module.
const (
	notEnrolled = "You are not enrolled in this module. Your training lead enrols you when you join a cohort, " +
		"or in this module on its own; ask them if you think you should be."
	prerequisitesFirst = "This module builds on the modules below. Finish your part of them first " +
		"(read the lessons, pass the knowledge check and submit your reflections), then come back."
)

// Access implements catalog.Progress. Trainees start a trainee module only
// when enrolled in it and when their part of its prerequisites is done;
// supervisors and admins read everything, and public modules are open to
// all. It costs one query.
func (p *Progress) Access(ctx context.Context, v *identity.Viewer, m *catalog.Module, c *catalog.Catalog) (catalog.Access, error) {
	var a catalog.Access
	f, err := p.facts(ctx, []string{v.ID})
	if err != nil {
		return a, err
	}
	if v.Role == identity.Trainee && m.Audience != catalog.AudiencePublic {
		if !enrolledIn(f.scopes[v.ID], m, c) {
			a.Blocked = notEnrolled
			return a, nil
		}
		for _, slug := range m.Prerequisites {
			if pre, ok := c.Module(slug); ok && !f.module(v.ID, pre, nil).OwnPartDone() {
				a.Missing = append(a.Missing, pre)
			}
		}
		if len(a.Missing) > 0 {
			a.Blocked = prerequisitesFirst
		}
	}
	a.Read = map[string]bool{}
	for _, l := range m.Lessons {
		if _, ok := f.read[v.ID][m.Slug+"/"+l.Slug]; ok {
			a.Read[l.Slug] = true
		} else if a.Resume == nil {
			a.Resume = l
		}
	}
	if len(a.Read) == 0 {
		a.Resume = nil
	}
	return a, nil
}

// mayStart returns a forbidden error with the reason when the viewer may
// not start m: handlers that record progress call it, so the gate holds
// whatever page a request comes from.
func (p *Progress) mayStart(c echo.Context, m *catalog.Module, cat *catalog.Catalog) error {
	a, err := p.Access(c.Request().Context(), web.ViewerFrom(c), m, cat)
	if err != nil {
		return err
	}
	if a.Blocked == "" {
		return nil
	}
	msg := a.Blocked
	if len(a.Missing) > 0 {
		titles := make([]string, len(a.Missing))
		for i, pre := range a.Missing {
			titles[i] = pre.Title
		}
		msg = "Finish your part of " + strings.Join(titles, " and ") + " before you start " + m.Title + "."
	}
	return fault.Errorf(fault.CodeForbidden, "%s", msg)
}

// CanSee reports whether viewer may read trainee's learning records: the
// trainee, their assigned supervisor, or an admin.
func CanSee(viewer *identity.Viewer, trainee *account.User) bool {
	return supervision.CanSeeTrainee(viewer, trainee)
}
