package notify_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/catalog"
	"groundwork/internal/learning"
	"groundwork/internal/mail"
	"groundwork/internal/supervision"
)

// world is a small service on a one-module curriculum whose only
// competency is required before unsupervised practice: an admin, a
// supervisor and their enrolled trainee, with mail delivered to a recorder.
type world struct {
	t                   *testing.T
	s                   *apptest.Site
	admin, sup, trainee *account.User
	module              *catalog.Module
}

const competency = "contact-welcome"

func newWorld(t *testing.T) *world {
	t.Helper()
	dir, _ := filepath.Abs("testdata/course")
	s := apptest.Start(t, dir, apptest.WithMail)
	w := &world{t: t, s: s}
	w.admin = s.User("admin@example.org", "Ada Admin", account.Admin)
	w.sup = s.User("sup@example.org", "Sam Supervisor", account.Supervisor)
	w.trainee = s.User("tia@example.org", "Tia Trainee", account.Trainee)
	ctx := context.Background()
	if err := s.App.Accounts.AssignSupervisor(ctx, w.admin, w.trainee, w.sup.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	w.trainee.SupervisorID = &w.sup.ID
	if err := s.App.Learning.Enrol(ctx, s.App.DB, learning.ProgrammeScope, "", w.trainee.ID); err != nil {
		t.Fatal(err)
	}
	w.module, _ = s.App.Courses.Catalog().Module("first-contact")
	return w
}

// page signs u in afresh (the clock may have moved past their last
// session) and returns the page at path.
func (w *world) page(u *account.User, path string) string {
	w.t.Helper()
	code, body := w.s.SignIn(u).Get(path)
	if code != http.StatusOK {
		w.t.Fatalf("%s = %d", path, code)
	}
	return body
}

// needsYou is the "Needs you" section of u's dashboard.
func (w *world) needsYou(u *account.User) string {
	w.t.Helper()
	page := w.page(u, "/dashboard")
	start := strings.Index(page, `<section aria-labelledby="needs-you"`)
	if start < 0 {
		w.t.Fatal("the dashboard has no Needs you list")
	}
	end := strings.Index(page[start:], "</section>")
	return page[start : start+end]
}

// deliver sends the mail that is due and returns what reached addr of kind.
func (w *world) deliver(addr string, kind mail.Kind) []mail.Message {
	w.t.Helper()
	if _, err := w.s.App.Outbox.SendDue(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	var out []mail.Message
	for _, m := range w.s.Mail.Sent() {
		if m.To == addr && m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// nextDay moves the clock to 08:00 UTC on the next day, after the digest
// hour.
func (w *world) nextDay() { w.nextDayAt(8) }

// nextDayAt moves the clock to hour (UTC) on the next day.
func (w *world) nextDayAt(hour int) {
	now := w.s.Clock.Now()
	next := time.Date(now.Year(), now.Month(), now.Day()+1, hour, 0, 0, 0, time.UTC)
	w.s.Clock.Move(next.Sub(now))
}

// digests runs the digest and returns how many it queued.
func (w *world) digests() int {
	w.t.Helper()
	n, err := w.s.App.Notify.SendDigests(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

var recordPath = regexp.MustCompile(`^/supervision/records/[0-9a-f-]{36}$`)

// writeRecord has the supervisor write a one-to-one session record for
// the trainee through the form, and returns its path.
func (w *world) writeRecord(summary string) string {
	w.t.Helper()
	p := w.s.SignIn(w.sup)
	form := url.Values{"held_on": {w.s.Clock.Now().AddDate(0, 0, -1).Format(time.DateOnly)}, "minutes": {"60"},
		"kind": {"one_to_one"}, "summary": {summary}}
	newPath := "/trainees/" + w.trainee.ID + "/supervision/new"
	code, loc := p.Post("/trainees/"+w.trainee.ID+"/supervision", newPath, form)
	if code != http.StatusSeeOther || !recordPath.MatchString(loc) {
		w.t.Fatalf("write record = %d %q", code, loc)
	}
	return loc
}

func (w *world) request() {
	w.t.Helper()
	err := w.s.App.Supervision.Request(context.Background(), w.trainee, w.module, competency,
		supervision.Evidence{Text: "Welcomed two first-time visitors on Tuesday."})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) version() int {
	w.t.Helper()
	states, err := w.s.App.Supervision.States(context.Background(), w.trainee.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return states[competency].Version
}

// submitReflections submits the trainee's reflections and has the
// supervisor comment on the first, when comment is set.
func (w *world) submitReflections(comment string) {
	w.t.Helper()
	ctx := context.Background()
	l := w.s.App.Learning
	if err := l.SaveReflections(ctx, w.trainee.ID, w.module, map[int]string{1: "A queue.", 2: "Hello and tea."}, true); err != nil {
		w.t.Fatal(err)
	}
	if comment == "" {
		return
	}
	saved, err := l.Reflections(ctx, w.trainee.ID, w.module.Slug)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := l.Comment(ctx, w.sup, saved[1], comment); err != nil {
		w.t.Fatal(err)
	}
}

// completeOwnPart reads the lesson and passes the knowledge check.
func (w *world) completeOwnPart() {
	w.t.Helper()
	ctx := context.Background()
	if err := w.s.App.Learning.MarkLessonComplete(ctx, w.trainee.ID, w.module.Slug, w.module.Lessons[0].Slug); err != nil {
		w.t.Fatal(err)
	}
	p := w.s.SignIn(w.trainee)
	_, page := p.Get("/modules/first-contact/quiz")
	m := regexp.MustCompile(`action="(/modules/first-contact/quiz/[0-9a-f-]{36})"`).FindStringSubmatch(page)
	if m == nil {
		w.t.Fatal("no quiz form")
	}
	if code, _ := p.Post(m[1], "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}}); code != http.StatusSeeOther {
		w.t.Fatalf("quiz = %d", code)
	}
}

func contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, text)
		}
	}
}

func lacks(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(text, u) {
			t.Errorf("%s still has %q", what, u)
		}
	}
}

// TestTraineeHearsOfEachEvent follows each kind of notice from the change
// that makes it to the dashboard and the digest, and off the list again
// once it is done or read.
func TestTraineeHearsOfEachEvent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	base := w.s.App.Config.BaseURL
	addr := w.trainee.Email

	// Day 1: a record to agree, a record amended with a reason, a returned
	// request and a comment on the trainee's reflections.
	toAgree := w.writeRecord("Talked through the first weeks.")
	amended := w.writeRecord("Planned the outreach shifts.")
	if code, _ := w.s.SignIn(w.trainee).Post(amended+"/sign", amended, url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("agree = %d", code)
	}
	amend := url.Values{"version": {"1"}, "held_on": {w.s.Clock.Now().AddDate(0, 0, -1).Format(time.DateOnly)},
		"minutes": {"90"}, "kind": {"one_to_one"}, "summary": {"Planned the outreach shifts."}, "reason": {"The session ran on by half an hour."}}
	if code, _ := w.s.SignIn(w.sup).Post(amended+"/amend", amended+"/amend", amend); code != http.StatusSeeOther {
		t.Fatalf("amend = %d", code)
	}
	w.request()
	if err := w.s.App.Supervision.Return(ctx, w.sup, w.trainee, w.module, competency, w.version(), "Say more about consent."); err != nil {
		t.Fatal(err)
	}
	w.submitReflections("Good thinking about the queue.")

	list := w.needsYou(w.trainee)
	contains(t, "the trainee's list", list,
		`href="`+toAgree+`">A supervision record to agree`,
		`href="`+amended+`">Your supervision record of`, "was amended: The session ran on by half an hour.",
		`href="/supervision/competencies#c-contact-welcome">Your sign-off request for “Welcomes new visitors” was returned with feedback`,
		`href="/modules/first-contact/reflections">A comment on your reflections for First contact at the drop-in`)
	if n := len(w.deliver(addr, mail.Notification)); n != 0 {
		t.Errorf("%d urgent mails for events that can wait for the digest", n)
	}
	w.nextDayAt(6)
	if w.digests() != 0 || len(w.deliver(addr, mail.Digest)) != 0 {
		t.Error("a digest went before the digest hour")
	}
	w.s.Clock.Move(2 * time.Hour)
	w.digests()
	digests := w.deliver(addr, mail.Digest)
	if len(digests) != 1 {
		t.Fatalf("%d digests on day 1, want 1", len(digests))
	}
	contains(t, "the digest", digests[0].Body, "Hello Tia Trainee",
		"A supervision record to agree", base+toAgree, "was amended: The session ran on by half an hour.", base+amended,
		"was returned with feedback", base+"/supervision/competencies#c-contact-welcome",
		"A comment on your reflections for First contact at the drop-in", base+"/modules/first-contact/reflections",
		base+"/account")

	// Each item leaves the list when it is done or read.
	if code, _ := w.s.SignIn(w.trainee).Post(toAgree+"/sign", toAgree, url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("agree = %d", code)
	}
	w.page(w.trainee, amended)
	w.page(w.trainee, "/modules/first-contact/reflections")
	w.request()
	lacks(t, "the trainee's list", w.needsYou(w.trainee), toAgree, amended, "returned", "reflections for")

	// Day 2: the module is complete once signed off, and a certificate
	// is issued.
	w.completeOwnPart()
	if err := w.s.App.Supervision.SignOff(ctx, w.sup, w.trainee, w.module, []string{competency}, "Seen twice.", ""); err != nil {
		t.Fatal(err)
	}
	contains(t, "the trainee's list", w.needsYou(w.trainee), `href="/certificates">A new certificate: First contact at the drop-in`)
	w.nextDay()
	w.digests()
	digests = w.deliver(addr, mail.Digest)
	if len(digests) != 2 {
		t.Fatalf("%d digests after day 2, want 2", len(digests))
	}
	contains(t, "the second digest", digests[1].Body, "A new certificate: First contact at the drop-in", base+"/certificates")
	lacks(t, "the second digest", digests[1].Body, "record to agree", "returned with feedback")
	w.page(w.trainee, "/certificates")
	lacks(t, "the trainee's list", w.needsYou(w.trainee), "A new certificate")

	// A withdrawn safety-critical sign-off is mailed at once.
	if err := w.s.App.Supervision.Withdraw(ctx, w.sup, w.trainee, w.module, competency, "Missed a step in the drill."); err != nil {
		t.Fatal(err)
	}
	urgent := w.deliver(addr, mail.Notification)
	if len(urgent) != 1 {
		t.Fatalf("%d urgent mails after a withdrawal, want 1", len(urgent))
	}
	const withdrawn = "Your sign-off for “Welcomes new visitors” was withdrawn: you are not cleared for unsupervised practice until it is signed off again"
	contains(t, "the urgent mail", urgent[0].Subject+"\n"+urgent[0].Body, withdrawn, base+"/supervision/competencies#c-contact-welcome")
	contains(t, "the trainee's list", w.needsYou(w.trainee), withdrawn)
	w.nextDay()
	w.digests()
	if n := len(w.deliver(addr, mail.Digest)); n != 2 {
		t.Errorf("the withdrawal, mailed at once, made another digest (%d in all)", n)
	}
	// Asking again settles it.
	w.request()
	lacks(t, "the trainee's list", w.needsYou(w.trainee), "withdrawn")
}

// TestOneDigestADay runs the digest twice in a row and in two replicas at
// once on the same day: each person gets one.
func TestOneDigestADay(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.writeRecord("Talked through the first weeks.")
	w.nextDay()
	replica := *w.s.App.Notify
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(2)
		go func() { defer wg.Done(); _, _ = w.s.App.Notify.SendDigests(context.Background()) }()
		go func() { defer wg.Done(); _, _ = replica.SendDigests(context.Background()) }()
	}
	wg.Wait()
	w.digests()
	if n := len(w.deliver(w.trainee.Email, mail.Digest)); n != 1 {
		t.Fatalf("%d digests on one day, want 1", n)
	}
	// Something new the same day waits for tomorrow's.
	w.writeRecord("Planned the outreach shifts.")
	w.digests()
	if n := len(w.deliver(w.trainee.Email, mail.Digest)); n != 1 {
		t.Fatalf("%d digests on one day, want 1", n)
	}
	w.nextDay()
	w.digests()
	if got := w.deliver(w.trainee.Email, mail.Digest); len(got) != 2 || !strings.Contains(got[1].Body, "A supervision record to agree") {
		t.Fatalf("the next day's digest: %d digests", len(got))
	}
}

// TestMailSettingStopsMail turns notification mail off on the profile
// page: no urgent mail and no digest, while the dashboard still lists
// what needs the person.
func TestMailSettingStopsMail(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	p := w.s.SignIn(w.trainee)
	if code, page := p.PostPage("/account/notifications", "/account", url.Values{"mail": {"sometimes"}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "Choose whether to get notification mail.") {
		t.Fatalf("a bad setting = %d", code)
	}
	if code, _ := p.Post("/account/notifications", "/account", url.Values{"mail": {"off"}}); code != http.StatusSeeOther {
		t.Fatalf("turn mail off = %d", code)
	}
	if _, page := p.Get("/account"); !regexp.MustCompile(`value="off" checked`).MatchString(page) {
		t.Error("the profile page does not show mail as off")
	}
	if err := w.s.App.Supervision.SignOff(ctx, w.sup, w.trainee, w.module, []string{competency}, "Seen twice.", ""); err != nil {
		t.Fatal(err)
	}
	if err := w.s.App.Supervision.Withdraw(ctx, w.sup, w.trainee, w.module, competency, "Missed a step."); err != nil {
		t.Fatal(err)
	}
	w.writeRecord("Talked through the first weeks.")
	w.nextDay()
	w.digests()
	if got := len(w.deliver(w.trainee.Email, mail.Notification)) + len(w.deliver(w.trainee.Email, mail.Digest)); got != 0 {
		t.Errorf("%d mails with notification mail off", got)
	}
	contains(t, "the trainee's list", w.needsYou(w.trainee), "was withdrawn", "A supervision record to agree")

	// Turned on again, what is still new comes in the next digest.
	p = w.s.SignIn(w.trainee)
	if code, _ := p.Post("/account/notifications", "/account", url.Values{"mail": {"on"}}); code != http.StatusSeeOther {
		t.Fatalf("turn mail on = %d", code)
	}
	w.nextDay()
	w.digests()
	if got := w.deliver(w.trainee.Email, mail.Digest); len(got) != 1 || !strings.Contains(got[0].Body, "A supervision record to agree") {
		t.Errorf("after mail is on again: %d digests", len(got))
	}
}

// TestSupervisorNeedsYou checks the supervisor's list: evidence asked for,
// reflections to read linked to the page where they are read, and a
// trainee past their cohort's expected completion date, who is also
// highlighted on the dashboard and the cohort page.
func TestSupervisorNeedsYou(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if page := w.page(w.trainee, "/dashboard"); !strings.Contains(page, "1 competency to ask sign-off for") || strings.Contains(page, "awaits sign-off") {
		t.Error("the trainee's dashboard counts a competency as awaiting sign-off before it was asked for")
	}
	lacks(t, "the supervisor's list", w.needsYou(w.sup), "asks for sign-off", "to read")

	w.request()
	w.submitReflections("")
	if page := w.page(w.trainee, "/dashboard"); !strings.Contains(page, "1 competency awaits sign-off") {
		t.Error("the trainee's dashboard does not count the request made")
	}
	reflections := "/trainees/" + w.trainee.ID + "/modules/first-contact/reflections"
	list := w.needsYou(w.sup)
	contains(t, "the supervisor's list", list,
		`href="/trainees/`+w.trainee.ID+`/competencies">Tia Trainee asks for sign-off of “Welcomes new visitors”`,
		`href="`+reflections+`">Tia Trainee: 2 reflections to read in First contact at the drop-in`)
	lacks(t, "the supervisor's list", list, "has not finished")
	dash := w.page(w.sup, "/dashboard")
	contains(t, "the supervisor's dashboard", dash, `<a href="`+reflections+`">2 reflections to read`)

	// A cohort expected to have finished two days ago.
	admin := w.s.SignIn(w.admin)
	expected := w.s.Clock.Now().AddDate(0, 0, -2)
	code, loc := admin.Post("/admin/cohorts", "/admin/cohorts", url.Values{"name": {"Spring"},
		"starts_on": {expected.AddDate(0, -6, 0).Format(time.DateOnly)}, "expected_by": {expected.Format(time.DateOnly)}})
	if code != http.StatusSeeOther {
		t.Fatalf("create cohort = %d", code)
	}
	if code, _ := admin.Post(loc+"/members", loc, url.Values{"user": {w.trainee.ID}}); code != http.StatusSeeOther {
		t.Fatalf("add member = %d", code)
	}
	date := expected.Format("2 January 2006")
	_, cohort := admin.Get(loc)
	contains(t, "the cohort page", cohort, `class="overdue"`, `<span class="status">overdue</span>`, `value="`+expected.Format(time.DateOnly)+`"`)
	contains(t, "the supervisor's list", w.needsYou(w.sup),
		`href="/trainees/`+w.trainee.ID+`/portfolio">Tia Trainee has not finished the programme, expected by `+date)
	contains(t, "the supervisor's dashboard", w.page(w.sup, "/dashboard"), `class="status overdue">overdue: expected to finish by`)

	// An expected date in the future marks nobody.
	if code, _ := admin.Post(loc, loc, url.Values{"name": {"Spring"}, "expected_by": {w.s.Clock.Now().AddDate(0, 1, 0).Format(time.DateOnly)}}); code != http.StatusSeeOther {
		t.Fatalf("update cohort = %d", code)
	}
	_, cohort = admin.Get(loc)
	lacks(t, "the cohort page", cohort, `<span class="status">overdue</span>`)
	lacks(t, "the supervisor's list", w.needsYou(w.sup), "has not finished")

	// The supervisor's digest lists what waits, with links.
	w.nextDay()
	w.digests()
	got := w.deliver(w.sup.Email, mail.Digest)
	if len(got) != 1 {
		t.Fatalf("%d digests to the supervisor, want 1", len(got))
	}
	base := w.s.App.Config.BaseURL
	contains(t, "the supervisor's digest", got[0].Body, "Tia Trainee asks for sign-off of “Welcomes new visitors”",
		base+reflections, "2 reflections to read")
	// Nothing new since: no digest the next day.
	w.nextDay()
	w.digests()
	if n := len(w.deliver(w.sup.Email, mail.Digest)); n != 1 {
		t.Errorf("%d digests to the supervisor with nothing new, want 1", n)
	}
}

// TestDeletingAPersonForgetsTheirNotices deletes a trainee with notices
// and a digest day: none of it stays.
func TestDeletingAPersonForgetsTheirNotices(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.writeRecord("Talked through the first weeks.")
	w.nextDay()
	w.digests()
	db := w.s.App.DB
	count := func(table string) int {
		n, err := db.NewSelect().TableExpr(table).Where("user_id = ?", w.trainee.ID).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	if count("notices") != 1 || count("notice_digests") != 1 {
		t.Fatalf("before: %d notices, %d digest days", count("notices"), count("notice_digests"))
	}
	if err := w.s.App.Accounts.DeleteUser(ctx, w.admin, w.trainee, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if count("notices") != 0 || count("notice_digests") != 0 {
		t.Errorf("after deletion: %d notices, %d digest days", count("notices"), count("notice_digests"))
	}
}
