package events

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/db"
	"groundwork/internal/web"
)

// MinAnswers is how many people must answer before a session's feedback
// shows: fewer, and a facilitator could tell who said what.
const MinAnswers = 3

// Answer is one anonymous feedback form. Nothing in it points at who gave
// it: no registration, no time, and a random (not time-ordered) key.
type Answer struct {
	bun.BaseModel `bun:"table:event_feedback"`

	ID         string `bun:"id,pk"`
	EventID    string `bun:"event_id,notnull"`
	Usefulness int    `bun:"usefulness,notnull"` // 1 to 5
	Clarity    int    `bun:"clarity,notnull"`    // 1 to 5
	Recommend  int    `bun:"recommend,notnull"`  // 0 to 10
	Comment    string `bun:"comment,notnull"`
}

// ErrAnswered means the registrant has given their feedback already.
var ErrAnswered = web.Errorf(web.CodeConflict, "You have already given feedback on this session. Thank you.")

// GiveFeedback stores a's answers for reg's session. The registration
// keeps only that feedback was given, so nobody answers twice; the answer
// keeps nothing about the registration.
func (s *Service) GiveFeedback(ctx context.Context, reg *Registration, a Answer) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Registration)(nil)).Set("feedback_given = ?", true).
			Where("id = ?", reg.ID).Where("feedback_given = ?", false).Where("attended = ?", true).Exec(ctx)
		if err != nil {
			return fmt.Errorf("give feedback: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrAnswered
		}
		a.ID, a.EventID = uuid.NewString(), reg.EventID
		if _, err := tx.NewInsert().Model(&a).Exec(ctx); err != nil {
			return fmt.Errorf("give feedback: %w", err)
		}
		return nil
	})
}

// Summary is the feedback of a session or an audience, in aggregate.
type Summary struct {
	Answers                        int
	Usefulness, Clarity, Recommend float64 // means
	// Promoters and Detractors count the 9–10 and 0–6 answers to "would
	// you recommend", for a net promoter score.
	Promoters, Detractors int
	Comments              []string
}

// Shown reports whether enough people answered for the summary to show.
func (s Summary) Shown() bool { return s.Answers >= MinAnswers }

// NPS is the net promoter score, from −100 to 100.
func (s Summary) NPS() int {
	if s.Answers == 0 {
		return 0
	}
	return (s.Promoters - s.Detractors) * 100 / s.Answers
}

// summarise folds answers into a summary.
func summarise(answers []Answer) Summary {
	var s Summary
	for _, a := range answers {
		s.Answers++
		s.Usefulness += float64(a.Usefulness)
		s.Clarity += float64(a.Clarity)
		s.Recommend += float64(a.Recommend)
		switch {
		case a.Recommend >= 9:
			s.Promoters++
		case a.Recommend <= 6:
			s.Detractors++
		}
		if a.Comment != "" {
			s.Comments = append(s.Comments, a.Comment)
		}
	}
	if s.Answers > 0 {
		n := float64(s.Answers)
		s.Usefulness, s.Clarity, s.Recommend = s.Usefulness/n, s.Clarity/n, s.Recommend/n
	}
	return s
}

// FeedbackOf summarises one session's feedback.
func FeedbackOf(ctx context.Context, idb bun.IDB, eventID string) (Summary, error) {
	by, err := FeedbackBySession(ctx, idb, []string{eventID})
	return by[eventID], err
}

// FeedbackBySession summarises the feedback of several sessions in one
// query.
func FeedbackBySession(ctx context.Context, idb bun.IDB, eventIDs []string) (map[string]Summary, error) {
	out := map[string]Summary{}
	if len(eventIDs) == 0 {
		return out, nil
	}
	var answers []Answer
	if err := idb.NewSelect().Model(&answers).Where("event_id IN (?)", bun.In(eventIDs)).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load feedback: %w", err)
	}
	by := map[string][]Answer{}
	for _, a := range answers {
		by[a.EventID] = append(by[a.EventID], a)
	}
	for id, list := range by {
		out[id] = summarise(list)
	}
	return out, nil
}

// FeedbackByAudience summarises the feedback of every session, per
// audience the sessions were for.
func FeedbackByAudience(ctx context.Context, idb bun.IDB) (map[Audience]Summary, error) {
	var rows []struct {
		Answer
		Audience Audience `bun:"audience"`
	}
	err := idb.NewSelect().TableExpr("event_feedback AS a").ColumnExpr("a.*, e.audience").
		Join("JOIN events AS e ON e.id = a.event_id").OrderExpr("a.id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("load feedback: %w", err)
	}
	by := map[Audience][]Answer{}
	for _, r := range rows {
		by[r.Audience] = append(by[r.Audience], r.Answer)
	}
	out := map[Audience]Summary{}
	for a, answers := range by {
		out[a] = summarise(answers)
	}
	return out, nil
}
