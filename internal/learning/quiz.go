package learning

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/catalog"
	"groundwork/internal/clock"
	"groundwork/internal/fault"
)

// Attempt is one try at a module's knowledge check.
type Attempt struct {
	bun.BaseModel `bun:"table:quiz_attempts"`

	ID            string     `bun:"id,pk"`
	UserID        string     `bun:"user_id,notnull"`
	ModuleSlug    string     `bun:"module_slug,notnull"`
	ModuleVersion string     `bun:"module_version,notnull"`
	OptionOrder   string     `bun:"option_order,notnull"` // JSON: question ID -> option indexes as shown
	StartedAt     time.Time  `bun:"started_at,notnull"`
	SubmittedAt   *time.Time `bun:"submitted_at"`
	Answers       string     `bun:"answers,notnull"` // JSON: question ID -> chosen option indexes
	Score         *int       `bun:"score"`
	Passed        *bool      `bun:"passed"`
	// ExpiredAt is when the attempt was closed without being submitted.
	ExpiredAt *time.Time `bun:"expired_at"`
}

// Answers maps a question ID to the indexes of the options chosen, in the
// quiz file's order.
type Answers map[string][]int

// OpenAttemptFor is how long an attempt can be submitted after it starts.
// Reloading the form within it shows the same attempt.
const OpenAttemptFor = 2 * time.Hour

// ErrWait means the retake cool-down after a failed attempt has not passed.
type ErrWait struct{ Until time.Time }

func (e *ErrWait) Error() string { return "retake not yet allowed" }

// ErrExpired means the attempt can no longer be submitted: it was open
// longer than OpenAttemptFor, the module was updated since it began,
// or it began before a retake wait ended. It does not count as a try.
var ErrExpired = errors.New("attempt expired")

// Start returns the person's open attempt at the module's quiz, or a new
// one with freshly shuffled options. It refuses while a failed attempt's
// cool-down runs. The database holds at most one open attempt per person
// and module, so parallel starts all return the same attempt.
func (p *Progress) Start(ctx context.Context, userID string, m *catalog.Module) (*Attempt, error) {
	if m.Quiz == nil {
		return nil, fault.NotFound()
	}
	// The open attempt can be submitted between the insert and the read;
	// a second round then sees that submission.
	for range 3 {
		a, err := p.startOnce(ctx, userID, m)
		if a != nil || err != nil {
			return a, err
		}
	}
	return nil, fmt.Errorf("start attempt: the open attempt kept changing")
}

func (p *Progress) startOnce(ctx context.Context, userID string, m *catalog.Module) (*Attempt, error) {
	t := p.Clock.Now()
	until, err := p.retakeAt(ctx, userID, m)
	if err != nil {
		return nil, err
	}
	if t.Before(until) {
		return nil, &ErrWait{Until: until}
	}
	if err := p.expireStale(ctx, userID, m, until); err != nil {
		return nil, err
	}
	order, _ := json.Marshal(shuffle(m.Quiz))
	a := &Attempt{ID: clock.NewID(), UserID: userID, ModuleSlug: m.Slug, ModuleVersion: m.Version,
		OptionOrder: string(order), StartedAt: t}
	if _, err := p.DB.NewInsert().Model(a).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("start attempt: %w", err)
	}
	open := new(Attempt)
	err = p.DB.NewSelect().Model(open).Where("user_id = ?", userID).Where("module_slug = ?", m.Slug).
		Where("submitted_at IS NULL").Where("expired_at IS NULL").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read open attempt: %w", err)
	}
	return open, nil
}

// retakeAt is when the person may next start the module's knowledge check.
func (p *Progress) retakeAt(ctx context.Context, userID string, m *catalog.Module) (time.Time, error) {
	last, err := p.lastSubmitted(ctx, userID, m.Slug)
	return retakeAfter(last, m), err
}

// retakeAfter is the end of the wait after last, the person's latest
// submission, when it failed; otherwise the zero time.
func retakeAfter(last *Attempt, m *catalog.Module) time.Time {
	if last == nil || *last.Passed {
		return time.Time{}
	}
	return last.SubmittedAt.Add(time.Duration(m.RetakeAfterMinutes) * time.Minute)
}

// expireStale closes the person's open attempt at the module when it can no
// longer be submitted, so that it does not block a new one.
func (p *Progress) expireStale(ctx context.Context, userID string, m *catalog.Module, until time.Time) error {
	t := p.Clock.Now()
	_, err := p.DB.NewUpdate().Model((*Attempt)(nil)).Set("expired_at = ?", t).
		Where("user_id = ?", userID).Where("module_slug = ?", m.Slug).
		Where("submitted_at IS NULL").Where("expired_at IS NULL").
		WhereGroup(" AND ", func(q *bun.UpdateQuery) *bun.UpdateQuery {
			return q.Where("started_at <= ?", t.Add(-OpenAttemptFor)).WhereOr("module_version <> ?", m.Version).
				WhereOr("started_at < ?", until)
		}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("expire attempts: %w", err)
	}
	return nil
}

// shuffle gives each question a random order of its options. True/false
// questions keep True before False.
func shuffle(q *catalog.Quiz) map[string][]int {
	order := map[string][]int{}
	for _, question := range q.Questions {
		idx := make([]int, len(question.Options))
		for i := range idx {
			idx[i] = i
		}
		if question.Type != catalog.QuestionTrueFalse {
			rand.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		}
		order[question.ID] = idx
	}
	return order
}

// Order returns the option order shown for each question.
func (a *Attempt) Order() map[string][]int {
	var order map[string][]int
	_ = json.Unmarshal([]byte(a.OptionOrder), &order)
	return order
}

// Chosen returns the submitted answers.
func (a *Attempt) Chosen() Answers {
	var ans Answers
	_ = json.Unmarshal([]byte(a.Answers), &ans)
	return ans
}

// Score marks answers against the quiz: a question counts when exactly the
// correct options were chosen. It returns the percentage, rounded.
func Score(q *catalog.Quiz, ans Answers) int {
	if len(q.Questions) == 0 {
		return 0
	}
	right := 0
	for _, question := range q.Questions {
		chosen := slices.Clone(ans[question.ID])
		slices.Sort(chosen)
		if slices.Equal(chosen, question.CorrectSet()) {
			right++
		}
	}
	return (right*200 + len(q.Questions)) / (2 * len(q.Questions))
}

// ErrAlreadySubmitted means the attempt was submitted before (a double
// submit); the first submission stands.
var ErrAlreadySubmitted = errors.New("attempt already submitted")

// Submit scores and closes the attempt. Only the first submission counts.
// It refuses, recording nothing, an attempt that expired (ErrExpired) and
// any submission while a failed attempt's retake wait runs (*ErrWait).
func (p *Progress) Submit(ctx context.Context, a *Attempt, m *catalog.Module, ans Answers) error {
	if err := p.Submittable(ctx, a, m); err != nil {
		return err
	}
	t := p.Clock.Now()
	score := Score(m.Quiz, ans)
	passed := score >= m.PassMark
	encoded, _ := json.Marshal(ans)
	wait := time.Duration(m.RetakeAfterMinutes) * time.Minute
	// The conditions repeat the checks above in the statement itself, so a
	// submission racing another cannot slip past them.
	failedSince := p.DB.NewSelect().Model((*Attempt)(nil)).ColumnExpr("1").
		Where("user_id = ?", a.UserID).Where("module_slug = ?", m.Slug).
		Where("passed = ?", false).Where("submitted_at > ?", a.StartedAt.Add(-wait))
	res, err := p.DB.NewUpdate().Model((*Attempt)(nil)).
		Set("submitted_at = ?", t).Set("answers = ?", string(encoded)).
		Set("score = ?", score).Set("passed = ?", passed).
		Where("id = ?", a.ID).Where("submitted_at IS NULL").Where("expired_at IS NULL").
		Where("module_version = ?", m.Version).Where("started_at > ?", t.Add(-OpenAttemptFor)).
		Where("NOT EXISTS (?)", failedSince).Exec(ctx)
	if err != nil {
		return fmt.Errorf("submit attempt: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return p.refused(ctx, a, m)
	}
	if err := recordActivity(ctx, p.DB, []activityRow{{UserID: a.UserID, LastAt: t}}); err != nil {
		return err
	}
	if passed {
		p.changed(ctx, a.UserID)
	}
	return nil
}

// Submittable returns nil when the attempt can be submitted now, and
// otherwise why not: ErrAlreadySubmitted, *ErrWait while a failed attempt's
// retake wait runs, or ErrExpired (closing the attempt).
func (p *Progress) Submittable(ctx context.Context, a *Attempt, m *catalog.Module) error {
	if a.SubmittedAt != nil {
		return ErrAlreadySubmitted
	}
	t := p.Clock.Now()
	last, err := p.lastSubmitted(ctx, a.UserID, m.Slug)
	if err != nil {
		return err
	}
	if last != nil && last.ID == a.ID {
		return ErrAlreadySubmitted // submitted since it was read
	}
	until := retakeAfter(last, m)
	if t.Before(until) {
		return &ErrWait{Until: until}
	}
	if a.ExpiredAt != nil || a.ModuleVersion != m.Version || !a.StartedAt.After(t.Add(-OpenAttemptFor)) || a.StartedAt.Before(until) {
		return p.expire(ctx, a)
	}
	return nil
}

// refused says why a submission changed nothing, reading the attempt as it
// is now.
func (p *Progress) refused(ctx context.Context, a *Attempt, m *catalog.Module) error {
	current, err := p.AttemptOf(ctx, a.UserID, a.ID)
	if err != nil {
		return err
	}
	if err := p.Submittable(ctx, current, m); err != nil {
		return err
	}
	return p.expire(ctx, current)
}

// expire closes an open attempt that can no longer be submitted and
// returns ErrExpired. The attempt is kept.
func (p *Progress) expire(ctx context.Context, a *Attempt) error {
	_, err := p.DB.NewUpdate().Model((*Attempt)(nil)).Set("expired_at = ?", p.Clock.Now()).
		Where("id = ?", a.ID).Where("submitted_at IS NULL").Where("expired_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("expire attempt: %w", err)
	}
	return ErrExpired
}

// AttemptOf returns the attempt with id when it belongs to userID; anyone
// else gets not found.
func (p *Progress) AttemptOf(ctx context.Context, userID, id string) (*Attempt, error) {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return nil, fault.NotFound()
	}
	a := new(Attempt)
	err := p.DB.NewSelect().Model(a).Where("id = ?", id).Where("user_id = ?", userID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read attempt: %w", err)
	}
	return a, nil
}

// Attempts returns the person's submitted attempts at a module, newest first.
func (p *Progress) Attempts(ctx context.Context, userID, module string) ([]Attempt, error) {
	var list []Attempt
	err := p.DB.NewSelect().Model(&list).Where("user_id = ?", userID).Where("module_slug = ?", module).
		Where("submitted_at IS NOT NULL").OrderExpr("submitted_at DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	return list, nil
}

func (p *Progress) lastSubmitted(ctx context.Context, userID, module string) (*Attempt, error) {
	list, err := p.Attempts(ctx, userID, module)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// Passed reports whether the person has passed the module's knowledge check
// in any attempt.
func (p *Progress) Passed(ctx context.Context, userID, module string) (bool, error) {
	ok, err := p.DB.NewSelect().Model((*Attempt)(nil)).Where("user_id = ?", userID).
		Where("module_slug = ?", module).Where("passed = ?", true).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("read attempts: %w", err)
	}
	return ok, nil
}
