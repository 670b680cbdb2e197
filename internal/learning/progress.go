// Package learning tracks each person's progress through the curriculum:
// enrolment and prerequisites, lessons read, knowledge checks, reflections,
// module completion, dashboards and reports.
package learning

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/catalog"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/notify"
	"groundwork/internal/web"
)

// lessonDone is a row of lesson_progress.
type lessonDone struct {
	bun.BaseModel `bun:"table:lesson_progress"`

	UserID      string    `bun:"user_id,pk"`
	ModuleSlug  string    `bun:"module_slug,pk"`
	LessonSlug  string    `bun:"lesson_slug,pk"`
	CompletedAt time.Time `bun:"completed_at,notnull"`
}

// Progress reads and records lesson progress. It implements
// catalog.Progress.
type Progress struct {
	DB *bun.DB
	// SignOffs and Supervision are provided by the supervision capability,
	// Certificates by the certificates capability; nil means none yet.
	SignOffs     SignOffs
	Supervision  Supervision
	Certificates Certificates
	// OnChange runs after a lesson, knowledge check or reflection moves a
	// person's progress on, so that certificates can be issued. It must not
	// fail the request: the step is already recorded.
	OnChange func(ctx context.Context, userID string)
	// Clock tells the time of every step and every wait.
	Clock clock.Clock
	// Notices tells trainees about comments on their reflections; it also
	// lists what needs each person on their dashboard. Nil tells nobody.
	Notices *notify.Notifier
	// Courses names modules and competencies in notices and in what waits
	// for supervisors; nil names them by slug and ID.
	Courses *catalog.Store

	// oneFacts reads one person's facts: the lesson pages' query.
	oneFacts struct {
		once sync.Once
		stmt *db.Statement
	}
}

var _ catalog.Progress = (*Progress)(nil)

// MarkLessonComplete records that userID read the lesson to the end. A
// second call (a double submit) changes nothing.
func (p *Progress) MarkLessonComplete(ctx context.Context, userID, module, lesson string) error {
	row := &lessonDone{UserID: userID, ModuleSlug: module, LessonSlug: lesson, CompletedAt: p.Clock.Now()}
	res, err := p.DB.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark lesson complete: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if err := recordActivity(ctx, p.DB, []activityRow{{UserID: userID, LastAt: row.CompletedAt}}); err != nil {
			return err
		}
	}
	p.changed(ctx, userID)
	return nil
}

// LessonDone reports whether userID has completed the lesson.
func (p *Progress) LessonDone(ctx context.Context, userID, module, lesson string) (bool, error) {
	return p.DB.NewSelect().Model((*lessonDone)(nil)).Where("user_id = ?", userID).
		Where("module_slug = ?", module).Where("lesson_slug = ?", lesson).Exists(ctx)
}

// ModuleStatus describes, per module, how far userID has read, in one query.
// Lessons removed from the curriculum no longer count.
func (p *Progress) ModuleStatus(ctx context.Context, userID string, c *catalog.Catalog) (map[string]string, error) {
	var rows []lessonDone
	if err := p.DB.NewSelect().Model(&rows).Column("module_slug", "lesson_slug").Where("user_id = ?", userID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read progress: %w", err)
	}
	read := map[string]int{}
	for _, r := range rows {
		if _, _, ok := c.Lesson(r.ModuleSlug, r.LessonSlug); ok {
			read[r.ModuleSlug]++
		}
	}
	status := map[string]string{}
	for _, m := range c.Modules {
		status[m.Slug] = describe(read[m.Slug], len(m.Lessons))
	}
	return status, nil
}

func describe(read, total int) string {
	switch {
	case read == 0:
		return "Not started"
	case read >= total:
		return "All lessons read"
	}
	return fmt.Sprintf("%d of %d lessons read", read, total)
}

// Routes mounts POST /modules/:module/lessons/:lesson/complete for signed-in
// people; guard is the sign-in middleware.
func Routes(e *echo.Echo, store *catalog.Store, p *Progress, guard echo.MiddlewareFunc) {
	e.POST("/modules/:module/lessons/:lesson/complete", func(c echo.Context) error {
		cat := store.Catalog()
		m, l, ok := cat.Lesson(c.Param("module"), c.Param("lesson"))
		if !ok {
			return fault.NotFound()
		}
		if err := p.mayStart(c, m, cat); err != nil {
			return err
		}
		if err := p.MarkLessonComplete(c.Request().Context(), web.ViewerFrom(c).ID, m.Slug, l.Slug); err != nil {
			return err
		}
		if next := m.Next(l); next != nil {
			return c.Redirect(http.StatusSeeOther, "/modules/"+m.Slug+"/lessons/"+next.Slug)
		}
		web.AddFlash(c, "success", "You have read every lesson of "+m.Title+".")
		return c.Redirect(http.StatusSeeOther, "/modules/"+m.Slug)
	}, guard)
}

// LessonRead records that a person read a lesson, for Import.
type LessonRead struct {
	UserID, Module, Lesson string
	At                     time.Time
}

// Records is progress to load in bulk.
type Records struct {
	Lessons     []LessonRead
	Attempts    []Attempt
	Reflections []Reflection
}

// Len is the number of rows in r.
func (r Records) Len() int { return len(r.Lessons) + len(r.Attempts) + len(r.Reflections) }

// Import writes progress records in bulk, for demonstration data.
func Import(ctx context.Context, idb bun.IDB, r Records) error {
	if len(r.Lessons) > 0 {
		rows := make([]lessonDone, len(r.Lessons))
		for i, l := range r.Lessons {
			rows[i] = lessonDone{UserID: l.UserID, ModuleSlug: l.Module, LessonSlug: l.Lesson, CompletedAt: l.At}
		}
		if err := db.InsertAll(ctx, idb, rows); err != nil {
			return fmt.Errorf("import lesson progress: %w", err)
		}
	}
	if len(r.Attempts) > 0 {
		if err := db.InsertAll(ctx, idb, r.Attempts); err != nil {
			return fmt.Errorf("import attempts: %w", err)
		}
	}
	if len(r.Reflections) > 0 {
		if err := db.InsertAll(ctx, idb, r.Reflections); err != nil {
			return fmt.Errorf("import reflections: %w", err)
		}
		if err := countWaiting(ctx, idb, reflectionUsers(r.Reflections)); err != nil {
			return err
		}
	}
	return recordActivity(ctx, idb, latestSteps(r))
}
