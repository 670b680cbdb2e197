package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"groundwork/internal/learning"
)

// TestALeadWritesALocalLessonATraineeReadsIt: a training lead adds a local
// lesson to a built-in module in the browser, saves it with a broken link
// (previewed as they type) and sees the checker's message beside the text,
// fixes it, adds a picture
// with alt text, publishes, and a trainee reads the lesson with its
// picture.
func TestALeadWritesALocalLessonATraineeReadsIt(t *testing.T) {
	axe := axeSource(t)
	srv := StartServer(t)
	_, _, trainee := team(t, srv)
	if err := srv.App.Learning.Enrol(context.Background(), srv.App.DB, learning.ProgrammeScope, "", trainee.ID); err != nil {
		t.Fatal(err)
	}
	lead := Browser(t)
	lead.SignIn(srv.URL, "lead@example.org", e2ePassword)
	lead.Go(srv.URL + "/admin/curriculum/modules/the-workers-role")
	lead.Fill("#lesson-title", "Local referral routes")
	lead.Submit(`form[action$="/lessons"] button[type=submit]`)
	lead.Fill("#f-markdown", "Refer people to the Northtown Recovery Hub.\n\nSee [the hub](lesson:the-hub).")
	run(lead, "wait for the live preview", chromedp.WaitVisible("#live-preview article.lesson"))
	if msg := lead.Text("#live-preview .field-error"); !strings.Contains(msg, `"the-hub"`) {
		t.Fatalf("the live preview does not show the checker's message: %q", msg)
	}
	lead.Submit(`button[value=save]`)
	if msg := lead.Text("#f-markdown-error"); !strings.Contains(msg, `Line 3 of the text: link to lesson "the-hub"`) {
		t.Fatalf("the checker's message beside the text = %q", msg)
	}
	lead.Submit(`button[value=preview]`)
	checkAxe(t, lead, axe, "the lesson editor with the checker's message and the preview")
	lead.Fill("#f-markdown", "Refer people to the Northtown Recovery Hub.\n\nIt takes self-referrals.")
	lead.Submit(`button[value=save]`)
	if n := lead.Eval(`String(document.querySelectorAll('.field-error').length)`); n != "0" {
		t.Fatalf("%s messages remain after the fix", n)
	}
	lead.Go(srv.URL + "/admin/curriculum/modules/the-workers-role")
	run(lead, "choose a picture", chromedp.SetUploadFiles("#image-file", []string{pictureFile(t)}))
	lead.Fill("#image-alt", "The Recovery Hub's front door on Mill Street")
	run(lead, "choose the lesson", chromedp.SetValue("#image-lesson", "the-workers-role/lessons/05-local-referral-routes.md"))
	lead.Submit(`form[action$="/images"] button[type=submit]`)
	checkAxe(t, lead, axe, "the module page with a draft")
	lead.Submit(`form[action$="/publish"] button[type=submit]`)
	if flash := lead.Text(".flash"); !strings.Contains(flash, "is published") {
		t.Fatalf("after publishing: %q", flash)
	}
	lead.Go(srv.URL + "/admin/curriculum/modules/the-workers-role/history?v=1")
	checkAxe(t, lead, axe, "the changes in a version")

	reader := Browser(t)
	reader.SignIn(srv.URL, "tia@example.org", e2ePassword)
	reader.Go(srv.URL + "/modules/the-workers-role/lessons/local-referral-routes")
	if h := reader.Text("article.lesson h1"); h != "Local referral routes" {
		t.Fatalf("the trainee reads %q", h)
	}
	if text := reader.Text("article.lesson"); !strings.Contains(text, "It takes self-referrals.") {
		t.Fatalf("lesson text: %q", text)
	}
	alt := reader.Eval(`document.querySelector('article.lesson img').alt`)
	loaded := reader.Eval(`String(document.querySelector('article.lesson img').naturalWidth)`)
	if alt != "The Recovery Hub's front door on Mill Street" || loaded != "8" {
		t.Fatalf("picture: alt %q, width %s", alt, loaded)
	}
}

// pictureFile writes a small PNG and returns its path.
func pictureFile(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		img.Set(x, x, color.RGBA{G: 160, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "front-door.png")
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}
