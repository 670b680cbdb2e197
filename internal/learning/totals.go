package learning

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"groundwork/internal/catalog"
)

// totalsQuery sums each trainee's steps per module, one kind at a time:
// the lessons read (of those the catalog has, ?1 listing them as
// module/lesson) with the latest; the submitted attempts with the best score,
// whether one passed and the latest; and the latest submitted reflections.
// ?0 selects the trainees' IDs. Each kind is grouped on its own so that
// the database reads it in index order, without sorting; it returns a row
// per trainee, module and kind, where the facts query returns one per step.
const totalsQuery = `
SELECT 'lessons' AS kind, user_id, module_slug, count(*) AS n, 0 AS best, 0 AS passed, max(completed_at) AS at
  FROM lesson_progress WHERE user_id IN (?0) AND module_slug || '/' || lesson_slug IN (?1)
  GROUP BY user_id, module_slug
UNION ALL
SELECT 'attempts', user_id, module_slug, count(*), max(coalesce(score, 0)), max(CASE WHEN passed THEN 1 ELSE 0 END), max(submitted_at)
  FROM quiz_attempts WHERE user_id IN (?0) AND submitted_at IS NOT NULL
  GROUP BY user_id, module_slug
UNION ALL
SELECT 'reflections', user_id, module_slug, count(*), 0, 0, max(submitted_at)
  FROM reflections WHERE user_id IN (?0) AND submitted_at IS NOT NULL
  GROUP BY user_id, module_slug`

// Totals computes every trainee module's progress, as Overview does, for
// userIDs, whom trainees selects (a subquery of their IDs, or bun.List of
// them). The database sums the steps per trainee and module, so the rows
// read grow with trainees times modules, not with every step taken. The
// progress it returns does not know which lessons are read, only how many
// (NextLabel then points to the module). It also returns each trainee's
// competencies signed off now.
func (p *Progress) Totals(ctx context.Context, trainees schema.QueryAppender, userIDs []string, c *catalog.Catalog) (map[string][]ModuleProgress, map[string]map[string]bool, error) {
	modules := c.TraineeModules()
	out := make(map[string][]ModuleProgress, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil, nil
	}
	for _, id := range userIDs {
		row := make([]ModuleProgress, len(modules))
		for i, m := range modules {
			row[i].Module = m
		}
		out[id] = row
	}
	if err := p.sumSteps(ctx, trainees, modules, out); err != nil {
		return nil, nil, err
	}
	signed, asked, err := p.signedAndAsked(ctx, trainees, userIDs)
	if err != nil {
		return nil, nil, err
	}
	for id, row := range out {
		for i := range row {
			row[i].signed = signed[id]
			for _, comp := range row[i].Module.Competencies {
				if signed[id][comp.ID] {
					row[i].CompetenciesSigned++
				}
				if asked[id][comp.ID] {
					row[i].CompetenciesAsked++
				}
			}
		}
	}
	return out, signed, nil
}

// sumSteps fills out (user ID -> progress in modules, in order) with the
// database's sums of each trainee's steps.
func (p *Progress) sumSteps(ctx context.Context, trainees schema.QueryAppender, modules []*catalog.Module, out map[string][]ModuleProgress) error {
	position := make(map[string]int, len(modules))
	var lessons []string
	for i, m := range modules {
		position[m.Slug] = i
		for _, l := range m.Lessons {
			lessons = append(lessons, m.Slug+"/"+l.Slug)
		}
	}
	if len(lessons) == 0 {
		lessons = []string{""}
	}
	rows, err := p.DB.QueryContext(ctx, totalsQuery, trainees, bun.List(lessons))
	if err != nil {
		return fmt.Errorf("sum progress: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, user, module string
		var n, best, passed int
		var at bun.NullTime
		if err := rows.Scan(&kind, &user, &module, &n, &best, &passed, &at); err != nil {
			return fmt.Errorf("sum progress: %w", err)
		}
		i, ok := position[module]
		if !ok || out[user] == nil {
			continue
		}
		mp := &out[user][i]
		switch kind {
		case "lessons":
			mp.LessonsRead = n
		case "attempts":
			mp.Attempts, mp.BestScore, mp.QuizPassed = n, best, passed == 1
		case "reflections":
			mp.ReflectionsSubmitted = true
		}
		mp.LastActivity = latest(mp.LastActivity, at.Time)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sum progress: %w", err)
	}
	return nil
}

// signedAndAsked returns, per trainee of userIDs, whom trainees selects,
// the competencies signed off now and those whose sign-off waits for
// review.
func (p *Progress) signedAndAsked(ctx context.Context, trainees schema.QueryAppender, userIDs []string) (signed, asked map[string]map[string]bool, err error) {
	signed, asked = map[string]map[string]bool{}, map[string]map[string]bool{}
	if r, ok := p.SignOffs.(Requests); ok {
		return r.SignedAndRequested(ctx, trainees)
	} else if p.SignOffs != nil {
		signed, err = p.SignOffs.SignedOff(ctx, userIDs)
	}
	return signed, asked, err
}
