package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"groundwork/internal/outside"
	"groundwork/internal/voice"
)

// axeScript is axe-core, installed by `npm ci` in testdata/axe.
const axeScript = "testdata/axe/node_modules/axe-core/axe.min.js"

// TestAMemberAnswersOnAPhone: on a phone 390 pixels wide, a group member
// opens the round's link, switches to the easy-read page, answers the four
// questions and sends them, in fewer than ten taps, and is thanked. The
// easy-read page and the plain one pass axe-core's WCAG 2.2 AA rules.
func TestAMemberAnswersOnAPhone(t *testing.T) {
	srv := StartServer(t)
	_, _, trainee := team(t, srv)
	ctx := context.Background()
	r, err := srv.App.Voice.Open(ctx, trainee, trainee, voice.Draft{Group: "Tuesday drop-in",
		HeldOn: time.Now().UTC().Truncate(24 * time.Hour), Competencies: []string{"voice-gathers-feedback"},
		Hours: voice.DefaultHours, MaxAnswers: voice.DefaultMaxAnswers})
	if err != nil {
		t.Fatal(err)
	}
	axe := axeSource(t)

	page := Browser(t)
	run(page, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	page.Go(srv.URL + r.Path())
	checkAxe(t, page, axe, "the plain page")
	taps := 0
	tap := func(sel string) { taps++; page.Click(sel) }
	submit := func(sel string) { taps++; page.Submit(sel) }

	submit(".voice-easy-link")
	if !strings.HasSuffix(page.Location(), r.Path()+"/easy") {
		t.Fatalf("the easy-read link went to %s", page.Location())
	}
	// The form itself fits the screen: nothing in it sticks out to the right.
	if wide := page.Eval(`[...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > 390).map(e => e.tagName).join(" ")`); wide != "" {
		t.Fatalf("on a 390-pixel screen these stick out of the easy-read page: %s", wide)
	}
	checkAxe(t, page, axe, "the easy-read page")
	for _, q := range voice.Questions {
		tap(`input[name="` + q.Key + `"][value="3"]`)
	}
	submit(".voice-send")
	if heading := page.Text("main h1"); heading != "Thank you" {
		t.Fatalf("after sending: %q", heading)
	}
	if taps >= 10 {
		t.Fatalf("answering took %d taps, want fewer than 10", taps)
	}
	got, err := srv.App.Voice.Get(ctx, r.ID)
	if err != nil || got.Answers != 1 {
		t.Fatalf("the round after one member answered: %+v, %v", got, err)
	}
	t.Logf("a member answered in %d taps", taps)
}

// axeSource reads axe-core, or skips the test without it (package
// outside's rule).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(axeScript))
	outside.Need(t, "axe-core", err == nil, "run `npm ci` in internal/e2e/testdata/axe")
	return string(b)
}

// checkAxe runs axe-core on the page and fails on any violation.
func checkAxe(t *testing.T, p *Page, axe, what string) {
	t.Helper()
	tags, _ := json.Marshal(axeTags)
	run(p, "inject axe-core", chromedp.Evaluate[bool](axe+";true"))
	js := `axe.run(document, {runOnly: {type: "tag", values: ` + string(tags) + `}}).then(r => JSON.stringify(
		r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}))))`
	out := run(p, "run axe-core", chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		t.Fatalf("axe-core's answer on %s: %v", what, err)
	}
	for _, v := range violations {
		t.Errorf("%s: axe-core %s (%s): %s at %v", what, v.ID, v.Impact, v.Help, v.Nodes)
	}
}
