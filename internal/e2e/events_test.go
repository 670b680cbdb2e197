package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"groundwork/internal/events"
)

// TestRegisterCancelAndThePersonWaitingMovesUp: a teacher registers for the
// last seat of a public session without an account; someone else joins the
// waitlist; the training lead opens the confirmation in the outbox and
// passes on its link; the teacher cancels from it, and the person waiting
// is promoted and told.
func TestRegisterCancelAndThePersonWaitingMovesUp(t *testing.T) {
	srv := StartServer(t)
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
	if status := page.Text(".status"); status != "Place confirmed" {
		t.Fatalf("after registering: %q", status)
	}

	waiting, err := srv.App.Events.Register(ctx, ev.ID, events.Registrant{Name: "Hana Waiting", Email: "hana@school.example", Audience: events.Schools}, "")
	if err != nil || waiting.Status != events.Waitlisted {
		t.Fatalf("the second registration: %+v, %v", waiting, err)
	}

	signInAs(page, srv.URL, "lead@example.org", e2ePassword)
	page.Go(srv.URL + "/admin/outbox")
	mail := page.Eval(`[...document.querySelectorAll("tbody tr")].find(r => r.cells[0].textContent === "wiremu@school.example").querySelector("a").getAttribute("href")`)
	page.Go(srv.URL + mail)
	body := page.Text(".mail-body")
	if !strings.Contains(body, "Hello Wiremu Tāne") || !strings.Contains(body, "Your place is confirmed") {
		t.Fatalf("the confirmation: %q", body)
	}
	link := regexp.MustCompile(`https?://\S+/registrations/\S+`).FindString(body)
	page.Submit("header form button") // sign out: the link needs no account

	page.Go(link)
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
