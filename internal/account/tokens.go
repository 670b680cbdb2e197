package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/clock"
)

// TokenKind is what a single-use link is for.
type TokenKind string

// The kinds of single-use link, with how long each stays valid.
const (
	Invitation TokenKind = "invitation"
	Reset      TokenKind = "reset"
	Setup      TokenKind = "setup"

	InvitationTTL = 7 * 24 * time.Hour
	ResetTTL      = time.Hour
	SetupTTL      = 24 * time.Hour
)

// accountToken is a single-use link. Only the SHA-256 of the token is kept.
type accountToken struct {
	bun.BaseModel `bun:"table:account_tokens"`

	ID        string     `bun:"id,pk"`
	Kind      TokenKind  `bun:"kind,notnull"`
	TokenHash string     `bun:"token_hash,notnull"`
	Email     string     `bun:"email,notnull"`
	Role      Role       `bun:"role,notnull"`
	UserID    *string    `bun:"user_id"`
	CreatedBy *string    `bun:"created_by"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
	ExpiresAt time.Time  `bun:"expires_at,notnull"`
	UsedAt    *time.Time `bun:"used_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

// errTokenInvalid means a link is unknown, used or expired; people are told
// the same in every case.
var errTokenInvalid = errors.New("link is invalid, used or expired")

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newToken returns a new random token of 260 bits.
func newToken() string { return rand.Text() + rand.Text() }

// issueToken stores a new single-use link of kind t and returns its token.
func (s *Service) issueToken(ctx context.Context, idb bun.IDB, t *accountToken, ttl time.Duration) (string, error) {
	token := newToken()
	return token, s.saveToken(ctx, idb, t, token, ttl)
}

// saveToken stores t as the single-use link for token, valid for ttl.
func (s *Service) saveToken(ctx context.Context, idb bun.IDB, t *accountToken, token string, ttl time.Duration) error {
	at := s.Clock.Now()
	t.ID, t.TokenHash, t.CreatedAt, t.ExpiresAt = clock.NewID(), hashToken(token), at, at.Add(ttl)
	if _, err := idb.NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("issue %s link: %w", t.Kind, err)
	}
	return nil
}

// peekToken returns the live token without using it, to show its form.
func (s *Service) peekToken(ctx context.Context, idb bun.IDB, kind TokenKind, token string) (*accountToken, error) {
	t := new(accountToken)
	err := idb.NewSelect().Model(t).
		Where("token_hash = ?", hashToken(token)).Where("kind = ?", kind).
		Where("used_at IS NULL").Where("revoked_at IS NULL").Where("expires_at > ?", s.Clock.Now()).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("read link: %w", err)
	}
	return t, nil
}

// useToken marks the live token used and returns it. The conditional
// update makes it single-use even when two requests race.
func (s *Service) useToken(ctx context.Context, idb bun.IDB, kind TokenKind, token string) (*accountToken, error) {
	t, err := s.peekToken(ctx, idb, kind, token)
	if err != nil {
		return nil, err
	}
	res, err := idb.NewUpdate().Model((*accountToken)(nil)).Set("used_at = ?", s.Clock.Now()).
		Where("id = ?", t.ID).Where("used_at IS NULL").Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("use link: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, errTokenInvalid
	}
	return t, nil
}

// liveInvitation is the condition of the partial unique index that keeps
// one live invitation per email.
const liveInvitation = "kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL"

// saveInvitation stores t as the one live invitation for its email, with a
// new token, and returns the token. An unused invitation already there for
// the email (live or expired) is replaced in place, so its old link stops
// working; the unique index makes this hold when two invitations race.
func (s *Service) saveInvitation(ctx context.Context, idb bun.IDB, t *accountToken) (string, error) {
	token := newToken()
	at := s.Clock.Now()
	t.ID, t.Kind, t.TokenHash, t.CreatedAt, t.ExpiresAt = clock.NewID(), Invitation, hashToken(token), at, at.Add(InvitationTTL)
	_, err := idb.NewInsert().Model(t).
		On("CONFLICT (email) WHERE " + liveInvitation + " DO UPDATE").
		Set("token_hash = EXCLUDED.token_hash").Set("role = EXCLUDED.role").Set("user_id = EXCLUDED.user_id").
		Set("created_by = EXCLUDED.created_by").Set("created_at = EXCLUDED.created_at").
		Set("expires_at = EXCLUDED.expires_at").
		Returning("id").Exec(ctx)
	if err != nil {
		return "", fmt.Errorf("issue invitation: %w", err)
	}
	return token, nil
}
