package certificate

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/certificate/credential"
)

// ForgetAttendance withdraws the certificate of attendance of a
// registration whose holder asked for their details to be deleted: it is
// revoked with WithdrawnReason, so anyone checking it learns it no longer
// stands, and the name, the email hash and the registration it belonged
// to are replaced by nothing that was ever theirs. Call it in the
// transaction that deletes the registration.
func (s *Service) ForgetAttendance(ctx context.Context, idb bun.IDB, registrationID string) error {
	var certs []Certificate
	if err := idb.NewSelect().Model(&certs).Column("id").Where("registration_id = ?", registrationID).Scan(ctx); err != nil {
		return fmt.Errorf("forget certificate of attendance: %w", err)
	}
	for _, c := range certs {
		rev := &Revocation{CertificateID: c.ID, RevokedAt: s.Clock.Now(), Reason: WithdrawnReason}
		if _, err := idb.NewInsert().Model(rev).On("CONFLICT (certificate_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("withdraw certificate of attendance: %w", err)
		}
		salt := newSalt()
		if _, err := idb.NewUpdate().Model((*Certificate)(nil)).
			Set("holder_name = ?", account.DeletedName).
			Set("recipient_salt = ?", salt).
			Set("recipient_hash = ?", credential.HashEmail("deleted:"+c.ID, salt)).
			Set("registration_id = ?", uuid.NewString()). // a registration that never existed
			Where("id = ?", c.ID).Exec(ctx); err != nil {
			return fmt.Errorf("withdraw certificate of attendance: %w", err)
		}
	}
	return nil
}
