// Package voice is client voice: anonymous feedback from the members of the
// groups trainees run. A trainee or their supervisor opens a feedback round
// for one group session; members answer through a short link or QR code on
// their own phones, without an account, or on paper; when the round closes
// their answers are released as counts and comments, never one person's
// answer as a whole. The trainee's supervisor reads the comments before the
// trainee sees them, the trainee can offer a round's results as evidence
// for a competency, and their "you said, we did" is shown to the members
// of the group's next round.
package voice

import (
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/audit"
	"groundwork/internal/fault"
)

// MinAnswers is how many answers a round needs before anything of them is
// shown: with fewer, the trainee could tell who said what. A round that
// closes with fewer has its answers deleted unread.
const MinAnswers = 5

// The limits of a round: how long it stays open and how many answers it
// takes, with the defaults the form offers.
const (
	DefaultHours      = 48
	MaxHours          = 7 * 24
	DefaultMaxAnswers = 20
	MaxAnswersLimit   = 100
	// MaxComment is the longest comment a member may write.
	MaxComment = 500
	// MaxResponse is the longest "you said" or "we did".
	MaxResponse = 1000
)

// Choice is an answer to one rating question.
type Choice int

// The choices, stored as numbers so that they can be counted.
const (
	No      Choice = 1
	NotSure Choice = 2
	Yes     Choice = 3
)

// Choices lists the choices in the order the form shows them.
var Choices = []Choice{Yes, NotSure, No}

// Label is the choice in words.
func (c Choice) Label() string {
	switch c {
	case Yes:
		return "Yes"
	case NotSure:
		return "Not sure"
	case No:
		return "No"
	}
	return ""
}

// Face names the easy-read picture of the choice.
func (c Choice) Face() string {
	switch c {
	case Yes:
		return "happy"
	case NotSure:
		return "unsure"
	}
	return "sad"
}

// Question is one rating question: its form field, its words, and the
// picture and words of the easy-read version.
type Question struct {
	Key     string // the form field and the tally's question
	Text    string // as members read it
	Short   string // as results name it
	Picture string // the easy-read picture's name
	Alt     string // the easy-read picture's text alternative
}

// Questions are the four ratings, in the order members answer them.
var Questions = []Question{
	{Key: "respected", Text: "I felt respected.", Short: "Felt respected", Picture: "respect",
		Alt: "Two people shake hands."},
	{Key: "heard", Text: "I could say what I wanted.", Short: "Could say what they wanted", Picture: "speak",
		Alt: "A person with a speech bubble."},
	{Key: "useful", Text: "The group was useful to me.", Short: "Found it useful", Picture: "useful",
		Alt: "A thumb pointing up."},
	{Key: "again", Text: "I would come again.", Short: "Would come again", Picture: "again",
		Alt: "A person walking through an open door."},
}

// CommentQuestion is the one free-text question.
const CommentQuestion = "Is there anything else you want to tell us?"

// Round is one feedback round: a group session of one trainee, its short
// code, its limits and, once closed, how many answers were released.
type Round struct {
	bun.BaseModel `bun:"table:voice_rounds,alias:r"`

	ID             string     `bun:"id,pk"`
	TraineeID      string     `bun:"trainee_id,notnull"`
	OpenedBy       string     `bun:"opened_by,notnull"`
	Code           string     `bun:"code,notnull"`
	Group          string     `bun:"group_name,notnull"`
	HeldOn         time.Time  `bun:"held_on,notnull"`
	CompetencyList string     `bun:"competencies,notnull"` // space-separated IDs
	OpenedAt       time.Time  `bun:"opened_at,notnull"`
	ClosesAt       time.Time  `bun:"closes_at,notnull"`
	MaxAnswers     int        `bun:"max_answers,notnull"`
	Answers        int        `bun:"answers,notnull"`
	Paper          int        `bun:"paper,notnull"`
	ClosedAt       *time.Time `bun:"closed_at"`
	Released       int        `bun:"released,notnull"`
	YouSaid        string     `bun:"you_said,notnull"`
	WeDid          string     `bun:"we_did,notnull"`
	RespondedAt    *time.Time `bun:"responded_at"`
}

// Competencies lists the IDs of the competencies the round may evidence.
func (r *Round) Competencies() []string { return strings.Fields(r.CompetencyList) }

// Evidences reports whether the round may evidence the competency id.
func (r *Round) Evidences(id string) bool { return slices.Contains(r.Competencies(), id) }

// OpenAt reports whether the round takes answers at t: not closed, not past
// its closing time and not full.
func (r *Round) OpenAt(t time.Time) bool {
	return r.ClosedAt == nil && t.Before(r.ClosesAt) && r.Answers < r.MaxAnswers
}

// Closed reports whether the round has closed and settled.
func (r *Round) Closed() bool { return r.ClosedAt != nil }

// HasResults reports whether the round's results are shown: it has closed
// with at least MinAnswers answers.
func (r *Round) HasResults() bool { return r.Closed() && r.Released >= MinAnswers }

// Path is the members' short link, without the site's address.
func (r *Round) Path() string { return "/v/" + r.Code }

// URL is the round's page for the trainee and supervisor.
func (r *Round) URL() string { return "/voice/rounds/" + r.ID }

// heldAnswer is one answer waiting for its round to close. Nothing in it
// says who gave it, from where or when, and its key is random.
type heldAnswer struct {
	bun.BaseModel `bun:"table:voice_held"`

	ID        string `bun:"id,pk"`
	RoundID   string `bun:"round_id,notnull"`
	Respected Choice `bun:"respected,notnull"`
	Heard     Choice `bun:"heard,notnull"`
	Useful    Choice `bun:"useful,notnull"`
	Again     Choice `bun:"again,notnull"`
	Comment   string `bun:"comment,notnull"`
}

// tally counts the released answers of a round that gave one choice to one
// question.
type tally struct {
	bun.BaseModel `bun:"table:voice_tallies"`

	RoundID  string `bun:"round_id,pk"`
	Question string `bun:"question,pk"`
	Choice   Choice `bun:"choice,pk"`
	N        int    `bun:"n,notnull"`
}

// CommentStatus is where a released comment stands.
type CommentStatus string

// The statuses of a comment.
const (
	Unread CommentStatus = "unread" // the supervisor has not read it yet
	Shown  CommentStatus = "shown"  // read and shown to the trainee
	Held   CommentStatus = "held"   // read and held back, with a reason
)

// Comment is one member's free text, released apart from their ratings.
type Comment struct {
	bun.BaseModel `bun:"table:voice_comments,alias:c"`

	ID      string        `bun:"id,pk"`
	RoundID string        `bun:"round_id,notnull"`
	Body    string        `bun:"body,notnull"`
	Status  CommentStatus `bun:"status,notnull"`
	Reason  string        `bun:"reason,notnull"`
	ReadBy  *string       `bun:"read_by"`
	ReadAt  *time.Time    `bun:"read_at"`
}

// evidence links a competency request to the round offered with it.
type evidence struct {
	bun.BaseModel `bun:"table:voice_evidence"`

	EventID      string `bun:"event_id,pk"`
	RoundID      string `bun:"round_id,notnull"`
	TraineeID    string `bun:"trainee_id,notnull"`
	CompetencyID string `bun:"competency_id,notnull"`
}

// CommentHeld is the audit log's action for a comment a supervisor held
// back; the entry's detail is the round and the reason, never the comment.
const CommentHeld = audit.VoiceCommentHeld

// Errors members and staff see.
var (
	// ErrClosed refuses an answer to a round that has closed, is past its
	// time or is full.
	ErrClosed = fault.Errorf(fault.CodeConflict, "This feedback has closed. Thank you.")
	// ErrOpen refuses what needs a closed round.
	ErrOpen = fault.Errorf(fault.CodeConflict, "This round is still open. Close it first.")
	// ErrNoResults refuses a round as evidence when it has no results.
	ErrNoResults = fault.Errorf(fault.CodeInvalid, "Choose a feedback round that has results (it has closed, and at least 5 people answered) and that you opened for this competency.")
	// ErrRead refuses a decision on a comment that was already held back.
	ErrRead = fault.Errorf(fault.CodeConflict, "This comment has already been held back.")
)
