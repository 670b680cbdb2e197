package supervision

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/fault"
)

// ClientVoice is what supervision asks of client voice (package voice):
// the feedback rounds of a trainee's groups, whose results the trainee can
// offer as evidence with a competency request.
type ClientVoice interface {
	// Attach offers the round as evidence with the request event, in the
	// request's transaction. It fails with a domain error unless the round
	// is the trainee's, has results and may evidence the competency.
	Attach(ctx context.Context, tx bun.IDB, eventID, traineeID, competencyID, roundID string) error
	// EvidenceRounds returns the trainee's rounds with results, newest
	// first, each with the requests it was offered with.
	EvidenceRounds(ctx context.Context, traineeID string) ([]VoiceRound, error)
}

// VoiceRound is a client voice round as evidence: the group session, what
// its members said in numbers (never their comments), and the competency
// requests it was offered with.
type VoiceRound struct {
	ID           string
	HeldOn       time.Time
	Group        string
	Competencies []string // the IDs it may evidence
	Answers      int
	Paper        int    // of Answers, typed in from paper
	Results      string // one line, such as "Felt respected: 6 of 7 yes; ..."
	Events       []string
}

// Evidences reports whether the round may evidence the competency id.
func (r VoiceRound) Evidences(id string) bool { return slices.Contains(r.Competencies, id) }

// voiceRounds returns the trainee's rounds with results, or none when no
// client voice is wired in.
func (s *Service) voiceRounds(ctx context.Context, traineeID string) ([]VoiceRound, error) {
	if s.Voice == nil {
		return nil, nil
	}
	return s.Voice.EvidenceRounds(ctx, traineeID)
}

// attachRound offers the round roundID ("" for none) with the request e.
func (s *Service) attachRound(ctx context.Context, tx bun.IDB, e *Event, roundID string) error {
	if roundID == "" {
		return nil
	}
	if s.Voice == nil {
		return fault.Errorf(fault.CodeInvalid, "Feedback rounds cannot be offered as evidence here.")
	}
	return s.Voice.Attach(ctx, tx, e.ID, e.TraineeID, e.CompetencyID, roundID)
}

// voiceLabel is the round in one line, for the portfolio's CSV.
func voiceLabel(r *VoiceRound) string {
	paper := ""
	if r.Paper > 0 {
		paper = fmt.Sprintf(", %d from paper", r.Paper)
	}
	return fmt.Sprintf("client voice round, %s, %s: %d answers%s. %s", r.Group, r.HeldOn.Format("2 January 2006"), r.Answers, paper, r.Results)
}

// voiceFor returns the round offered with the competency step eventID, or
// nil.
func voiceFor(rounds []VoiceRound, eventID string) *VoiceRound {
	for i := range rounds {
		if slices.Contains(rounds[i].Events, eventID) {
			return &rounds[i]
		}
	}
	return nil
}
