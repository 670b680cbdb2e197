package events_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/certificate"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/events"
)

// "Delete my details", from the private link, leaves nothing of the
// registrant in any table: not their name, email or registration ID, in
// the registrations, the outbox or their certificate of attendance, which
// is withdrawn (revoked, without their name).
func TestDeleteMyDetailsLeavesNothing(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	ev := fx.schedule(t, 10, time.Hour)
	regs := fx.attendees(t, ev, 3)
	fx.endedAgo(t, ev.ID, time.Hour)
	ended, _ := events.Get(ctx, fx.site.App.DB, ev.ID)
	if _, err := fx.site.App.Events.SendCertificates(ctx, ended); err != nil {
		t.Fatal(err)
	}
	me := regs[0]
	if err := fx.site.App.Events.GiveFeedback(ctx, me, events.Answer{Usefulness: 5, Clarity: 5, Recommend: 10}); err != nil {
		t.Fatal(err)
	}
	cert, err := certificate.OfRegistration(ctx, fx.site.App.DB, me.ID)
	if err != nil {
		t.Fatal(err)
	}
	if found := dbtest.Mentions(t, fx.site.App.DB, me.Name, me.Email, me.ID); len(found) == 0 {
		t.Fatal("the search finds nothing even before the deletion")
	}
	link := linkIn(t, fx.mailTo(t, me.Email).Body)
	visitor := fx.site.Anonymous()
	if code, _ := visitor.Post(link+"/forget", link+"/forget", url.Values{"confirmed": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("delete my details = %d", code)
	}
	if found := dbtest.Mentions(t, fx.site.App.DB, me.Name, me.Email, me.ID); len(found) != 0 {
		t.Fatalf("after deleting their details the registrant is still in:\n%s", strings.Join(found, "\n"))
	}
	if code, _ := visitor.Get(link); code != http.StatusNotFound {
		t.Fatalf("the private link after deletion = %d", code)
	}
	withdrawn, err := certificate.ByNumber(ctx, fx.site.App.DB, cert.Number)
	if err != nil || withdrawn.Status() != certificate.Revoked {
		t.Fatalf("the certificate after deletion: %+v, %v", withdrawn, err)
	}
	other := regs[1]
	if found := dbtest.Mentions(t, fx.site.App.DB, other.Email); len(found) == 0 {
		t.Fatal("deleting one registrant's details touched another's")
	}
	if n := count(t, fx, "SELECT count(*) FROM event_feedback_pending WHERE event_id = ?", ev.ID); n != 1 {
		t.Fatalf("the answer given before the deletion: %d held, want 1", n)
	}
}

// The retention purge deletes the registrations of old sessions, the mail
// to them and the answers still held; a certificate of attendance is kept
// whole, name included, as the record its holder asked for.
func TestPurgeLeavesNothingButCertificates(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	svc := fx.site.App.Events
	old := fx.schedule(t, 10, time.Hour)
	regs := fx.attendees(t, old, 2)
	certified, absent := regs[0], regs[1]
	if err := svc.MarkAttendance(ctx, old.ID, absent.ID, false); err != nil {
		t.Fatal(err)
	}
	fx.endedAgo(t, old.ID, 91*24*time.Hour)
	ended, _ := events.Get(ctx, fx.site.App.DB, old.ID)
	if _, err := svc.SendCertificates(ctx, ended); err != nil {
		t.Fatal(err)
	}
	if err := svc.GiveFeedback(ctx, certified, events.Answer{Usefulness: 2, Clarity: 2, Recommend: 3}); err != nil {
		t.Fatal(err)
	}
	recent := fx.schedule(t, 10, time.Hour)
	stays := fx.attendees(t, recent, 1)[0]

	if n, err := svc.Purge(ctx, time.Now().UTC()); err != nil || n != 2 {
		t.Fatalf("purge = %d, %v; want 2", n, err)
	}
	if found := dbtest.Mentions(t, fx.site.App.DB, absent.Name, absent.Email, absent.ID); len(found) != 0 {
		t.Fatalf("after the purge the registrant is still in:\n%s", strings.Join(found, "\n"))
	}
	for _, line := range dbtest.Mentions(t, fx.site.App.DB, certified.Name, certified.Email, certified.ID) {
		if !strings.HasPrefix(line, "certificates: ") {
			t.Fatalf("after the purge the certified attendee is still in:\n%s", line)
		}
	}
	if _, err := certificate.OfRegistration(ctx, fx.site.App.DB, certified.ID); err != nil {
		t.Fatalf("the certificate of attendance did not survive the purge: %v", err)
	}
	if n := count(t, fx, "SELECT count(*) FROM event_feedback_pending"); n != 0 {
		t.Fatalf("%d held answers survive the purge", n)
	}
	if found := dbtest.Mentions(t, fx.site.App.DB, stays.Email); len(found) < 2 {
		t.Fatalf("the recent session's registrant lost their registration or mail: %v", found)
	}
}

// Registering an email already booked answers exactly as a new
// registration does; the owner of the address is mailed their link.
func TestRegisteringABookedEmailAnswersAsANewOne(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ev := fx.schedule(t, 10, 3*24*time.Hour)
	path := "/sessions/" + ev.ID
	form := func(email string) url.Values {
		return url.Values{"name": {"Tama Ngata"}, "email": {email}, "audience": {"schools"}, "consent": {"yes"}}
	}
	first, second := fx.site.Anonymous(), fx.site.Anonymous()
	code1, where1 := first.Post(path+"/register", path, form("tama@school.example"))
	code2, where2 := second.Post(path+"/register", path, form("tama@school.example"))
	code3, where3 := second.Post(path+"/register", path, form("someone.else@school.example"))
	if code1 != http.StatusSeeOther || code2 != code1 || code3 != code1 || where2 != where1 || where3 != where1 {
		t.Fatalf("new: %d → %s; booked: %d → %s; another new: %d → %s", code1, where1, code2, where2, code3, where3)
	}
	_, page1 := first.Get(where1)
	_, page2 := second.Get(where2)
	if page1 != page2 {
		t.Fatal("the page after registering differs for a booked email")
	}
	m := fx.mailTo(t, "tama@school.example")
	if m == nil || !strings.Contains(m.Subject, "already booked") || !strings.Contains(m.Body, "/registrations/") {
		t.Fatalf("the booked registrant was not mailed their link: %+v", m)
	}
	if n := count(t, fx, "SELECT count(*) FROM registrations WHERE email = ?", "tama@school.example"); n != 1 {
		t.Fatalf("%d registrations for one email", n)
	}
}

// Bad input to the session form and the register is refused with a
// message, never a 500: a line break in the title, a year out of range, a
// registration ID that is not one. Sessions stored before these checks
// still work.
func TestBadSessionInputIsRefused(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	lead := fx.site.SignIn(fx.lead)
	good := url.Values{"title": {"Alcohol and young people"}, "description": {"A briefing."},
		"audience": {"schools"}, "format": {"in_person"}, "address": {"Harbour Lane"},
		"time_zone": {"Europe/London"}, "starts_at": {"2027-03-01T10:00"}, "ends_at": {"2027-03-01T11:30"},
		"opens_at": {"2027-01-01T09:00"}, "closes_at": {"2027-02-28T09:00"}, "capacity": {"40"}, "facilitators": {fx.sup.ID}}
	bad := map[string][2]string{
		"title":   {"Alcohol\r\nBcc: everyone@example.org", "one line"},
		"ends_at": {"9999-12-31T10:00", "between the years 1900 and 2100"},
	}
	for field, c := range bad {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set(field, c[0])
		code, page := lead.PostPage("/facilitate/sessions", "/facilitate/sessions/new", f)
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, c[1]) {
			t.Errorf("%s = %q: %d, want 422 saying %q", field, c[0], code, c[1])
		}
	}
	if n := count(t, fx, "SELECT count(*) FROM events"); n != 0 {
		t.Fatalf("bad sessions saved: %d", n)
	}

	// A session stored with a line break in its title and an end in 9999
	// still takes registrations, with a one-line subject, and its
	// invitation lists a bounded number of time zone changes.
	ev := fx.schedule(t, 10, 24*time.Hour)
	if _, err := fx.site.App.DB.NewUpdate().Table("events").Set("title = ?, ends_at = ?", "Alcohol\r\nand young people",
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)).Where("id = ?", ev.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.site.App.Events.Register(ctx, ev.ID, person("Ari", "ari@school.example"), ""); err != nil {
		t.Fatalf("registering for a session with a line break in its title: %v", err)
	}
	m := fx.mailTo(t, "ari@school.example")
	if strings.ContainsAny(m.Subject, "\r\n") || !strings.Contains(m.Subject, "Alcohol and young people") {
		t.Fatalf("the subject: %q", m.Subject)
	}
	if parts := strings.Count(m.Calendar, "BEGIN:STANDARD") + strings.Count(m.Calendar, "BEGIN:DAYLIGHT"); parts == 0 || parts > 10 {
		t.Fatalf("the invitation lists %d time zone changes", parts)
	}

	register := "/facilitate/sessions/" + ev.ID + "/attendance"
	sup := fx.site.SignIn(fx.sup)
	for _, id := range []string{"x' OR '1'='1", "urn:uuid:" + ev.ID, "{" + ev.ID + "}"} {
		code, page := sup.PostPage(register, register, url.Values{"registration": {id}, "attended": {"yes"}})
		if code != http.StatusBadRequest || strings.Contains(page, id) {
			t.Errorf("registration %q on the register = %d, want 400 without the input", id, code)
		}
	}
	for _, path := range []string{"/sessions/urn:uuid:" + ev.ID, "/registrations/urn:uuid:" + ev.ID + ".AAAAAAAAAAAAAAAAAAAAAA"} {
		if code, _ := fx.site.Anonymous().Get(path); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, code)
		}
	}
}
