package catalog

import "groundwork/internal/identity"

// Access rules of the curriculum. Who may start a module (enrolment,
// prerequisites) is the learning capability's rule, asked through
// Progress.Access.

// MayRead reports whether viewer may read m: anyone for a public module,
// anyone signed in for the others.
func MayRead(viewer *identity.Viewer, m *Module) bool {
	return m.Audience == AudiencePublic || viewer != nil
}
