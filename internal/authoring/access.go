package authoring

import "groundwork/internal/identity"

// Access rules of authoring: admins (training leads) write, check, publish,
// import and restore the curriculum. Groundwork has no separate content
// editor role; a service that wants one gives the person the admin role.

// MayAuthor reports whether v may change the curriculum.
func MayAuthor(v *identity.Viewer) bool { return v.Is(identity.Admin) }
