package learning

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"groundwork/internal/catalog"
)

// totalsQuery sums each trainee's steps per module: the lessons read (of
// those the catalog has, ?1 listing them as module/lesson), the submitted
// attempts with the best score and whether one passed, whether reflections
// are submitted, and the latest of these steps. ?0 selects the trainees'
// IDs. It returns one row per trainee and module with a step, where the
// facts query returns one per step.
const totalsQuery = `
SELECT user_id, module_slug, sum(lessons), sum(attempts), max(best), max(passed), max(reflected), max(at)
FROM (
  SELECT user_id, module_slug, 1 AS lessons, 0 AS attempts, 0 AS best, 0 AS passed, 0 AS reflected, completed_at AS at
    FROM lesson_progress WHERE user_id IN (?0) AND module_slug || '/' || lesson_slug IN (?1)
  UNION ALL
  SELECT user_id, module_slug, 0, 1, coalesce(score, 0), CASE WHEN passed THEN 1 ELSE 0 END, 0, submitted_at
    FROM quiz_attempts WHERE user_id IN (?0) AND submitted_at IS NOT NULL
  UNION ALL
  SELECT user_id, module_slug, 0, 0, 0, 0, 1, submitted_at
    FROM reflections WHERE user_id IN (?0) AND submitted_at IS NOT NULL
) AS steps
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
	signed, asked, err := p.signedAndAsked(ctx, userIDs)
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
		var user, module string
		var read, attempts, best, passed, reflected int
		var at bun.NullTime
		if err := rows.Scan(&user, &module, &read, &attempts, &best, &passed, &reflected, &at); err != nil {
			return fmt.Errorf("sum progress: %w", err)
		}
		i, ok := position[module]
		if !ok || out[user] == nil {
			continue
		}
		mp := &out[user][i]
		mp.LessonsRead, mp.Attempts, mp.BestScore = read, attempts, best
		mp.QuizPassed, mp.ReflectionsSubmitted = passed == 1, reflected == 1
		mp.LastActivity = at.Time
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sum progress: %w", err)
	}
	return nil
}

// signedAndAsked returns, per trainee, the competencies signed off now and
// those whose sign-off waits for review.
func (p *Progress) signedAndAsked(ctx context.Context, userIDs []string) (signed, asked map[string]map[string]bool, err error) {
	signed, asked = map[string]map[string]bool{}, map[string]map[string]bool{}
	if r, ok := p.SignOffs.(Requests); ok {
		return r.SignedAndRequested(ctx, userIDs)
	} else if p.SignOffs != nil {
		signed, err = p.SignOffs.SignedOff(ctx, userIDs)
	}
	return signed, asked, err
}
