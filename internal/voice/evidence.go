package voice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"groundwork/internal/supervision"
	"groundwork/internal/web"
)

// Service answers supervision's questions about feedback rounds.
var _ supervision.ClientVoice = (*Service)(nil)

// Attach offers the round as evidence with a competency request: the
// round must be the trainee's, have results and list the competency.
func (s *Service) Attach(ctx context.Context, tx bun.IDB, eventID, traineeID, competencyID, roundID string) error {
	if !web.IsID(roundID) {
		return ErrNoResults
	}
	r := new(Round)
	err := tx.NewSelect().Model(r).Where("id = ?", roundID).Where("trainee_id = ?", traineeID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoResults
	}
	if err != nil {
		return fmt.Errorf("load feedback round: %w", err)
	}
	if !r.HasResults() || !r.Evidences(competencyID) {
		return ErrNoResults
	}
	link := &evidence{EventID: eventID, RoundID: roundID, TraineeID: traineeID, CompetencyID: competencyID}
	if _, err := tx.NewInsert().Model(link).Exec(ctx); err != nil {
		return fmt.Errorf("offer feedback round as evidence: %w", err)
	}
	return nil
}

// EvidenceRounds returns the trainee's rounds with results, newest first,
// each with its results in one line and the requests it was offered with.
func (s *Service) EvidenceRounds(ctx context.Context, traineeID string) ([]supervision.VoiceRound, error) {
	rounds, err := s.RoundsOf(ctx, traineeID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rounds))
	for i, r := range rounds {
		ids[i] = r.ID
	}
	results, err := s.ResultsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var links []evidence
	if err := s.DB.NewSelect().Model(&links).Where("trainee_id = ?", traineeID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load feedback evidence: %w", err)
	}
	var out []supervision.VoiceRound
	for _, r := range rounds {
		res, ok := results[r.ID]
		if !ok || !r.HasResults() {
			continue
		}
		vr := supervision.VoiceRound{ID: r.ID, HeldOn: r.HeldOn, Group: r.Group, Competencies: r.Competencies(),
			Answers: res.Answers, Paper: r.Paper, Results: res.Line()}
		for _, l := range links {
			if l.RoundID == r.ID {
				vr.Events = append(vr.Events, l.EventID)
			}
		}
		out = append(out, vr)
	}
	return out, nil
}

// Line is the results in one line, such as "Felt respected: 6 of 7 said
// yes; ...".
func (res Results) Line() string {
	parts := make([]string, len(res.Rows))
	for i, r := range res.Rows {
		parts[i] = fmt.Sprintf("%s: %d of %d said yes", r.Question.Short, r.Yes, r.Answers)
	}
	return strings.Join(parts, "; ") + "."
}
