// Package account manages the people who sign in to Groundwork: trainees,
// supervisors and admins. It holds users and roles, passwords, server-side
// sessions, sign-in throttling, invitations, password resets, cohorts and
// supervisor assignments, with their pages.
package account

import (
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// Role is what a user may do.
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

// User is a person with an account.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID           string    `bun:"id,pk"`
	Email        string    `bun:"email,notnull"`
	Name         string    `bun:"name,notnull"`
	Role         Role      `bun:"role,notnull"`
	PasswordHash string    `bun:"password_hash,notnull"`
	Active       bool      `bun:"active,notnull"`
	SupervisorID *string   `bun:"supervisor_id"`
	CreatedAt    time.Time `bun:"created_at,notnull"`
	UpdatedAt    time.Time `bun:"updated_at,notnull"`
}

// newID returns a time-ordered UUIDv7.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// NormalizeEmail lower-cases and trims an email address, so that addresses
// differing only in case are one account.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// validID reports whether s is a UUID, so a malformed ID from a URL becomes
// a 404 rather than a database error.
func validID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// now is the current time in UTC, truncated to microseconds so that values
// read back from either database compare equal.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
