package supervision

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/notify"
)

// Status is where a trainee's competency stands.
type Status string

// The statuses of a competency. A competency nobody has asked about yet
// has no status.
const (
	Pending   Status = "pending"
	SignedOff Status = "signed_off"
	Returned  Status = "returned"
	Withdrawn Status = "withdrawn"
)

// EventKind is one step in a competency's history.
type EventKind string

// The steps of a competency's history.
const (
	Requested       EventKind = "requested"
	SignOffEvent    EventKind = "signed_off"
	ReturnEvent     EventKind = "returned"
	WithdrawalEvent EventKind = "withdrawn"
)

// Label is the step in words.
func (k EventKind) Label() string {
	switch k {
	case Requested:
		return "Asked for sign-off"
	case SignOffEvent:
		return "Signed off"
	case ReturnEvent:
		return "Returned with feedback"
	case WithdrawalEvent:
		return "Sign-off withdrawn"
	}
	return string(k)
}

// CompetencyState is the current status of one competency of one trainee.
type CompetencyState struct {
	bun.BaseModel `bun:"table:competency_status,alias:cs"`

	TraineeID    string    `bun:"trainee_id,pk"`
	CompetencyID string    `bun:"competency_id,pk"`
	ModuleSlug   string    `bun:"module_slug,notnull"`
	Status       Status    `bun:"status,notnull"`
	UpdatedAt    time.Time `bun:"updated_at,notnull"`
	// Version counts the competency's steps: it moves on with every
	// request, sign-off, return and withdrawal, so a reviewer's form can
	// say which step (and so which evidence) they read. 0 is no step yet.
	Version int `bun:"version,notnull"`
}

// Event is one append-only step of a competency: who did what, when, and
// the evidence, feedback or reason they gave.
type Event struct {
	bun.BaseModel `bun:"table:competency_events,alias:ce"`

	ID             string    `bun:"id,pk"`
	TraineeID      string    `bun:"trainee_id,notnull"`
	CompetencyID   string    `bun:"competency_id,notnull"`
	ModuleSlug     string    `bun:"module_slug,notnull"`
	Kind           EventKind `bun:"kind,notnull"`
	ActorID        string    `bun:"actor_id,notnull"`
	At             time.Time `bun:"at,notnull"`
	Body           string    `bun:"body,notnull"`
	ReflectionSlug *string   `bun:"reflection_slug"`
	RecordID       *string   `bun:"record_id"`
	ActorName      string    `bun:"actor_name,scanonly"`
}

// Evidence is what a trainee offers for a competency: text, and optionally
// the module's reflections or one of their supervision records.
type Evidence struct {
	Text       string
	Reflection bool   // points to the trainee's reflections on the module
	RecordID   string // a supervision record of the trainee, or ""
	RoundID    string // a client voice round of the trainee with results, or ""
}

// Errors of the competency workflow, shown as they are.
var (
	ErrAlreadyAsked = fault.Errorf(fault.CodeConflict, "Sign-off for this competency is already asked for or given.")
	ErrNotPending   = fault.Errorf(fault.CodeConflict, "This competency is not waiting for sign-off (it may have been reviewed already).")
	ErrNotSigned    = fault.Errorf(fault.CodeConflict, "This competency is not signed off, so there is nothing to withdraw.")
	ErrSignedBefore = fault.Errorf(fault.CodeConflict, "One of these competencies is already signed off.")
	// ErrMovedOn refuses a review made on a page that no longer shows the
	// competency as it stands: the trainee asked again with new evidence,
	// or someone else reviewed it.
	ErrMovedOn = fault.Errorf(fault.CodeConflict, "A competency you ticked changed after you opened the page (new evidence, or someone else reviewed it). Nothing was signed off: read the page again first.")
)

// Request asks for sign-off of a competency with evidence. Only one request
// can be open: asking again while one is pending or signed off fails, even
// when two requests race, because the status row is claimed with one
// conditional upsert.
func (s *Service) Request(ctx context.Context, trainee *account.User, m *catalog.Module, competencyID string, ev Evidence) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkRecord(ctx, tx, trainee.ID, ev.RecordID); err != nil {
			return err
		}
		if err := s.claim(ctx, tx, trainee.ID, m.Slug, competencyID, nil, Pending, Returned, Withdrawn); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrAlreadyAsked
			}
			return err
		}
		e := s.newEvent(trainee.ID, m.Slug, competencyID, Requested, trainee.ID, ev.Text)
		if ev.Reflection {
			e.ReflectionSlug = &m.Slug
		}
		if ev.RecordID != "" {
			e.RecordID = &ev.RecordID
		}
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		if err := s.Notices.Done(ctx, tx, trainee.ID, competencyID, settledByAsking...); err != nil {
			return err
		}
		return s.attachRound(ctx, tx, e, ev.RoundID)
	})
}

// SignOff signs off competencies of one module for a trainee at once, with
// one comment and optionally the record of the session where they were
// observed. A competency need not have been asked for (an observed session
// is evidence enough), but none may be signed off already: then nothing
// changes. It does not check what the reviewer read; a reviewer acting on
// a page uses SignOffRead.
func (s *Service) SignOff(ctx context.Context, by, trainee *account.User, m *catalog.Module, ids []string, comment, recordID string) error {
	return s.signOff(ctx, by, trainee, m, ids, nil, comment, recordID)
}

// SignOffRead is SignOff over what the reviewer read: read holds, for each
// competency to sign off, the version (CompetencyState.Version) their page
// showed. If any has moved on since (the trainee asked again with other
// evidence, or someone else reviewed it), nothing is signed off and the
// error is ErrMovedOn. Each version is checked in the statement that
// signs, so nothing can come between the check and the sign-off.
func (s *Service) SignOffRead(ctx context.Context, by, trainee *account.User, m *catalog.Module, read map[string]int, comment, recordID string) error {
	ids := make([]string, 0, len(read))
	for _, comp := range m.Competencies {
		if _, ok := read[comp.ID]; ok {
			ids = append(ids, comp.ID)
		}
	}
	return s.signOff(ctx, by, trainee, m, ids, read, comment, recordID)
}

func (s *Service) signOff(ctx context.Context, by, trainee *account.User, m *catalog.Module, ids []string, read map[string]int, comment, recordID string) error {
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkRecord(ctx, tx, trainee.ID, recordID); err != nil {
			return err
		}
		for _, id := range ids {
			var seen *int
			if v, ok := read[id]; ok {
				seen = &v
			}
			if err := s.claim(ctx, tx, trainee.ID, m.Slug, id, seen, SignedOff, Pending, Returned, Withdrawn); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return whyNotClaimed(ctx, tx, trainee.ID, id)
				}
				return err
			}
			e := s.newEvent(trainee.ID, m.Slug, id, SignOffEvent, by.ID, comment)
			if recordID != "" {
				e.RecordID = &recordID
			}
			if err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
			if err := s.Notices.Done(ctx, tx, trainee.ID, id, settledByAsking...); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.changed(ctx, trainee.ID)
	}
	return err
}

// whyNotClaimed tells a refused sign-off's reason: the competency is signed
// off already, or it moved on since the reviewer read it.
func whyNotClaimed(ctx context.Context, tx bun.IDB, traineeID, id string) error {
	var st CompetencyState
	err := tx.NewSelect().Model(&st).Where("trainee_id = ?", traineeID).Where("competency_id = ?", id).Scan(ctx)
	if err != nil {
		return fmt.Errorf("load competency status: %w", err)
	}
	if st.Status == SignedOff {
		return ErrSignedBefore
	}
	return ErrMovedOn
}

// Return sends a pending request back to the trainee with feedback. read
// is the version of the competency the reviewer's page showed: feedback on
// evidence that has since been replaced is refused with ErrNotPending.
func (s *Service) Return(ctx context.Context, by, trainee *account.User, m *catalog.Module, id string, read int, feedback string) error {
	return s.move(ctx, by, trainee, m, id, &read, ReturnEvent, feedback, ErrNotPending, Pending)
}

// Withdraw takes back a sign-off with a reason. The module's completion
// reopens (completion is computed from sign-offs), and OnWithdraw flags any
// certificate already issued; nothing is deleted.
func (s *Service) Withdraw(ctx context.Context, by, trainee *account.User, m *catalog.Module, id, reason string) error {
	return s.move(ctx, by, trainee, m, id, nil, WithdrawalEvent, reason, ErrNotSigned, SignedOff)
}

// move changes a competency from one of from to the status of kind, keeping
// the step with body; none is the error when the competency is elsewhere,
// or, when seen is given, at another version than seen.
func (s *Service) move(ctx context.Context, by, trainee *account.User, m *catalog.Module, id string, seen *int, kind EventKind, body string, none error, from ...Status) error {
	to := Status(kind)
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*CompetencyState)(nil)).Set("status = ?, updated_at = ?, version = version + 1", to, s.Clock.Now()).
			Where("trainee_id = ?", trainee.ID).Where("competency_id = ?", id).
			Where("status IN (?)", bun.List(from))
		if seen != nil {
			q = q.Where("version = ?", *seen)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("%s competency: %w", kind, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return none
		}
		if err := insertEvent(ctx, tx, s.newEvent(trainee.ID, m.Slug, id, kind, by.ID, body)); err != nil {
			return err
		}
		if err := s.tellMoved(ctx, tx, trainee, m, id, kind); err != nil {
			return err
		}
		if kind == WithdrawalEvent && s.OnWithdraw != nil {
			return s.OnWithdraw(ctx, tx, trainee.ID, m.Slug, body)
		}
		return nil
	})
}

// settledByAsking are the notices about a competency that a new request
// or a sign-off settles.
var settledByAsking = []notify.Kind{notify.SignOffReturned, notify.SignOffWithdrawn, notify.ClearanceWithdrawn}

// tellMoved tells the trainee that a request was returned or a sign-off
// withdrawn; a safety-critical competency withdrawn takes away clearance
// for unsupervised practice, and the notice says so.
func (s *Service) tellMoved(ctx context.Context, tx bun.IDB, trainee *account.User, m *catalog.Module, id string, kind EventKind) error {
	title, critical := id, false
	for _, comp := range m.Competencies {
		if comp.ID == id {
			title, critical = comp.Title, comp.BeforeUnsupervisedPractice
		}
	}
	link := "/supervision/competencies#c-" + id
	switch {
	case kind == ReturnEvent:
		return s.Notices.Tell(ctx, tx, trainee.ID, notify.SignOffReturned, id,
			"Your sign-off request for “"+title+"” was returned with feedback", link)
	case kind == WithdrawalEvent && critical:
		return s.Notices.Tell(ctx, tx, trainee.ID, notify.ClearanceWithdrawn, id,
			"Your sign-off for “"+title+"” was withdrawn: you are not cleared for unsupervised practice until it is signed off again", link)
	case kind == WithdrawalEvent:
		return s.Notices.Tell(ctx, tx, trainee.ID, notify.SignOffWithdrawn, id,
			"Your sign-off for “"+title+"” was withdrawn", link)
	}
	return nil
}

// claim sets a competency's status to to, creating the row, but only when
// it has no status yet or its status is one of from and, when seen is
// given, its version is seen; otherwise it returns sql.ErrNoRows. One
// statement, so concurrent claims cannot both win.
func (s *Service) claim(ctx context.Context, tx bun.Tx, traineeID, moduleSlug, id string, seen *int, to Status, from ...Status) error {
	query := `INSERT INTO competency_status (trainee_id, competency_id, module_slug, status, updated_at, version)
VALUES (?, ?, ?, ?, ?, 1)
ON CONFLICT (trainee_id, competency_id) DO UPDATE
SET status = excluded.status, module_slug = excluded.module_slug, updated_at = excluded.updated_at,
    version = competency_status.version + 1
WHERE competency_status.status IN (?)`
	args := []any{traineeID, id, moduleSlug, to, s.Clock.Now(), bun.List(from)}
	if seen != nil {
		query += ` AND competency_status.version = ?`
		args = append(args, *seen)
	}
	var got string
	err := tx.NewRaw(query+"\nRETURNING competency_id", args...).Scan(ctx, &got)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("claim competency: %w", err)
	}
	return err
}

// checkRecord fails unless recordID is empty or one of the trainee's
// supervision records.
func (s *Service) checkRecord(ctx context.Context, tx bun.IDB, traineeID, recordID string) error {
	if recordID == "" {
		return nil
	}
	r, err := Get(ctx, tx, recordID)
	if err != nil || r.TraineeID != traineeID {
		return fault.Errorf(fault.CodeInvalid, "Choose one of the trainee's own supervision records.")
	}
	return nil
}

func (s *Service) newEvent(traineeID, moduleSlug, competencyID string, kind EventKind, actorID, body string) *Event {
	return &Event{ID: clock.NewID(), TraineeID: traineeID, CompetencyID: competencyID,
		ModuleSlug: moduleSlug, Kind: kind, ActorID: actorID, At: s.Clock.Now(), Body: body}
}

func insertEvent(ctx context.Context, tx bun.IDB, e *Event) error {
	if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("record competency %s: %w", e.Kind, err)
	}
	return nil
}

// States returns a trainee's competency statuses by competency ID.
func (s *Service) States(ctx context.Context, traineeID string) (map[string]CompetencyState, error) {
	var rows []CompetencyState
	if err := s.DB.NewSelect().Model(&rows).Where("trainee_id = ?", traineeID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load competency statuses: %w", err)
	}
	out := make(map[string]CompetencyState, len(rows))
	for _, r := range rows {
		out[r.CompetencyID] = r
	}
	return out, nil
}

// History returns every step of a trainee's competencies, oldest first,
// with who took it.
func (s *Service) History(ctx context.Context, traineeID string) ([]Event, error) {
	var out []Event
	err := s.DB.NewSelect().Model(&out).ColumnExpr("ce.*, u.name AS actor_name").
		Join("JOIN users AS u ON u.id = ce.actor_id").Where("ce.trainee_id = ?", traineeID).
		OrderExpr("ce.at, ce.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("load competency history: %w", err)
	}
	return out, nil
}

// Steps is History for each of traineeIDs, in one query, without what
// each step says: the events carry who took which step of which
// competency and when, but no body, reflection or supervision record. It
// is what deciding whose sign-offs stand needs, for hundreds of trainees
// at a time, without reading every request's evidence.
func (s *Service) Steps(ctx context.Context, traineeIDs []string) (map[string][]Event, error) {
	out := map[string][]Event{}
	if len(traineeIDs) == 0 {
		return out, nil
	}
	var all []Event
	err := s.DB.NewSelect().Model(&all).
		ColumnExpr("ce.id, ce.trainee_id, ce.competency_id, ce.module_slug, ce.kind, ce.actor_id, ce.at, u.name AS actor_name").
		Join("JOIN users AS u ON u.id = ce.actor_id").Where("ce.trainee_id IN (?)", bun.List(traineeIDs)).
		OrderExpr("ce.at, ce.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("load competency history: %w", err)
	}
	for _, e := range all {
		out[e.TraineeID] = append(out[e.TraineeID], e)
	}
	return out, nil
}

// SignedOff reports, per trainee, the competencies currently signed off:
// what module completion counts.
func (s *Service) SignedOff(ctx context.Context, userIDs []string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []CompetencyState
	err := s.DB.NewSelect().Model(&rows).Column("trainee_id", "competency_id").
		Where("trainee_id IN (?)", bun.List(userIDs)).Where("status = ?", SignedOff).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("load sign-offs: %w", err)
	}
	for _, r := range rows {
		if out[r.TraineeID] == nil {
			out[r.TraineeID] = map[string]bool{}
		}
		out[r.TraineeID][r.CompetencyID] = true
	}
	return out, nil
}

// EverSignedOff lists every competency ID that has ever been signed off for
// anyone: removing one of these from the curriculum would orphan records.
func (s *Service) EverSignedOff(ctx context.Context) ([]string, error) {
	return s.EverSignedOffIn(ctx, s.DB)
}

// EverSignedOffIn is EverSignedOff read through idb, such as the caller's
// transaction: a publish of the curriculum checks it inside its own.
func (s *Service) EverSignedOffIn(ctx context.Context, idb bun.IDB) ([]string, error) {
	var ids []string
	err := idb.NewSelect().Model((*Event)(nil)).Distinct().Column("competency_id").
		Where("kind = ?", SignOffEvent).OrderExpr("competency_id").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("list signed-off competencies: %w", err)
	}
	return ids, nil
}

// PendingRequest is a request waiting in a supervisor's queue.
type PendingRequest struct {
	TraineeID    string    `bun:"trainee_id"`
	TraineeName  string    `bun:"trainee_name"`
	CompetencyID string    `bun:"competency_id"`
	ModuleSlug   string    `bun:"module_slug"`
	Since        time.Time `bun:"updated_at"`
}

// Queue lists pending requests of the given trainees, oldest first.
func (s *Service) Queue(ctx context.Context, traineeIDs []string) ([]PendingRequest, error) {
	var out []PendingRequest
	if len(traineeIDs) == 0 {
		return out, nil
	}
	err := s.DB.NewSelect().Model((*CompetencyState)(nil)).
		ColumnExpr("cs.trainee_id, u.name AS trainee_name, cs.competency_id, cs.module_slug, cs.updated_at").
		Join("JOIN users AS u ON u.id = cs.trainee_id").
		Where("cs.trainee_id IN (?)", bun.List(traineeIDs)).Where("cs.status = ?", Pending).
		OrderExpr("cs.updated_at, cs.trainee_id, cs.competency_id").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("load sign-off queue: %w", err)
	}
	return out, nil
}

// PendingCounts returns, per trainee, how many requests wait for review.
func (s *Service) PendingCounts(ctx context.Context, traineeIDs []string) (map[string]int, error) {
	out := map[string]int{}
	if len(traineeIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TraineeID string `bun:"trainee_id"`
		N         int    `bun:"n"`
	}
	err := s.DB.NewSelect().Model((*CompetencyState)(nil)).ColumnExpr("trainee_id, COUNT(*) AS n").
		Where("trainee_id IN (?)", bun.List(traineeIDs)).Where("status = ?", Pending).
		GroupExpr("trainee_id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count pending requests: %w", err)
	}
	for _, r := range rows {
		out[r.TraineeID] = r.N
	}
	return out, nil
}

// SignedAndRequested reports, per trainee, in one query, the competencies
// currently signed off and those whose sign-off they have asked for and
// that wait for review, for the trainees that trainees selects (a subquery
// of their IDs, or bun.List of them).
func (s *Service) SignedAndRequested(ctx context.Context, trainees schema.QueryAppender) (signed, requested map[string]map[string]bool, err error) {
	signed, requested = map[string]map[string]bool{}, map[string]map[string]bool{}
	// Rows are read straight into strings: a cohort's report reads tens of
	// thousands, and mapping each onto a model costs more than the query.
	rows, err := s.DB.NewSelect().Model((*CompetencyState)(nil)).Column("trainee_id", "competency_id", "status").
		Where("trainee_id IN (?)", trainees).Where("status IN (?)", bun.List([]Status{SignedOff, Pending})).Rows(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load sign-offs and requests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var trainee, competency string
		var st Status
		if err := rows.Scan(&trainee, &competency, &st); err != nil {
			return nil, nil, fmt.Errorf("load sign-offs and requests: %w", err)
		}
		out := signed
		if st == Pending {
			out = requested
		}
		if out[trainee] == nil {
			out[trainee] = map[string]bool{}
		}
		out[trainee][competency] = true
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("load sign-offs and requests: %w", err)
	}
	return signed, requested, nil
}

// NewestPending lists the limit newest sign-off requests waiting for review
// of the active trainees assigned to supervisorID, newest first, and counts
// them all. Both queries start from the partial index of pending requests.
func (s *Service) NewestPending(ctx context.Context, supervisorID string, limit int) ([]PendingRequest, int, error) {
	var out []PendingRequest
	q := s.pendingOfSupervisor(supervisorID)
	err := q.ColumnExpr("cs.trainee_id, u.name AS trainee_name, cs.competency_id, cs.module_slug, cs.updated_at").
		OrderExpr("cs.updated_at DESC, cs.trainee_id, cs.competency_id").Limit(int64(limit)).Scan(ctx, &out)
	if err != nil {
		return nil, 0, fmt.Errorf("load newest sign-off requests: %w", err)
	}
	n, err := s.pendingOfSupervisor(supervisorID).Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("count sign-off requests: %w", err)
	}
	return out, int(n), nil
}

// pendingOfSupervisor selects the pending requests of supervisorID's active
// trainees.
func (s *Service) pendingOfSupervisor(supervisorID string) *bun.SelectQuery {
	return s.DB.NewSelect().TableExpr("competency_status AS cs").Join("JOIN users AS u ON u.id = cs.trainee_id").
		Where("cs.status = ?", Pending).Where("u.supervisor_id = ?", supervisorID).
		Where("u.role = ?", account.Trainee).Where("u.active")
}
