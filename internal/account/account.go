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

	"groundwork/internal/identity"
)

// Role is what a user may do.
type Role = identity.Role

// The three roles.
const (
	Trainee    = identity.Trainee
	Supervisor = identity.Supervisor
	Admin      = identity.Admin
)

// Roles lists every role, in the order forms show them.
var Roles = identity.Roles

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

	// NotificationMailOff stops notification mail (urgent notices and the
	// daily digest); the dashboard's "Needs you" list stays.
	NotificationMailOff bool `bun:"notification_mail_off,notnull"`

	// TimeZone is the IANA zone the person reads times in; empty means
	// the organisation's.
	TimeZone string `bun:"time_zone,notnull"`

	// CurriculumEditor lets a supervisor write and publish the curriculum
	// as admins do; an admin grants it.
	CurriculumEditor bool `bun:"curriculum_editor,notnull"`
}

// Viewer is u as the viewer of a request, for access rules.
func (u *User) Viewer() *identity.Viewer {
	if u == nil {
		return nil
	}
	return &identity.Viewer{ID: u.ID, Name: u.Name, Role: u.Role, TimeZone: u.TimeZone, Editor: u.CurriculumEditor}
}

// NormalizeEmail lower-cases and trims an email address, so that addresses
// differing only in case are one account.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// validID reports whether s is a UUID, so a malformed ID from a URL becomes
// a 404 rather than a database error.
func validID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
