package authoring

import "groundwork/internal/identity"

// Access rules of authoring: admins (training leads) and the supervisors an
// admin has made curriculum editors write, check, publish, import and
// restore the curriculum.

// MayAuthor reports whether v may change the curriculum.
func MayAuthor(v *identity.Viewer) bool {
	return v.Is(identity.Admin) || (v.Is(identity.Supervisor) && v.Editor)
}
