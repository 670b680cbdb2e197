package voice_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/voice"
)

// fixture is a running site with a training lead, a supervisor and their
// trainee, and another supervisor and trainee who have nothing to do with
// them.
type fixture struct {
	site                *apptest.Site
	lead, sup, trainee  *account.User
	otherSup, otherTrne *account.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := apptest.Start(t, "")
	fx := &fixture{site: s,
		lead:      s.User("lead@example.org", "Lea Lead", account.Admin),
		sup:       s.User("sup@example.org", "Sam Supervisor", account.Supervisor),
		trainee:   s.User("tia@example.org", "Tia Trainee", account.Trainee),
		otherSup:  s.User("otto@example.org", "Otto Supervisor", account.Supervisor),
		otherTrne: s.User("omar@example.org", "Omar Trainee", account.Trainee)}
	fx.assign(t, fx.trainee, fx.sup)
	fx.assign(t, fx.otherTrne, fx.otherSup)
	return fx
}

// assign makes sup the trainee's supervisor, and refreshes the trainee.
func (fx *fixture) assign(t *testing.T, trainee, sup *account.User) {
	t.Helper()
	ctx := context.Background()
	if err := fx.site.App.Accounts.AssignSupervisor(ctx, fx.lead, trainee, sup.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	fresh, err := account.UserByID(ctx, fx.site.App.DB, trainee.ID)
	if err != nil {
		t.Fatal(err)
	}
	*trainee = *fresh
}

// open opens a round for the trainee's group, by the trainee, taking at
// most maxAnswers answers.
func (fx *fixture) open(t *testing.T, group string, maxAnswers int) *voice.Round {
	t.Helper()
	d := draftFor(group)
	d.MaxAnswers = maxAnswers
	r, err := fx.site.App.Voice.Open(context.Background(), fx.trainee, fx.trainee, d)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// draftFor is a round for today's session of group, open for the default
// time, for the client voice and facilitation competencies.
func draftFor(group string) voice.Draft {
	return voice.Draft{Group: group, HeldOn: time.Now().UTC().Truncate(24 * time.Hour),
		Competencies: []string{"voice-gathers-feedback", "group-facilitates"}, Hours: voice.DefaultHours,
		MaxAnswers: voice.DefaultMaxAnswers}
}

// answerOf is member i's answer: a comment that says whose it is, and
// ratings that vary with i.
func answerOf(i int) voice.Answer {
	c := []voice.Choice{voice.Yes, voice.NotSure, voice.No}
	return voice.Answer{Respected: voice.Yes, Heard: c[i%3], Useful: c[(i+1)%3], Again: voice.Yes,
		Comment: fmt.Sprintf("answer %d", i)}
}

// give has n members answer r through the service, in order.
func (fx *fixture) give(t *testing.T, r *voice.Round, n int) {
	t.Helper()
	for i := range n {
		if err := fx.site.App.Voice.Give(context.Background(), r.ID, answerOf(i)); err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
	}
}

// closeRound closes r as the trainee would.
func (fx *fixture) closeRound(t *testing.T, r *voice.Round) *voice.Round {
	t.Helper()
	ctx := context.Background()
	if err := fx.site.App.Voice.Close(ctx, fx.trainee, fx.trainee, r); err != nil {
		t.Fatal(err)
	}
	closed, err := fx.site.App.Voice.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return closed
}

// memberForm is a complete answer as the members' form sends it.
func memberForm(comment string) url.Values {
	return url.Values{"respected": {"3"}, "heard": {"2"}, "useful": {"3"}, "again": {"1"}, "comment": {comment}}
}

// answerByPhone has a new member answer r on their own phone and returns
// the status and where it sent them.
func (fx *fixture) answerByPhone(t *testing.T, r *voice.Round, form url.Values) (int, string) {
	t.Helper()
	return fx.site.Anonymous().Post(r.Path(), r.Path(), form)
}

func count(t *testing.T, fx *fixture, query string, args ...any) int {
	t.Helper()
	var n int
	if err := fx.site.App.DB.NewRaw(query, args...).Scan(context.Background(), &n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

var roundPath = regexp.MustCompile(`^/voice/rounds/[0-9a-f-]{36}$`)

// mustStatus fails unless code is want.
func mustStatus(t *testing.T, what string, code, want int) {
	t.Helper()
	if code != want {
		t.Fatalf("%s = %d, want %d (%s)", what, code, want, http.StatusText(want))
	}
}
