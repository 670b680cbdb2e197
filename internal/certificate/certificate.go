// Package certificate issues completion certificates and lets anyone check
// them: issuing exactly once, numbering, the PDF with its QR code, the
// public verification page, the signed Open Badges 3.0 credential,
// revocation and re-issue.
package certificate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/fault"
)

// Kind says what a certificate is for.
type Kind string

// The kinds of certificate.
const (
	ModuleKind    Kind = "module"
	ProgrammeKind Kind = "programme"
)

// ProgrammeAchievement is the achievement of the whole programme's
// certificate; a module's is the module's slug.
const ProgrammeAchievement = "programme"

// Certificate is one issued certificate. Everything it says is frozen at
// issue; the row is never changed.
type Certificate struct {
	bun.BaseModel `bun:"table:certificates,alias:c"`

	ID             string    `bun:"id,pk"`
	Number         string    `bun:"number,notnull"`
	Token          string    `bun:"token,notnull"`
	HolderID       string    `bun:"holder_id,nullzero"`       // a trainee's account
	RegistrationID string    `bun:"registration_id,nullzero"` // or a public session's registration
	Achievement    string    `bun:"achievement,notnull"`
	Kind           Kind      `bun:"kind,notnull"`
	HolderName     string    `bun:"holder_name,notnull"`
	RecipientSalt  string    `bun:"recipient_salt,notnull"`
	RecipientHash  string    `bun:"recipient_hash,notnull"`
	Title          string    `bun:"title,notnull"`
	Description    string    `bun:"description,notnull"`
	ContentVersion string    `bun:"content_version,notnull"`
	SignedOffBy    string    `bun:"signed_off_by,notnull"` // JSON list of names
	IssuedAt       time.Time `bun:"issued_at,notnull"`
	IssuedBy       *string   `bun:"issued_by"`
	ReissueOf      *string   `bun:"reissue_of"`
	ReissueReason  string    `bun:"reissue_reason,notnull"`
	// StatusIndex is the certificate's place in the issuer's status list,
	// random and unique, given at issue.
	StatusIndex int `bun:"status_index,notnull"`

	// What happened to it since, read with it.
	RevokedAt       *time.Time `bun:"revoked_at,scanonly"`
	RevokedReason   string     `bun:"revoked_reason,scanonly"`
	SupersededBy    string     `bun:"superseded_by,scanonly"` // the number of its re-issue
	SupersededToken string     `bun:"superseded_token,scanonly"`
	ReissueOfNumber string     `bun:"reissue_of_number,scanonly"`
	OpenFlags       int        `bun:"open_flags,scanonly"`
}

// Status is where a certificate stands.
type Status string

// The statuses a verifier sees.
const (
	Valid      Status = "valid"
	Revoked    Status = "revoked"
	Superseded Status = "superseded"
)

// Status reports whether the certificate is valid, revoked or superseded.
// A revocation outweighs a re-issue: it is the stronger statement.
func (c *Certificate) Status() Status {
	switch {
	case c.RevokedAt != nil:
		return Revoked
	case c.SupersededBy != "":
		return Superseded
	}
	return Valid
}

// Current reports whether the certificate is neither revoked nor superseded.
func (c *Certificate) Current() bool { return c.Status() == Valid }

// Signers returns the names of the supervisors who signed off.
func (c *Certificate) Signers() []string {
	var names []string
	_ = json.Unmarshal([]byte(c.SignedOffBy), &names) // written by us, always a list
	return names
}

// Revocation is the revocation of one certificate.
type Revocation struct {
	bun.BaseModel `bun:"table:certificate_revocations"`

	CertificateID string    `bun:"certificate_id,pk"`
	RevokedAt     time.Time `bun:"revoked_at,notnull"`
	RevokedBy     *string   `bun:"revoked_by"`
	Reason        string    `bun:"reason,notnull"`
}

// Flag asks an admin to look at a certificate.
type Flag struct {
	bun.BaseModel `bun:"table:certificate_flags"`

	ID            string     `bun:"id,pk"`
	CertificateID string     `bun:"certificate_id,notnull"`
	FlaggedAt     time.Time  `bun:"flagged_at,notnull"`
	Reason        string     `bun:"reason,notnull"`
	ClearedAt     *time.Time `bun:"cleared_at"`
	ClearedBy     *string    `bun:"cleared_by"`
}

// Errors of the certificate rules, each with the message a person sees.
var (
	ErrRevoked    = fault.Errorf(fault.CodeConflict, "This certificate is already revoked.")
	ErrSuperseded = fault.Errorf(fault.CodeConflict, "This certificate has already been re-issued; act on the newest one.")
	// ErrAttendanceReissue: a registrant's details are purged after the
	// session, so there is nothing current to re-issue from.
	ErrAttendanceReissue = fault.Errorf(fault.CodeInvalid, "Certificates of attendance are not re-issued; revoke one that was issued in error.")
)

// selectCertificates starts a query for certificates with their revocation,
// their re-issue and their open flags.
func selectCertificates(idb bun.IDB, into any) *bun.SelectQuery {
	return idb.NewSelect().Model(into).ColumnExpr("c.*").
		ColumnExpr("r.revoked_at, r.reason AS revoked_reason").
		ColumnExpr("n.number AS superseded_by, n.token AS superseded_token").
		ColumnExpr("o.number AS reissue_of_number").
		ColumnExpr("(SELECT count(*) FROM certificate_flags AS f WHERE f.certificate_id = c.id AND f.cleared_at IS NULL) AS open_flags").
		Join("LEFT JOIN certificate_revocations AS r ON r.certificate_id = c.id").
		Join("LEFT JOIN certificates AS n ON n.reissue_of = c.id").
		Join("LEFT JOIN certificates AS o ON o.id = c.reissue_of")
}

// one loads the single certificate matching where, or not found.
func one(ctx context.Context, idb bun.IDB, column, value string) (*Certificate, error) {
	c := new(Certificate)
	err := selectCertificates(idb, c).Where("c."+column+" = ?", value).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("load certificate: %w", err)
	}
	return c, nil
}

// ByID returns the certificate with id, or not found.
func ByID(ctx context.Context, idb bun.IDB, id string) (*Certificate, error) {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return nil, fault.NotFound()
	}
	return one(ctx, idb, "id", id)
}

// ByToken returns the certificate whose verification URL ends in token.
func ByToken(ctx context.Context, idb bun.IDB, token string) (*Certificate, error) {
	if len(token) != 26 {
		return nil, fault.NotFound()
	}
	return one(ctx, idb, "token", strings.ToLower(token))
}

// ByNumber returns the certificate with number as printed.
func ByNumber(ctx context.Context, idb bun.IDB, number string) (*Certificate, error) {
	return one(ctx, idb, "number", number)
}

// OfHolder returns the certificates of one or more people, by holder's
// name and then newest first.
func OfHolder(ctx context.Context, idb bun.IDB, holderIDs ...string) ([]Certificate, error) {
	var out []Certificate
	if err := selectCertificates(idb, &out).Where("c.holder_id IN (?)", bun.List(holderIDs)).
		OrderExpr("c.holder_name, c.issued_at DESC, c.id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	return out, nil
}

// Filter selects certificates for the admin list.
type Filter struct {
	Query   string // matches the holder's name, the number or the title
	Status  Status // "" for any
	Flagged bool   // only those with an open flag
	Page    int    // 1-based
	PerPage int
}

// List returns one page of the certificates matching f, newest first, and
// how many matched.
func List(ctx context.Context, idb bun.IDB, f Filter) ([]Certificate, int, error) {
	var out []Certificate
	q := selectCertificates(idb, &out)
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("lower(c.holder_name) LIKE ? ESCAPE '\\'", like).WhereOr("lower(c.title) LIKE ? ESCAPE '\\'", like)
			if number, ok := ParseNumber(f.Query); ok {
				q = q.WhereOr("c.number = ?", number)
			}
			return q.WhereOr("lower(c.number) LIKE ? ESCAPE '\\'", like)
		})
	}
	switch f.Status {
	case Revoked:
		q = q.Where("r.revoked_at IS NOT NULL")
	case Superseded:
		q = q.Where("r.revoked_at IS NULL AND n.id IS NOT NULL")
	case Valid:
		q = q.Where("r.revoked_at IS NULL AND n.id IS NULL")
	}
	if f.Flagged {
		q = q.Where("EXISTS (SELECT 1 FROM certificate_flags AS f WHERE f.certificate_id = c.id AND f.cleared_at IS NULL)")
	}
	total, err := q.OrderExpr("c.issued_at DESC, c.id DESC").Limit(int64(f.PerPage)).Offset(int64((f.Page - 1) * f.PerPage)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list certificates: %w", err)
	}
	return out, int(total), nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Flags returns the open flags of a certificate, oldest first.
func Flags(ctx context.Context, idb bun.IDB, certificateID string) ([]Flag, error) {
	var out []Flag
	if err := idb.NewSelect().Model(&out).Where("certificate_id = ?", certificateID).
		Where("cleared_at IS NULL").Order("flagged_at").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load certificate flags: %w", err)
	}
	return out, nil
}
