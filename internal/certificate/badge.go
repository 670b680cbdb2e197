package certificate

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"groundwork/internal/certificate/certpdf"
	"groundwork/internal/certificate/credential"
)

// IssuerURL is the stable URL of the issuer profile, which publishes the
// public key that verifies every credential.
func (s *Service) IssuerURL() string { return s.Issuer.BaseURL + "/issuer" }

// RevocationListURL is the 1EdTech revocation list that credentials
// downloaded before the status list point at.
func (s *Service) RevocationListURL() string { return s.IssuerURL() + "/revocations" }

// StatusListURL is the stable URL of the issuer's Bitstring Status List
// credential, where every credential that no longer stands has its bit
// set.
func (s *Service) StatusListURL() string { return s.IssuerURL() + "/status/revocation" }

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
		Status: &credential.StatusEntry{ListURL: s.StatusListURL(), Index: c.StatusIndex},
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

// RevocationList returns the 1EdTech revocation list: every credential that
// no longer stands, revoked (with its reason) or superseded by a re-issue.
func (s *Service) RevocationList(ctx context.Context) ([]byte, error) {
	var rows []Certificate
	if err := selectCertificates(s.DB, &rows).Where("r.revoked_at IS NOT NULL OR n.id IS NOT NULL").
		OrderExpr("c.issued_at, c.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("revocation list: %w", err)
	}
	revoked := make([]credential.RevokedCredential, len(rows))
	for i, c := range rows {
		reason := c.RevokedReason
		if c.Status() == Superseded {
			reason = "Superseded by " + c.SupersededBy
		}
		revoked[i] = credential.RevokedCredential{ID: s.CredentialURL(&c), Reason: reason}
	}
	return credential.RevocationList(s.RevocationListURL(), s.IssuerURL(), revoked)
}

// StatusList returns the signed BitstringStatusListCredential: a bit for
// every certificate ever issued, set for those revoked or superseded. It
// is signed as it is served, valid from now.
func (s *Service) StatusList(ctx context.Context) ([]byte, error) {
	count, maxIndex, err := statusListUse(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var set []int
	if err := s.DB.NewSelect().Model((*Certificate)(nil)).Column("c.status_index").
		Where("EXISTS (SELECT 1 FROM certificate_revocations AS r WHERE r.certificate_id = c.id)").
		WhereOr("EXISTS (SELECT 1 FROM certificates AS n WHERE n.reissue_of = c.id)").
		Scan(ctx, &set); err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	at := s.Clock.Now().Truncate(time.Second)
	doc, err := credential.StatusList{ID: s.StatusListURL(), Issuer: s.issuer(), ValidFrom: at,
		Length: credential.StatusListLength(count, maxIndex), Set: set}.Document()
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	signed, err := credential.Sign(doc, s.Key, credential.KeyID(s.issuer()), at)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	return signed, nil
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
