package supervision

import (
	"groundwork/internal/account"
	"groundwork/internal/identity"
)

// supervises reports whether viewer is the trainee's current supervisor.
// Reassigning a trainee hands this to the new supervisor at once.
func supervises(viewer *identity.Viewer, trainee *account.User) bool {
	return viewer.Role == identity.Supervisor && trainee.SupervisorID != nil && *trainee.SupervisorID == viewer.ID
}

// CanSeeTrainee reports whether viewer may see a trainee's supervision and
// competencies: the trainee, their current supervisor, or an admin.
func CanSeeTrainee(viewer *identity.Viewer, trainee *account.User) bool {
	return viewer.ID == trainee.ID || viewer.Role == identity.Admin || supervises(viewer, trainee)
}

// CanReview reports whether viewer may sign off, return and withdraw the
// trainee's competencies and confirm records the trainee wrote: their
// current supervisor or an admin, never the trainee.
func CanReview(viewer *identity.Viewer, trainee *account.User) bool {
	return viewer.ID != trainee.ID && (viewer.Role == identity.Admin || supervises(viewer, trainee))
}

// CanRecord reports whether viewer may write a supervision record for the
// trainee: their supervisor or an admin, or the trainee (peer or group
// supervision, for their supervisor to confirm).
func CanRecord(viewer *identity.Viewer, trainee *account.User) bool {
	return trainee.Role == account.Trainee && (viewer.ID == trainee.ID || CanReview(viewer, trainee))
}

// CanSeeRecord reports whether viewer may read r: anyone who may see the
// trainee, and the record's author even after the trainee has moved to
// another supervisor.
func CanSeeRecord(viewer *identity.Viewer, trainee *account.User, r *Record) bool {
	return r.AuthorID == viewer.ID || CanSeeTrainee(viewer, trainee)
}

// CanSign reports whether viewer is the other party of an unsigned record:
// the trainee for a record their supervisor wrote, the supervisor (or an
// admin) for one the trainee wrote.
func CanSign(viewer *identity.Viewer, trainee *account.User, r *Record) bool {
	if r.Locked() || r.AuthorID == viewer.ID {
		return false
	}
	if r.ByTrainee() {
		return CanReview(viewer, trainee)
	}
	return viewer.ID == trainee.ID
}

// CanAmend reports whether viewer may amend a locked record: its author,
// the trainee's current supervisor or an admin.
func CanAmend(viewer *identity.Viewer, trainee *account.User, r *Record) bool {
	return r.Locked() && (r.AuthorID == viewer.ID || CanReview(viewer, trainee))
}

// audited reports whether viewer reading the trainee's records must be
// written to the audit log: an admin reading someone else's supervision.
func audited(viewer *identity.Viewer, trainee *account.User) bool {
	return viewer.Role == identity.Admin && viewer.ID != trainee.ID && !supervises(viewer, trainee)
}
