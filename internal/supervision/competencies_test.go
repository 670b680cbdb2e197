package supervision_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/supervision"
)

func TestConcurrentSignOffRequestsDoNotDuplicate(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	m, _ := tm.site.App.Courses.Catalog().Module("ethics-and-boundaries")
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = tm.site.App.Supervision.Request(ctx, tm.traineeA, m, "ethics-records-consent",
				supervision.Evidence{Text: "Recorded consent with a visitor before a referral."})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, supervision.ErrAlreadyAsked):
			t.Errorf("a concurrent request failed with %v, want ErrAlreadyAsked", err)
		}
	}
	requests, _ := tm.site.App.DB.NewSelect().Table("competency_events").Where("kind = 'requested'").Count(ctx)
	states, _ := tm.site.App.DB.NewSelect().Table("competency_status").Count(ctx)
	if won != 1 || requests != 1 || states != 1 {
		t.Fatalf("%d requests succeeded, %d kept, %d status rows; want exactly 1 each", won, requests, states)
	}
}

func TestSignOffReturnAndWithdraw(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	A := tm.traineeA.ID
	var flagged []string
	tm.site.App.Supervision.OnWithdraw = func(_ context.Context, _ bun.IDB, traineeID, module, reason string) error {
		flagged = append(flagged, traineeID+" "+module+" "+reason)
		return nil
	}
	own := "/supervision/competencies"
	theirs := "/trainees/" + A + "/competencies"
	ask := func(id, evidence string) int {
		code, _ := tm.a.Post(theirs+"/request", own, url.Values{"competency": {id}, "evidence": {evidence}})
		return code
	}
	if code, page := tm.a.PostPage(theirs+"/request", own, url.Values{"competency": {"ethics-records-consent"}}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "Describe your evidence") {
		t.Errorf("a request without evidence = %d", code)
	}
	if code := ask("no-such-competency", "x"); code != http.StatusBadRequest {
		t.Errorf("an unknown competency = %d, want 400", code)
	}
	if code := ask("ethics-records-consent", "Recorded a visitor's consent to share with their GP, in their words."); code != http.StatusSeeOther {
		t.Fatalf("request = %d", code)
	}
	if code := ask("ethics-records-consent", "again"); code != http.StatusConflict {
		t.Errorf("asking twice = %d, want 409", code)
	}
	if _, queue := tm.s1.Get("/supervision"); !strings.Contains(queue, "Records informed consent to share") {
		t.Error("the request is not in the supervisor's queue")
	}
	if _, dash := tm.s1.Get("/dashboard"); !strings.Contains(dash, "1 competency to review") {
		t.Error("the supervisor's dashboard does not count the evidence waiting")
	}

	// Returned with feedback, then asked again.
	if code, _ := tm.s1.Post(theirs+"/return", theirs, url.Values{"competency": {"ethics-records-consent"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("returning without feedback = %d, want 422", code)
	}
	if code, _ := tm.s1.Post(theirs+"/return", theirs, url.Values{"competency": {"ethics-records-consent"}, "seen": {"1"}, "feedback": {"Say how you checked they understood."}}); code != http.StatusSeeOther {
		t.Fatalf("return = %d", code)
	}
	if code := ask("ethics-records-consent", "Read the form back and checked understanding in plain words."); code != http.StatusSeeOther {
		t.Fatalf("asking again after a return = %d", code)
	}

	// Several signed off at once with one comment, one not asked for.
	signOff := url.Values{"module": {"ethics-and-boundaries"}, "competencies": {"ethics-records-consent", "ethics-explains-confidentiality"},
		"seen-ethics-records-consent": {"3"}, "seen-ethics-explains-confidentiality": {"0"},
		"comment": {"Observed at the Tuesday drop-in: clear, kind and accurate."}}
	if code, _ := tm.s1.Post(theirs+"/sign-off", theirs, signOff); code != http.StatusSeeOther {
		t.Fatalf("sign off = %d", code)
	}
	if code, _ := tm.s1.Post(theirs+"/sign-off", theirs, signOff); code != http.StatusConflict {
		t.Errorf("signing off again = %d, want 409", code)
	}
	signed, err := tm.site.App.Supervision.SignedOff(ctx, []string{A})
	if err != nil || !signed[A]["ethics-records-consent"] || !signed[A]["ethics-explains-confidentiality"] || len(signed[A]) != 2 {
		t.Fatalf("signed off = %v (%v)", signed, err)
	}

	// Withdrawn with a reason: no longer counts, flagged, history kept.
	// Without the confirmation, the reason comes back on a page that asks.
	withdrawal := url.Values{"competency": {"ethics-explains-confidentiality"}, "reason": {"Signed off in error: it was observed by a volunteer."}}
	if code, page := tm.adminP.PostPage(theirs+"/withdraw", theirs, withdrawal); code != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "Yes, withdraw the sign-off") || !strings.Contains(page, "observed by a volunteer") {
		t.Fatalf("withdraw without confirmation = %d", code)
	}
	if signed, _ = tm.site.App.Supervision.SignedOff(ctx, []string{A}); !signed[A]["ethics-explains-confidentiality"] || len(flagged) != 0 {
		t.Fatal("an unconfirmed withdrawal withdrew the sign-off")
	}
	withdrawal.Set("confirmed", "yes")
	if code, _ := tm.adminP.Post(theirs+"/withdraw", theirs, withdrawal); code != http.StatusSeeOther {
		t.Fatalf("withdraw = %d", code)
	}
	if signed, _ = tm.site.App.Supervision.SignedOff(ctx, []string{A}); signed[A]["ethics-explains-confidentiality"] {
		t.Error("a withdrawn sign-off still counts")
	}
	if len(flagged) != 1 || !strings.Contains(flagged[0], "ethics-and-boundaries") {
		t.Errorf("withdrawal flagged %v, want the module's certificates", flagged)
	}
	history, _ := tm.site.App.Supervision.History(ctx, A)
	var kinds []string
	for _, e := range history {
		kinds = append(kinds, string(e.Kind))
	}
	want := "requested returned requested signed_off signed_off withdrawn"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("history = %s, want %s", got, want)
	}
	_, page := tm.a.Get(own)
	for _, s := range []string{"Say how you checked they understood.", "Signed off in error", "Observed at the Tuesday drop-in", "Sign-off withdrawn", "Ada Admin"} {
		if !strings.Contains(page, s) {
			t.Errorf("the trainee's competencies page lacks %q", s)
		}
	}
	_, csv := tm.a.Get("/trainees/" + A + "/portfolio.csv")
	if strings.Count(csv, "\ncompetency,") != 6 {
		t.Errorf("the portfolio CSV has %d competency steps, want 6:\n%s", strings.Count(csv, "\ncompetency,"), csv)
	}
}

func TestHoursTotalsAndOverdue(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	svc := tm.site.App.Supervision
	today := time.Now().UTC().Truncate(24 * time.Hour)
	add := func(daysAgo, minutes int, kind supervision.Kind, agreed bool) {
		t.Helper()
		c := supervision.Content{HeldOn: today.AddDate(0, 0, -daysAgo), Minutes: minutes, Kind: kind, Summary: "s"}
		c.SetActions(nil)
		r, err := svc.Create(ctx, tm.sup1, tm.traineeA, c, "")
		if err != nil {
			t.Fatal(err)
		}
		if agreed {
			if err := svc.Sign(ctx, r, r.Version, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(400, 90, supervision.OneToOne, true)
	add(200, 60, supervision.Group, true)
	add(60, 30, supervision.OneToOne, true)
	add(50, 45, supervision.Observed, true)
	add(49, 600, supervision.OneToOne, false) // not agreed: never counts

	all, err := supervision.HoursBetween(ctx, svc.DB, tm.traineeA.ID, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if all.All != 3.75 || all.ByKind[supervision.OneToOne] != 2 || all.ByKind[supervision.Group] != 1 || all.ByKind[supervision.Observed] != 0.75 {
		t.Errorf("all-time hours = %+v", all)
	}
	year, _ := supervision.HoursBetween(ctx, svc.DB, tm.traineeA.ID, today.AddDate(-1, 0, 0), time.Time{})
	if year.All != 2.25 {
		t.Errorf("last 12 months = %v hours, want 2.25", year.All)
	}
	spring, _ := supervision.HoursBetween(ctx, svc.DB, tm.traineeA.ID, today.AddDate(0, 0, -60), today.AddDate(0, 0, -55))
	if spring.All != 0.5 {
		t.Errorf("a closed period = %v hours, want 0.5", spring.All)
	}

	// With a six-week gap, A's last session (49 days ago) is overdue; B has
	// none at all.
	svc.Gap = 6 * 7 * 24 * time.Hour
	sums, err := svc.Summaries(ctx, []string{tm.traineeA.ID, tm.traineeB.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a := sums[tm.traineeA.ID]; !a.Overdue || a.Hours != 3.75 || a.Last == nil || !a.Last.Equal(today.AddDate(0, 0, -49)) {
		t.Errorf("A's summary = %+v", a)
	}
	if !sums[tm.traineeB.ID].Overdue {
		t.Error("a trainee with no supervision is not flagged")
	}
	add(3, 60, supervision.OneToOne, false)
	if sums, _ = svc.Summaries(ctx, []string{tm.traineeA.ID}); sums[tm.traineeA.ID].Overdue {
		t.Error("a session three days ago still leaves the trainee flagged")
	}
	_, dash := tm.s2.Get("/dashboard")
	if !strings.Contains(dash, "supervision overdue") {
		t.Error("the supervisor's dashboard does not flag a trainee without supervision")
	}
	_, page := tm.a.Get("/supervision")
	if !strings.Contains(page, "<strong>3.8</strong>") {
		t.Error("the trainee's page does not show the all-time total")
	}
}
