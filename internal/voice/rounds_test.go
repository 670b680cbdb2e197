package voice_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/audit"
	"groundwork/internal/clock"
	"groundwork/internal/voice"
)

// A trainee opens a round from the form; members answer on their phones;
// nothing of the answers shows while the round is open; after it closes
// with 4 answers there are no results and the answers are gone, and after
// it closes with 5 the counts show.
func TestResultsShowOnlyFromFiveAnswers(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	tia := fx.site.SignIn(fx.trainee)
	path := "/trainees/" + fx.trainee.ID + "/voice"
	code, where := tia.Post(path, path, url.Values{"group_name": {"Tuesday drop-in"}, "held_on": {time.Now().UTC().Format(time.DateOnly)},
		"competencies": {"voice-gathers-feedback", "group-facilitates"}, "hours": {"48"}, "max_answers": {"20"}})
	if code != http.StatusSeeOther || !roundPath.MatchString(where) {
		t.Fatalf("opening a round = %d to %q", code, where)
	}
	r, err := fx.site.App.Voice.Get(context.Background(), strings.TrimPrefix(where, "/voice/rounds/"))
	if err != nil {
		t.Fatal(err)
	}
	if !voice.IsCode(r.Code) || r.ClosesAt.Sub(r.OpenedAt) != 48*time.Hour {
		t.Fatalf("the round: code %q, open for %v", r.Code, r.ClosesAt.Sub(r.OpenedAt))
	}
	_, page := tia.Get(where)
	if !strings.Contains(page, fx.site.App.Config.BaseURL+"/v/"+r.Code) || !strings.Contains(page, r.URL()+"/qr.png") {
		t.Fatal("the round's page shows no link or QR code for members")
	}

	for i := range 4 {
		code, to := fx.answerByPhone(t, r, memberForm("comment "+string(rune('A'+i))))
		if code != http.StatusSeeOther || to != r.Path()+"/thanks" {
			t.Fatalf("answer %d = %d to %q", i, code, to)
		}
	}
	if _, page = tia.Get(where); strings.Contains(page, "comment A") || strings.Contains(page, `id="results"`) || !strings.Contains(page, "4 answers") {
		t.Fatal("the open round's page shows more than how many answered")
	}
	closed := fx.closeRound(t, r)
	if closed.HasResults() || closed.Released != 0 {
		t.Fatalf("a round closed with 4 answers has results: %+v", closed)
	}
	for _, table := range []string{"voice_held", "voice_tallies", "voice_comments"} {
		if n := count(t, fx, "SELECT count(*) FROM "+table+" WHERE round_id = ?", r.ID); n != 0 {
			t.Fatalf("%d rows left in %s after closing with 4 answers", n, table)
		}
	}
	_, page = tia.Get(where)
	if !strings.Contains(page, "Fewer than 5 people answered") || strings.Contains(page, "comment A") {
		t.Fatal("the page of a round closed with 4 answers does not say there are no results")
	}

	five := fx.open(t, "Tuesday drop-in", 20)
	fx.give(t, five, 5)
	five = fx.closeRound(t, five)
	if !five.HasResults() || five.Released != 5 {
		t.Fatalf("a round closed with 5 answers: %+v", five)
	}
	_, page = tia.Get(five.URL())
	// answerOf: respected is yes for all five; heard is yes, not sure, no,
	// yes, not sure.
	for _, want := range []string{"What 5 members said", "<th scope=\"row\">I felt respected.</th>\n<td>5</td><td>0</td><td>0</td>",
		"<th scope=\"row\">I could say what I wanted.</th>\n<td>2</td><td>2</td><td>1</td>"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the results lack %q:\n%s", want, page)
		}
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_held"); n != 0 {
		t.Fatalf("%d answers still held after both rounds closed", n)
	}
	_, page = tia.Get(path)
	if !strings.Contains(page, `<meter min="0" max="100" value="40" aria-label="Could say what they wanted: 40% said yes">`) ||
		strings.Count(page, "<meter") != len(voice.Questions) {
		t.Fatal("the results over time do not chart the one round with results")
	}
}

// A paper answer typed in by the trainee counts like any other, and the
// round says how many came from paper.
func TestPaperAnswersCount(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	r := fx.open(t, "Tuesday drop-in", 20)
	tia := fx.site.SignIn(fx.trainee)
	_, page := tia.Get(r.URL() + "/paper")
	if !strings.Contains(page, "I would come again.") || !strings.Contains(page, "Tick one box for each line.") {
		t.Fatal("the paper form lacks its questions")
	}
	code, _ := tia.Post(r.URL()+"/paper", r.URL(), memberForm("written on paper"))
	mustStatus(t, "typing in a paper answer", code, http.StatusSeeOther)
	fx.give(t, r, 4)
	r = fx.closeRound(t, r)
	if r.Answers != 5 || r.Paper != 1 || !r.HasResults() {
		t.Fatalf("the round after one paper answer and 4 by phone: %+v", r)
	}
	if _, page := fx.site.SignIn(fx.sup).Get(r.URL()); !strings.Contains(page, "5 answers (1 from paper)") || !strings.Contains(page, "written on paper") {
		t.Fatal("the round's page does not count the paper answer")
	}
}

// Comments reach the trainee only once the supervisor has read them; one
// held back with a reason never does, and the reason (not the comment) is
// in the audit log.
func TestHeldBackCommentsAreNeverShownToTheTrainee(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	r := fx.open(t, "Tuesday drop-in", 20)
	comments := []string{"The tea was good", "Sam from flat 4 uses every day", "More time to talk", "", ""}
	for i, c := range comments {
		a := answerOf(i)
		a.Comment = c
		if err := fx.site.App.Voice.Give(ctx, r.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	r = fx.closeRound(t, r)
	tia, sam := fx.site.SignIn(fx.trainee), fx.site.SignIn(fx.sup)
	_, page := tia.Get(r.URL())
	for _, c := range comments[:3] {
		if strings.Contains(page, c) {
			t.Fatalf("the trainee sees %q before the supervisor read it", c)
		}
	}
	if !strings.Contains(page, "3 comments wait for your supervisor") {
		t.Fatal("the trainee is not told comments wait for the supervisor")
	}
	if code, _ := tia.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {fx.commentID(t, r, comments[0])}, "decision": {"show"}}); code != http.StatusForbidden {
		t.Fatalf("the trainee showing a comment to themselves = %d, want 403", code)
	}

	_, page = sam.Get(r.URL())
	for _, c := range comments[:3] {
		if !strings.Contains(page, c) {
			t.Fatalf("the supervisor does not see %q to read it", c)
		}
	}
	held := fx.commentID(t, r, comments[1])
	code, _ := sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {held}, "decision": {"hold"}, "reason": {""}})
	mustStatus(t, "holding back without a reason", code, http.StatusUnprocessableEntity)
	if n := count(t, fx, "SELECT count(*) FROM voice_comments WHERE status = 'unread'"); n != 3 {
		t.Fatalf("a refused hold changed a comment: %d unread", n)
	}
	mustStatus(t, "showing a comment", statusOf(sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {fx.commentID(t, r, comments[0])}, "decision": {"show"}})), http.StatusSeeOther)
	mustStatus(t, "holding a comment back", statusOf(sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {held}, "decision": {"hold"}, "reason": {"Names another member"}})), http.StatusSeeOther)
	code, _ = sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {held}, "decision": {"show"}})
	mustStatus(t, "showing a comment held back", code, http.StatusConflict)
	third := fx.commentID(t, r, comments[2])
	mustStatus(t, "showing another", statusOf(sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {third}, "decision": {"show"}})), http.StatusSeeOther)
	if _, page := tia.Get(r.URL()); !strings.Contains(page, comments[2]) {
		t.Fatal("the trainee does not see a comment shown to them")
	}
	mustStatus(t, "holding it back after all", statusOf(sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {third}, "decision": {"hold"}, "reason": {"Could identify the writer"}})), http.StatusSeeOther)

	_, page = tia.Get(r.URL())
	if !strings.Contains(page, comments[0]) || strings.Contains(page, comments[1]) || strings.Contains(page, "Sam from flat 4") || strings.Contains(page, comments[2]) {
		t.Fatal("the trainee's page after review: want the shown comment and never the held one")
	}
	for _, p := range []string{"/trainees/" + fx.trainee.ID + "/voice", "/trainees/" + fx.trainee.ID + "/portfolio",
		"/trainees/" + fx.trainee.ID + "/portfolio.csv", "/supervision/competencies", r.URL() + "/poster", r.URL() + "/paper"} {
		if _, page := tia.Get(p); strings.Contains(page, "flat 4") {
			t.Fatalf("%s shows the held-back comment to the trainee", p)
		}
	}
	entries, err := audit.List(ctx, fx.site.App.DB, audit.Filter{Action: voice.CommentHeld})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit entries for the held comment: %v, %v", entries, err)
	}
	if e := entries[1]; e.ActorID != fx.sup.ID || e.SubjectID != fx.trainee.ID || !strings.Contains(e.Detail, "Names another member") ||
		strings.Contains(e.Detail, "flat 4") {
		t.Fatalf("the audit entry: %+v", e)
	}
}

// commentID finds the ID of the round's comment with body.
func (fx *fixture) commentID(t *testing.T, r *voice.Round, body string) string {
	t.Helper()
	var id string
	if err := fx.site.App.DB.NewRaw("SELECT id FROM voice_comments WHERE round_id = ? AND body = ?", r.ID, body).
		Scan(context.Background(), &id); err != nil {
		t.Fatalf("comment %q: %v", body, err)
	}
	return id
}

// statusOf drops the Location of a Post.
func statusOf(code int, _ string) int { return code }

// A round refuses answers once it is closed by hand, past its time (48
// hours by default) or full, and says so to members.
func TestAClosedRoundRefusesAnswers(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()

	byHand := fx.open(t, "Tuesday drop-in", 20)
	fx.give(t, byHand, 2)
	tia := fx.site.SignIn(fx.trainee)
	// Closing early asks first: with 2 answers of the 5 needed, they go unread.
	code, page := tia.PostPage(byHand.URL()+"/close", byHand.URL(), url.Values{})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Yes, close the round") || !strings.Contains(page, "Only 2 of the 5 answers") {
		t.Fatalf("closing without confirmation = %d", code)
	}
	if got, _ := fx.site.App.Voice.Get(ctx, byHand.ID); got.Closed() {
		t.Fatal("an unconfirmed close closed the round")
	}
	mustStatus(t, "closing", statusOf(tia.Post(byHand.URL()+"/close", byHand.URL(), url.Values{"confirmed": {"yes"}})), http.StatusSeeOther)
	member := fx.site.Anonymous()
	_, page = member.Get(byHand.Path())
	if !strings.Contains(page, "This feedback has closed") || strings.Contains(page, `name="respected"`) {
		t.Fatal("the members' page of a closed round still shows the form")
	}
	code, _ = fx.site.Anonymous().Post(byHand.Path(), "/v/"+fx.open(t, "Other", 20).Code, memberForm("late"))
	mustStatus(t, "answering a closed round", code, http.StatusConflict)
	if err := fx.site.App.Voice.Give(ctx, byHand.ID, answerOf(0)); err != voice.ErrClosed {
		t.Fatalf("answering a closed round: %v", err)
	}

	late := fx.open(t, "Thursday group", 20)
	fx.give(t, late, 5)
	moved := &clock.Moving{}
	later := *fx.site.App.Voice
	later.Clock = moved
	moved.Move(47 * time.Hour)
	if err := later.Give(ctx, late.ID, answerOf(5)); err != nil {
		t.Fatalf("answering after 47 hours: %v", err)
	}
	moved.Move(time.Hour)
	if err := later.Give(ctx, late.ID, answerOf(6)); err != voice.ErrClosed {
		t.Fatalf("answering after 48 hours: %v, want ErrClosed", err)
	}
	if got, _ := fx.site.App.Voice.Get(ctx, late.ID); !got.Closed() || got.Released != 6 || got.Answers != 6 {
		t.Fatalf("the round past its time: %+v", got)
	}

	full := fx.open(t, "Friday group", voice.MinAnswers)
	fx.give(t, full, voice.MinAnswers)
	if got, _ := fx.site.App.Voice.Get(ctx, full.ID); !got.HasResults() {
		t.Fatalf("a full round did not close with its results: %+v", got)
	}
	if err := fx.site.App.Voice.Give(ctx, full.ID, answerOf(9)); err != voice.ErrClosed {
		t.Fatalf("answering a full round: %v", err)
	}
	if n := count(t, fx, "SELECT answers FROM voice_rounds WHERE id = ?", full.ID); n != voice.MinAnswers {
		t.Fatalf("the full round counts %d answers", n)
	}
}

// "You said, we did" on one round is shown to the members of the group's
// next round, not to another group's.
func TestYouSaidWeDidReachesTheNextRound(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	first := fx.open(t, "Tuesday drop-in", 20)
	tia := fx.site.SignIn(fx.trainee)
	form := url.Values{"summary": {"The room was too cold."}, "description": {"We moved to the warmer room upstairs."}}
	code, _ := tia.Post(first.URL()+"/response", first.URL(), form)
	mustStatus(t, "you said, we did on an open round", code, http.StatusConflict)
	fx.give(t, first, 5)
	fx.closeRound(t, first)
	code, _ = tia.Post(first.URL()+"/response", first.URL(), url.Values{"summary": {"x"}, "description": {""}})
	mustStatus(t, "you said, we did without what was done", code, http.StatusUnprocessableEntity)
	sam := fx.site.SignIn(fx.sup)
	code, _ = sam.Post(first.URL()+"/response", first.URL(), form)
	mustStatus(t, "the supervisor writing the trainee's we did", code, http.StatusForbidden)
	mustStatus(t, "you said, we did", statusOf(tia.Post(first.URL()+"/response", first.URL(), form)), http.StatusSeeOther)

	next := fx.open(t, "tuesday drop-in", 20)
	other := fx.open(t, "Women's group", 20)
	for _, p := range []string{next.Path(), next.Path() + "/easy"} {
		_, page := fx.site.Anonymous().Get(p)
		if !strings.Contains(page, "The room was too cold.") || !strings.Contains(page, "We moved to the warmer room upstairs.") {
			t.Fatalf("%s does not show last time's you said, we did", p)
		}
	}
	if _, page := fx.site.Anonymous().Get(other.Path()); strings.Contains(page, "warmer room") {
		t.Fatal("another group's page shows this group's you said, we did")
	}
}
