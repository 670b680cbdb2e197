package supervision_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/web"
)

// TestRubricsAndDANOSWhereTheyAreUsed shows a competency's rubric to the
// trainee asking for sign-off and to the supervisor signing off, and its
// DANOS units on the competency and in the portfolio (page and CSV).
func TestRubricsAndDANOSWhereTheyAreUsed(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/safety")
	s := apptest.Start(t, dir)
	admin := s.User("admin@example.org", "Ada Admin", account.Admin)
	sup := s.User("sup@example.org", "Sam Supervisor", account.Supervisor)
	trainee := s.User("t@example.org", "Tia Trainee", account.Trainee)
	if err := s.App.Accounts.AssignSupervisor(t.Context(), admin, trainee, sup.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	tp, sp := s.SignIn(trainee), s.SignIn(sup)

	criterion := "<li>Gives naloxone and repeats it every 2 to 3 minutes if there is no response.</li>"
	_, page := tp.Get("/supervision/competencies")
	drill := section(t, page, `id="c-contact-overdose-drill"`, "</article>")
	for _, want := range []string{
		"Required before unsupervised practice.",
		"<strong>AB5</strong> Assess and act upon immediate risk of danger to individuals who have used alcohol and other substances",
		"Simulation (a drill or role play); Observation in practice.",
		"1 separate occasion.",
		"What your supervisor checks:",
		criterion,
		`name="evidence"`, // the request form sits with the rubric
	} {
		if !strings.Contains(drill, want) {
			t.Errorf("the trainee's request for the drill lacks %q", want)
		}
	}
	welcome := section(t, page, `id="c-contact-welcome"`, "</article>")
	if !strings.Contains(welcome, "2 separate occasions.") || strings.Contains(welcome, "before unsupervised practice") ||
		!strings.Contains(welcome, "<strong>SCDHSC0031</strong> Promote effective communication; <strong>SCDHSC0233</strong>") {
		t.Errorf("the welcome competency shows the wrong rubric or units:\n%s", welcome)
	}

	if code, _ := tp.Post("/trainees/"+trainee.ID+"/competencies/request", "/supervision/competencies",
		url.Values{"competency": {"contact-overdose-drill"}, "evidence": {"Ran the drill with the training kit on Monday."}}); code != http.StatusSeeOther {
		t.Fatalf("request = %d", code)
	}
	_, page = sp.Get("/trainees/" + trainee.ID + "/competencies")
	form := section(t, page, `class="sign-off"`, "</form>")
	for _, want := range []string{
		"Sign off only on evidence from 1 separate occasion (Simulation (a drill or role play); Observation in practice) that shows:",
		criterion,
		"Sign off only on evidence from 2 separate occasions (Observation in practice; Testimony from a colleague or client) that shows:",
		"<li>Records only what the visitor agreed to share.</li>",
	} {
		if !strings.Contains(form, want) {
			t.Errorf("the supervisor's sign-off form lacks %q", want)
		}
	}
	if !strings.Contains(section(t, page, `id="c-contact-overdose-drill"`, "</article>"), "What to check:") {
		t.Error("the supervisor's view of the competency does not show what to check")
	}

	_, page = sp.Get("/trainees/" + trainee.ID + "/portfolio")
	row := section(t, page, "Responds to an overdose in a drill", "</tr>")
	if !strings.Contains(row, "Required before unsupervised practice") || !strings.Contains(row, "<strong>AB5</strong> Assess and act upon") {
		t.Errorf("the portfolio row lacks the units or the safety mark:\n%s", row)
	}
	if !strings.Contains(page, "Not yet cleared for unsupervised practice:</strong> 1 safety-critical competency is not signed off.") {
		t.Error("the portfolio does not say the trainee is not cleared")
	}
	_, body := sp.Get("/trainees/" + trainee.ID + "/portfolio.csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("portfolio csv = %q, %v", rows, err)
	}
	if rows[0][9] != "danos units" || rows[1][5] != "Responds to an overdose in a drill" ||
		rows[1][9] != "AB5 Assess and act upon immediate risk of danger to individuals who have used alcohol and other substances" {
		t.Errorf("portfolio csv = %q", rows)
	}
}

// section returns the part of page from the first from to the next to.
func section(t *testing.T, page, from, to string) string {
	t.Helper()
	i := strings.Index(page, from)
	if i < 0 {
		t.Fatalf("the page has no %q", from)
	}
	rest := page[i:]
	if j := strings.Index(rest, to); j >= 0 {
		return rest[:j]
	}
	return rest
}
