package e2e

import (
	"strings"
	"testing"
)

func TestHomePageRendersWithStyles(t *testing.T) {
	srv := StartServer(t)
	page := Browser(t)
	page.Go(srv.URL + "/")
	if h := page.Text("h1"); h != "Groundwork" {
		t.Errorf("h1 = %q", h)
	}
	// A Pico CSS variable proves the vendored stylesheet loaded; the skip
	// link's position proves our own stylesheet did.
	if font := page.Eval(`getComputedStyle(document.documentElement).getPropertyValue('--pico-font-family').trim()`); font == "" {
		t.Error("Pico CSS did not load: --pico-font-family is empty")
	}
	if pos := page.Eval(`getComputedStyle(document.querySelector('.skip-link')).position`); pos != "absolute" {
		t.Errorf("groundwork.css did not load: .skip-link position = %q", pos)
	}
}

func TestUnknownURLShowsFriendly404(t *testing.T) {
	srv := StartServer(t)
	page := Browser(t)
	page.Go(srv.URL + "/no/such/page")
	if h := page.Text("h1"); h != "Page not found" {
		t.Fatalf("h1 = %q", h)
	}
	if body := page.Text("main"); !strings.Contains(body, "reference") {
		t.Fatalf("404 page has no reference: %q", body)
	}
	page.Submit(`main a[href="/"]`)
	if h := page.Text("h1"); h != "Groundwork" {
		t.Fatalf("the 404 page's home link led to %q", h)
	}
}
