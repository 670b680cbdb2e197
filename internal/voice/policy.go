package voice

import (
	"groundwork/internal/account"
	"groundwork/internal/supervision"
)

// The access rules of client voice, over the signed-in viewer and the
// trainee whose rounds they are. Members of the public never see a round:
// they answer through its code and see only the form and the trainee's
// "you said, we did".

// CanSee reports whether viewer may see the trainee's rounds, their
// answer counts and results: the trainee, their current supervisor or an
// admin. To anyone else the rounds do not exist.
func CanSee(viewer, trainee *account.User) bool {
	return trainee.Role == account.Trainee && supervision.CanSeeTrainee(viewer.Viewer(), trainee)
}

// CanRun reports whether viewer may open, close and type paper answers
// into the trainee's rounds: the trainee, or someone who reviews their
// competencies (their current supervisor or an admin).
func CanRun(viewer, trainee *account.User) bool {
	return trainee.Role == account.Trainee && (viewer.ID == trainee.ID || supervision.CanReview(viewer.Viewer(), trainee))
}

// CanReadComments reports whether viewer reads the comments of the
// trainee's rounds before the trainee does, to show each or hold it back:
// their current supervisor or an admin, never the trainee.
func CanReadComments(viewer, trainee *account.User) bool {
	return trainee.Role == account.Trainee && supervision.CanReview(viewer.Viewer(), trainee)
}

// CanRespond reports whether viewer may write the round's "you said, we
// did": the trainee alone, who ran the group.
func CanRespond(viewer, trainee *account.User) bool {
	return viewer.ID == trainee.ID && trainee.Role == account.Trainee
}

// audited reports whether viewer reading the trainee's rounds goes to the
// audit log: an admin reading someone else's, who is not their supervisor.
func audited(viewer, trainee *account.User) bool {
	supervises := trainee.SupervisorID != nil && *trainee.SupervisorID == viewer.ID
	return viewer.Role == account.Admin && viewer.ID != trainee.ID && !supervises
}
