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
	"groundwork/internal/web"
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
}

// Answers maps a question ID to the indexes of the options chosen, in the
// quiz file's order.
type Answers map[string][]int

// openAttemptFor is how long an unsubmitted attempt is reused when the
// person reloads the form, instead of starting another.
const openAttemptFor = 2 * time.Hour

// ErrWait means the retake cool-down after a failed attempt has not passed.
type ErrWait struct{ Until time.Time }

func (e *ErrWait) Error() string { return "retake not yet allowed" }

// Start returns the person's open attempt at the module's quiz, or a new
// one with freshly shuffled options. It refuses while a failed attempt's
// cool-down runs.
func (p *Progress) Start(ctx context.Context, userID string, m *catalog.Module) (*Attempt, error) {
	if m.Quiz == nil {
		return nil, web.NotFound()
	}
	last, err := p.lastSubmitted(ctx, userID, m.Slug)
	if err != nil {
		return nil, err
	}
	if last != nil && !*last.Passed {
		until := last.SubmittedAt.Add(time.Duration(m.RetakeAfterMinutes) * time.Minute)
		if now().Before(until) {
			return nil, &ErrWait{Until: until}
		}
	}
	open := new(Attempt)
	err = p.DB.NewSelect().Model(open).Where("user_id = ?", userID).Where("module_slug = ?", m.Slug).
		Where("submitted_at IS NULL").Where("started_at > ?", now().Add(-openAttemptFor)).
		Where("module_version = ?", m.Version).OrderExpr("started_at DESC").Limit(1).Scan(ctx)
	if err == nil {
		return open, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read open attempt: %w", err)
	}
	order, _ := json.Marshal(shuffle(m.Quiz))
	a := &Attempt{ID: uuid.Must(uuid.NewV7()).String(), UserID: userID, ModuleSlug: m.Slug, ModuleVersion: m.Version,
		OptionOrder: string(order), StartedAt: now()}
	if _, err := p.DB.NewInsert().Model(a).Exec(ctx); err != nil {
		return nil, fmt.Errorf("start attempt: %w", err)
	}
	return a, nil
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
func (p *Progress) Submit(ctx context.Context, a *Attempt, m *catalog.Module, ans Answers) error {
	score := Score(m.Quiz, ans)
	passed := score >= m.PassMark
	encoded, _ := json.Marshal(ans)
	res, err := p.DB.NewUpdate().Model((*Attempt)(nil)).
		Set("submitted_at = ?", now()).Set("answers = ?", string(encoded)).
		Set("score = ?", score).Set("passed = ?", passed).
		Where("id = ?", a.ID).Where("submitted_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("submit attempt: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrAlreadySubmitted
	}
	if passed {
		p.changed(ctx, a.UserID)
	}
	return nil
}

// AttemptOf returns the attempt with id when it belongs to userID; anyone
// else gets not found.
func (p *Progress) AttemptOf(ctx context.Context, userID, id string) (*Attempt, error) {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return nil, web.NotFound()
	}
	a := new(Attempt)
	err := p.DB.NewSelect().Model(a).Where("id = ?", id).Where("user_id = ?", userID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, web.NotFound()
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

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
