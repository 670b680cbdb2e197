package events

import (
	"slices"

	"groundwork/internal/identity"
)

// Access rules of public sessions. Their public pages (the catalogue,
// registration, a registrant's private link) need no account; the staff
// pages are for admins and supervisors, each session's for those who run it.

// MayRun reports whether viewer may manage the session: an admin, or a
// supervisor who facilitates it.
func MayRun(viewer *identity.Viewer, facilitators []string) bool {
	return viewer.Is(identity.Admin) || (viewer.Is(identity.Supervisor) && slices.Contains(facilitators, viewer.ID))
}

// runsEverySession reports whether viewer manages every session (an admin)
// rather than only those they facilitate.
func runsEverySession(viewer *identity.Viewer) bool { return viewer.Is(identity.Admin) }
