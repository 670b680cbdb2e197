package certificate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/certificate/credential"
	"groundwork/internal/clock"
	"groundwork/internal/fault"
)

// AttendanceKind is the kind of a certificate of attendance at a public
// session; its holder has no account.
const AttendanceKind Kind = "attendance"

// Attendance is what a certificate of attendance says.
type Attendance struct {
	RegistrationID string
	EventID        string
	Name, Email    string
	Title          string // the session's title
	Description    string
	HeldOn         time.Time
	Facilitators   []string
}

// IssueAttendance issues the certificate of attendance of a registration,
// once: asked again, it returns the one already issued.
func (s *Service) IssueAttendance(ctx context.Context, idb bun.IDB, a Attendance) (*Certificate, error) {
	names, _ := json.Marshal(append([]string{}, a.Facilitators...))
	salt := newSalt()
	c := &Certificate{ID: clock.NewID(), Number: NewNumber(), Token: NewToken(), RegistrationID: a.RegistrationID,
		Achievement: "session:" + a.EventID, Kind: AttendanceKind, HolderName: a.Name,
		RecipientSalt: salt, RecipientHash: credential.HashEmail(a.Email, salt),
		Title: a.Title, Description: a.Description, SignedOffBy: string(names), IssuedAt: s.Clock.Now()}
	index, err := newStatusIndex(ctx, idb)
	if err != nil {
		return nil, fmt.Errorf("issue attendance certificate: %w", err)
	}
	c.StatusIndex = index
	_, err = idb.NewInsert().Model(c).
		On("CONFLICT (registration_id) WHERE reissue_of IS NULL AND registration_id IS NOT NULL DO NOTHING").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("issue attendance certificate: %w", err)
	}
	return OfRegistration(ctx, idb, a.RegistrationID)
}

// OfRegistration returns the newest certificate of attendance of a
// registration, or not found.
func OfRegistration(ctx context.Context, idb bun.IDB, registrationID string) (*Certificate, error) {
	c := new(Certificate)
	err := selectCertificates(idb, c).Where("c.registration_id = ?", registrationID).
		OrderExpr("c.issued_at DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("load attendance certificate: %w", err)
	}
	return c, nil
}
