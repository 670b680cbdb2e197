package certificate

import (
	"groundwork/internal/account"
	"groundwork/internal/identity"
	"groundwork/internal/supervision"
)

// Access rules of certificates. Verification (by number, token or QR) is
// public; the admin pages are behind the admin guard.

// MayOpen reports whether viewer may open cert's PDF: its holder, their
// supervisor and admins; a certificate of attendance, whose holder (nil)
// has no account, only admins (the registrant downloads it from their
// private link).
func MayOpen(viewer *identity.Viewer, cert *Certificate, holder *account.User) bool {
	if holder == nil {
		return viewer.Is(identity.Admin)
	}
	return supervision.CanSeeTrainee(viewer, holder)
}
