package certificate

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/certificate/credential"
)

// WithdrawnReason is the public reason on the certificates of a person
// whose account was deleted.
const WithdrawnReason = "Withdrawn at the holder's request"

// ForgetUser withdraws a deleted person's certificates. Each one not yet
// revoked is revoked with WithdrawnReason, so that anyone checking it
// learns it no longer stands, and the holder's name and email hash frozen
// on it are replaced: the name by the deleted placeholder, the hash by one
// of nothing that was ever theirs. This is the one change made to an
// issued certificate, because a deleted person's name must not outlive
// their account.
func (s *Service) ForgetUser(ctx context.Context, tx bun.Tx, userID string) error {
	var certs []Certificate
	if err := tx.NewSelect().Model(&certs).Column("id").Where("holder_id = ?", userID).Scan(ctx); err != nil {
		return fmt.Errorf("forget certificates: %w", err)
	}
	at := s.Clock.Now()
	for _, c := range certs {
		rev := &Revocation{CertificateID: c.ID, RevokedAt: at, Reason: WithdrawnReason}
		if _, err := tx.NewInsert().Model(rev).On("CONFLICT (certificate_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("withdraw certificate: %w", err)
		}
		salt := newSalt()
		if _, err := tx.NewUpdate().Model((*Certificate)(nil)).
			Set("holder_name = ?", account.DeletedName).
			Set("recipient_salt = ?", salt).
			Set("recipient_hash = ?", credential.HashEmail("deleted:"+c.ID, salt)).
			Where("id = ?", c.ID).Exec(ctx); err != nil {
			return fmt.Errorf("withdraw certificate: %w", err)
		}
	}
	return nil
}
