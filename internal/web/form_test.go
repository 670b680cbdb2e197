package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"groundwork/internal/web"
)

// parse runs web.ParseForm over a real request carrying values.
func parse(t *testing.T, values url.Values) *web.Form {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	f, err := web.ParseForm(echo.New().NewContext(req, httptest.NewRecorder()))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseFormRefusesControlCharactersPerField(t *testing.T) {
	f := parse(t, url.Values{
		"name":    {"Ann\x00e"},
		"title":   {"Line one\r\nBcc: someone@example.org"},
		"summary": {"First line\r\nSecond line\twith a tab"},
		"comment": {"bell\x07"},
		"email":   {"ann@example.org"},
	})
	want := map[string]string{
		"name":    "Remove the control characters",
		"title":   "Keep this to one line",
		"comment": "Remove the control characters",
	}
	for field, msg := range want {
		if !strings.HasPrefix(f.Errors[field], msg) {
			t.Errorf("%s: error %q, want %q...", field, f.Errors[field], msg)
		}
		if v := f.Get(field); strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 }) {
			t.Errorf("%s kept a control character: %q", field, v)
		}
	}
	if len(f.Errors) != len(want) {
		t.Errorf("errors = %v, want only %v", f.Errors, want)
	}
	if got := f.Get("summary"); got != "First line\nSecond line\twith a tab" {
		t.Errorf("a text area lost its line breaks or tab: %q", got)
	}
}

func TestDateRefusesYearsOutsideTheRange(t *testing.T) {
	for v, ok := range map[string]bool{
		"0000-01-01": false, "1899-12-31": false, "9999-12-31": false, "2101-01-01": false,
		"1900-01-01": true, "2026-09-01": true, "2100-12-31": true,
	} {
		f := parse(t, url.Values{"date": {v}})
		got := f.Date("date")
		if (got != nil) != ok || (f.Errors["date"] == "") != ok {
			t.Errorf("Date(%s) = %v, error %q; want accepted=%v", v, got, f.Errors["date"], ok)
		}
	}
}

func TestLocalPathKeepsRedirectsOnTheSite(t *testing.T) {
	for next, want := range map[string]string{
		"/dashboard":                "/dashboard",
		"/modules/x?tab=1#part":     "/modules/x?tab=1#part",
		"":                          "/",
		"//evil.example":            "/",
		"/\\evil.example":           "/",
		"/\t/evil.example":          "/",
		"/\n/evil.example":          "/",
		"/\r/evil.example":          "/",
		"https://evil.example/":     "/",
		"javascript:alert(1)":       "/",
		"evil.example":              "/",
		" /dashboard":               "/",
		"/%09/evil.example":         "/%09/evil.example", // still escaped: the browser asks us for it
		"\\\\evil.example":          "/",
		"/\x00":                     "/",
		"http:/evil.example":        "/",
		"/.%2e/%2f%2fevil.example/": "/.%2e/%2f%2fevil.example/",
	} {
		if got := web.LocalPath(next); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", next, got, want)
		}
	}
}

// TestProblemsListFieldsInOrder checks the web kit's summary data: fields
// in the order they failed, ids from Anchor, and nothing for a valid form.
func TestProblemsListFieldsInOrder(t *testing.T) {
	f := web.NewForm()
	f.Fail("b", "B is wrong.")
	f.Anchor("a", "custom-a").Fail("a", "A is wrong.")
	f.Fail("b", "Not twice.")
	got := f.Problems()
	want := []web.Problem{{Field: "b", ID: "f-b", Message: "B is wrong."}, {Field: "a", ID: "custom-a", Message: "A is wrong."}}
	if !slices.Equal(got, want) {
		t.Errorf("Problems() = %v, want %v", got, want)
	}
	if p := web.NewForm().Problems(); p != nil {
		t.Errorf("a valid form has problems: %v", p)
	}
	if attr := f.Invalid("a"); string(attr) != ` aria-invalid="true" aria-describedby="custom-a-error"` {
		t.Errorf("Invalid(a) = %q", attr)
	}
}
