package web

import (
	"bytes"
	"html/template"
	"testing"
)

// TestStencilEscapesNamesAsTheTemplateDoes shows that a name filled into a
// stencil reads exactly as html/template would have written it.
func TestStencilEscapesNamesAsTheTemplateDoes(t *testing.T) {
	tmpl := template.Must(template.New("t").Parse(`<a href="/account">{{.}}</a>`))
	for _, name := range []string{"Ana", `Zoë O'Neil <b>&+ "x"`, "\x00nul", "山田 太郎", "a&amp;b", "<script>alert(1)</script>"} {
		var want bytes.Buffer
		if err := tmpl.Execute(&want, name); err != nil {
			t.Fatal(err)
		}
		if got := `<a href="/account">` + textEscaper.Replace(name) + `</a>`; got != want.String() {
			t.Errorf("%q: stencil writes %q, template %q", name, got, want.String())
		}
	}
}
