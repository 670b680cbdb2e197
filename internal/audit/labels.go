package audit

import (
	"cmp"
	"slices"
)

// labels names every action in plain language, for the log page and its
// export. Every action recorded anywhere needs a label here
// (TestEveryActionHasALabel reads the code base to hold this).
var labels = map[Action]string{
	SignIn:                 "Signed in",
	SignInFailed:           "Sign-in failed",
	LockedOut:              "Sign-in paused after repeated failures",
	SignOut:                "Signed out",
	Invited:                "Invited a person",
	InvitationAccepted:     "Accepted an invitation",
	RoleChanged:            "Changed a role",
	Deactivated:            "Deactivated an account",
	Reactivated:            "Reactivated an account",
	SignedOutEverywhere:    "Signed out on every device",
	SupervisorAssigned:     "Assigned a supervisor",
	PasswordChanged:        "Changed a password",
	PasswordResetRequested: "Asked for a password reset",
	PasswordReset:          "Reset a password",
	EmailChanged:           "Changed an email address",
	SetupCompleted:         "Completed first-run setup",
	RecordViewed:           "Viewed a supervision record",
	Enrolled:               "Enrolled in a module",
	Unenrolled:             "Unenrolled from a module",
	CertificateRevoked:     "Revoked a certificate",
	CertificateReissued:    "Re-issued a certificate",
	CertificateKept:        "Kept a certificate after review",
	UserDeleted:            "Deleted a person",
	ResetLinkPrinted:       "Printed a reset link at the command line",
	VoiceCommentHeld:       "Held back a client voice comment",
	InvitationResent:       "Resent an invitation with a new link",
	InvitationRevoked:      "Revoked an invitation",
	UserImported:           "Imported a person from a file",
	CohortJoined:           "Added a trainee to a cohort",
	CohortLeft:             "Removed a trainee from a cohort",
	CurriculumPublished:    "Published a version of a module",
	CurriculumRestored:     "Restored an earlier version of a module into its draft",
	CurriculumImported:     "Imported and published modules from a ZIP",
	CurriculumReviewed:     "Reviewed a local copy after a built-in lesson changed",
	EditorGranted:          "Made a supervisor a curriculum editor",
	EditorRevoked:          "Stopped a supervisor editing the curriculum",
}

// Label is the action in plain language; an action without a label shows
// its code.
func (a Action) Label() string {
	if l, ok := labels[a]; ok {
		return l
	}
	return string(a)
}

// Known reports whether a is an action with a label, so a filter can
// refuse anything else.
func (a Action) Known() bool {
	_, ok := labels[a]
	return ok
}

// LabelledActions lists every labelled action, by label, for filters.
func LabelledActions() []Action {
	out := make([]Action, 0, len(labels))
	for a := range labels {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y Action) int { return cmp.Compare(x.Label(), y.Label()) })
	return out
}
