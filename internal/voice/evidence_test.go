package voice_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/supervision"
	"groundwork/internal/web"
)

// The trainee offers a closed round's results with a competency request;
// the competencies page, the portfolio page and its CSV show them. A round
// without results, someone else's round, or one not opened for the
// competency is refused and nothing is asked.
func TestARoundsResultsAreEvidenceInThePortfolio(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	tia, sam := fx.site.SignIn(fx.trainee), fx.site.SignIn(fx.sup)
	request := "/trainees/" + fx.trainee.ID + "/competencies/request"
	ask := func(competency, round string) int {
		code, _ := tia.Post(request, "/supervision/competencies", url.Values{"competency": {competency},
			"evidence": {"I asked the group for feedback and changed the room."}, "voice_round": {round}})
		return code
	}

	open := fx.open(t, "Tuesday drop-in", 20)
	fx.give(t, open, 5)
	omars, err := fx.site.App.Voice.Open(ctx, fx.otherTrne, fx.otherTrne, draftFor("Omar's group"))
	if err != nil {
		t.Fatal(err)
	}
	fx.give(t, omars, 5)
	fx.closeRound(t, omars)
	closed := fx.open(t, "Tuesday drop-in", 20)
	fx.give(t, closed, 6)
	closed = fx.closeRound(t, closed)
	for name, c := range map[string]struct{ competency, round string }{
		"a round still open":                {"voice-gathers-feedback", open.ID},
		"another trainee's round":           {"voice-gathers-feedback", omars.ID},
		"a competency the round is not for": {"group-plans-session", closed.ID},
		"a round that does not exist":       {"voice-gathers-feedback", "not-a-round'--"},
	} {
		if code := ask(c.competency, c.round); code != http.StatusBadRequest {
			t.Errorf("offering %s = %d, want 400", name, code)
		}
	}
	if n := count(t, fx, "SELECT count(*) FROM competency_events"); n != 0 {
		t.Fatalf("refused requests left %d competency steps", n)
	}

	_, page := tia.Get("/supervision/competencies")
	if !strings.Contains(page, `name="voice_round"`) || !strings.Contains(page, `<option value="`+closed.ID+`">`) || strings.Contains(page, `<option value="`+open.ID+`">`) {
		t.Fatal("the request form does not offer the closed round (or offers the open one)")
	}
	mustStatus(t, "asking with the round as evidence", ask("voice-gathers-feedback", closed.ID), http.StatusSeeOther)
	_, page = sam.Get("/trainees/" + fx.trainee.ID + "/competencies")
	if !strings.Contains(page, `<a href="/voice/rounds/`+closed.ID+`">Client voice: Tuesday drop-in`) || !strings.Contains(page, "Felt respected: 6 of 6 said yes") {
		t.Fatal("the supervisor's competencies page does not show the round offered as evidence")
	}

	_, page = sam.Get("/trainees/" + fx.trainee.ID + "/portfolio")
	if !strings.Contains(page, "<h2>Client voice</h2>") || !strings.Contains(page, "Evidence: client voice round, Tuesday drop-in") ||
		!strings.Contains(page, "Could say what they wanted: 2 of 6 said yes") {
		t.Fatal("the portfolio page does not show the round and its results")
	}
	_, body := sam.Get("/trainees/" + fx.trainee.ID + "/portfolio.csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var asked, round bool
	for _, row := range rows {
		switch {
		case row[0] == "competency" && strings.Contains(row[8], "Evidence: client voice round, Tuesday drop-in"):
			asked = true
		case row[0] == "client voice" && row[2] == "Feedback round: Tuesday drop-in" && strings.Contains(row[8], "6 answers") &&
			strings.Contains(row[5], "Gathers and uses feedback"):
			round = true
		}
	}
	if !asked || !round {
		t.Fatalf("the portfolio CSV lacks the request's evidence (%v) or the round (%v):\n%q", asked, round, rows)
	}
	if strings.Contains(body, "answer 1") {
		t.Fatal("the portfolio holds members' comments")
	}
	var _ supervision.ClientVoice = fx.site.App.Voice
}
