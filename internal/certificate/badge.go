package certificate

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"

	"groundwork/internal/certificate/certpdf"
	"groundwork/internal/certificate/credential"
)

// IssuerURL is the stable URL of the issuer profile, which publishes the
// public key that verifies every credential.
func (s *Service) IssuerURL() string { return s.Issuer.BaseURL + "/issuer" }

// RevocationListURL is where the revoked credentials are listed.
func (s *Service) RevocationListURL() string { return s.IssuerURL() + "/revocations" }

// VerifyURL is the public page that checks c, printed as the QR code.
func (s *Service) VerifyURL(c *Certificate) string { return s.Issuer.BaseURL + "/verify/" + c.Token }

// CredentialURL is the stable URL of c's Open Badges credential.
func (s *Service) CredentialURL(c *Certificate) string {
	return s.Issuer.BaseURL + "/credentials/" + c.Token
}

// achievementURL identifies what c was issued for: the module's page, the
// modules index for the programme, or the public session's page.
func (s *Service) achievementURL(c *Certificate) string {
	switch c.Kind {
	case ProgrammeKind:
		return s.Issuer.BaseURL + "/modules"
	case AttendanceKind:
		return s.Issuer.BaseURL + "/sessions/" + strings.TrimPrefix(c.Achievement, "session:")
	}
	return s.Issuer.BaseURL + "/modules/" + c.Achievement
}

func (s *Service) issuer() credential.Issuer {
	return credential.Issuer{ID: s.IssuerURL(), Name: s.Issuer.Name, URL: s.Issuer.BaseURL}
}

// Badge returns what c's Open Badges credential says.
func (s *Service) Badge(c *Certificate) credential.Badge {
	criteria := "Completed every lesson, passed the knowledge check, submitted the reflections and had each competency signed off by a supervisor."
	switch c.Kind {
	case ProgrammeKind:
		criteria = "Completed every module of the programme, each with its competencies signed off by a supervisor, and the programme's hours of agreed supervision."
	case AttendanceKind:
		criteria = "Attended the whole session, as recorded on the register by its facilitator."
	}
	return credential.Badge{
		ID: s.CredentialURL(c), Name: c.Title, Description: c.Description,
		Issuer: s.issuer(), ValidFrom: c.IssuedAt,
		RecipientSalt: c.RecipientSalt, RecipientHash: c.RecipientHash,
		Achievement: credential.Achievement{ID: s.achievementURL(c), Name: c.Title,
			Description: c.Description, Criteria: criteria},
		RevocationListURL: s.RevocationListURL(),
	}
}

// Credential returns c as a signed OpenBadgeCredential. Ed25519 signatures
// are deterministic, so the same certificate always yields the same bytes.
func (s *Service) Credential(c *Certificate) ([]byte, error) {
	doc, err := s.Badge(c).Document()
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", c.Number, err)
	}
	signed, err := credential.Sign(doc, s.Key, credential.KeyID(s.issuer()), c.IssuedAt)
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", c.Number, err)
	}
	return signed, nil
}

// Profile returns the issuer profile with the public key.
func (s *Service) Profile() ([]byte, error) {
	return credential.Profile(s.issuer(), s.Key.Public().(ed25519.PublicKey))
}

// RevocationList returns the revocation list document.
func (s *Service) RevocationList(ctx context.Context) ([]byte, error) {
	var rows []Certificate
	if err := selectCertificates(s.DB, &rows).Where("r.revoked_at IS NOT NULL").
		OrderExpr("r.revoked_at, c.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("revocation list: %w", err)
	}
	revoked := make([]credential.RevokedCredential, len(rows))
	for i := range rows {
		revoked[i] = credential.RevokedCredential{ID: s.CredentialURL(&rows[i]), Reason: rows[i].RevokedReason}
	}
	return credential.RevocationList(s.RevocationListURL(), s.IssuerURL(), revoked)
}

// PDF renders c as its printable certificate.
func (s *Service) PDF(c *Certificate) ([]byte, error) {
	var buf bytes.Buffer
	err := certpdf.Render(&buf, certpdf.Data{
		Organisation: s.Issuer.Name, Logo: s.Issuer.Logo, Holder: c.HolderName, Title: c.Title,
		Kind: string(c.Kind), Description: c.Description, Number: c.Number, IssuedAt: c.IssuedAt,
		VerifyURL: s.VerifyURL(c), SignedOffBy: c.Signers(), ContentVersion: c.ContentVersion, Lang: s.Issuer.Lang,
	})
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", c.Number, err)
	}
	return buf.Bytes(), nil
}
