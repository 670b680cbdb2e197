package catalog_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"groundwork/courses"
	"groundwork/internal/catalog"
)

// TestOverlayReplacesAndAddsFiles lays a local lesson and a local copy of
// a built-in lesson over the built-in curriculum: Load serves both, and
// the overlay passes Go's own file system checks.
func TestOverlayReplacesAndAddsFiles(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{
		"harm-reduction-for-policymakers/lessons/04-in-northtown.md":           []byte("---\ntitle: In Northtown\nminutes: 5\n---\n\nOur local picture.\n"),
		"harm-reduction-for-policymakers/lessons/01-what-harm-reduction-is.md": []byte("---\ntitle: Our own opening\nminutes: 5\n---\n\nA local opening.\n"),
	}
	o := catalog.Overlay(courses.FS, files)
	if err := fstest.TestFS(o, "programme.yaml", "harm-reduction-for-policymakers/lessons/04-in-northtown.md",
		"harm-reduction-for-policymakers/lessons/02-questions-policymakers-ask.md"); err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(o)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := c.Module("harm-reduction-for-policymakers")
	if len(m.Lessons) != 4 || m.Lessons[0].Title != "Our own opening" || m.Lessons[3].Title != "In Northtown" {
		t.Fatalf("lessons = %v", titles(m))
	}
	built, _ := catalog.Load(courses.FS)
	if b, _ := built.Module("harm-reduction-for-policymakers"); b.Version == m.Version {
		t.Fatal("the module's version ignores the local files")
	}
	if _, err := fs.ReadFile(o, "harm-reduction-for-policymakers/module.yaml"); err != nil {
		t.Fatal(err)
	}
}

func titles(m *catalog.Module) []string {
	var out []string
	for _, l := range m.Lessons {
		out = append(out, l.Title)
	}
	return out
}

// TestRenderLessonReportsTheFilesOwnProblems previews a lesson with raw
// HTML and a missing title.
func TestRenderLessonReportsTheFilesOwnProblems(t *testing.T) {
	t.Parallel()
	l, problems := catalog.RenderLesson("m/lessons/01-a.md", []byte("---\nminutes: 5\n---\n\n## Hello\n\n<b>bold</b>\n"))
	if !strings.Contains(string(l.HTML), "Hello") {
		t.Fatalf("html = %s", l.HTML)
	}
	if len(problems) < 2 || !strings.Contains(problems.Error(), `"title" is missing`) || !strings.Contains(problems.Error(), ":7: raw HTML") {
		t.Fatalf("problems = %v, want the missing title and the raw HTML", problems)
	}
}
