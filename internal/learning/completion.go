package learning

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"groundwork/internal/catalog"
	"groundwork/internal/db"
	"groundwork/internal/supervision"
)

// SignOffs reports which competencies trainees have been signed off for:
// user ID -> competency ID -> signed off. The supervision capability
// provides it; until then no competency counts as signed off.
type SignOffs interface {
	SignedOff(ctx context.Context, userIDs []string) (map[string]map[string]bool, error)
}

// Requests reports, in one query, what SignOffs does and the competencies
// whose sign-off each trainee has asked for and that wait for review, for
// the trainees that trainees selects (a subquery of their IDs, or bun.List
// of them). The supervision capability provides it alongside SignOffs;
// without it no request counts as made.
type Requests interface {
	SignedAndRequested(ctx context.Context, trainees schema.QueryAppender) (signed, requested map[string]map[string]bool, err error)
}

// Supervision reports recorded supervision. The supervision capability
// provides it; until then nobody has any hours or sessions.
type Supervision interface {
	// Summaries returns each trainee's agreed hours, last and next
	// session, and whether they are overdue.
	Summaries(ctx context.Context, userIDs []string) (map[string]supervision.Summary, error)
	// PendingCounts returns how many competency sign-off requests of each
	// trainee wait for review.
	PendingCounts(ctx context.Context, userIDs []string) (map[string]int, error)
}

// Certificates lists a trainee's certificates. The certificates capability
// provides it; until then the dashboard shows none.
type Certificates interface {
	CertificatesOf(ctx context.Context, userID string) ([]CertificateLink, error)
	// CurrentNumbers returns each trainee's numbers of certificates in
	// force, for the progress export.
	CurrentNumbers(ctx context.Context, userIDs []string) (map[string][]string, error)
}

// CertificateLink is a certificate as the trainee's dashboard lists it.
type CertificateLink struct {
	Title    string
	IssuedAt time.Time
	URL      string
	Revoked  bool
}

// ModuleProgress is where one trainee stands in one module, computed from
// facts: lessons read, attempts, reflections and sign-offs.
type ModuleProgress struct {
	Module               *catalog.Module
	LessonsRead          int
	QuizPassed           bool
	BestScore            int
	Attempts             int
	ReflectionsSubmitted bool
	CompetenciesSigned   int
	// CompetenciesAsked counts the competencies whose sign-off the trainee
	// has asked for and that wait for review.
	CompetenciesAsked int
	LastActivity      time.Time
	nextLesson        *catalog.Lesson
	signed            map[string]bool // competency ID -> signed off now
}

// Complete reports whether every requirement of the module is met.
func (p ModuleProgress) Complete() bool { return p.gaps() == (gaps{}) }

// Started reports whether the trainee has done anything in the module.
func (p ModuleProgress) Started() bool { return !p.LastActivity.IsZero() }

// gaps is what is left of a module's requirements.
type gaps struct {
	lessons     int  // lessons to read
	quiz        bool // the knowledge check to pass
	reflections bool // reflections to submit
	asked       int  // competencies waiting for sign-off
	toAsk       int  // competencies whose sign-off is yet to be asked for
}

func (p ModuleProgress) gaps() gaps {
	m := p.Module
	return gaps{
		lessons:     max(len(m.Lessons)-p.LessonsRead, 0),
		quiz:        m.Quiz != nil && !p.QuizPassed,
		reflections: len(m.ReflectionPrompts) > 0 && !p.ReflectionsSubmitted,
		asked:       p.CompetenciesAsked,
		toAsk:       max(len(m.Competencies)-p.CompetenciesSigned-p.CompetenciesAsked, 0),
	}
}

// Remaining lists, in plain words, what is left to do.
func (p ModuleProgress) Remaining() []string {
	var left []string
	g := p.gaps()
	if g.lessons > 0 {
		left = append(left, plural(g.lessons, "lesson", "lessons")+" to read")
	}
	if g.quiz {
		left = append(left, "the knowledge check to pass")
	}
	if g.reflections {
		left = append(left, "reflections to submit")
	}
	if g.asked > 0 {
		left = append(left, plural(g.asked, "competency awaits", "competencies await")+" sign-off")
	}
	if g.toAsk > 0 {
		left = append(left, plural(g.toAsk, "competency", "competencies")+" to ask sign-off for")
	}
	return left
}

// Steps returns how many of the module's requirements are met, of how many:
// each lesson, the knowledge check, the reflections and each competency.
func (p ModuleProgress) Steps() (done, total int) {
	m := p.Module
	done, total = p.LessonsRead, len(m.Lessons)
	if m.Quiz != nil {
		total++
		if p.QuizPassed {
			done++
		}
	}
	if len(m.ReflectionPrompts) > 0 {
		total++
		if p.ReflectionsSubmitted {
			done++
		}
	}
	return done + p.CompetenciesSigned, total + len(m.Competencies)
}

// Percent is Steps as a whole percentage.
func (p ModuleProgress) Percent() int {
	done, total := p.Steps()
	if total == 0 {
		return 100
	}
	return done * 100 / total
}

// NextLabel says what to do next in the module, or "" when done.
func (p ModuleProgress) NextLabel() string {
	label, _ := p.nextStep()
	return label
}

// NextHref is where the next step is done.
func (p ModuleProgress) NextHref() string {
	_, href := p.nextStep()
	return href
}

func (p ModuleProgress) nextStep() (label, href string) {
	m := p.Module
	switch {
	case p.nextLesson != nil:
		return "Read " + p.nextLesson.Title, "/modules/" + m.Slug + "/lessons/" + p.nextLesson.Slug
	case p.LessonsRead < len(m.Lessons):
		// Progress summed by the database knows how many lessons are
		// read, not which.
		return "Read the lessons", "/modules/" + m.Slug
	case m.Quiz != nil && !p.QuizPassed:
		return "Take the knowledge check", "/modules/" + m.Slug + "/quiz"
	case len(m.ReflectionPrompts) > 0 && !p.ReflectionsSubmitted:
		return "Write your reflections", "/modules/" + m.Slug + "/reflections"
	case p.CompetenciesSigned < len(m.Competencies):
		return "Ask your supervisor to sign off your competencies", "/modules/" + m.Slug
	}
	return "", ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Overview computes every module's progress for each of userIDs in two
// queries (facts, and sign-offs with requests), whatever the number of
// people.
func (p *Progress) Overview(ctx context.Context, userIDs []string, c *catalog.Catalog) (map[string][]ModuleProgress, error) {
	_, out, err := p.overview(ctx, userIDs, c)
	return out, err
}

// overview is Overview that also returns the facts it read.
func (p *Progress) overview(ctx context.Context, userIDs []string, c *catalog.Catalog) (*facts, map[string][]ModuleProgress, error) {
	out := map[string][]ModuleProgress{}
	if len(userIDs) == 0 {
		return &facts{}, out, nil
	}
	f, err := p.facts(ctx, userIDs)
	if err != nil {
		return nil, nil, err
	}
	signed, asked, err := p.signedAndAsked(ctx, bun.List(userIDs), userIDs)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range userIDs {
		for _, m := range c.TraineeModules() {
			mp := f.module(id, m, signed[id])
			for _, comp := range m.Competencies {
				if asked[id][comp.ID] {
					mp.CompetenciesAsked++
				}
			}
			out[id] = append(out[id], mp)
		}
	}
	return f, out, nil
}

// facts holds the raw progress rows of a set of people.
type facts struct {
	read       map[string]map[string]time.Time // user -> module/lesson -> when
	attempts   map[string][]attemptFact        // user -> submitted attempts
	reflection map[string]time.Time            // user/module -> submitted
	scopes     map[string][]string             // user -> enrolment scopes
}

type attemptFact struct {
	ModuleSlug  string
	Score       int
	Passed      bool
	SubmittedAt time.Time
}

// factRow is one row of the facts query: a lesson read, a submitted
// attempt, a submitted reflection or an enrolment.
type factRow struct {
	Kind   string    `bun:"kind"`
	UserID string    `bun:"user_id"`
	Scope  string    `bun:"scope"` // module slug, or enrolment scope
	Item   string    `bun:"item"`  // lesson slug
	Score  int       `bun:"score"`
	Passed bool      `bun:"passed"`
	At     time.Time `bun:"at"`
}

// factsQuery reads every kind of fact in one round trip.
const factsQuery = `
SELECT 'lesson' AS kind, user_id, module_slug AS scope, lesson_slug AS item, 0 AS score, false AS passed, completed_at AS at
  FROM lesson_progress WHERE user_id IN (?0)
UNION ALL
SELECT 'attempt', user_id, module_slug, '', score, passed, submitted_at
  FROM quiz_attempts WHERE user_id IN (?0) AND submitted_at IS NOT NULL
UNION ALL
SELECT 'reflection', user_id, module_slug, '', 0, false, max(submitted_at)
  FROM reflections WHERE user_id IN (?0) AND submitted_at IS NOT NULL GROUP BY user_id, module_slug
UNION ALL
SELECT 'enrolment', user_id, scope, '', 0, false, enrolled_at
  FROM enrolments WHERE user_id IN (?0)`

// factsOfOneQuery is factsQuery for one person, as a prepared statement:
// every signed-in lesson and module page runs it.
var factsOfOneQuery = strings.ReplaceAll(factsQuery, "IN (?0)", "= $1")

// facts reads the facts of userIDs in one query.
func (p *Progress) facts(ctx context.Context, userIDs []string) (*facts, error) {
	f := &facts{read: map[string]map[string]time.Time{}, attempts: map[string][]attemptFact{},
		reflection: map[string]time.Time{}, scopes: map[string][]string{}}
	var rows *sql.Rows
	var err error
	if len(userIDs) == 1 {
		p.oneFacts.once.Do(func() { p.oneFacts.stmt = db.NewStatement(p.DB, factsOfOneQuery) })
		rows, err = p.oneFacts.stmt.Query(ctx, userIDs[0])
	} else {
		rows, err = p.DB.QueryContext(ctx, factsQuery, bun.List(userIDs))
	}
	if err != nil {
		return nil, fmt.Errorf("read progress facts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r factRow
		if err := p.DB.ScanRow(ctx, rows, &r); err != nil {
			return nil, fmt.Errorf("read progress facts: %w", err)
		}
		f.add(r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read progress facts: %w", err)
	}
	return f, nil
}

func (f *facts) add(r factRow) {
	switch r.Kind {
	case "lesson":
		if f.read[r.UserID] == nil {
			f.read[r.UserID] = map[string]time.Time{}
		}
		f.read[r.UserID][r.Scope+"/"+r.Item] = r.At
	case "attempt":
		f.attempts[r.UserID] = append(f.attempts[r.UserID], attemptFact{ModuleSlug: r.Scope, Score: r.Score, Passed: r.Passed, SubmittedAt: r.At})
	case "reflection":
		f.reflection[r.UserID+"/"+r.Scope] = r.At
	case "enrolment":
		f.scopes[r.UserID] = append(f.scopes[r.UserID], r.Scope)
	}
}

func (f *facts) module(userID string, m *catalog.Module, signed map[string]bool) ModuleProgress {
	mp := ModuleProgress{Module: m, signed: signed}
	for _, l := range m.Lessons {
		if at, ok := f.read[userID][m.Slug+"/"+l.Slug]; ok {
			mp.LessonsRead++
			mp.LastActivity = latest(mp.LastActivity, at)
		} else if mp.nextLesson == nil {
			mp.nextLesson = l
		}
	}
	for _, a := range f.attempts[userID] {
		if a.ModuleSlug == m.Slug {
			mp.Attempts++
			mp.QuizPassed = mp.QuizPassed || a.Passed
			mp.BestScore = max(mp.BestScore, a.Score)
			mp.LastActivity = latest(mp.LastActivity, a.SubmittedAt)
		}
	}
	if at, ok := f.reflection[userID+"/"+m.Slug]; ok {
		mp.ReflectionsSubmitted = true
		mp.LastActivity = latest(mp.LastActivity, at)
	}
	for _, comp := range m.Competencies {
		if signed[comp.ID] {
			mp.CompetenciesSigned++
		}
	}
	return mp
}

// Clearance says whether the trainee whose progress is modules (every
// trainee module, as Overview returns them) is cleared for unsupervised
// practice.
func Clearance(c *catalog.Catalog, modules []ModuleProgress) catalog.Clearance {
	signed := map[string]bool{}
	for _, mp := range modules {
		for id, ok := range mp.signed {
			signed[id] = signed[id] || ok
		}
	}
	return c.Clearance(signed)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
