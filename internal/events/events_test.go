package events_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"groundwork/internal/certificate"
	"groundwork/internal/events"
)

func TestTwoHundredRegistrationsForThirtySeats(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	ev := fx.schedule(t, 30, 14*24*time.Hour)
	const n = 200
	regs := make([]*events.Registration, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			regs[i], errs[i] = fx.site.App.Events.Register(ctx, ev.ID, person("Teacher", "t"+itoa(i)+"@school.example"), "")
		}()
	}
	close(start)
	wg.Wait()
	confirmed, positions := 0, []int{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("registration %d failed: %v", i, errs[i])
		}
		switch regs[i].Status {
		case events.Confirmed:
			confirmed++
		case events.Waitlisted:
			positions = append(positions, *regs[i].Position)
		}
	}
	slices.Sort(positions)
	if confirmed != 30 || len(positions) != 170 || len(slices.Compact(slices.Clone(positions))) != 170 {
		t.Fatalf("%d confirmed and %d waitlisted (%d distinct positions); want 30 and 170, all distinct", confirmed, len(positions), len(slices.Compact(positions)))
	}
	got, _ := events.Get(ctx, fx.site.App.DB, ev.ID)
	if got.Confirmed != 30 || got.Waitlisted != 170 || got.SeatsLeft() != 0 {
		t.Fatalf("the session counts %d confirmed, %d waiting", got.Confirmed, got.Waitlisted)
	}
}

func TestCancellationPromotesTheFirstWaiting(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	ev := fx.schedule(t, 1, 7*24*time.Hour)
	svc := fx.site.App.Events
	seated, err := svc.Register(ctx, ev.ID, person("Ana Seated", "ana@school.example"), "")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := svc.Register(ctx, ev.ID, person("Bo First", "bo@school.example"), "")
	second, _ := svc.Register(ctx, ev.ID, person("Cy Second", "cy@school.example"), "")
	if seated.Status != events.Confirmed || first.Status != events.Waitlisted || second.Status != events.Waitlisted {
		t.Fatalf("statuses %s, %s, %s", seated.Status, first.Status, second.Status)
	}
	visitor := fx.site.Anonymous()
	_, page := visitor.Get(linkIn(t, fx.mailTo(t, "cy@school.example").Body))
	if !strings.Contains(page, "Waitlist: number 2") {
		t.Fatalf("the second person waiting does not see their place:\n%s", page)
	}

	// Ana cancels from her private link: Bo gets the seat and an email.
	ana := linkIn(t, fx.mailTo(t, "ana@school.example").Body)
	if code, _ := visitor.Post(ana+"/cancel", ana+"/cancel", url.Values{"confirmed": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("cancel = %d", code)
	}
	promoted := fx.mailTo(t, "bo@school.example")
	if promoted == nil || !strings.Contains(promoted.Subject, "A place is now yours") {
		t.Fatalf("Bo was not told: %+v", promoted)
	}
	if _, page := visitor.Get(linkIn(t, fx.mailTo(t, "cy@school.example").Body)); !strings.Contains(page, "Waitlist: number 1") {
		t.Fatal("Cy did not move up the waitlist")
	}
	got, _ := events.Get(ctx, fx.site.App.DB, ev.ID)
	if got.Confirmed != 1 || got.Waitlisted != 1 {
		t.Fatalf("after the promotion: %d confirmed, %d waiting", got.Confirmed, got.Waitlisted)
	}
	if code, _ := visitor.Post(ana+"/cancel", ana+"/cancel", url.Values{"confirmed": {"yes"}}); code != http.StatusConflict {
		t.Fatalf("cancelling twice = %d, want 409", code)
	}
}

func TestPublicRegistrationForm(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ev := fx.schedule(t, 20, 3*24*time.Hour)
	visitor := fx.site.Anonymous()
	path := "/sessions/" + ev.ID
	if _, page := visitor.Get("/sessions?audience=schools"); !strings.Contains(page, ev.Title) || !strings.Contains(page, "20 of 20 places left") {
		t.Fatal("the catalogue does not list the session with its seats")
	}
	if _, page := visitor.Get("/sessions?audience=policymakers"); strings.Contains(page, ev.Title) {
		t.Fatal("the audience filter lets other sessions through")
	}
	form := url.Values{"name": {"Mere Tūhoe"}, "email": {"Mere@School.example"}, "organisation": {"Kura"}, "audience": {"schools"}}
	code, page := visitor.PostPage(path+"/register", path, form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Tick the box") || !strings.Contains(page, "Mere Tūhoe") {
		t.Fatalf("without consent = %d", code)
	}
	bot := url.Values{"website": {"http://spam.example"}, "consent": {"yes"}}
	for k, v := range form {
		bot[k] = v
	}
	if code, _ := visitor.PostPage(path+"/register", path, bot); code != http.StatusBadRequest {
		t.Fatalf("the honeypot filled in = %d, want 400", code)
	}
	form.Set("consent", "yes")
	code, where := visitor.Post(path+"/register", path, form)
	if code != http.StatusSeeOther || where != path+"/registered" {
		t.Fatalf("register = %d → %s", code, where)
	}
	// The page after registering sends the registrant to their inbox: it
	// shows no private link, since whoever typed the address may not own it.
	if _, page := visitor.Get(where); !strings.Contains(page, "Check your email") || strings.Contains(page, "/registrations/") {
		t.Fatalf("the confirmation page:\n%s", page)
	}
	m := fx.mailTo(t, "mere@school.example")
	if m == nil || !strings.Contains(m.Subject, "Your place is confirmed") {
		t.Fatal("no confirmation mail")
	}
	link := linkIn(t, m.Body)
	if _, page := visitor.Get(link); !strings.Contains(page, "Place confirmed") || !strings.Contains(page, "invitation.ics") {
		t.Fatalf("the private page:\n%s", page)
	}
	// The invitation, attached to the mail and downloaded from the page,
	// parses with a calendar parser and starts when the session does.
	_, download := visitor.Get(link + "/invitation.ics")
	for _, invitation := range []string{m.Calendar, download} {
		cal, err := ical.NewDecoder(strings.NewReader(invitation)).Decode()
		if err != nil {
			t.Fatalf("the invitation does not parse: %v\n%s", err, invitation)
		}
		if start, err := cal.Events()[0].DateTimeStart(nil); err != nil || !start.Equal(ev.StartsAt) {
			t.Fatalf("the invitation starts at %v (%v), want %v", start, err, ev.StartsAt)
		}
	}
	if n, _ := fx.site.App.DB.NewSelect().Table("registrations").Count(context.Background()); n != 1 {
		t.Fatalf("%d registrations; bad input must change nothing", n)
	}
	if code, _ := visitor.Get("/registrations/" + strings.Repeat("0", 36) + ".AAAAAAAAAAAAAAAAAAAAAA"); code != http.StatusNotFound {
		t.Fatalf("a forged private link = %d", code)
	}
}

func TestSchedulingNeedsStaffAndSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	lead := fx.site.SignIn(fx.lead)
	code, page := lead.PostPage("/facilitate/sessions", "/facilitate/sessions/new", url.Values{
		"title": {""}, "audience": {"schools"}, "format": {"online"}, "online_link": {"javascript:alert(1)"},
		"time_zone": {"Mars/Olympus"}, "starts_at": {"2027-03-01T10:00"}, "ends_at": {"2027-03-01T09:00"},
		"opens_at": {"2027-01-01T09:00"}, "closes_at": {"2027-02-28T09:00"}, "capacity": {"0"}, "facilitators": {fx.sup.ID}})
	for _, want := range []string{"Give the session a title", "starting with https://", "time zone from the list", "end must come after", "number of seats"} {
		if !strings.Contains(page, want) {
			t.Errorf("the form does not say %q", want)
		}
	}
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("bad session = %d", code)
	}
	code, where := lead.Post("/facilitate/sessions", "/facilitate/sessions/new", url.Values{
		"title": {"Drug policy: what the evidence says"}, "description": {"A briefing for councillors."},
		"audience": {"policymakers"}, "format": {"online"}, "online_link": {"https://meet.example/abc"},
		"time_zone": {"Pacific/Auckland"}, "starts_at": {"2027-03-01T10:00"}, "ends_at": {"2027-03-01T11:30"},
		"opens_at": {"2027-01-01T09:00"}, "closes_at": {"2027-02-28T09:00"}, "capacity": {"40"}, "facilitators": {fx.sup.ID}})
	if code != http.StatusSeeOther {
		t.Fatalf("schedule = %d", code)
	}
	id := strings.TrimPrefix(where, "/facilitate/sessions/")
	ev, err := events.Get(context.Background(), fx.site.App.DB, id)
	if err != nil || ev.StartsAt.Format(time.RFC3339) != "2027-02-28T21:00:00Z" {
		t.Fatalf("10:00 in Auckland was stored as %v (%v)", ev.StartsAt, err)
	}
	if _, page := fx.site.Anonymous().Get("/sessions/" + id); strings.Contains(page, "meet.example") {
		t.Fatal("the public page shows the online link")
	}
	other := fx.site.SignIn(fx.site.User("other@example.org", "Other Supervisor", "supervisor"))
	if code, _ := other.Get(where); code != http.StatusNotFound {
		t.Fatalf("a supervisor who does not facilitate = %d, want 404", code)
	}
	if code, _ := fx.site.SignIn(fx.sup).Get(where); code != http.StatusOK {
		t.Fatalf("the facilitator = %d", code)
	}
}

func TestAttendanceCertificatesAndAnonymousFeedback(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	svc := fx.site.App.Events
	ev := fx.schedule(t, 10, time.Hour)
	names := []string{"Aroha", "Ben", "Chen", "Dana"}
	for _, n := range names {
		if _, err := svc.Register(ctx, ev.ID, person(n, strings.ToLower(n)+"@school.example"), ""); err != nil {
			t.Fatal(err)
		}
	}
	fx.endedAgo(t, ev.ID, 2*time.Hour) // the session took place
	sup := fx.site.SignIn(fx.sup)
	regs, _ := events.Registrations(ctx, fx.site.App.DB, ev.ID)
	register := "/facilitate/sessions/" + ev.ID + "/attendance"
	for i, r := range regs {
		attended := "yes"
		if i == len(regs)-1 {
			attended = "no"
		}
		if code, _ := sup.Post(register, register, url.Values{"registration": {r.ID}, "attended": {attended}}); code != http.StatusSeeOther {
			t.Fatalf("mark = %d", code)
		}
	}
	manage := "/facilitate/sessions/" + ev.ID
	if code, _ := sup.Post(manage+"/certificates", manage, url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("send certificates = %d", code)
	}
	if n, _ := fx.site.App.DB.NewSelect().Table("certificates").Where("kind = 'attendance'").Count(ctx); n != 3 {
		t.Fatalf("%d certificates of attendance for 3 present", n)
	}
	sup.Post(manage+"/certificates", manage, url.Values{})
	if n, _ := fx.site.App.DB.NewSelect().Table("certificates").Count(ctx); n != 3 {
		t.Fatalf("sending again made %d certificates", n)
	}

	visitor := fx.site.Anonymous()
	thanks := fx.mailTo(t, "aroha@school.example")
	if !strings.Contains(thanks.Subject, "Thank you for coming") {
		t.Fatalf("Aroha's last mail: %s", thanks.Subject)
	}
	link := linkIn(t, thanks.Body)
	if code, body := visitor.Get(link + "/certificate.pdf"); code != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("certificate PDF = %d", code)
	}
	cert, _ := certificate.ByNumber(ctx, fx.site.App.DB, certNumber(t, visitor, link))
	if _, page := visitor.Get("/verify/" + cert.Token); !strings.Contains(page, "Valid certificate") || !strings.Contains(page, "attended this public session") {
		t.Fatal("the certificate of attendance does not verify")
	}
	lead := fx.site.SignIn(fx.lead)
	if code, page := lead.Get("/admin/certificates/" + cert.ID); code != http.StatusOK || strings.Contains(page, "Re-issue the certificate") || !strings.Contains(page, "Facilitated by") {
		t.Fatalf("an admin's page of a certificate of attendance = %d", code)
	}
	if code, body := lead.Get("/certificates/" + cert.ID + "/pdf"); code != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("an admin opening its PDF = %d", code)
	}
	if code, _ := sup.Get("/certificates/" + cert.ID + "/pdf"); code != http.StatusNotFound {
		t.Fatalf("a supervisor opening it = %d, want 404", code)
	}

	// Feedback: anonymous, once each, and hidden below three answers.
	answer := url.Values{"usefulness": {"5"}, "clarity": {"4"}, "recommend": {"9"}, "comment": {"Practical and kind."}}
	for i, n := range names[:3] {
		l := linkIn(t, fx.mailTo(t, strings.ToLower(n)+"@school.example").Body)
		if code, _ := visitor.Post(l+"/feedback", l, answer); code != http.StatusSeeOther {
			t.Fatalf("feedback %d = %d", i, code)
		}
		if i == 1 {
			if _, page := sup.Get(manage); strings.Contains(page, "Practical and kind.") {
				t.Fatal("feedback shows with only two answers")
			}
		}
	}
	if code, _ := visitor.Post(link+"/feedback", link+"/forget", answer); code != http.StatusConflict {
		t.Fatalf("a second answer = %d, want 409", code)
	}
	if _, page := sup.Get(manage); !strings.Contains(page, "Practical and kind.") || !strings.Contains(page, "3 answers") {
		t.Fatal("three answers do not show")
	}
	noShow := linkIn(t, fx.mailTo(t, "dana@school.example").Body)
	if code, _ := visitor.Post(noShow+"/feedback", noShow+"/forget", answer); code != http.StatusConflict {
		t.Fatalf("feedback from someone who did not come = %d, want 409", code)
	}
	if _, page := lead.Get("/admin/feedback"); !strings.Contains(page, "Schools") || !strings.Contains(page, "5.0") {
		t.Fatal("the admin summary lacks the schools audience")
	}
}

// certNumber reads the certificate number from a registrant's page.
func certNumber(t *testing.T, p interface{ Get(string) (int, string) }, link string) string {
	t.Helper()
	_, page := p.Get(link)
	i := strings.Index(page, "GW-")
	if i < 0 {
		t.Fatal("no certificate number on the registration page")
	}
	return page[i : i+len("GW-XXXX-XXXX-XXXX-X")]
}

func TestNothingLinksAnAnswerToARegistrant(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	var columns []string
	q := "SELECT column_name FROM information_schema.columns WHERE table_name = 'event_feedback' AND table_schema = current_schema() ORDER BY column_name"
	if fx.site.App.DB.Dialect().Name().String() == "sqlite" {
		q = "SELECT name FROM pragma_table_info('event_feedback') ORDER BY name"
	}
	if err := fx.site.App.DB.NewRaw(q).Scan(ctx, &columns); err != nil {
		t.Fatal(err)
	}
	if want := []string{"clarity", "comment", "event_id", "id", "recommend", "usefulness"}; !slices.Equal(columns, want) {
		t.Fatalf("event_feedback has columns %v; anything beyond %v could identify who answered", columns, want)
	}
	for _, c := range columns {
		if strings.Contains(c, "registration") || strings.HasSuffix(c, "_at") {
			t.Fatalf("column %s could link an answer to a registrant", c)
		}
	}
}

func TestPurgeDeletesOnlyWhatItMust(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	svc := fx.site.App.Events
	old := fx.schedule(t, 5, 24*time.Hour)
	recent := fx.schedule(t, 5, 24*time.Hour)
	for _, ev := range []*events.Event{old, recent} {
		if _, err := svc.Register(ctx, ev.ID, person("Rangi Parata", "rangi"+ev.ID[:8]+"@school.example"), ""); err != nil {
			t.Fatal(err)
		}
	}
	// The old session ended 91 days ago, the recent one 89.
	fx.endedAgo(t, old.ID, 91*24*time.Hour)
	fx.endedAgo(t, recent.ID, 89*24*time.Hour)
	n, err := svc.Purge(ctx, time.Now().UTC())
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v; want 1", n, err)
	}
	if n, _ := fx.site.App.DB.NewSelect().Table("registrations").Where("event_id = ?", old.ID).Count(ctx); n != 0 {
		t.Fatalf("the old session keeps %d registrations", n)
	}
	if rec, _ := events.Registrations(ctx, fx.site.App.DB, recent.ID); len(rec) != 1 || rec[0].Name != "Rangi Parata" {
		t.Fatal("the recent session's registrant was purged too")
	}
	if fx.mailTo(t, "rangi"+recent.ID[:8]+"@school.example") == nil {
		t.Fatal("the purge deleted the recent registrant's mail")
	}
	if again, _ := svc.Purge(ctx, time.Now().UTC()); again != 0 {
		t.Fatalf("a second purge deleted %d more", again)
	}
}

func TestRemindersGoOutOnce(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	svc := fx.site.App.Events
	soon := fx.schedule(t, 5, 3*time.Hour)
	later := fx.schedule(t, 5, 72*time.Hour)
	svc.Register(ctx, soon.ID, person("Sione", "sione@school.example"), "")
	svc.Register(ctx, later.ID, person("Tui", "tui@school.example"), "")
	if n, err := svc.SendReminders(ctx, time.Now().UTC()); err != nil || n != 1 {
		t.Fatalf("reminders = %d, %v; want 1", n, err)
	}
	if m := fx.mailTo(t, "sione@school.example"); !strings.Contains(m.Subject, "Reminder") {
		t.Fatalf("Sione's last mail is %q", m.Subject)
	}
	if n, _ := svc.SendReminders(ctx, time.Now().UTC()); n != 0 {
		t.Fatalf("a second run sent %d", n)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Raising the capacity seats the people waiting, in order; moving the
// session tells everyone registered, with a new invitation, once: the
// person seated by the same edit learns both in their promotion.
func TestEditingASessionSeatsTheWaitingAndTellsEveryone(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	svc := fx.site.App.Events
	ev := fx.schedule(t, 1, 7*24*time.Hour)
	for _, n := range []string{"ana", "bo", "cy"} {
		if _, err := svc.Register(ctx, ev.ID, person(n, n+"@school.example"), ""); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := events.Get(ctx, fx.site.App.DB, ev.ID)
	cur.Capacity = 2
	cur.StartsAt, cur.EndsAt = cur.StartsAt.Add(24*time.Hour), cur.EndsAt.Add(24*time.Hour)
	if err := svc.Save(ctx, cur, []string{fx.sup.ID}); err != nil {
		t.Fatal(err)
	}
	regs, _ := events.Registrations(ctx, fx.site.App.DB, ev.ID)
	status := map[string]events.Status{}
	for _, r := range regs {
		status[r.Name] = r.Status
	}
	if status["ana"] != events.Confirmed || status["bo"] != events.Confirmed || status["cy"] != events.Waitlisted {
		t.Fatalf("after adding a seat: %v; want the first person waiting seated", status)
	}
	if got, _ := events.Get(ctx, fx.site.App.DB, ev.ID); got.Confirmed != 2 || got.Waitlisted != 1 {
		t.Fatalf("counts %d confirmed, %d waiting", got.Confirmed, got.Waitlisted)
	}
	for n, subject := range map[string]string{"ana": "Changed", "bo": "A place is now yours", "cy": "Changed"} {
		mails := fx.mailsTo(t, n+"@school.example")
		if len(mails) != 2 || !strings.HasPrefix(mails[0].Subject, subject) {
			t.Errorf("%s has %d mails, the last %q; want the registration and then %q", n, len(mails), mails[0].Subject, subject)
			continue
		}
		before, after := readInvitation(t, mails[1].Calendar), readInvitation(t, mails[0].Calendar)
		if !after.start.Equal(cur.StartsAt) || after.sequence <= before.sequence {
			t.Errorf("%s's new invitation starts %v with SEQUENCE %d; want %v and above %d", n, after.start, after.sequence, cur.StartsAt, before.sequence)
		}
	}
	if m := fx.mailTo(t, "bo@school.example"); !strings.Contains(m.Body, "time or place has also changed") {
		t.Errorf("the promotion does not say the session moved:\n%s", m.Body)
	}
}
