// Package audit keeps an append-only log of security-relevant actions:
// who did what to whom, when (UTC) and from which address. It offers no way
// to change or delete an entry. Detail must never hold a password or token.
package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/clock"
)

// Action names what happened.
type Action string

// The actions Groundwork records.
const (
	SignIn                 Action = "sign_in"
	SignInFailed           Action = "sign_in_failed"
	LockedOut              Action = "locked_out"
	SignOut                Action = "sign_out"
	Invited                Action = "invited"
	InvitationAccepted     Action = "invitation_accepted"
	RoleChanged            Action = "role_changed"
	Deactivated            Action = "deactivated"
	Reactivated            Action = "reactivated"
	SignedOutEverywhere    Action = "signed_out_everywhere"
	SupervisorAssigned     Action = "supervisor_assigned"
	PasswordChanged        Action = "password_changed"
	PasswordResetRequested Action = "password_reset_requested"
	PasswordReset          Action = "password_reset"
	EmailChanged           Action = "email_changed"
	SetupCompleted         Action = "setup_completed"
	RecordViewed           Action = "record_viewed"
	Enrolled               Action = "enrolled"
	Unenrolled             Action = "unenrolled"
	CertificateRevoked     Action = "certificate_revoked"
	CertificateReissued    Action = "certificate_reissued"
	CertificateKept        Action = "certificate_kept"
	UserDeleted            Action = "user_deleted"
	ResetLinkPrinted       Action = "reset_link_printed"
	VoiceCommentHeld       Action = "voice_comment_held"
	InvitationResent       Action = "invitation_resent"
	InvitationRevoked      Action = "invitation_revoked"
	UserImported           Action = "user_imported"
	CohortJoined           Action = "cohort_joined"
	CohortLeft             Action = "cohort_left"
	CurriculumPublished    Action = "curriculum_published"
	CurriculumRestored     Action = "curriculum_restored"
	CurriculumImported     Action = "curriculum_imported"
	CurriculumReviewed     Action = "curriculum_reviewed"
	EditorGranted          Action = "curriculum_editor_granted"
	EditorRevoked          Action = "curriculum_editor_revoked"
)

// Actions lists every action, for filters.
var Actions = []Action{SignIn, SignInFailed, LockedOut, SignOut, Invited, InvitationAccepted, RoleChanged,
	Deactivated, Reactivated, SignedOutEverywhere, SupervisorAssigned, PasswordChanged, PasswordResetRequested,
	PasswordReset, EmailChanged, SetupCompleted, RecordViewed, Enrolled, Unenrolled,
	CertificateRevoked, CertificateReissued, CertificateKept, UserDeleted, ResetLinkPrinted, VoiceCommentHeld,
	InvitationResent, InvitationRevoked, UserImported, CohortJoined, CohortLeft,
	CurriculumPublished, CurriculumRestored, CurriculumImported, CurriculumReviewed, EditorGranted, EditorRevoked}

// Entry is one line of the log. Empty ActorID or SubjectID means none (an
// anonymous failed sign-in has no actor).
type Entry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID        string    `bun:"id,pk"`
	At        time.Time `bun:"at,notnull"`
	ActorID   string    `bun:"actor_id,nullzero"`
	SubjectID string    `bun:"subject_id,nullzero"`
	Action    Action    `bun:"action,notnull"`
	IP        string    `bun:"ip,notnull"`
	Detail    string    `bun:"detail,notnull"`
}

// Record appends e, inside the caller's transaction when idb is one, so an
// action and its log line commit together.
func Record(ctx context.Context, idb bun.IDB, e Entry) error {
	if e.ID == "" {
		e.ID = uuid.Must(uuid.NewV7()).String()
	}
	if e.At.IsZero() {
		e.At = clock.System.Now()
	}
	if _, err := idb.NewInsert().Model(&e).Exec(ctx); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	ActorID, SubjectID string
	// PersonID matches entries the person did or that were about them.
	PersonID string
	Action   Action
	// From and To bound the time: From <= at < To.
	From, To      time.Time
	Limit, Offset int
}

// List returns matching entries, newest first.
func List(ctx context.Context, idb bun.IDB, f Filter) ([]Entry, error) {
	var entries []Entry
	q := idb.NewSelect().Model(&entries).OrderExpr("at DESC, id DESC")
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.SubjectID != "" {
		q = q.Where("subject_id = ?", f.SubjectID)
	}
	if f.PersonID != "" {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("actor_id = ?", f.PersonID).WhereOr("subject_id = ?", f.PersonID)
		})
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return entries, nil
}
