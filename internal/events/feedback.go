package events

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// MinAnswers is how many answers a session collects before any is
// released to event_feedback, and so before its feedback shows: fewer,
// and a facilitator could tell who said what.
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

// heldAnswer is an answer waiting until its session has MinAnswers of
// them; it has the same columns as Answer.
type heldAnswer struct {
	bun.BaseModel `bun:"table:event_feedback_pending"`

	ID         string `bun:"id,pk"`
	EventID    string `bun:"event_id,notnull"`
	Usefulness int    `bun:"usefulness,notnull"`
	Clarity    int    `bun:"clarity,notnull"`
	Recommend  int    `bun:"recommend,notnull"`
	Comment    string `bun:"comment,notnull"`
}

// ErrAnswered means the registrant has given their feedback already.
var ErrAnswered = fault.Errorf(fault.CodeConflict, "You have already given feedback on this session. Thank you.")

// errBadAnswer means an answer is out of range; the form checks first.
var errBadAnswer = fault.Errorf(fault.CodeInvalid, "Choose a rating for each question.")

// GiveFeedback stores a as reg's anonymous feedback on their session.
//
// Nothing that reads the database, system columns included, can link the
// answer to reg: the right to answer is spent in one transaction and the
// answer stored in another. Spending it rewrites every spent registration
// of the session, one row at a time in a random order, so that they all
// carry the same transaction ID (PostgreSQL's xmin) and their physical
// order says nothing of who answered when. The answer is held, unlinked,
// until the session has MinAnswers of them; then they are released to
// event_feedback together, in a random order, in one transaction, so
// released answers share one xmin and arrive in batches. Neither
// transaction writes anything else: no time, no mail, no audit entry.
func (s *Service) GiveFeedback(ctx context.Context, reg *Registration, a Answer) error {
	if a.Usefulness < 1 || a.Usefulness > 5 || a.Clarity < 1 || a.Clarity > 5 || a.Recommend < 0 || a.Recommend > 10 {
		return errBadAnswer
	}
	if err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		return spendRight(ctx, tx, reg)
	}); err != nil {
		return err
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		return holdAnswer(ctx, tx, reg.EventID, a)
	})
}

// spendRight marks reg as having answered, if they attended and have not
// answered yet, then rewrites every spent registration of the session in
// a random order.
func spendRight(ctx context.Context, tx bun.Tx, reg *Registration) error {
	if err := lockFeedback(ctx, tx, reg.EventID); err != nil {
		return err
	}
	res, err := tx.NewUpdate().Model((*Registration)(nil)).Set("feedback_given = ?", true).
		Where("id = ?", reg.ID).Where("feedback_given = ?", false).Where("attended = ?", true).
		Where("purged_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("spend feedback right: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrAnswered
	}
	var spent []string
	if err := tx.NewSelect().Model((*Registration)(nil)).Column("id").Where("event_id = ?", reg.EventID).
		Where("feedback_given = ?", true).Scan(ctx, &spent); err != nil {
		return fmt.Errorf("spend feedback right: %w", err)
	}
	db.Shuffle(spent)
	for _, id := range spent {
		// Setting a column to itself still writes a new row version.
		if _, err := tx.NewUpdate().Model((*Registration)(nil)).Set("feedback_given = feedback_given").
			Where("id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("spend feedback right: %w", err)
		}
	}
	return nil
}

// holdAnswer keeps a for eventID and releases the session's held answers
// once there are MinAnswers of them.
func holdAnswer(ctx context.Context, tx bun.Tx, eventID string, a Answer) error {
	if err := lockFeedback(ctx, tx, eventID); err != nil {
		return err
	}
	h := &heldAnswer{ID: uuid.NewString(), EventID: eventID, Usefulness: a.Usefulness, Clarity: a.Clarity,
		Recommend: a.Recommend, Comment: a.Comment}
	if _, err := tx.NewInsert().Model(h).Exec(ctx); err != nil {
		return fmt.Errorf("hold feedback: %w", err)
	}
	var held []heldAnswer
	if err := tx.NewSelect().Model(&held).Where("event_id = ?", eventID).Scan(ctx); err != nil {
		return fmt.Errorf("hold feedback: %w", err)
	}
	if len(held) < MinAnswers {
		return nil
	}
	db.Shuffle(held)
	for _, h := range held {
		// A fresh key: nothing ties the answer to the row it was held in.
		released := Answer{ID: uuid.NewString(), EventID: h.EventID, Usefulness: h.Usefulness, Clarity: h.Clarity,
			Recommend: h.Recommend, Comment: h.Comment}
		if _, err := tx.NewInsert().Model(&released).Exec(ctx); err != nil {
			return fmt.Errorf("release feedback: %w", err)
		}
	}
	if _, err := tx.NewDelete().Model((*heldAnswer)(nil)).Where("event_id = ?", eventID).Exec(ctx); err != nil {
		return fmt.Errorf("release feedback: %w", err)
	}
	return nil
}

// lockFeedback serialises the feedback transactions of one session, so
// that two releases never take the same held answers and two rewrites of
// the spent registrations never deadlock.
func lockFeedback(ctx context.Context, tx bun.Tx, eventID string) error {
	return db.LockName(ctx, tx, "feedback:"+eventID)
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
	if err := idb.NewSelect().Model(&answers).Where("event_id IN (?)", bun.List(eventIDs)).OrderExpr("id").Scan(ctx); err != nil {
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
