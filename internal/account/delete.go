package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"groundwork/internal/audit"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/mail"
)

// DeletedName is the name a deleted person's account keeps, so that records
// others rely on (supervision records, sign-offs) still point at someone.
const DeletedName = "Deleted person"

// deletedEmailPrefix starts the email of a deleted account: followed by the
// account's ID it is unique and not an address, so nobody can sign in with
// it or be mailed at it.
const deletedEmailPrefix = "deleted:"

// Deleted reports whether the account has been deleted.
func (u *User) Deleted() bool { return strings.HasPrefix(u.Email, deletedEmailPrefix) }

// Forgetter removes what one capability holds about a person whose account
// is deleted. It runs in the transaction that deletes the account.
type Forgetter interface {
	ForgetUser(ctx context.Context, tx bun.Tx, userID string) error
}

// ForgetFunc makes a function a Forgetter.
type ForgetFunc func(ctx context.Context, tx bun.Tx, userID string) error

// ForgetUser calls f.
func (f ForgetFunc) ForgetUser(ctx context.Context, tx bun.Tx, userID string) error {
	return f(ctx, tx, userID)
}

// Errors of deletion, each with the message an admin sees.
var (
	errDeleteSelf      = fault.Errorf(fault.CodeConflict, "You cannot delete your own account. Ask another admin.")
	errDeleteLastAdmin = fault.Errorf(fault.CodeConflict, "This is the only active admin: make someone else an admin first, so that somebody can still manage Groundwork.")
	errAlreadyDeleted  = fault.Errorf(fault.CodeConflict, "This person has already been deleted.")
)

// DeleteUser removes user's personal data from every table, in one
// transaction: their name and email (the account stays as "Deleted person"
// so that records others rely on still point at it), password, sessions,
// single-use links, sign-in failures, cohort memberships, whatever each
// Forgetter holds (learning, private notes, certificates, client-voice
// feedback) and mail to them.
// by cannot delete themselves or the last active admin.
func (s *Service) DeleteUser(ctx context.Context, by, user *User, ip string) error {
	switch {
	case by.ID == user.ID:
		return errDeleteSelf
	case user.Deleted():
		return errAlreadyDeleted
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := keepAnAdmin(ctx, tx, user); err != nil {
			return err
		}
		for _, f := range s.Forgetters {
			if err := f.ForgetUser(ctx, tx, user.ID); err != nil {
				return err
			}
		}
		if err := mail.Forget(ctx, tx, user.Email); err != nil {
			return err
		}
		if err := s.forgetAccount(ctx, tx, user); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: user.ID, Action: audit.UserDeleted, IP: ip})
	})
}

// keepAnAdmin refuses to delete the last active admin. On PostgreSQL the
// admins' rows are locked first, so two admins deleting each other at once
// cannot both succeed.
func keepAnAdmin(ctx context.Context, tx bun.Tx, user *User) error {
	if user.Role != Admin || !user.Active {
		return nil
	}
	q := tx.NewSelect().Model((*User)(nil)).Column("id").Where("role = ?", Admin).Where("active")
	if tx.Dialect().Name() == dialect.PG {
		q = q.For("UPDATE")
	}
	var ids []string
	if err := q.Scan(ctx, &ids); err != nil {
		return fmt.Errorf("delete user: count admins: %w", err)
	}
	if len(ids) <= 1 {
		return errDeleteLastAdmin
	}
	return nil
}

// forgetAccount deletes the account's own rows and replaces its name, email
// and password with nothing that identifies or admits anyone.
func (s *Service) forgetAccount(ctx context.Context, tx bun.Tx, user *User) error {
	deletes := []*bun.DeleteQuery{
		tx.NewDelete().Table("sessions").Where("user_id = ?", user.ID),
		tx.NewDelete().Model((*accountToken)(nil)).WhereGroup(" AND ", func(q *bun.DeleteQuery) *bun.DeleteQuery {
			return q.Where("user_id = ?", user.ID).WhereOr("email = ?", user.Email)
		}),
		tx.NewDelete().Model((*signInFailure)(nil)).Where("key = ?", accountKey(user.Email)),
		tx.NewDelete().Table("cohort_members").Where("user_id = ?", user.ID),
	}
	for _, q := range deletes {
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
	}
	if _, err := tx.NewUpdate().Model((*User)(nil)).Set("supervisor_id = NULL").Where("supervisor_id = ?", user.ID).Exec(ctx); err != nil {
		return fmt.Errorf("delete user: unassign trainees: %w", err)
	}
	user.Name, user.Email, user.PasswordHash = DeletedName, deletedEmailPrefix+user.ID, ""
	user.Active, user.SupervisorID = false, nil
	return s.updateUser(ctx, tx, user, "name", "email", "password_hash", "active", "supervisor_id")
}
