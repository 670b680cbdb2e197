package learning

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/web"
)

// ProgrammeScope is the enrolment scope of the whole programme.
const ProgrammeScope = "programme"

type enrolment struct {
	bun.BaseModel `bun:"table:enrolments"`

	UserID     string    `bun:"user_id,pk"`
	Scope      string    `bun:"scope,pk"`
	EnrolledAt time.Time `bun:"enrolled_at,notnull"`
	EnrolledBy *string   `bun:"enrolled_by"`
}

// Enrol enrols userIDs in scope (ProgrammeScope or a module slug); an
// existing enrolment is kept. by is who enrolled them, or "" for the
// system. Call it with the transaction of the change that causes it.
func Enrol(ctx context.Context, idb bun.IDB, scope, by string, userIDs ...string) error {
	if len(userIDs) == 0 {
		return nil
	}
	var who *string
	if by != "" {
		who = &by
	}
	rows := make([]enrolment, len(userIDs))
	for i, id := range userIDs {
		rows[i] = enrolment{UserID: id, Scope: scope, EnrolledAt: now(), EnrolledBy: who}
	}
	if _, err := idb.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	return nil
}

// enrolledIn reports whether scopes cover module m.
func enrolledIn(scopes []string, m *catalog.Module, c *catalog.Catalog) bool {
	if slices.Contains(scopes, m.Slug) {
		return true
	}
	return slices.Contains(scopes, ProgrammeScope) && slices.Contains(c.Programme.Modules, m.Slug)
}

// enrolledModules returns the trainee modules the scopes cover, in
// catalogue order.
func enrolledModules(scopes []string, c *catalog.Catalog) []*catalog.Module {
	var out []*catalog.Module
	for _, m := range c.TraineeModules() {
		if enrolledIn(scopes, m, c) {
			out = append(out, m)
		}
	}
	return out
}

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
func (p *Progress) Access(ctx context.Context, v *web.Viewer, m *catalog.Module, c *catalog.Catalog) (catalog.Access, error) {
	var a catalog.Access
	f, err := p.facts(ctx, []string{v.UserID})
	if err != nil {
		return a, err
	}
	if v.Role == string(account.Trainee) && m.Audience != catalog.AudiencePublic {
		if !enrolledIn(f.scopes[v.UserID], m, c) {
			a.Blocked = notEnrolled
			return a, nil
		}
		for _, slug := range m.Prerequisites {
			if pre, ok := c.Module(slug); ok && !f.module(v.UserID, pre, nil).OwnPartDone() {
				a.Missing = append(a.Missing, pre)
			}
		}
		if len(a.Missing) > 0 {
			a.Blocked = prerequisitesFirst
		}
	}
	a.Read = map[string]bool{}
	for _, l := range m.Lessons {
		if _, ok := f.read[v.UserID][m.Slug+"/"+l.Slug]; ok {
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
	return web.Errorf(web.CodeForbidden, "%s", msg)
}

// OwnPartDone reports whether the trainee has done everything in the module
// that is theirs to do, leaving only sign-offs.
func (p ModuleProgress) OwnPartDone() bool {
	m := p.Module
	return p.LessonsRead >= len(m.Lessons) && (m.Quiz == nil || p.QuizPassed) &&
		(len(m.ReflectionPrompts) == 0 || p.ReflectionsSubmitted)
}
