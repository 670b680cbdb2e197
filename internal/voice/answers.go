package voice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// Answer is one member's feedback: four ratings and a comment, which may
// be empty.
type Answer struct {
	Respected, Heard, Useful, Again Choice
	Comment                         string
}

// ratings returns the answer's ratings by question key.
func (a Answer) ratings() map[string]Choice {
	return map[string]Choice{"respected": a.Respected, "heard": a.Heard, "useful": a.Useful, "again": a.Again}
}

// errBadAnswer means an answer is out of range; the form checks first.
var errBadAnswer = fault.Errorf(fault.CodeInvalid, "Choose an answer for each question.")

func (a Answer) valid() bool {
	for _, c := range a.ratings() {
		if c < No || c > Yes {
			return false
		}
	}
	return utf8.RuneCountInString(a.Comment) <= MaxComment
}

// Give takes a member's answer to the round. It fails with ErrClosed when
// the round has closed, is past its time or is full.
//
// Nothing that reads the database, system columns included, can tell
// which answer came when: the answer is held with the round's other
// answers, and every new one rewrites them all in a random order under
// new random keys, so held answers share one transaction ID and their
// physical order is random. When the round closes its answers are
// released in one transaction as counts per question and choice and as
// comments apart from the ratings they came with, or deleted unread when
// fewer than MinAnswers came. Nothing else is written: no time, no
// address, no audit entry.
func (s *Service) Give(ctx context.Context, roundID string, a Answer) error {
	return s.take(ctx, roundID, a, false)
}

// EnterPaper takes an answer a member gave on paper, typed in by someone
// who runs the round. It counts as an answer like any other, and in the
// round's count of paper answers.
func (s *Service) EnterPaper(ctx context.Context, by, trainee *account.User, r *Round, a Answer) error {
	if !CanRun(by, trainee) {
		return fault.Forbidden()
	}
	return s.take(ctx, r.ID, a, true)
}

func (s *Service) take(ctx context.Context, roundID string, a Answer, paper bool) error {
	if !a.valid() {
		return errBadAnswer
	}
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lock(ctx, tx, roundID); err != nil {
			return err
		}
		full, err := countAnswer(ctx, tx, roundID, paper, s.now())
		if err != nil {
			return err
		}
		if err := hold(ctx, tx, roundID, a); err != nil {
			return err
		}
		if full {
			return settle(ctx, tx, roundID, s.now())
		}
		return nil
	})
	if errors.Is(err, ErrClosed) {
		// The round may be past its time without having settled yet.
		if _, serr := s.Get(ctx, roundID); serr != nil && !fault.IsNotFound(serr) {
			return serr
		}
	}
	return err
}

// countAnswer counts one more answer to the round if it is open, in one
// statement, so the round never takes more than max_answers; full reports
// whether that answer filled it.
func countAnswer(ctx context.Context, tx bun.Tx, roundID string, paper bool, now time.Time) (full bool, err error) {
	extra := 0
	if paper {
		extra = 1
	}
	var answers, limit int
	err = tx.NewRaw(`UPDATE voice_rounds SET answers = answers + 1, paper = paper + ?
WHERE id = ? AND closed_at IS NULL AND closes_at > ? AND answers < max_answers
RETURNING answers, max_answers`, extra, roundID, now).Scan(ctx, &answers, &limit)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrClosed
	}
	if err != nil {
		return false, fmt.Errorf("count answer: %w", err)
	}
	return answers >= limit, nil
}

// hold adds a to the round's held answers and rewrites them all in a
// random order under new random keys.
func hold(ctx context.Context, tx bun.Tx, roundID string, a Answer) error {
	var held []heldAnswer
	if err := tx.NewSelect().Model(&held).Where("round_id = ?", roundID).Scan(ctx); err != nil {
		return fmt.Errorf("hold answer: %w", err)
	}
	held = append(held, heldAnswer{RoundID: roundID, Respected: a.Respected, Heard: a.Heard, Useful: a.Useful,
		Again: a.Again, Comment: a.Comment})
	db.Shuffle(held)
	for i := range held {
		held[i].ID = uuid.NewString() // random, not time-ordered
	}
	if _, err := tx.NewDelete().Model((*heldAnswer)(nil)).Where("round_id = ?", roundID).Exec(ctx); err != nil {
		return fmt.Errorf("hold answer: %w", err)
	}
	if _, err := tx.NewInsert().Model(&held).Exec(ctx); err != nil {
		return fmt.Errorf("hold answer: %w", err)
	}
	return nil
}

// settle closes the round and releases its held answers: counts per
// question and choice, and the comments, shuffled, under new random keys,
// apart from the ratings. With fewer than MinAnswers held answers nothing
// is released and the answers are deleted unread. A round already closed
// is left as it is.
func settle(ctx context.Context, tx bun.Tx, roundID string, now time.Time) error {
	res, err := tx.NewUpdate().Model((*Round)(nil)).Set("closed_at = ?", now).
		Where("id = ?", roundID).Where("closed_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("close feedback round: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	var held []heldAnswer
	if err := tx.NewSelect().Model(&held).Where("round_id = ?", roundID).Scan(ctx); err != nil {
		return fmt.Errorf("close feedback round: %w", err)
	}
	if len(held) >= MinAnswers {
		if err := release(ctx, tx, roundID, held); err != nil {
			return err
		}
	}
	if _, err := tx.NewDelete().Model((*heldAnswer)(nil)).Where("round_id = ?", roundID).Exec(ctx); err != nil {
		return fmt.Errorf("close feedback round: %w", err)
	}
	return nil
}

// release stores held as the round's tallies and comments.
func release(ctx context.Context, tx bun.Tx, roundID string, held []heldAnswer) error {
	counts := map[string]map[Choice]int{}
	var comments []Comment
	db.Shuffle(held)
	for _, h := range held {
		a := Answer{Respected: h.Respected, Heard: h.Heard, Useful: h.Useful, Again: h.Again}
		for key, c := range a.ratings() {
			if counts[key] == nil {
				counts[key] = map[Choice]int{}
			}
			counts[key][c]++
		}
		if h.Comment != "" {
			comments = append(comments, Comment{ID: uuid.NewString(), RoundID: roundID, Body: h.Comment, Status: Unread})
		}
	}
	var tallies []tally
	for _, q := range Questions {
		for _, c := range Choices {
			tallies = append(tallies, tally{RoundID: roundID, Question: q.Key, Choice: c, N: counts[q.Key][c]})
		}
	}
	if _, err := tx.NewInsert().Model(&tallies).Exec(ctx); err != nil {
		return fmt.Errorf("release answers: %w", err)
	}
	if len(comments) > 0 {
		if _, err := tx.NewInsert().Model(&comments).Exec(ctx); err != nil {
			return fmt.Errorf("release answers: %w", err)
		}
	}
	if _, err := tx.NewUpdate().Model((*Round)(nil)).Set("released = ?", len(held)).Where("id = ?", roundID).Exec(ctx); err != nil {
		return fmt.Errorf("release answers: %w", err)
	}
	return nil
}

// settleNow closes one round now, in a transaction of its own.
func (s *Service) settleNow(ctx context.Context, roundID string) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lock(ctx, tx, roundID); err != nil {
			return err
		}
		return settle(ctx, tx, roundID, s.now())
	})
}

// settleDue closes the rounds past their time, of one trainee or ("") of
// everyone, each in a transaction of its own.
func (s *Service) settleDue(ctx context.Context, traineeID string) error {
	var ids []string
	q := s.DB.NewSelect().Model((*Round)(nil)).Column("id").Where("closed_at IS NULL").Where("closes_at <= ?", s.now())
	if traineeID != "" {
		q = q.Where("trainee_id = ?", traineeID)
	}
	if err := q.Scan(ctx, &ids); err != nil {
		return fmt.Errorf("find rounds to close: %w", err)
	}
	for _, id := range ids {
		if err := s.settleNow(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// Run closes rounds as their time runs out, every interval, until ctx is
// done; pages close them too when they are read.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	clock.Every(ctx, interval, func(ctx context.Context) {
		if err := s.settleDue(ctx, ""); err != nil && s.Logger != nil && ctx.Err() == nil {
			s.Logger.Error("close feedback rounds", slog.String("error", err.Error()))
		}
	})
}

// Result is what a round's members said to one question.
type Result struct {
	Question         Question
	Yes, NotSure, No int
	Answers          int
	YesPercent       int // rounded down
	NotSurePercent   int
	NoPercent        int
}

// Results are a closed round's released ratings, per question.
type Results struct {
	Answers int
	Rows    []Result
}

// ResultsOf returns the results of the rounds with results among ids, by
// round ID.
func (s *Service) ResultsOf(ctx context.Context, ids []string) (map[string]Results, error) {
	out := map[string]Results{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []tally
	if err := s.DB.NewSelect().Model(&rows).Where("round_id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load results: %w", err)
	}
	by := map[string]map[string]map[Choice]int{}
	for _, t := range rows {
		if by[t.RoundID] == nil {
			by[t.RoundID] = map[string]map[Choice]int{}
		}
		if by[t.RoundID][t.Question] == nil {
			by[t.RoundID][t.Question] = map[Choice]int{}
		}
		by[t.RoundID][t.Question][t.Choice] = t.N
	}
	for id, counts := range by {
		var res Results
		for _, q := range Questions {
			c := counts[q.Key]
			r := Result{Question: q, Yes: c[Yes], NotSure: c[NotSure], No: c[No]}
			r.Answers = r.Yes + r.NotSure + r.No
			if r.Answers > 0 {
				r.YesPercent, r.NotSurePercent, r.NoPercent = r.Yes*100/r.Answers, r.NotSure*100/r.Answers, r.No*100/r.Answers
			}
			res.Answers = max(res.Answers, r.Answers)
			res.Rows = append(res.Rows, r)
		}
		if res.Answers >= MinAnswers {
			out[id] = res
		}
	}
	return out, nil
}
