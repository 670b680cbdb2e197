package events

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/certificate"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/mail"
)

// MarkAttendance records whether a confirmed registrant came (true) or
// not (false). The register can be corrected until certificates go out.
func (s *Service) MarkAttendance(ctx context.Context, eventID, registrationID string, attended bool) error {
	res, err := s.DB.NewUpdate().Model((*Registration)(nil)).Set("attended = ?, updated_at = ?", attended, s.Clock.Now()).
		Where("id = ?", registrationID).Where("event_id = ?", eventID).Where("status = ?", Confirmed).
		Where("purged_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark attendance: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.NotFound()
	}
	return nil
}

// SendCertificates issues a certificate of attendance to everyone marked
// present who has none yet and mails them the link with the feedback
// form. It returns how many were sent; running it again sends only to
// people marked present since.
func (s *Service) SendCertificates(ctx context.Context, ev *Event) (int, error) {
	if ev.Cancelled() || !ev.Past(s.Clock.Now()) {
		return 0, fault.Errorf(fault.CodeConflict, "Certificates go out once the session has ended.")
	}
	names, err := s.facilitatorNames(ctx, ev.ID)
	if err != nil {
		return 0, err
	}
	regs, err := Registrations(ctx, s.DB, ev.ID)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range regs {
		reg := &regs[i]
		if reg.Attended == nil || !*reg.Attended {
			continue
		}
		fresh, err := s.certify(ctx, ev, reg, names)
		if err != nil {
			return sent, err
		}
		if fresh {
			sent++
		}
	}
	return sent, nil
}

// certify issues reg's certificate and mails it, in one transaction; fresh
// is false when they had one already.
func (s *Service) certify(ctx context.Context, ev *Event, reg *Registration, facilitators []string) (bool, error) {
	fresh := false
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := certificate.OfRegistration(ctx, tx, reg.ID); !fault.IsNotFound(err) {
			return err // nil when already issued
		}
		c, err := s.Certificates.IssueAttendance(ctx, tx, certificate.Attendance{RegistrationID: reg.ID, EventID: ev.ID,
			Name: reg.Name, Email: reg.Email, Title: ev.Title, Description: "A public session for " + lower(ev.Audience.Label()) + ".",
			HeldOn: ev.StartsAt, Facilitators: facilitators})
		if err != nil {
			return err
		}
		fresh = true
		return mail.Enqueue(ctx, tx, mail.Attendance, s.afterwards(ev, reg, s.Certificates.VerifyURL(c)))
	})
	return fresh, err
}

// facilitatorNames returns the names of a session's facilitators.
func (s *Service) facilitatorNames(ctx context.Context, eventID string) ([]string, error) {
	var names []string
	err := s.DB.NewSelect().Model((*account.User)(nil)).Column("u.name").
		Join("JOIN event_facilitators AS f ON f.user_id = u.id").Where("f.event_id = ?", eventID).
		OrderExpr("lower(u.name)").Scan(ctx, &names)
	if err != nil {
		return nil, fmt.Errorf("load facilitators: %w", err)
	}
	return names, nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
