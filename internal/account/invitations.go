package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/audit"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/mail"
)

// AwaitingInvitation reports whether u was imported and has not yet chosen
// a password through their invitation.
func (u *User) AwaitingInvitation() bool { return u.PasswordHash == "" && u.Active && !u.Deleted() }

// PendingInvitation is an invitation not yet accepted or revoked, as the
// admins' list shows it. Its link is never shown again.
type PendingInvitation struct {
	ID        string    `bun:"id"`
	Email     string    `bun:"email"`
	Role      Role      `bun:"role"`
	UserID    *string   `bun:"user_id"`
	InvitedBy string    `bun:"invited_by"`
	CreatedAt time.Time `bun:"created_at"`
	ExpiresAt time.Time `bun:"expires_at"`
	// Expired is set when the link no longer works; resending renews it.
	Expired bool `bun:"-"`
}

// Imported reports whether the invitation is for an account made by a
// bulk import, which the invitee claims by choosing a password.
func (p PendingInvitation) Imported() bool { return p.UserID != nil }

// pendingInvitations selects the invitations neither accepted nor revoked,
// with the name of who sent them.
func (s *Service) pendingInvitations() *bun.SelectQuery {
	return s.DB.NewSelect().TableExpr("account_tokens AS t").
		ColumnExpr("t.id, t.email, t.role, t.user_id, t.created_at, t.expires_at").
		ColumnExpr("COALESCE(b.name, '') AS invited_by").
		Join("LEFT JOIN users AS b ON b.id = t.created_by").
		Where("t.kind = ?", Invitation).Where("t.used_at IS NULL").Where("t.revoked_at IS NULL")
}

// PendingInvitations lists the invitations that are neither accepted nor
// revoked, newest first, expired ones included.
func (s *Service) PendingInvitations(ctx context.Context) ([]PendingInvitation, error) {
	var list []PendingInvitation
	if err := s.pendingInvitations().OrderExpr("t.created_at DESC, t.id").Scan(ctx, &list); err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	now := s.Clock.Now()
	for i := range list {
		list[i].Expired = !list[i].ExpiresAt.After(now)
	}
	return list, nil
}

// PendingInvitationByID returns the pending invitation id, or not found.
func (s *Service) PendingInvitationByID(ctx context.Context, id string) (*PendingInvitation, error) {
	if !validID(id) {
		return nil, fault.NotFound()
	}
	var list []PendingInvitation
	if err := s.pendingInvitations().Where("t.id = ?", id).Scan(ctx, &list); err != nil {
		return nil, fmt.Errorf("read invitation: %w", err)
	}
	if len(list) == 0 {
		return nil, errNoInvitation
	}
	list[0].Expired = !list[0].ExpiresAt.After(s.Clock.Now())
	return &list[0], nil
}

// ErrAccountUnclaimed means the email belongs to an imported account whose
// holder has not yet chosen a password: resend their invitation instead.
var ErrAccountUnclaimed = errors.New("account imported, not yet claimed")

// errNoInvitation means the invitation was accepted or revoked meanwhile.
var errNoInvitation = fault.Errorf(fault.CodeNotFound, "This invitation is no longer pending: it has been accepted or revoked.")

// sendInvitation stores t as the live invitation for its email and mails
// its link (unless links are shown to the admin instead), returning it.
func (s *Service) sendInvitation(ctx context.Context, tx bun.IDB, t *accountToken, inviter string) (string, error) {
	token, err := s.saveInvitation(ctx, tx, t)
	if err != nil {
		return "", err
	}
	link := s.link("/invitations/" + token)
	if !s.ShowInvitationLinks {
		if err := mail.Enqueue(ctx, tx, mail.Invitation, invitationMail(t.Email, inviter, t.Role, link)); err != nil {
			return "", err
		}
	}
	return link, nil
}

// ResendInvitation gives the pending invitation id a new link, valid for 7
// days from now, and mails it (or returns it, when links are shown): the
// old link stops working.
func (s *Service) ResendInvitation(ctx context.Context, by *User, id, ip string) (email, link string, err error) {
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		t := new(accountToken)
		err := tx.NewSelect().Model(t).Where("id = ?", id).Where(liveInvitation).Scan(ctx)
		if err != nil {
			return errNoInvitation
		}
		token := newToken()
		at := s.Clock.Now()
		res, err := tx.NewUpdate().Model((*accountToken)(nil)).
			Set("token_hash = ?", hashToken(token)).Set("created_at = ?", at).Set("expires_at = ?", at.Add(InvitationTTL)).
			Set("created_by = ?", by.ID).Where("id = ?", t.ID).Where(liveInvitation).Exec(ctx)
		if err != nil {
			return fmt.Errorf("renew invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errNoInvitation
		}
		email, link = t.Email, s.link("/invitations/"+token)
		if !s.ShowInvitationLinks {
			if err := mail.Enqueue(ctx, tx, mail.Invitation, invitationMail(t.Email, by.Name, t.Role, link)); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: deref(t.UserID), Action: audit.InvitationResent, IP: ip,
			Detail: "invitation " + t.ID + "; role " + string(t.Role)})
	})
	return email, link, err
}

// RevokeInvitation ends the pending invitation id: its link stops working.
// An imported account it was for stays, without a password, until the
// account is invited again or deleted.
func (s *Service) RevokeInvitation(ctx context.Context, by *User, id, ip string) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		t := new(accountToken)
		if err := tx.NewSelect().Model(t).Where("id = ?", id).Where(liveInvitation).Scan(ctx); err != nil {
			return errNoInvitation
		}
		res, err := tx.NewUpdate().Model((*accountToken)(nil)).Set("revoked_at = ?", s.Clock.Now()).
			Where("id = ?", t.ID).Where(liveInvitation).Exec(ctx)
		if err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errNoInvitation
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: deref(t.UserID), Action: audit.InvitationRevoked, IP: ip,
			Detail: "invitation " + t.ID + "; role " + string(t.Role)})
	})
}

// claimAccount gives an imported account, which has no password yet, its
// holder's name and password hash. Any other account is refused.
func (s *Service) claimAccount(ctx context.Context, tx bun.IDB, userID, name, hash string) (*User, error) {
	user, err := UserByID(ctx, tx, userID)
	if err != nil || !user.Active || user.PasswordHash != "" {
		return nil, errTokenInvalid
	}
	user.Name, user.PasswordHash = name, hash
	if err := s.updateUser(ctx, tx, user, "name", "password_hash"); err != nil {
		return nil, err
	}
	return user, nil
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
