package learning

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// ForgetUser deletes a person's learning data when their account is
// deleted: enrolments, lessons read, knowledge-check attempts, and their
// reflections with every comment on them. Comments the person wrote on
// others' reflections stay with those reflections, under the deleted
// account's placeholder name.
func ForgetUser(ctx context.Context, tx bun.Tx, userID string) error {
	mine := tx.NewSelect().Table("reflections").Column("id").Where("user_id = ?", userID)
	deletes := []*bun.DeleteQuery{
		tx.NewDelete().Table("reflection_comments").Where("reflection_id IN (?)", mine),
		tx.NewDelete().Table("reflections").Where("user_id = ?", userID),
		tx.NewDelete().Table("quiz_attempts").Where("user_id = ?", userID),
		tx.NewDelete().Table("lesson_progress").Where("user_id = ?", userID),
		tx.NewDelete().Table("enrolments").Where("user_id = ?", userID),
		tx.NewDelete().Table("learning_activity").Where("user_id = ?", userID),
		tx.NewDelete().Table("reflections_waiting").Where("user_id = ?", userID),
	}
	for _, q := range deletes {
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("forget learning data: %w", err)
		}
	}
	return nil
}
