package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"groundwork/internal/app"
	"groundwork/internal/events"
	"groundwork/internal/mail/mailtest"
)

// TestRegisterCancelAndThePersonWaitingMovesUp: a teacher registers for the
// last seat of a public session without an account and is asked to check
// their email; someone else joins the waitlist; the teacher opens the link
// in the confirmation they received and cancels from it, and the person
// waiting is promoted and told.
func TestRegisterCancelAndThePersonWaitingMovesUp(t *testing.T) {
	inbox := &mailtest.Recorder{}
	srv := StartServer(t, func(cfg *app.Config) { cfg.Mailer = inbox })
	ctx := context.Background()
	lead, sup, _ := team(t, srv)
	start := time.Now().UTC().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	ev := &events.Event{Title: "Talking with young people about drugs", Description: "For teachers.", Audience: events.Schools,
		Format: events.InPerson, Address: "Harbour Lane Community Centre", TimeZone: "Europe/London", StartsAt: start,
		EndsAt: start.Add(90 * time.Minute), Capacity: 1, OpensAt: time.Now().UTC().Add(-time.Hour), ClosesAt: start.Add(-time.Hour),
		CreatedBy: lead.ID}
	if err := srv.App.Events.Save(ctx, ev, []string{sup.ID}); err != nil {
		t.Fatal(err)
	}

	page := Browser(t)
	page.Go(srv.URL + "/sessions")
	page.Submit(`.session-card h2 a`)
	if seats := page.Text("main dl"); !strings.Contains(seats, "1 of 1 left") {
		t.Fatalf("the session page: %q", seats)
	}
	page.Fill("#f-name", "Wiremu Tāne")
	page.Fill("#f-email", "wiremu@school.example")
	page.Fill("#f-organisation", "Bayview High School")
	page.Eval(`document.querySelector("#f-audience").value = "schools"; ""`)
	page.Click("#f-consent")
	page.Submit(`form[action$="/register"] button[type=submit]`)
	if heading := page.Text("main h1"); heading != "Check your email" {
		t.Fatalf("after registering: %q", heading)
	}
	if strings.Contains(page.Eval(`document.body.innerHTML`), "/registrations/") {
		t.Fatal("the page after registering shows a private link")
	}

	waiting, err := srv.App.Events.Register(ctx, ev.ID, events.Registrant{Name: "Hana Waiting", Email: "hana@school.example", Audience: events.Schools}, "")
	if err != nil || waiting.Status != events.Waitlisted {
		t.Fatalf("the second registration: %+v, %v", waiting, err)
	}

	body := received(t, srv, inbox, "wiremu@school.example")
	if !strings.Contains(body, "Hello Wiremu Tāne") || !strings.Contains(body, "Your place is confirmed") {
		t.Fatalf("the confirmation: %q", body)
	}
	link := regexp.MustCompile(`https?://\S+/registrations/\S+`).FindString(body)
	if link == "" {
		t.Fatalf("no private link in the confirmation: %q", body)
	}

	page.Go(link)
	if status := page.Text(".status"); status != "Place confirmed" {
		t.Fatalf("the private page: %q", status)
	}
	page.Go(link + "/cancel")
	page.Submit(`form[action$="/cancel"] button`)
	if status := page.Text(".status"); status != "Cancelled" {
		t.Fatalf("after cancelling: %q", status)
	}
	promoted, err := srv.App.Events.ByToken(ctx, srv.App.Events.Link.Token(waiting.ID))
	if err != nil || promoted.Status != events.Confirmed {
		t.Fatalf("the person waiting: %+v, %v", promoted, err)
	}
	page.Go(srv.URL + "/registrations/" + srv.App.Events.Link.Token(waiting.ID))
	if status := page.Text(".status"); status != "Place confirmed" {
		t.Fatalf("the promoted person's page: %q", status)
	}
}

// received delivers the outbox and returns the body of the newest mail to
// addr, as its recipient would read it.
func received(t *testing.T, srv *Server, inbox *mailtest.Recorder, addr string) string {
	t.Helper()
	if _, err := srv.App.Outbox.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent := inbox.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].To == addr {
			return sent[i].Body
		}
	}
	t.Fatalf("no mail to %s among %d sent", addr, len(sent))
	return ""
}
