package voice

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// Service is the client voice capability over one database.
type Service struct {
	DB      *bun.DB
	Courses *catalog.Store
	// BaseURL is the site's public address, for the members' link and QR
	// code.
	BaseURL string
	// Clock tells the time; nil is the system clock.
	Clock  clock.Clock
	Logger *slog.Logger
}

// now is the service's time.
func (s *Service) now() time.Time {
	if s.Clock == nil {
		return clock.System.Now()
	}
	return s.Clock.Now()
}

// Draft is a round about to be opened.
type Draft struct {
	Group        string
	HeldOn       time.Time // a date, at midnight UTC
	Competencies []string
	Hours        int // how long the round stays open
	MaxAnswers   int // how many answers it takes at most
}

// check returns what is wrong with d, by form field, against the
// competencies a round may evidence.
func (d Draft) check(today time.Time, allowed []catalog.Competency) map[string]string {
	problems := map[string]string{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(d.Group)); {
	case n == 0:
		problems["group_name"] = "Name the group, as its members know it."
	case n > 80:
		problems["group_name"] = "Keep the group's name to 80 characters."
	}
	if d.HeldOn.IsZero() {
		problems["held_on"] = "Give the date of the session."
	} else if d.HeldOn.After(today.AddDate(0, 0, 1)) || d.HeldOn.Before(today.AddDate(-1, 0, 0)) {
		problems["held_on"] = "Give the date the session took place: today, or a day in the last year."
	}
	if len(d.Competencies) == 0 {
		problems["competencies"] = "Tick at least one competency the feedback may show."
	}
	for _, id := range d.Competencies {
		if !hasCompetency(allowed, id) {
			problems["competencies"] = "Tick only competencies from the list."
		}
	}
	if d.Hours < 1 || d.Hours > MaxHours {
		problems["hours"] = fmt.Sprintf("Keep the round open between 1 and %d hours.", MaxHours)
	}
	if d.MaxAnswers < MinAnswers || d.MaxAnswers > MaxAnswersLimit {
		problems["max_answers"] = fmt.Sprintf("Allow between %d and %d answers.", MinAnswers, MaxAnswersLimit)
	}
	return problems
}

func hasCompetency(list []catalog.Competency, id string) bool {
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

// EvidenceModules are the modules whose competencies a round may evidence:
// gathering feedback and running groups.
var EvidenceModules = []string{"client-voice-and-influence", "groupwork-practice"}

// Evidenceable lists the competencies a round may evidence: those of
// EvidenceModules or, when the curriculum has none of them, every trainee
// competency.
func (s *Service) Evidenceable() []catalog.Competency {
	cat := s.Courses.Catalog()
	var out []catalog.Competency
	for _, slug := range EvidenceModules {
		if m, ok := cat.Module(slug); ok {
			out = append(out, m.Competencies...)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, m := range cat.TraineeModules() {
		out = append(out, m.Competencies...)
	}
	return out
}

// InvalidDraft is a draft refused, with a message per form field.
type InvalidDraft struct{ Problems map[string]string }

// Error says the draft was refused; Problems says why.
func (e *InvalidDraft) Error() string { return "invalid feedback round" }

// Open opens a round for a session of trainee's group, opened by by (the
// trainee or someone who reviews them). A draft with problems is refused
// with an *InvalidDraft.
func (s *Service) Open(ctx context.Context, by, trainee *account.User, d Draft) (*Round, error) {
	if !CanRun(by, trainee) {
		return nil, fault.NotFound()
	}
	now := s.now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if problems := d.check(today, s.Evidenceable()); len(problems) > 0 {
		return nil, &InvalidDraft{Problems: problems}
	}
	r := &Round{ID: clock.NewID(), TraineeID: trainee.ID, OpenedBy: by.ID,
		Group: strings.TrimSpace(d.Group), HeldOn: d.HeldOn, CompetencyList: strings.Join(d.Competencies, " "),
		OpenedAt: now, ClosesAt: now.Add(time.Duration(d.Hours) * time.Hour), MaxAnswers: d.MaxAnswers}
	for range 5 {
		r.Code = newCode()
		_, err := s.DB.NewInsert().Model(r).Exec(ctx)
		if err == nil {
			return r, nil
		}
		if !db.IsUniqueViolation(err) {
			return nil, fmt.Errorf("open feedback round: %w", err)
		}
	}
	return nil, errors.New("open feedback round: no free code after 5 tries")
}

// codeAlphabet is the characters of a round's code: lower-case letters and
// digits without the ones people mistake for each other (0 and o, 1, i
// and l).
const codeAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// CodeLength is the length of a round's code: 10 characters of 31 is
// about 49 random bits, with lookups rate-limited per address.
const CodeLength = 10

// newCode draws a round's code from crypto/rand.
func newCode() string {
	b := make([]byte, CodeLength)
	for i := range b {
		b[i] = codeAlphabet[randInt(len(codeAlphabet))]
	}
	return string(b)
}

// IsCode reports whether s could be a round's code, once lower-cased.
func IsCode(s string) bool {
	if len(s) != CodeLength {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(codeAlphabet, r) {
			return false
		}
	}
	return true
}

// randInt returns a uniform random number in [0, n) from crypto/rand.
func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return int(v.Int64())
}

// Get returns the round with id, settling it first if its time is up.
func (s *Service) Get(ctx context.Context, id string) (*Round, error) {
	if !web.IsID(id) {
		return nil, fault.NotFound()
	}
	return s.load(ctx, s.DB.NewSelect().Where("id = ?", id))
}

// ByCode returns the round with the members' code, settling it first if
// its time is up.
func (s *Service) ByCode(ctx context.Context, code string) (*Round, error) {
	code = strings.ToLower(code)
	if !IsCode(code) {
		return nil, fault.NotFound()
	}
	return s.load(ctx, s.DB.NewSelect().Where("code = ?", code))
}

func (s *Service) load(ctx context.Context, q *bun.SelectQuery) (*Round, error) {
	r := new(Round)
	if err := q.Model(r).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fault.NotFound()
		}
		return nil, fmt.Errorf("load feedback round: %w", err)
	}
	if r.ClosedAt != nil || s.now().Before(r.ClosesAt) {
		return r, nil
	}
	if err := s.settleNow(ctx, r.ID); err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB.NewSelect().Where("id = ?", r.ID))
}

// RoundsOf returns the trainee's rounds, newest session first, settling
// those whose time is up.
func (s *Service) RoundsOf(ctx context.Context, traineeID string) ([]Round, error) {
	if err := s.settleDue(ctx, traineeID); err != nil {
		return nil, err
	}
	var out []Round
	if err := s.DB.NewSelect().Model(&out).Where("trainee_id = ?", traineeID).
		OrderExpr("held_on DESC, opened_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list feedback rounds: %w", err)
	}
	return out, nil
}

// Close closes the round now, for someone who runs it, and releases its
// answers (or deletes them unread, when fewer than MinAnswers came).
func (s *Service) Close(ctx context.Context, by, trainee *account.User, r *Round) error {
	if !CanRun(by, trainee) {
		return fault.Forbidden()
	}
	if r.Closed() {
		return nil
	}
	return s.settleNow(ctx, r.ID)
}

// Respond records the trainee's "you said, we did" on a closed round.
func (s *Service) Respond(ctx context.Context, by, trainee *account.User, r *Round, youSaid, weDid string) error {
	if !CanRespond(by, trainee) {
		return fault.Forbidden()
	}
	if !r.Closed() {
		return ErrOpen
	}
	youSaid, weDid = strings.TrimSpace(youSaid), strings.TrimSpace(weDid)
	switch {
	case weDid == "":
		return fault.Errorf(fault.CodeInvalid, "Write what you changed (or will change) in response.")
	case utf8.RuneCountInString(youSaid) > MaxResponse || utf8.RuneCountInString(weDid) > MaxResponse:
		return fault.Errorf(fault.CodeInvalid, "Keep each part to %d characters.", MaxResponse)
	}
	_, err := s.DB.NewUpdate().Model((*Round)(nil)).Set("you_said = ?, we_did = ?, responded_at = ?", youSaid, weDid, s.now()).
		Where("id = ?", r.ID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record you said, we did: %w", err)
	}
	return nil
}

// LastResponse returns the newest "you said, we did" of an earlier round
// of the same trainee's same group, to show the members of r; nil when
// there is none.
func (s *Service) LastResponse(ctx context.Context, r *Round) (*Round, error) {
	prev := new(Round)
	err := s.DB.NewSelect().Model(prev).Where("trainee_id = ?", r.TraineeID).
		Where("lower(group_name) = lower(?)", r.Group).Where("we_did <> ''").Where("id <> ?", r.ID).
		Where("opened_at <= ?", r.OpenedAt).OrderExpr("opened_at DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load you said, we did: %w", err)
	}
	return prev, nil
}

// Review records the reviewer's reading of one comment of the round: shown
// to the trainee, or held back with a reason, which goes to the audit log
// (without the comment) in the same transaction.
func (s *Service) Review(ctx context.Context, by, trainee *account.User, r *Round, commentID string, show bool, reason, ip string) error {
	if !CanReadComments(by, trainee) {
		return fault.Forbidden()
	}
	if !web.IsID(commentID) {
		return fault.Errorf(fault.CodeInvalid, "Choose a comment of this round.")
	}
	reason = strings.TrimSpace(reason)
	if !show && (reason == "" || utf8.RuneCountInString(reason) > MaxComment) {
		return fault.Errorf(fault.CodeInvalid, "Give the reason for holding the comment back (up to %d characters): it is kept in the audit log.", MaxComment)
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		c := new(Comment)
		if err := tx.NewSelect().Model(c).Where("id = ?", commentID).Where("round_id = ?", r.ID).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fault.Errorf(fault.CodeInvalid, "Choose a comment of this round.")
			}
			return fmt.Errorf("load comment: %w", err)
		}
		if c.Status == Held {
			return ErrRead
		}
		status := Shown
		if !show {
			status = Held
		}
		if _, err := tx.NewUpdate().Model(c).Set("status = ?, reason = ?, read_by = ?, read_at = ?", status, reason, by.ID, s.now()).
			WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("review comment: %w", err)
		}
		if show {
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: trainee.ID, Action: CommentHeld, IP: ip,
			Detail: fmt.Sprintf("feedback round %s (%s, %s): %s", r.ID, r.Group, r.HeldOn.Format(time.DateOnly), reason)})
	})
}

// Comments returns the round's comments for the viewer: every one for
// someone who reads them first, only those shown for anyone else.
func (s *Service) Comments(ctx context.Context, r *Round, all bool) ([]Comment, error) {
	var out []Comment
	q := s.DB.NewSelect().Model(&out).Where("round_id = ?", r.ID).OrderExpr("id")
	if !all {
		q = q.Where("status = ?", Shown)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("load comments: %w", err)
	}
	return out, nil
}

// UnreadCounts returns, per trainee, how many comments wait for their
// supervisor to read them.
func (s *Service) UnreadCounts(ctx context.Context, traineeIDs []string) (map[string]int, error) {
	out := map[string]int{}
	if len(traineeIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TraineeID string `bun:"trainee_id"`
		N         int    `bun:"n"`
	}
	err := s.DB.NewSelect().TableExpr("voice_comments AS c").ColumnExpr("r.trainee_id, COUNT(*) AS n").
		Join("JOIN voice_rounds AS r ON r.id = c.round_id").Where("r.trainee_id IN (?)", bun.List(traineeIDs)).
		Where("c.status = ?", Unread).GroupExpr("r.trainee_id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count unread comments: %w", err)
	}
	for _, r := range rows {
		out[r.TraineeID] = r.N
	}
	return out, nil
}

// lock serialises the transactions that change one round's answers, so
// that two never release the same held answers.
func lock(ctx context.Context, tx bun.Tx, roundID string) error {
	return db.LockName(ctx, tx, "voice:"+roundID)
}
