package voice_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/db/dbtest"
	"groundwork/internal/voice"
)

// TestDeletingATraineeForgetsWhatWasSaidInTheirRounds: a trainee has a
// closed round (comments released, "you said, we did" written) and an open
// one holding an answer. A training lead deletes their account. No comment,
// held answer or "you said, we did" remains anywhere in the database; the
// open round is closed and refuses answers; the closed round's counts,
// which sign-offs may rest on, remain.
func TestDeletingATraineeForgetsWhatWasSaidInTheirRounds(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	closed := fx.open(t, "Tuesday drop-in", 20)
	for i := range voice.MinAnswers {
		a := answerOf(i)
		a.Comment = fmt.Sprintf("Tia listened to me properly, says member %d", i)
		if err := fx.site.App.Voice.Give(ctx, closed.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	fx.closeRound(t, closed)
	tia := fx.site.SignIn(fx.trainee)
	form := url.Values{"summary": {"The room was too cold for everyone."}, "description": {"We moved upstairs to the warmer room."}}
	mustStatus(t, "you said, we did", statusOf(tia.Post(closed.URL()+"/response", closed.URL(), form)), http.StatusSeeOther)
	open := fx.open(t, "Thursday group", 20)
	held := answerOf(0)
	held.Comment = "Still held: the tea was good"
	if err := fx.site.App.Voice.Give(ctx, open.ID, held); err != nil {
		t.Fatal(err)
	}
	otherRound, err := fx.site.App.Voice.Open(ctx, fx.otherTrne, fx.otherTrne, draftFor("Omar's group"))
	if err != nil {
		t.Fatal(err)
	}
	const tallies = "SELECT COUNT(*) FROM voice_tallies WHERE round_id = ?"
	before := count(t, fx, tallies, closed.ID)
	if before == 0 || count(t, fx, "SELECT COUNT(*) FROM voice_comments WHERE round_id = ?", closed.ID) != voice.MinAnswers ||
		count(t, fx, "SELECT COUNT(*) FROM voice_held WHERE round_id = ?", open.ID) != 1 {
		t.Fatal("the rounds do not hold the comments, counts and answer to forget")
	}

	lead := fx.site.SignIn(fx.lead)
	path := "/admin/users/" + fx.trainee.ID + "/delete"
	mustStatus(t, "deleting the trainee", statusOf(lead.Post(path, path, url.Values{"email": {fx.trainee.Email}})), http.StatusSeeOther)

	if found := dbtest.Mentions(t, fx.site.App.DB, "listened to me", "Still held", "too cold", "warmer room"); len(found) > 0 {
		t.Fatalf("the database still holds what was said in the deleted trainee's rounds:\n%s", strings.Join(found, "\n"))
	}
	if n := count(t, fx, tallies, closed.ID); n != before {
		t.Fatalf("%d of %d counts remain", n, before)
	}
	if got, err := fx.site.App.Voice.Get(ctx, open.ID); err != nil || !got.Closed() {
		t.Fatalf("the open round: %+v, %v", got, err)
	}
	code, _ := fx.site.Anonymous().Post(open.Path(), otherRound.Path(), memberForm("one more"))
	mustStatus(t, "answering the deleted trainee's round", code, http.StatusConflict)
	if got, err := fx.site.App.Voice.Get(ctx, otherRound.ID); err != nil || got.Closed() {
		t.Fatalf("another trainee's open round: %+v, %v", got, err)
	}
}
