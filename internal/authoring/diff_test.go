package authoring

import (
	"strings"
	"testing"
)

// TestDiffShowsChangedLinesWithContext changes one line of a long file,
// adds a file and removes one.
func TestDiffShowsChangedLinesWithContext(t *testing.T) {
	t.Parallel()
	var long []string
	for i := range 20 {
		long = append(long, strings.Repeat("x", i+1))
	}
	before := strings.Join(long, "\n") + "\n"
	after := strings.Replace(before, "xxxxxxxxxx\n", "ten\n", 1)
	d := Diff(map[string][]byte{"m/a.md": []byte(before), "m/gone.md": []byte("bye\n")},
		map[string][]byte{"m/a.md": []byte(after), "m/new.md": []byte("hi\n")})
	if len(d) != 3 || d[0].Path != "m/a.md" || d[1].Change != "removed" || d[2].Change != "added" {
		t.Fatalf("diff = %+v", d)
	}
	var kinds []string
	for _, l := range d[0].Lines {
		kinds = append(kinds, l.Kind)
	}
	want := "gap same same same removed added same same same gap"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("lines = %s, want %s", strings.Join(kinds, " "), want)
	}
}
