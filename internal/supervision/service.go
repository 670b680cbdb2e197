package supervision

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/clock"
	"groundwork/internal/notify"
)

// DefaultGap is how long a trainee may go without supervision before their
// supervisor's dashboard flags them, when configuration does not say.
const DefaultGap = 6 * 7 * 24 * time.Hour

// Service is the supervision capability: records, hours and competency
// sign-off, over one database.
type Service struct {
	DB *bun.DB
	// Clock tells the time of every record, signature and sign-off.
	Clock clock.Clock
	// Gap is how long a trainee may go without a supervision session
	// before they are flagged as overdue.
	Gap time.Duration
	// OnWithdraw runs inside the withdrawal's transaction when a sign-off
	// is withdrawn, so that certificates already issued for the module can
	// be flagged for an admin's decision. Nil means nothing to flag.
	OnWithdraw func(ctx context.Context, tx bun.IDB, traineeID, moduleSlug, reason string) error
	// OnChange runs after a sign-off or an agreed record moves a trainee
	// towards completion, so that certificates can be issued. It must not
	// fail the request: the change is already recorded.
	OnChange func(ctx context.Context, traineeID string)
	// Voice is client voice, whose feedback rounds can be evidence for
	// a competency. Nil means none.
	Voice ClientVoice
	// Notices tells trainees about records to agree, amended records and
	// returned or withdrawn sign-offs, in the transaction of the change.
	// Nil tells nobody.
	Notices *notify.Notifier
}

// changed tells whoever listens that traineeID's standing may have moved.
func (s *Service) changed(ctx context.Context, traineeID string) {
	if s.OnChange != nil {
		s.OnChange(ctx, traineeID)
	}
}

// NoteView writes an admin's reading of someone else's supervision (the
// page named what, from client ip) to the audit log. Other readers are not
// logged.
func (s *Service) NoteView(ctx context.Context, viewer, trainee *account.User, ip, what string) error {
	if !audited(viewer.Viewer(), trainee) {
		return nil
	}
	return audit.Record(ctx, s.DB, audit.Entry{ActorID: viewer.ID, SubjectID: trainee.ID,
		Action: audit.RecordViewed, IP: ip, Detail: what})
}
