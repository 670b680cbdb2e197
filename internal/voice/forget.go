package voice

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// ForgetUser removes, when a trainee's account is deleted, the words in
// their feedback rounds: the members' comments about their work, answers
// still held, and their own "you said, we did". Rounds still open are
// closed, so nobody can answer into them. The rounds and their counts
// stay, because competency sign-offs may rest on them; they point at the
// account, whose name is by then the deleted placeholder.
func (s *Service) ForgetUser(ctx context.Context, tx bun.Tx, userID string) error {
	if _, err := tx.NewUpdate().Model((*Round)(nil)).Set("closed_at = COALESCE(closed_at, ?)", s.now()).
		Set("you_said = ''").Set("we_did = ''").Where("trainee_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("forget feedback rounds: %w", err)
	}
	rounds := tx.NewSelect().Model((*Round)(nil)).Column("id").Where("trainee_id = ?", userID)
	for _, model := range []any{(*heldAnswer)(nil), (*Comment)(nil)} {
		if _, err := tx.NewDelete().Model(model).Where("round_id IN (?)", rounds).Exec(ctx); err != nil {
			return fmt.Errorf("forget feedback: %w", err)
		}
	}
	return nil
}
