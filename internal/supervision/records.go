// Package supervision keeps supervision records (sessions between a trainee
// and a supervisor, agreed by both and then locked, with amendments kept as
// history), the hours they add up to, and competency sign-off on evidence.
package supervision

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/notify"
)

// Kind is the type of a supervision session.
type Kind string

// The kinds of session.
const (
	OneToOne Kind = "one_to_one"
	Group    Kind = "group"
	Peer     Kind = "peer"
	Observed Kind = "observed"
)

// Kinds lists every kind, in the order forms show them.
var Kinds = []Kind{OneToOne, Group, Peer, Observed}

// Label is the kind in words.
func (k Kind) Label() string {
	switch k {
	case OneToOne:
		return "One-to-one"
	case Group:
		return "Group"
	case Peer:
		return "Peer"
	case Observed:
		return "Observed practice"
	}
	return string(k)
}

// TraineeKinds are the kinds a trainee may record for their supervisor to
// confirm.
var TraineeKinds = []Kind{Peer, Group}

// Action is an agreed action with its due date.
type Action struct {
	Text string     `json:"text"`
	Due  *time.Time `json:"due,omitempty"`
}

// Content is what a record says: the part that amendments change.
type Content struct {
	HeldOn       time.Time  `bun:"held_on,notnull" json:"held_on"`
	Minutes      int        `bun:"minutes,notnull" json:"minutes"`
	Kind         Kind       `bun:"kind,notnull" json:"kind"`
	Modules      string     `bun:"modules,notnull" json:"modules"`           // slugs, one per line
	Competencies string     `bun:"competencies,notnull" json:"competencies"` // IDs, one per line
	Summary      string     `bun:"summary,notnull" json:"summary"`
	Actions      string     `bun:"actions,notnull" json:"actions"` // JSON list of Action
	NextOn       *time.Time `bun:"next_on" json:"next_on,omitempty"`
}

// ActionList decodes the agreed actions.
func (c Content) ActionList() []Action {
	var out []Action
	_ = json.Unmarshal([]byte(c.Actions), &out) // written only by SetActions
	return out
}

// SetActions encodes the agreed actions.
func (c *Content) SetActions(actions []Action) {
	b, _ := json.Marshal(actions)
	c.Actions = string(b)
}

// ModuleSlugs lists the modules discussed.
func (c Content) ModuleSlugs() []string { return lines(c.Modules) }

// CompetencyIDs lists the competencies discussed.
func (c Content) CompetencyIDs() []string { return lines(c.Competencies) }

// Hours is the session's length in hours.
func (c Content) Hours() float64 { return float64(c.Minutes) / 60 }

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Record is a supervision record.
type Record struct {
	bun.BaseModel `bun:"table:supervision_records,alias:r"`

	ID           string  `bun:"id,pk"`
	TraineeID    string  `bun:"trainee_id,notnull"`
	SupervisorID *string `bun:"supervisor_id"`
	AuthorID     string  `bun:"author_id,notnull"`
	Content
	PrivateNote  string     `bun:"private_note,notnull"`
	AuthorSigned time.Time  `bun:"author_signed_at,notnull"`
	OtherSigned  *time.Time `bun:"other_signed_at"`
	Comment      string     `bun:"trainee_comment,notnull"`
	CreatedAt    time.Time  `bun:"created_at,notnull"`
	UpdatedAt    time.Time  `bun:"updated_at,notnull"`
	// Version counts the changes to what the record says, from 1: every
	// edit of its content before agreement and every amendment after.
	Version int `bun:"version,notnull"`
	// ContentHash identifies the content of Version, so that an edit of
	// the private note alone keeps the version.
	ContentHash string `bun:"content_hash,notnull"`
	// SignedVersion is the version the other party agreed to or confirmed.
	SignedVersion *int   `bun:"signed_version"`
	AuthorName    string `bun:"author_name,scanonly"`
}

// AmendedSinceSigned reports whether the record has changed since the
// other party signed it.
func (r *Record) AmendedSinceSigned() bool {
	return r.SignedVersion != nil && *r.SignedVersion != r.Version
}

// Locked reports whether both parties have signed.
func (r *Record) Locked() bool { return r.OtherSigned != nil }

// ByTrainee reports whether the trainee wrote the record (peer or group
// supervision for the supervisor to confirm).
func (r *Record) ByTrainee() bool { return r.AuthorID == r.TraineeID }

// Amendment is a change to a locked record: who, when, why, and the
// content before it.
type Amendment struct {
	bun.BaseModel `bun:"table:supervision_amendments,alias:a"`

	ID        string    `bun:"id,pk"`
	RecordID  string    `bun:"record_id,notnull"`
	AmendedBy string    `bun:"amended_by,notnull"`
	AmendedAt time.Time `bun:"amended_at,notnull"`
	Reason    string    `bun:"reason,notnull"`
	Previous  string    `bun:"previous,notnull"`
	ByName    string    `bun:"by_name,scanonly"`
}

// Before decodes the content as it was before the amendment.
func (a Amendment) Before() Content {
	var c Content
	_ = json.Unmarshal([]byte(a.Previous), &c) // written only by Amend
	return c
}

// Errors of the record workflow, shown as they are.
var (
	ErrLocked   = fault.Errorf(fault.CodeConflict, "This record is agreed by both of you and locked. To change it, add an amendment with the reason.")
	ErrUnlocked = fault.Errorf(fault.CodeConflict, "This record is not agreed yet: its author can still edit it, so it needs no amendment.")
	ErrSigned   = fault.Errorf(fault.CodeConflict, "This record is already signed.")
	// ErrChanged refuses a signature or an amendment made on a version of
	// the record that is no longer the current one.
	ErrChanged = fault.Errorf(fault.CodeConflict, "This record changed after you opened it. Read it again before you agree.")
)

// hash identifies what c says: two contents hash alike only when every
// field a signer reads is the same.
func (c Content) hash() string {
	c.HeldOn = c.HeldOn.UTC()
	if c.NextOn != nil {
		next := c.NextOn.UTC()
		c.NextOn = &next
	}
	b, _ := json.Marshal(c) // plain fields only: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Create saves a new record written by author, who signs it by saving.
func (s *Service) Create(ctx context.Context, author, trainee *account.User, c Content, privateNote string) (*Record, error) {
	t := s.Clock.Now()
	r := &Record{ID: clock.NewID(), TraineeID: trainee.ID, SupervisorID: trainee.SupervisorID,
		AuthorID: author.ID, Content: c, PrivateNote: privateNote, AuthorSigned: t, CreatedAt: t, UpdatedAt: t,
		Version: 1, ContentHash: c.hash()}
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return fmt.Errorf("create supervision record: %w", err)
		}
		if r.ByTrainee() {
			return nil
		}
		return s.Notices.Tell(ctx, tx, trainee.ID, notify.RecordToAgree, r.ID,
			"A supervision record to agree: your session on "+r.HeldOn.Format("2 January 2006"), recordLink(r.ID))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// recordLink is the path of the record's page.
func recordLink(id string) string { return "/supervision/records/" + id }

// Get loads a record by ID.
func Get(ctx context.Context, idb bun.IDB, id string) (*Record, error) {
	if uuid.Validate(id) != nil {
		return nil, fault.NotFound()
	}
	r := new(Record)
	err := idb.NewSelect().Model(r).ColumnExpr("r.*, u.name AS author_name").
		Join("JOIN users AS u ON u.id = r.author_id").Where("r.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("load supervision record: %w", err)
	}
	return r, nil
}

// setContent writes c as the record's content, with its hash.
func setContent(q *bun.UpdateQuery, c Content) *bun.UpdateQuery {
	return q.Set("held_on = ?, minutes = ?, kind = ?, modules = ?, competencies = ?, summary = ?, actions = ?, next_on = ?",
		c.HeldOn, c.Minutes, c.Kind, c.Modules, c.Competencies, c.Summary, c.Actions, c.NextOn).
		Set("content_hash = ?", c.hash())
}

// Edit changes an unlocked record; only the author may, and their new
// content replaces the old (nobody else has signed it yet). A change of
// content makes a new version, which a signature on an older one cannot
// cover.
func (s *Service) Edit(ctx context.Context, r *Record, c Content, privateNote string) error {
	// SET expressions read the row as it was, so content_hash here is the
	// old content's: the version moves on only when the content differs.
	res, err := setContent(s.DB.NewUpdate().Model((*Record)(nil)), c).
		Set("version = version + CASE WHEN content_hash = ? THEN 0 ELSE 1 END", c.hash()).
		Set("private_note = ?, updated_at = ?", privateNote, s.Clock.Now()).
		Where("id = ?", r.ID).Where("other_signed_at IS NULL").Exec(ctx)
	return oneRow(res, err, ErrLocked)
}

// Sign records the other party's signature on version seen of r, the one
// they read: the trainee agreeing to their supervisor's record, or the
// supervisor confirming the trainee's. It locks the record, keeps the
// version signed and adds comment, when given, to the trainee's comment.
// The version is checked in the statement that signs, so an edit cannot
// come between them; a record that changed since seen is refused with
// ErrChanged and nothing is recorded. Agreed hours may complete the
// programme, so OnChange runs after.
func (s *Service) Sign(ctx context.Context, r *Record, seen int, comment string) error {
	comment = strings.TrimSpace(comment)
	t := s.Clock.Now()
	signed := false
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Record)(nil)).
			Set("other_signed_at = ?, updated_at = ?, signed_version = version", t, t).
			Set("trainee_comment = CASE WHEN ? = '' THEN trainee_comment WHEN trainee_comment = '' THEN ? ELSE trainee_comment || ? END",
				comment, comment, "\n\n"+comment).
			Where("id = ?", r.ID).Where("other_signed_at IS NULL").Where("version = ?", seen).Exec(ctx)
		if err != nil {
			return fmt.Errorf("sign supervision record: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		signed = true
		return s.Notices.Done(ctx, tx, r.TraineeID, r.ID, notify.RecordToAgree)
	})
	if err != nil {
		return err
	}
	if !signed {
		return s.whyNotSigned(ctx, r.ID)
	}
	s.changed(ctx, r.TraineeID)
	return nil
}

// whyNotSigned tells a refused signature's reason: the record is signed
// already, or it changed since the signer read it.
func (s *Service) whyNotSigned(ctx context.Context, id string) error {
	current, err := Get(ctx, s.DB, id)
	if err != nil {
		return err
	}
	if current.Locked() {
		return ErrSigned
	}
	return ErrChanged
}

// AddComment keeps the trainee's comment on a record they do not agree with
// yet; the author can then edit it. The comment is the trainee's own, not
// part of what they sign, so the version stays.
func (s *Service) AddComment(ctx context.Context, r *Record, comment string) error {
	res, err := s.DB.NewUpdate().Model((*Record)(nil)).Set("trainee_comment = ?, updated_at = ?", comment, s.Clock.Now()).
		Where("id = ?", r.ID).Where("other_signed_at IS NULL").Exec(ctx)
	return oneRow(res, err, ErrSigned)
}

// Amend changes a locked record, keeping the content before it with who,
// when and why. seen is the version the amender read: an amendment made
// on an older one is refused with ErrChanged, so the content kept as
// "before" is always what the amender saw. OnChange runs after, as the
// hours may have changed.
func (s *Service) Amend(ctx context.Context, r *Record, by *account.User, seen int, c Content, reason string) error {
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		current, err := Get(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if !current.Locked() {
			return ErrUnlocked
		}
		if current.Version != seen {
			return ErrChanged
		}
		previous, _ := json.Marshal(current.Content)
		a := &Amendment{ID: clock.NewID(), RecordID: r.ID, AmendedBy: by.ID, AmendedAt: s.Clock.Now(),
			Reason: reason, Previous: string(previous)}
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			return fmt.Errorf("amend supervision record: %w", err)
		}
		// Every amendment is a new version, even one that restores older
		// content: its reason is part of the record.
		res, err := setContent(tx.NewUpdate().Model((*Record)(nil)), c).
			Set("version = version + 1, updated_at = ?", s.Clock.Now()).
			Where("id = ?", r.ID).Where("version = ?", seen).Exec(ctx)
		if err := oneRow(res, err, ErrChanged); err != nil || by.ID == r.TraineeID {
			return err
		}
		return s.Notices.Tell(ctx, tx, r.TraineeID, notify.RecordComment, r.ID,
			"Your supervision record of "+current.HeldOn.Format("2 January 2006")+" was amended: "+excerpt(reason), recordLink(r.ID))
	})
	if err == nil {
		s.changed(ctx, r.TraineeID)
	}
	return err
}

// excerpt is the start of s, short enough for a list or a mail's line.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return s
}

// Amendments lists a record's amendments, oldest first, with who made them.
func Amendments(ctx context.Context, idb bun.IDB, recordID string) ([]Amendment, error) {
	var out []Amendment
	err := idb.NewSelect().Model(&out).ColumnExpr("a.*, u.name AS by_name").
		Join("JOIN users AS u ON u.id = a.amended_by").Where("a.record_id = ?", recordID).
		OrderExpr("a.amended_at, a.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list amendments: %w", err)
	}
	return out, nil
}

// OfTrainee lists a trainee's records, newest session first.
func OfTrainee(ctx context.Context, idb bun.IDB, traineeID string) ([]Record, error) {
	var out []Record
	err := idb.NewSelect().Model(&out).ColumnExpr("r.*, u.name AS author_name").
		Join("JOIN users AS u ON u.id = r.author_id").Where("r.trainee_id = ?", traineeID).
		OrderExpr("r.held_on DESC, r.created_at DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list supervision records: %w", err)
	}
	return out, nil
}

func oneRow(res sql.Result, err error, none error) error {
	if err != nil {
		return fmt.Errorf("update supervision record: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return none
	}
	return nil
}

// Unsigned lists the records of the given trainees that wait for their
// second signature, oldest session first.
func Unsigned(ctx context.Context, idb bun.IDB, traineeIDs []string) ([]Record, error) {
	var out []Record
	if len(traineeIDs) == 0 {
		return out, nil
	}
	err := idb.NewSelect().Model(&out).ColumnExpr("r.*, u.name AS author_name").
		Join("JOIN users AS u ON u.id = r.author_id").Where("r.trainee_id IN (?)", bun.List(traineeIDs)).
		Where("r.other_signed_at IS NULL").OrderExpr("r.held_on, r.created_at").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list unsigned supervision records: %w", err)
	}
	return out, nil
}
