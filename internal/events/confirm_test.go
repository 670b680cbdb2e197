package events_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/events"
)

func TestRegistrantConfirmsCancellingAndDeleting(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	ev := fx.schedule(t, 10, 7*24*time.Hour)
	reg, err := fx.site.App.Events.Register(ctx, ev.ID, person("Ana Seated", "ana@school.example"), "")
	if err != nil {
		t.Fatal(err)
	}
	link := linkIn(t, fx.mailTo(t, "ana@school.example").Body)
	token := strings.TrimPrefix(link, "/registrations/")
	visitor := fx.site.Anonymous()
	status := func() events.Status {
		t.Helper()
		r, err := fx.site.App.Events.ByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}

	if code, page := visitor.Get(link + "/cancel"); code != http.StatusOK || !strings.Contains(page, "Yes, cancel my registration") {
		t.Fatalf("GET the cancellation = %d", code)
	}
	if code, page := visitor.PostPage(link+"/cancel", link+"/cancel", nil); code != http.StatusUnprocessableEntity || !strings.Contains(page, "Yes, cancel my registration") {
		t.Fatalf("cancel without confirmation = %d, want 422 and the confirmation page", code)
	}
	if status() != events.Confirmed {
		t.Fatal("an unconfirmed cancellation cancelled the place")
	}

	if code, page := visitor.Get(link + "/forget"); code != http.StatusOK || !strings.Contains(page, "Yes, delete my details") {
		t.Fatalf("GET the deletion = %d", code)
	}
	if code, _ := visitor.PostPage(link+"/forget", link+"/forget", url.Values{"confirmed": {"maybe"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("delete without confirmation = %d, want 422", code)
	}
	if status() != events.Confirmed {
		t.Fatal("an unconfirmed deletion changed the registration")
	}

	if code, _ := visitor.Post(link+"/cancel", link+"/cancel", url.Values{"confirmed": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("confirmed cancel = %d", code)
	}
	if status() != events.Withdrawn {
		t.Fatal("the confirmed cancellation did not cancel")
	}
	if code, _ := visitor.Post(link+"/forget", link+"/forget", url.Values{"confirmed": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("confirmed delete = %d", code)
	}
	if _, err := fx.site.App.Events.ByToken(ctx, token); err == nil {
		t.Fatalf("registration %s survived its deletion", reg.ID)
	}
}

func TestFacilitatorConfirmsCancellingASession(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	ev := fx.schedule(t, 1, 7*24*time.Hour)
	svc := fx.site.App.Events
	for _, p := range []events.Registrant{person("Ana", "ana@school.example"), person("Bo", "bo@school.example"), person("Cy", "cy@school.example")} {
		if _, err := svc.Register(ctx, ev.ID, p, ""); err != nil {
			t.Fatal(err)
		}
	}
	lead := fx.site.SignIn(fx.lead)
	path := "/facilitate/sessions/" + ev.ID + "/cancel"
	code, page := lead.Get(path)
	if code != http.StatusOK || !strings.Contains(page, "1 person with a place and 2 people on the waitlist") ||
		!strings.Contains(page, "Yes, cancel the session and tell everyone") {
		t.Fatalf("GET the cancellation = %d:\n%s", code, page)
	}
	cancelled := func() bool {
		t.Helper()
		got, err := events.Get(ctx, fx.site.App.DB, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Cancelled()
	}
	mails := func() int {
		t.Helper()
		n, err := fx.site.App.DB.NewSelect().Table("mail_outbox").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	before := mails()
	code, page = lead.PostPage(path, path, url.Values{"reason": {"The venue flooded."}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "The venue flooded.") {
		t.Fatalf("cancel without confirmation = %d, want 422 with the reason kept", code)
	}
	if cancelled() || mails() != before {
		t.Fatal("an unconfirmed cancellation cancelled the session or mailed people")
	}
	if code, page := lead.PostPage(path, path, url.Values{"confirmed": {"yes"}}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "Say why") {
		t.Fatalf("confirmed without a reason = %d, want 422 asking why", code)
	}
	if cancelled() {
		t.Fatal("a cancellation without a reason went through")
	}
	if code, _ := lead.Post(path, path, url.Values{"confirmed": {"yes"}, "reason": {"The venue flooded."}}); code != http.StatusSeeOther {
		t.Fatalf("confirmed cancel = %d", code)
	}
	if !cancelled() || mails() <= before {
		t.Fatal("the confirmed cancellation did not cancel and mail everyone")
	}
}
