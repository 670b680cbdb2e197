package supervision

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// ForgetUser removes what a deleted person wrote for themselves alone in
// supervision records: the private notes they authored and their comments
// asking for a correction. The records, their agreement, amendments and
// competency sign-offs stay, because others rely on them; they point at
// the account, whose name is by then the deleted placeholder.
func ForgetUser(ctx context.Context, tx bun.Tx, userID string) error {
	if _, err := tx.NewUpdate().Table("supervision_records").Set("private_note = ''").
		Where("author_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("forget private notes: %w", err)
	}
	if _, err := tx.NewUpdate().Table("supervision_records").Set("trainee_comment = ''").
		Where("trainee_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("forget supervision comments: %w", err)
	}
	return nil
}
