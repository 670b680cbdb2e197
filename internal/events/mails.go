package events

import (
	"fmt"
	"strings"
	"unicode"

	"groundwork/internal/events/ics"
	"groundwork/internal/mail"
)

// invite is reg's calendar invitation to ev: tentative while reg waits,
// cancelled when either is.
func (s *Service) invite(ev *Event, reg *Registration) ics.Event {
	host := strings.TrimPrefix(strings.TrimPrefix(s.BaseURL, "https://"), "http://")
	return ics.Event{UID: ev.ID + "@" + host, Sequence: ev.Sequence, Title: ev.Title, Description: ev.Description,
		Location: where(ev, reg), URL: s.privateURL(reg), Start: ev.StartsAt, End: ev.EndsAt, TimeZone: ev.Location(),
		Organizer: s.Organisation, OrganizerEmail: s.Sender, Attendee: reg.Name, AttendeeEmail: reg.Email,
		Tentative: reg.Status == Waitlisted, Cancelled: ev.Cancelled() || reg.Status == Withdrawn, Stamp: ev.UpdatedAt}
}

// withInvitation adds reg's calendar invitation to m.
func (s *Service) withInvitation(m mail.Message, ev *Event, reg *Registration) mail.Message {
	var b strings.Builder
	if err := ics.Write(&b, s.invite(ev, reg)); err == nil {
		m.Calendar = b.String()
	}
	return m
}

// privateURL is the registrant's own page.
func (s *Service) privateURL(reg *Registration) string {
	return s.BaseURL + "/registrations/" + s.Link.Token(reg.ID)
}

// when says when a session is, in its own time zone.
func when(ev *Event) string {
	start, end := ev.LocalStart(), ev.LocalEnd()
	return fmt.Sprintf("%s, %s to %s (%s)", start.Format("Monday 2 January 2006"), start.Format("15:04"), end.Format("15:04"), ev.TimeZone)
}

// where says where a session is; the online link only for a confirmed seat.
func where(ev *Event, reg *Registration) string {
	if ev.Format == InPerson {
		return ev.Address
	}
	if reg.Status == Confirmed {
		return "Online: " + ev.OnlineLink
	}
	return "Online (the link is sent when your place is confirmed)"
}

// letter builds a mail to reg about ev from its parts.
func (s *Service) letter(ev *Event, reg *Registration, subject string, paragraphs ...string) mail.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", reg.Name)
	for _, p := range paragraphs {
		b.WriteString(p + "\n\n")
	}
	fmt.Fprintf(&b, "%s\nWhen: %s\nWhere: %s\n\n", ev.Title, when(ev), where(ev, reg))
	fmt.Fprintf(&b, "Your registration, to view or cancel it, and the calendar invitation:\n%s\n\n", s.privateURL(reg))
	fmt.Fprintf(&b, "%s\n", s.Organisation)
	return mail.Message{To: reg.Email, Subject: oneLine(subject + ": " + ev.Title), Body: b.String()}
}

// oneLine makes s fit a mail header: line breaks and other control
// characters become spaces. Sessions saved before titles were checked may
// still hold them, and one would stop every mail about the session.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == ' ' }), " ")
}

// confirmation tells a new registrant their seat or waitlist place, with
// the invitation: confirmed for a seat, tentative for the waitlist.
func (s *Service) confirmation(ev *Event, reg *Registration) mail.Message {
	if reg.Status == Waitlisted {
		return s.withInvitation(s.letter(ev, reg, "You are on the waitlist",
			fmt.Sprintf("The session is full, so you are number %d on the waitlist. If a place frees up, it is yours at once and we will write to you.", *reg.Position),
			"The calendar invitation attached is tentative: it becomes confirmed when a place is yours."), ev, reg)
	}
	return s.withInvitation(s.letter(ev, reg, "Your place is confirmed", "Thank you for registering. Your place is confirmed. The calendar invitation is attached."), ev, reg)
}

// alreadyBooked answers a registration for an email already booked on
// the session: it goes to that address, so only its owner learns the
// booking exists, and carries their link again.
func (s *Service) alreadyBooked(ev *Event, reg *Registration) mail.Message {
	return s.withInvitation(s.letter(ev, reg, "You are already booked",
		"Someone, perhaps you, asked to register this email address for the session below. You are already booked, so nothing has changed. If it was not you, you need do nothing."), ev, reg)
}

// promotion tells someone on the waitlist that a seat is now theirs, with
// the confirmed invitation that replaces their tentative one.
func (s *Service) promotion(ev *Event, reg *Registration) mail.Message {
	reg.Status = Confirmed
	return s.withInvitation(s.letter(ev, reg, "A place is now yours",
		"A place has come free and it is now yours: you are confirmed. The calendar invitation attached replaces the tentative one. If you can no longer come, please cancel so the next person can have it."), ev, reg)
}

// promotionAndMove is the promotion for someone seated by the same edit
// that moved the session: one mail that says both.
func (s *Service) promotionAndMove(ev *Event, reg *Registration) mail.Message {
	reg.Status = Confirmed
	return s.withInvitation(s.letter(ev, reg, "A place is now yours",
		"A place has come free and it is now yours: you are confirmed. The session's time or place has also changed: the details below are the new ones, and the calendar invitation attached replaces the tentative one. If you can no longer come, please cancel so the next person can have it."), ev, reg)
}

// moved tells a registrant the session's time or place changed, with the
// updated invitation (tentative for someone still waiting).
func (s *Service) moved(ev *Event, reg *Registration) mail.Message {
	return s.withInvitation(s.letter(ev, reg, "Changed", "The session's time or place has changed: the details below are the new ones, and the calendar invitation attached replaces the one you had. If you can no longer come, please cancel from the link below so someone waiting can have your place."), ev, reg)
}

// reminder reminds a confirmed registrant shortly before the session.
func (s *Service) reminder(ev *Event, reg *Registration) mail.Message {
	return s.letter(ev, reg, "Reminder", "A reminder that your session is coming up. If you can no longer come, please cancel so someone on the waitlist can have your place.")
}

// calledOff tells a registrant the session is cancelled.
func (s *Service) calledOff(ev *Event, reg *Registration) mail.Message {
	msg := fmt.Sprintf("We are sorry: this session has been cancelled. %s", ev.CancelReason)
	return s.withInvitation(s.letter(ev, reg, "Cancelled", strings.TrimSpace(msg)), ev, reg)
}

// afterwards thanks an attendee, with their certificate and the feedback
// form.
func (s *Service) afterwards(ev *Event, reg *Registration, verifyURL string) mail.Message {
	return s.letter(ev, reg, "Thank you for coming",
		"Thank you for taking part. Your attendance certificate is on your registration page (the link below), and anyone can check it at:\n"+verifyURL,
		"We would value your feedback: it takes two minutes, and your answers are anonymous. The form is on the same page.")
}
