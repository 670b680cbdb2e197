package authoring_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/app/apptest"
)

// pngImage is a small picture.
func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadImage sends a picture to a module's picture form.
func uploadImage(p *apptest.Person, module, name string, data []byte, fields url.Values) apptest.Response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", p.CSRF("/admin/curriculum/modules/"+module))
	for k, vs := range fields {
		_ = w.WriteField(k, vs[0])
	}
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, p.URL("/admin/curriculum/modules/"+module+"/images"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return p.Send(req)
}

// TestAPictureNeedsAltTextAndASafeType uploads pictures to a local
// module: without alt text, or not a picture, they are refused with the
// reason; a PNG with alt text is added to a lesson, previewed from the
// draft with safe headers, and served once published.
func TestAPictureNeedsAltTextAndASafeType(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	u, by := lead(t, site)
	save(t, site.App.Authoring, by, localModule)
	p := site.SignIn(u)
	lesson := "local-referrals/lessons/01-who-to-call.md"
	refused := []struct {
		name string
		data []byte
		alt  string
		want string
	}{
		{"map.png", pngImage(t), "", "Describe what the picture shows"},
		{"map.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "A map", "Upload a PNG, JPEG, GIF or WebP picture"},
		{"big.png", append(pngImage(t), make([]byte, 800<<10)...), "A map", "larger than 768 KB"},
	}
	for _, c := range refused {
		r := uploadImage(p, "local-referrals", c.name, c.data, url.Values{"alt": {c.alt}, "lesson": {lesson}})
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.want) {
			t.Errorf("%s: %d, want 422 with %q", c.name, r.Code, c.want)
		}
	}
	r := uploadImage(p, "local-referrals", "Northtown Map.PNG", pngImage(t), url.Values{"alt": {"A map of Northtown [centre]"}, "lesson": {lesson}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("upload = %d", r.Code)
	}
	_, edit := p.Get("/admin/curriculum/modules/local-referrals/file?path=" + url.QueryEscape(lesson))
	if !strings.Contains(edit, `![A map of Northtown \[centre\]](images/northtown-map.png)`) {
		t.Fatal("the picture was not added to the lesson with its alt text")
	}
	draft := p.Fetch("/admin/curriculum/modules/local-referrals/draft/images/northtown-map.png")
	if draft.Code != http.StatusOK || draft.Header.Get("Content-Type") != "image/png" || !strings.Contains(draft.Header.Get("Content-Security-Policy"), "sandbox") ||
		draft.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("draft picture = %d %v", draft.Code, draft.Header)
	}
	if _, err := site.App.Authoring.Publish(t.Context(), by, "local-referrals", ""); err != nil {
		t.Fatal(err)
	}
	code, page := site.Anonymous().Get("/modules/local-referrals/lessons/who-to-call")
	if code != http.StatusOK || !strings.Contains(page, `<img src="/modules/local-referrals/images/northtown-map.png" alt="A map of Northtown [centre]"`) {
		t.Fatalf("the published lesson does not show the picture (%d)", code)
	}
	if img := site.Anonymous().Fetch("/modules/local-referrals/images/northtown-map.png"); img.Code != http.StatusOK || img.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("published picture = %d %s", img.Code, img.Header.Get("Content-Type"))
	}
}
