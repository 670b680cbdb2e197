package learning

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// waitingRow is a row of reflections_waiting: how many modules of a
// trainee hold submitted reflections nobody has commented on, kept so that
// a supervisor's count of them reads one row per trainee instead of every
// waiting reflection.
type waitingRow struct {
	bun.BaseModel `bun:"table:reflections_waiting,alias:w"`

	UserID  string `bun:"user_id,pk"`
	Modules int    `bun:"modules,notnull"`
}

// countWaiting recounts, in tx, the modules of each of userIDs whose
// submitted reflections nobody has commented on, after a change to their
// reflections in tx. The trainees' rows are locked by the first statement
// and counted by the second: on PostgreSQL a change to the same trainee's
// reflections made at the same time commits before the count, which then
// sees it, so that neither transaction writes a count missing the other's.
func countWaiting(ctx context.Context, tx bun.IDB, userIDs []string) error {
	ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
	if len(ids) == 0 {
		return nil
	}
	rows := make([]waitingRow, len(ids))
	for i, id := range ids {
		rows[i] = waitingRow{UserID: id}
	}
	_, err := tx.NewInsert().Model(&rows).On("CONFLICT (user_id) DO UPDATE").Set("modules = w.modules").Exec(ctx)
	if err != nil {
		return fmt.Errorf("lock reflections waiting: %w", err)
	}
	modules := tx.NewSelect().TableExpr("reflections AS r").ColumnExpr("count(DISTINCT r.module_slug)").
		Where("r.user_id = w.user_id").Where("r.submitted_at IS NOT NULL").Where("r.commented_at IS NULL")
	_, err = tx.NewUpdate().Model((*waitingRow)(nil)).Set("modules = (?)", modules).
		Where("w.user_id IN (?)", bun.List(ids)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("count reflections waiting: %w", err)
	}
	return nil
}

// reflectionUsers lists the people whose reflections are in rows.
func reflectionUsers(rows []Reflection) []string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.UserID
	}
	return ids
}
