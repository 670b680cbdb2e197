package ics_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"groundwork/internal/events/ics"
)

func write(t *testing.T, e ics.Event) string {
	t.Helper()
	var b bytes.Buffer
	if err := ics.Write(&b, e); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func parse(t *testing.T, s string) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(s)).Decode()
	if err != nil {
		t.Fatalf("a calendar parser refuses the invitation: %v\n%s", err, s)
	}
	return cal
}

func event(zone string, start time.Time) ics.Event {
	loc, _ := time.LoadLocation(zone)
	return ics.Event{UID: "0193-abc@training.example.org", Sequence: 2, Title: "Talking with young people about drugs",
		Description: "For teachers.", Location: "Harbour Lane Community Centre", URL: "https://training.example.org/registrations/x",
		Start: start, End: start.Add(90 * time.Minute), TimeZone: loc, Organizer: "Harbour Lane Drug Service",
		OrganizerEmail: "sessions@training.example.org", Attendee: "Mere Tūhoe", AttendeeEmail: "mere@school.example",
		Stamp: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
}

// The event's times come back as the same instants, both through the
// parser (which reads the TZID) and through the VTIMEZONE we wrote: the
// offset in force at each local time is read from our own STANDARD and
// DAYLIGHT parts.
func TestTimesSurviveInEveryKindOfZone(t *testing.T) {
	cases := []struct {
		zone  string
		start time.Time
	}{
		{"Europe/London", time.Date(2027, 7, 14, 9, 30, 0, 0, time.UTC)},
		{"Europe/London", time.Date(2027, 1, 14, 9, 30, 0, 0, time.UTC)},
		{"Australia/Sydney", time.Date(2027, 1, 14, 23, 0, 0, 0, time.UTC)},
		{"Australia/Sydney", time.Date(2027, 7, 14, 23, 0, 0, 0, time.UTC)},
		{"Pacific/Auckland", time.Date(2027, 3, 31, 21, 0, 0, 0, time.UTC)},
		{"America/New_York", time.Date(2027, 11, 7, 14, 0, 0, 0, time.UTC)},
		{"Asia/Kolkata", time.Date(2027, 5, 1, 4, 30, 0, 0, time.UTC)},
		{"UTC", time.Date(2027, 5, 1, 4, 30, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		zone, start := c.zone, c.start
		e := event(zone, start)
		cal := parse(t, write(t, e))
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%s: %d events", zone, len(events))
		}
		got, err := events[0].DateTimeStart(nil)
		if err != nil || !got.Equal(start) {
			t.Errorf("%s: DTSTART reads back as %v (%v), want %v", zone, got, err, start)
		}
		end, _ := events[0].DateTimeEnd(nil)
		if !end.Equal(e.End) {
			t.Errorf("%s: DTEND reads back as %v, want %v", zone, end, e.End)
		}
		for _, p := range []string{ical.PropDateTimeStart, ical.PropDateTimeEnd} {
			prop := events[0].Props.Get(p)
			local, _ := time.ParseInLocation("20060102T150405", prop.Value, time.UTC)
			off := offsetAt(t, cal, local)
			instant := local.Add(-off)
			want := start
			if p == ical.PropDateTimeEnd {
				want = e.End
			}
			if !instant.Equal(want) {
				t.Errorf("%s: by our VTIMEZONE %s is %v, want %v", zone, p, instant, want)
			}
		}
	}
}

// offsetAt reads the UTC offset in force at a local time from the
// calendar's VTIMEZONE: the latest part whose DTSTART is not after it.
func offsetAt(t *testing.T, cal *ical.Calendar, local time.Time) time.Duration {
	t.Helper()
	type change struct {
		at time.Time
		to time.Duration
	}
	var changes []change
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		for _, p := range c.Children {
			at, _ := time.ParseInLocation("20060102T150405", p.Props.Get(ical.PropDateTimeStart).Value, time.UTC)
			changes = append(changes, change{at, parseOffset(t, p.Props.Get(ical.PropTimezoneOffsetTo).Value)})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].at.Before(changes[j].at) })
	if len(changes) == 0 {
		t.Fatal("no VTIMEZONE parts")
	}
	off := changes[0].to
	for _, c := range changes {
		if !c.at.After(local) {
			off = c.to
		}
	}
	return off
}

func parseOffset(t *testing.T, s string) time.Duration {
	t.Helper()
	tm, err := time.Parse("-0700", s)
	if err != nil {
		t.Fatalf("offset %q: %v", s, err)
	}
	_, secs := tm.Zone()
	return time.Duration(secs) * time.Second
}

func TestTextRoundTrips(t *testing.T) {
	e := event("Europe/London", time.Date(2027, 7, 14, 9, 30, 0, 0, time.UTC))
	e.Description = "Bring: notebook, pen; questions.\nBackslash \\ too. Kia ora, Māori; Zażółć gęślą jaźń 🌿 " + strings.Repeat("long ", 30)
	cal := parse(t, write(t, e))
	got, err := cal.Events()[0].Props.Text(ical.PropDescription)
	if err != nil || got != e.Description {
		t.Fatalf("description came back as %q (%v)", got, err)
	}
	if name := cal.Events()[0].Props.Get(ical.PropAttendee).Params.Get("CN"); name != "Mere Tūhoe" {
		t.Fatalf("attendee name %q", name)
	}
}

func TestLinesAreFoldedWithoutSplittingCharacters(t *testing.T) {
	e := event("Europe/London", time.Date(2027, 7, 14, 9, 30, 0, 0, time.UTC))
	e.Title = strings.Repeat("Whānau ōrite ", 20)
	out := write(t, e)
	if !strings.HasSuffix(out, "\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatal("lines do not all end in CRLF")
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("a line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("a fold split a character: %q", l)
		}
	}
}

func TestCancelledInvitations(t *testing.T) {
	e := event("Europe/London", time.Date(2027, 7, 14, 9, 30, 0, 0, time.UTC))
	e.Cancelled, e.Sequence = true, 5
	cal := parse(t, write(t, e))
	if m := cal.Props.Get(ical.PropMethod).Value; m != "CANCEL" {
		t.Errorf("METHOD:%s", m)
	}
	ev := cal.Events()[0]
	if ev.Props.Get(ical.PropStatus).Value != "CANCELLED" || ev.Props.Get(ical.PropSequence).Value != "5" {
		t.Error("a cancelled invitation lacks STATUS:CANCELLED or its sequence")
	}
}

// A session ending thousands of years after it starts (a typing mistake
// stored before dates were checked) still gets a short VTIMEZONE: the
// changes around its start and around its end, not every one between.
func TestTimeZoneStaysBoundedForFarDates(t *testing.T) {
	e := event("Europe/London", time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC))
	e.End = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	out := write(t, e)
	if parts := strings.Count(out, "BEGIN:STANDARD") + strings.Count(out, "BEGIN:DAYLIGHT"); parts == 0 || parts > 10 {
		t.Fatalf("%d time zone parts for a session from 2027 to 9999", parts)
	}
}

// An attendee on the waitlist holds a tentative invitation (RFC 5545:
// STATUS:TENTATIVE for the event, PARTSTAT=TENTATIVE for the attendee);
// a confirmed one holds STATUS:CONFIRMED and PARTSTAT=ACCEPTED.
func TestWaitlistedInvitationsAreTentative(t *testing.T) {
	e := event("Europe/London", time.Date(2027, 7, 14, 9, 30, 0, 0, time.UTC))
	for _, c := range []struct {
		tentative        bool
		status, partstat string
	}{{true, "TENTATIVE", "TENTATIVE"}, {false, "CONFIRMED", "ACCEPTED"}} {
		e.Tentative = c.tentative
		cal := parse(t, write(t, e))
		if m := cal.Props.Get(ical.PropMethod).Value; m != "REQUEST" {
			t.Errorf("tentative %v: METHOD:%s", c.tentative, m)
		}
		ev := cal.Events()[0]
		if got := ev.Props.Get(ical.PropStatus).Value; got != c.status {
			t.Errorf("tentative %v: STATUS:%s, want %s", c.tentative, got, c.status)
		}
		if got := ev.Props.Get(ical.PropAttendee).Params.Get(ical.ParamParticipationStatus); got != c.partstat {
			t.Errorf("tentative %v: PARTSTAT=%s, want %s", c.tentative, got, c.partstat)
		}
	}
}
