package events_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"groundwork/internal/db/dbtest"
	"groundwork/internal/events"
)

// attendees registers n people for ev, marks them all present and returns
// their registrations in the order they registered.
func (fx *fixture) attendees(t *testing.T, ev *events.Event, n int) []*events.Registration {
	t.Helper()
	ctx := context.Background()
	regs := make([]*events.Registration, n)
	for i := range n {
		name := fmt.Sprintf("Attendee %s %d", ev.ID[len(ev.ID)-6:], i)
		reg, err := fx.site.App.Events.Register(ctx, ev.ID, person(name, fmt.Sprintf("a%d.%s@school.example", i, ev.ID[len(ev.ID)-12:])), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := fx.site.App.Events.MarkAttendance(ctx, ev.ID, reg.ID, true); err != nil {
			t.Fatal(err)
		}
		regs[i] = reg
	}
	return regs
}

// answerOf is attendee i's answer: distinct per person, so a test can tell
// whose answer is whose.
func answerOf(reg *events.Registration) events.Answer {
	return events.Answer{Usefulness: 4, Clarity: 3, Recommend: 8, Comment: "answer of " + reg.Name}
}

func count(t *testing.T, fx *fixture, query string, args ...any) int {
	t.Helper()
	var n int
	if err := fx.site.App.DB.NewRaw(query, args...).Scan(context.Background(), &n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Answers are held, not shown, until MinAnswers have arrived; then they
// are released together. A second answer from the same person is refused,
// and nothing else is written: no mail, no audit entry, no change to the
// session.
func TestFeedbackIsHeldUntilEnoughHaveAnswered(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	svc := fx.site.App.Events
	ev := fx.schedule(t, 10, time.Hour)
	regs := fx.attendees(t, ev, 4)
	mails := count(t, fx, "SELECT count(*) FROM mail_outbox")
	audits := count(t, fx, "SELECT count(*) FROM audit_log")
	before, _ := events.Get(ctx, fx.site.App.DB, ev.ID)

	for i, reg := range regs {
		if err := svc.GiveFeedback(ctx, reg, answerOf(reg)); err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		shown, _ := events.FeedbackOf(ctx, fx.site.App.DB, ev.ID)
		held := count(t, fx, "SELECT count(*) FROM event_feedback_pending WHERE event_id = ?", ev.ID)
		wantShown, wantHeld := 0, i+1
		if i+1 >= events.MinAnswers {
			wantShown, wantHeld = events.MinAnswers, i+1-events.MinAnswers
		}
		if shown.Answers != wantShown || held != wantHeld {
			t.Fatalf("after %d answers: %d shown and %d held; want %d and %d", i+1, shown.Answers, held, wantShown, wantHeld)
		}
	}
	if err := svc.GiveFeedback(ctx, regs[0], answerOf(regs[0])); err != events.ErrAnswered {
		t.Fatalf("a second answer: %v, want ErrAnswered", err)
	}
	if n := count(t, fx, "SELECT count(*) FROM event_feedback") + count(t, fx, "SELECT count(*) FROM event_feedback_pending"); n != 4 {
		t.Fatalf("%d answers stored for 4 people", n)
	}
	if count(t, fx, "SELECT count(*) FROM mail_outbox") != mails || count(t, fx, "SELECT count(*) FROM audit_log") != audits {
		t.Fatal("giving feedback wrote mail or an audit entry")
	}
	if after, _ := events.Get(ctx, fx.site.App.DB, ev.ID); !after.UpdatedAt.Equal(before.UpdatedAt) || after.Sequence != before.Sequence {
		t.Fatal("giving feedback changed the session")
	}
}

// What a curious database administrator would try, reading system columns
// on PostgreSQL: matching transaction IDs, and pairing spent registrations
// with answers by physical order. Five sessions of six attendees answer in
// a known order with answers that say whose they are.
func TestFeedbackCannotBeLinkedThroughSystemColumns(t *testing.T) {
	t.Parallel()
	if !dbtest.Postgres() {
		t.Skip("xmin and ctid are PostgreSQL's; set GROUNDWORK_TEST_DATABASE_URL to run this attack")
	}
	fx := newFixture(t)
	ctx := context.Background()
	const sessions, size = 5, 6
	right, pairs := 0, 0
	for range sessions {
		ev := fx.schedule(t, 10, time.Hour)
		regs := fx.attendees(t, ev, size)
		for _, reg := range regs {
			if err := fx.site.App.Events.GiveFeedback(ctx, reg, answerOf(reg)); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, fx, "SELECT count(*) FROM registrations AS r JOIN event_feedback AS f ON r.xmin = f.xmin"); n != 0 {
			t.Fatalf("%d registrations share a transaction ID with an answer", n)
		}
		if n := count(t, fx, "SELECT count(*) FROM registrations AS r JOIN event_feedback_pending AS f ON r.xmin = f.xmin"); n != 0 {
			t.Fatalf("%d registrations share a transaction ID with a held answer", n)
		}
		if n := count(t, fx, "SELECT count(DISTINCT xmin::text) FROM registrations WHERE event_id = ? AND feedback_given", ev.ID); n != 1 {
			t.Fatalf("the spent registrations carry %d transaction IDs, want 1", n)
		}
		var batches []int
		if err := fx.site.App.DB.NewRaw("SELECT count(*) FROM event_feedback WHERE event_id = ? GROUP BY xmin::text", ev.ID).Scan(ctx, &batches); err != nil {
			t.Fatal(err)
		}
		if len(batches) != size/events.MinAnswers {
			t.Fatalf("released answers in %d transactions (%v), want %d batches of %d", len(batches), batches, size/events.MinAnswers, events.MinAnswers)
		}
		for _, b := range batches {
			if b != events.MinAnswers {
				t.Fatalf("a batch of %d answers, want %d", b, events.MinAnswers)
			}
		}
		var names, comments []string
		fx.site.App.DB.NewRaw("SELECT name FROM registrations WHERE event_id = ? AND feedback_given ORDER BY ctid", ev.ID).Scan(ctx, &names)
		fx.site.App.DB.NewRaw("SELECT comment FROM event_feedback WHERE event_id = ? ORDER BY ctid", ev.ID).Scan(ctx, &comments)
		if len(names) != size || len(comments) != size {
			t.Fatalf("%d spent registrations, %d answers", len(names), len(comments))
		}
		for k := range names {
			pairs++
			if comments[k] == "answer of "+names[k] {
				right++
			}
		}
	}
	// Chance gets about one pair in six right (5 of 30); order preserved
	// would get all 30. More than 15 by chance is below one in a million.
	t.Logf("pairing by physical order: %d of %d right", right, pairs)
	if right > pairs/2 {
		t.Fatalf("pairing spent registrations with answers by physical order is right %d times of %d", right, pairs)
	}
}
