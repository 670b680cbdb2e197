package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/events"
)

// session is a demonstration public session: when it starts, relative to
// now, and how many people register.
type session struct {
	title, description string
	audience           events.Audience
	format             events.Format
	starts             time.Duration
	capacity, people   int
}

var demoSessions = []session{
	{"Talking with young people about drugs and alcohol", "For teachers and pastoral staff: what young people tell us, how to answer questions honestly, and where to refer.\n\n- What the evidence says about drug education\n- Conversations that keep young people safe\n- Local services and how to refer",
		events.Schools, events.InPerson, 10 * 24 * time.Hour, 12, 15},
	{"Drug policy and harm reduction: a briefing for councillors", "What harm reduction services do, what they cost and what they prevent: overdose, blood-borne viruses and the harms of criminalisation. With time for questions.",
		events.Policymakers, events.Online, 21 * 24 * time.Hour, 40, 6},
	{"Naloxone and overdose awareness for community groups", "How to recognise an opioid overdose, how to give naloxone, and how to stay with someone until help arrives.",
		events.Community, events.InPerson, -14 * 24 * time.Hour, 20, 8},
}

// sessions schedules the demonstration sessions facilitated by
// facilitator and returns how many.
func sessions(ctx context.Context, conn *bun.DB, svc *events.Service, facilitator string) (int, error) {
	var lead account.User
	if err := conn.NewSelect().Model(&lead).Where("email = ?", "lead"+domain).Scan(ctx); err != nil {
		return 0, fmt.Errorf("find the training lead: %w", err)
	}
	for i, s := range demoSessions {
		ev, err := schedule(ctx, svc, s, lead.ID, facilitator)
		if err != nil {
			return 0, err
		}
		by := ""
		if s.starts < 0 {
			by = lead.ID // a past session's registrations were taken when it was open
		}
		for j := range s.people {
			r := events.Registrant{Name: firstNames[(i*7+j)%len(firstNames)] + " " + lastNames[(i*5+j)%len(lastNames)],
				Email: fmt.Sprintf("guest%d.%d%s", i+1, j+1, domain), Organisation: organisations[j%len(organisations)], Audience: s.audience}
			if _, err := svc.Register(ctx, ev.ID, r, by); err != nil {
				return 0, err
			}
		}
		if s.starts < 0 {
			if err := takePlace(ctx, svc, ev); err != nil {
				return 0, err
			}
		}
	}
	return len(demoSessions), nil
}

var organisations = []string{"Bayview High School", "St Anne's College", "City Council", "Harbour Youth Trust", ""}

// schedule saves one demonstration session.
func schedule(ctx context.Context, svc *events.Service, s session, by, facilitator string) (*events.Event, error) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return nil, err
	}
	day := time.Now().In(loc).Add(s.starts)
	start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc).UTC() // 10:00 in London
	ev := &events.Event{Title: s.title, Description: s.description, Audience: s.audience, Format: s.format,
		TimeZone: "Europe/London", StartsAt: start, EndsAt: start.Add(90 * time.Minute), Capacity: s.capacity,
		OpensAt: start.Add(-45 * 24 * time.Hour), ClosesAt: start.Add(-time.Hour), CreatedBy: by}
	if s.format == events.InPerson {
		ev.Address = "Harbour Lane Community Centre, 12 Harbour Lane"
	} else {
		ev.OnlineLink = "https://meet.example.org/harm-reduction-briefing"
	}
	return ev, svc.Save(ctx, ev, []string{by, facilitator})
}

// takePlace records a past session: the register (all but one came),
// certificates sent, and feedback from most who came.
func takePlace(ctx context.Context, svc *events.Service, ev *events.Event) error {
	regs, err := events.Registrations(ctx, svc.DB, ev.ID)
	if err != nil {
		return err
	}
	for i, r := range regs {
		if err := svc.MarkAttendance(ctx, ev.ID, r.ID, i != len(regs)-1); err != nil {
			return err
		}
	}
	if _, err := svc.SendCertificates(ctx, ev); err != nil {
		return err
	}
	comments := []string{"Clear and practical; I feel ready to use naloxone.", "", "More time for questions, please.", "Kind, frank and useful.", ""}
	regs, err = events.Registrations(ctx, svc.DB, ev.ID)
	if err != nil {
		return err
	}
	for i := range regs[:len(regs)-2] {
		a := events.Answer{Usefulness: 4 + i%2, Clarity: 3 + i%3, Recommend: 7 + i%4, Comment: strings.TrimSpace(comments[i%len(comments)])}
		if err := svc.GiveFeedback(ctx, &regs[i], a); err != nil {
			return err
		}
	}
	return nil
}
