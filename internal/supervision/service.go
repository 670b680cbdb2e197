package supervision

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// DefaultGap is how long a trainee may go without supervision before their
// supervisor's dashboard flags them, when configuration does not say.
const DefaultGap = 6 * 7 * 24 * time.Hour

// Service is the supervision capability: records, hours and competency
// sign-off, over one database.
type Service struct {
	DB *bun.DB
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
}

// changed tells whoever listens that traineeID's standing may have moved.
func (s *Service) changed(ctx context.Context, traineeID string) {
	if s.OnChange != nil {
		s.OnChange(ctx, traineeID)
	}
}
