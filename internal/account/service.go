package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/audit"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/mail"
)

// Service carries out account actions: each checks its input, changes the
// database in one transaction, writes the audit log and queues mail.
type Service struct {
	DB       *bun.DB
	Sessions *Sessions
	// Clock tells the time of every change and every expiry check.
	Clock clock.Clock
	// Passwords hashes and checks passwords; nil means Passwords, the
	// production cost.
	Passwords *Hasher
	// BaseURL is the public site URL, for links in emails.
	BaseURL string
	// OnJoinCohort runs in the transaction that adds a trainee to a cohort;
	// the learning capability uses it to enrol them in the programme.
	OnJoinCohort func(ctx context.Context, tx bun.IDB, by, traineeID string) error
	// ShowInvitationLinks is set when no mail is delivered: an invitation
	// is then not mailed, and the admin who creates it sees its link once.
	ShowInvitationLinks bool
	// Forgetters remove a deleted person's data held by other capabilities,
	// in the transaction that deletes the account.
	Forgetters []Forgetter
	// Finished reports, per trainee, whether they have completed the
	// programme; the learning capability provides it. Nil means nobody
	// has, as far as the cohort page can tell.
	Finished func(ctx context.Context, traineeIDs []string) (map[string]bool, error)
}

// ErrSignInFailed is the one answer to any failed sign-in, so that nobody
// learns whether an email is registered.
var ErrSignInFailed = errors.New("the email or password is not correct")

// LockedError says sign-in is refused until a time after too many failures.
// Left is how long the lock had to run when it refused.
type LockedError struct {
	Until time.Time
	Left  time.Duration
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again after %s", e.Until.Format(time.Kitchen))
}

// Minutes is how many whole minutes (at least one) remain of the lock.
func (e *LockedError) Minutes() int {
	m := int(e.Left.Minutes()) + 1
	return max(m, 1)
}

// SignIn checks an email and password from client ip. It does the same
// password work whether or not the email is registered.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (*User, error) {
	until, err := s.signInLock(ctx, s.DB, email, ip)
	if err != nil {
		return nil, err
	}
	if !until.IsZero() {
		if err := audit.Record(ctx, s.DB, audit.Entry{Action: audit.LockedOut, IP: ip}); err != nil {
			return nil, err
		}
		return nil, &LockedError{Until: until, Left: until.Sub(s.Clock.Now())}
	}
	user, err := userByEmail(ctx, s.DB, email)
	if err != nil {
		return nil, err
	}
	hash := ""
	if user != nil {
		hash = user.PasswordHash
	}
	if !s.Hasher().Verify(hash, password) || !user.Active {
		return nil, s.failSignIn(ctx, user, email, ip)
	}
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := clearFailures(ctx, tx, email); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: user.ID, SubjectID: user.ID, Action: audit.SignIn, IP: ip})
	})
	if err != nil {
		return nil, err
	}
	return user, nil
}

func (s *Service) failSignIn(ctx context.Context, user *User, email, ip string) error {
	entry := audit.Entry{Action: audit.SignInFailed, IP: ip}
	if user != nil {
		entry.SubjectID = user.ID
	}
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.recordFailure(ctx, tx, email, ip); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry)
	})
	if err != nil {
		return err
	}
	return ErrSignInFailed
}

// SignOut ends the request's session and records it.
func (s *Service) SignOut(c echo.Context) error {
	if u := CurrentUser(c); u != nil {
		entry := audit.Entry{ActorID: u.ID, SubjectID: u.ID, Action: audit.SignOut, IP: c.RealIP()}
		if err := audit.Record(c.Request().Context(), s.DB, entry); err != nil {
			return err
		}
	}
	return s.Sessions.End(c)
}

// link returns an absolute URL under the base URL.
func (s *Service) link(path string) string { return s.BaseURL + path }

// Invite creates a 7-day invitation for email with role and returns its
// link. When mail is delivered (ShowInvitationLinks is false) the link is
// mailed; otherwise nothing is queued and the inviting admin, who sees the
// link once, passes it on.
func (s *Service) Invite(ctx context.Context, by *User, email string, role Role, ip string) (string, error) {
	email = NormalizeEmail(email)
	var link string
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		existing, err := userByEmail(ctx, tx, email)
		if err != nil {
			return err
		}
		if existing != nil && existing.PasswordHash == "" {
			return ErrAccountUnclaimed
		}
		if existing != nil {
			return ErrEmailTaken
		}
		t := &accountToken{Email: email, Role: role, CreatedBy: &by.ID}
		if link, err = s.sendInvitation(ctx, tx, t, by.Name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, Action: audit.Invited, IP: ip, Detail: "role " + string(role)})
	})
	return link, err
}

// Invitee returns the email and role of a live invitation, to show its form.
func (s *Service) Invitee(ctx context.Context, token string) (email string, role Role, err error) {
	t, err := s.peekToken(ctx, s.DB, Invitation, token)
	if err != nil {
		return "", "", err
	}
	return t.Email, t.Role, nil
}

// AcceptInvitation creates the invited account with name and password.
func (s *Service) AcceptInvitation(ctx context.Context, token, name, password, ip string) (*User, error) {
	hash, err := s.Hasher().Hash(password)
	if err != nil {
		return nil, err
	}
	var user *User
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.useToken(ctx, tx, Invitation, token)
		if err != nil {
			return err
		}
		if t.UserID != nil {
			user, err = s.claimAccount(ctx, tx, *t.UserID, name, hash)
		} else {
			user, err = s.createUser(ctx, tx, t.Email, name, t.Role, hash)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: user.ID, SubjectID: user.ID, Action: audit.InvitationAccepted, IP: ip})
	})
	return user, err
}

// resetsPerHour is how many reset links one account is sent in an hour.
const resetsPerHour = 3

// RequestReset mails a one-hour reset link when email belongs to an active
// account, and otherwise sends nothing; the caller says the same either
// way. by is the signed-in person who asked, or nil (anonymous); ip is
// their address. Every request is audited with both, and does the same
// database work (a token made and hashed, the same queries, a write and a
// commit) whether or not the email is known, so that neither the answer
// nor its timing tells whether an account exists. At most resetsPerHour
// links an hour are sent to one account.
func (s *Service) RequestReset(ctx context.Context, by *User, email, ip string) error {
	entry := audit.Entry{Action: audit.PasswordResetRequested, IP: ip, Detail: "requested by anonymous"}
	if by != nil {
		entry.ActorID, entry.Detail = by.ID, "requested by a signed-in user"
	}
	token := newToken()
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		user, err := userByEmail(ctx, tx, email)
		if err != nil {
			return err
		}
		userID := "00000000-0000-0000-0000-000000000000" // matches nobody, so the count costs the same
		if user != nil && user.Active {
			userID, entry.SubjectID = user.ID, user.ID
		}
		recent, err := tx.NewSelect().Model((*accountToken)(nil)).Where("user_id = ?", userID).
			Where("kind = ?", Reset).Where("created_at > ?", s.Clock.Now().Add(-time.Hour)).Count(ctx)
		if err != nil {
			return err
		}
		if entry.SubjectID == "" || recent >= resetsPerHour {
			if entry.SubjectID == "" {
				entry.Detail += "; no active account"
			} else {
				entry.Detail += "; limit reached, nothing sent"
			}
			return s.recordDecoy(ctx, tx, token, entry)
		}
		if err := s.saveToken(ctx, tx, &accountToken{Kind: Reset, Email: user.Email, UserID: &user.ID}, token, ResetTTL); err != nil {
			return err
		}
		if err := mail.Enqueue(ctx, tx, mail.PasswordReset, resetMail(user.Email, user.Name, s.link("/reset/"+token))); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry)
	})
}

// recordDecoy does the writes of a reset that sends nothing, so it takes
// as long as one that does: the token row is written and removed again in
// the transaction (it never commits), and the audit entry is kept.
func (s *Service) recordDecoy(ctx context.Context, tx bun.Tx, token string, entry audit.Entry) error {
	decoy := &accountToken{Kind: Reset}
	if err := s.saveToken(ctx, tx, decoy, token, ResetTTL); err != nil {
		return err
	}
	if _, err := tx.NewDelete().Model(decoy).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("reset request: %w", err)
	}
	return audit.Record(ctx, tx, entry)
}

// ResetLink makes a one-hour reset link for the active account with email,
// for an operator at the command line (never for a web page), and audits
// it as printed by operator.
func (s *Service) ResetLink(ctx context.Context, email, operator string) (string, error) {
	var link string
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		user, err := userByEmail(ctx, tx, email)
		if err != nil {
			return err
		}
		if user == nil || !user.Active {
			return fault.Errorf(fault.CodeNotFound, "No active account has this email.")
		}
		token, err := s.issueToken(ctx, tx, &accountToken{Kind: Reset, Email: user.Email, UserID: &user.ID}, ResetTTL)
		if err != nil {
			return err
		}
		link = s.link("/reset/" + token)
		return audit.Record(ctx, tx, audit.Entry{SubjectID: user.ID, Action: audit.ResetLinkPrinted, IP: "command line",
			Detail: "printed for " + operator})
	})
	return link, err
}

// CheckResetLink reports whether a reset link is live, to show its form.
func (s *Service) CheckResetLink(ctx context.Context, token string) error {
	_, err := s.peekToken(ctx, s.DB, Reset, token)
	return err
}

// ResetPassword sets a new password through a reset link and ends every
// session of the account.
func (s *Service) ResetPassword(ctx context.Context, token, password, ip string) error {
	hash, err := s.Hasher().Hash(password)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.useToken(ctx, tx, Reset, token)
		if err != nil {
			return err
		}
		if t.UserID == nil {
			return errTokenInvalid
		}
		user, err := UserByID(ctx, tx, *t.UserID)
		if err != nil {
			return err
		}
		user.PasswordHash = hash
		if err := s.updateUser(ctx, tx, user, "password_hash"); err != nil {
			return err
		}
		if err := s.Sessions.EndAll(ctx, tx, user.ID, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: user.ID, SubjectID: user.ID, Action: audit.PasswordReset, IP: ip})
	})
}

// SetupLink returns a one-time URL for creating the first admin, or "" when
// an admin exists.
func (s *Service) SetupLink(ctx context.Context) (string, error) {
	exists, err := adminExists(ctx, s.DB)
	if err != nil || exists {
		return "", err
	}
	token, err := s.issueToken(ctx, s.DB, &accountToken{Kind: Setup, Role: Admin}, SetupTTL)
	if err != nil {
		return "", err
	}
	return s.link("/setup/" + token), nil
}

// CheckSetupLink reports whether a setup link is live and no admin exists.
func (s *Service) CheckSetupLink(ctx context.Context, token string) error {
	if exists, err := adminExists(ctx, s.DB); err != nil || exists {
		return errors.Join(err, errTokenInvalid)
	}
	_, err := s.peekToken(ctx, s.DB, Setup, token)
	return err
}

// CompleteSetup creates the first admin through a setup link.
func (s *Service) CompleteSetup(ctx context.Context, token, email, name, password, ip string) (*User, error) {
	hash, err := s.Hasher().Hash(password)
	if err != nil {
		return nil, err
	}
	var user *User
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		// Each replica that starts on an empty database issues its own
		// setup link; the lock makes the first to complete the only admin.
		if err := db.LockName(ctx, tx, "first-admin"); err != nil {
			return err
		}
		if exists, err := adminExists(ctx, tx); err != nil || exists {
			return errors.Join(err, errTokenInvalid)
		}
		if _, err := s.useToken(ctx, tx, Setup, token); err != nil {
			return err
		}
		if user, err = s.createUser(ctx, tx, email, name, Admin, hash); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: user.ID, SubjectID: user.ID, Action: audit.SetupCompleted, IP: ip})
	})
	return user, err
}

// CreateUser makes an account directly, for the command line. With an
// empty password it returns an invitation link instead of creating it.
func (s *Service) CreateUser(ctx context.Context, email, name string, role Role, password string) (*User, string, error) {
	if password == "" {
		var link string
		err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
			existing, err := userByEmail(ctx, tx, email)
			if err != nil {
				return err
			}
			if existing != nil {
				return ErrEmailTaken
			}
			token, err := s.saveInvitation(ctx, tx, &accountToken{Email: NormalizeEmail(email), Role: role})
			link = s.link("/invitations/" + token)
			return err
		})
		return nil, link, err
	}
	hash, err := s.Hasher().Hash(password)
	if err != nil {
		return nil, "", err
	}
	user, err := s.createUser(ctx, s.DB, email, name, role, hash)
	return user, "", err
}

// errNotAllowed refuses an admin action on the admin's own account.
var errNotAllowed = fault.Errorf(fault.CodeConflict, "You cannot do that to your own account. Ask another admin.")

// Hasher returns the password hasher in use.
func (s *Service) Hasher() *Hasher {
	if s.Passwords != nil {
		return s.Passwords
	}
	return Passwords
}
