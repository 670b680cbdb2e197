package learning

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// activityRow is a row of learning_activity: the time of a person's latest
// learning step (a lesson read, a knowledge check or reflections
// submitted), kept so that staff dashboards order and flag trainees by
// activity without reading every progress row.
type activityRow struct {
	bun.BaseModel `bun:"table:learning_activity,alias:la"`

	UserID string    `bun:"user_id,pk"`
	LastAt time.Time `bun:"last_at,notnull"`
}

// recordActivity moves the latest learning step of each person in rows
// forward to their time; an older time changes nothing.
func recordActivity(ctx context.Context, idb bun.IDB, rows []activityRow) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := idb.NewInsert().Model(&rows).
		On("CONFLICT (user_id) DO UPDATE").Set("last_at = EXCLUDED.last_at").
		Where("la.last_at < EXCLUDED.last_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("record learning activity: %w", err)
	}
	return nil
}

// latestSteps is each person's latest step in r, for recordActivity.
func latestSteps(r Records) []activityRow {
	last := map[string]time.Time{}
	note := func(id string, at *time.Time) {
		if at != nil && at.After(last[id]) {
			last[id] = *at
		}
	}
	for _, l := range r.Lessons {
		note(l.UserID, &l.At)
	}
	for _, a := range r.Attempts {
		note(a.UserID, a.SubmittedAt)
	}
	for _, rf := range r.Reflections {
		note(rf.UserID, rf.SubmittedAt)
	}
	rows := make([]activityRow, 0, len(last))
	for id, at := range last {
		rows = append(rows, activityRow{UserID: id, LastAt: at})
	}
	return rows
}
