// Package identity names who uses Groundwork: the three roles and the
// viewer a request is made by. Every capability's access rules are written
// over the Viewer; it knows nothing of HTTP or the database.
package identity

import "slices"

// Role is what a signed-in person may do.
type Role string

// The three roles.
const (
	Trainee    Role = "trainee"
	Supervisor Role = "supervisor"
	Admin      Role = "admin"
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{Trainee, Supervisor, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Trainee || r == Supervisor || r == Admin }

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Admin (training lead)"
	case Supervisor:
		return "Supervisor"
	}
	return "Trainee"
}

// Viewer is the signed-in person a request is made by. A nil *Viewer is a
// member of the public.
type Viewer struct {
	ID   string
	Name string
	Role Role
	// TimeZone is the IANA name of the zone the person reads times in;
	// empty means the organisation's.
	TimeZone string
	// Editor marks a supervisor an admin has made a curriculum editor.
	Editor bool
}

// Is reports whether v is signed in with one of roles.
func (v *Viewer) Is(roles ...Role) bool { return v != nil && slices.Contains(roles, v.Role) }
