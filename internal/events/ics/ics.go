// Package ics writes calendar invitations (RFC 5545) for public sessions:
// one event with its time zone, described from Go's time zone data.
package ics

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one session as a calendar invitation shows it.
type Event struct {
	UID            string // stable and globally unique, e.g. "<session id>@<host>"
	Sequence       int    // raised when the session changes or is cancelled, or the place is confirmed
	Title          string
	Description    string // plain text
	Location       string
	URL            string // optional: the registrant's private page
	Start, End     time.Time
	TimeZone       *time.Location // the session's zone; times are written in it with its TZID
	Organizer      string
	OrganizerEmail string
	Attendee       string
	AttendeeEmail  string
	// Tentative marks an attendee whose place is not yet confirmed (on the
	// waitlist): STATUS:TENTATIVE and PARTSTAT=TENTATIVE, so calendars show
	// the session as provisional until a later invitation with a higher
	// Sequence confirms it.
	Tentative bool
	Cancelled bool
	Stamp     time.Time // DTSTAMP: when the information last changed
}

// Write writes e as a VCALENDAR with one VEVENT and the VTIMEZONE of its
// zone: CRLF line endings, lines folded at 75 octets, text escaped.
func Write(w io.Writer, e Event) error {
	loc := e.TimeZone
	if loc == nil {
		loc = time.UTC
	}
	method, status, partstat := "REQUEST", "CONFIRMED", "ACCEPTED"
	switch {
	case e.Cancelled:
		method, status = "CANCEL", "CANCELLED"
	case e.Tentative:
		status, partstat = "TENTATIVE", "TENTATIVE"
	}
	b := &builder{}
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:-//Groundwork//Public sessions//EN")
	b.line("CALSCALE:GREGORIAN")
	b.line("METHOD:" + method)
	timezone(b, loc, e.Start, e.End)
	b.line("BEGIN:VEVENT")
	b.line("UID:" + text(e.UID))
	b.line(fmt.Sprintf("SEQUENCE:%d", e.Sequence))
	b.line("DTSTAMP:" + e.Stamp.UTC().Format("20060102T150405Z"))
	b.line("DTSTART;TZID=" + loc.String() + ":" + e.Start.In(loc).Format(localLayout))
	b.line("DTEND;TZID=" + loc.String() + ":" + e.End.In(loc).Format(localLayout))
	b.line("SUMMARY:" + text(e.Title))
	if e.Description != "" {
		b.line("DESCRIPTION:" + text(e.Description))
	}
	if e.Location != "" {
		b.line("LOCATION:" + text(e.Location))
	}
	if e.URL != "" {
		b.line("URL:" + e.URL)
	}
	if e.OrganizerEmail != "" {
		b.line("ORGANIZER;CN=" + param(e.Organizer) + ":mailto:" + e.OrganizerEmail)
	}
	if e.AttendeeEmail != "" {
		b.line("ATTENDEE;CN=" + param(e.Attendee) + ";ROLE=REQ-PARTICIPANT;PARTSTAT=" + partstat + ":mailto:" + e.AttendeeEmail)
	}
	b.line("STATUS:" + status)
	b.line("END:VEVENT")
	b.line("END:VCALENDAR")
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write invitation: %w", err)
	}
	return nil
}

// localLayout is a local date-time without zone.
const localLayout = "20060102T150405"

// builder collects folded lines.
type builder struct{ strings.Builder }

// line writes one content line, folded so that no line exceeds 75 octets
// and no UTF-8 character is split.
func (b *builder) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut] + "\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s + "\r\n")
}

// text escapes a TEXT value.
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// param quotes a parameter value; quotes cannot be escaped, so they go.
func param(s string) string {
	return `"` + strings.NewReplacer(`"`, "", "\r", "", "\n", " ").Replace(s) + `"`
}
