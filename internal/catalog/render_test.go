package catalog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLessonRendering(t *testing.T) {
	c, err := Load(example(t))
	if err != nil {
		t.Fatal(err)
	}
	_, l, _ := c.Lesson("first-contact", "the-first-minute")
	html := string(l.HTML)
	for _, want := range []string{
		`<h2 id="what-to-say">What to say</h2>`,
		`<aside class="callout callout-scenario" aria-labelledby="callout-1">`,
		`<span class="callout-kind">Scenario</span> A visitor at the door</p>`,
		`<aside class="callout callout-key-point"`,
		`<table>`, `<th>Do</th>`,
		`<a href="/modules/first-contact/lessons/the-first-minute">next step</a>`,
		`href="https://harmreductionjournal.biomedcentral.com/" rel="noopener"`,
		`class="footnote-ref"`, `role="doc-endnotes"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered lesson lacks %s", want)
		}
	}
	if strings.Contains(html, "[!SCENARIO]") || strings.Contains(html, "<blockquote>") {
		t.Error("a callout marker was rendered as text")
	}
	if len(l.Headings) != 1 || l.Headings[0].ID != "what-to-say" {
		t.Errorf("headings = %v", l.Headings)
	}
}

func TestRawHTMLIsNeverRendered(t *testing.T) {
	r := &report{}
	doc := &lessonDoc{file: "x.md", module: "m", source: []byte("Hello <b onclick=\"x()\">there</b>\n\n<script>alert(1)</script>\n"), firstLine: 1, r: r}
	html := string(renderLesson(doc))
	if strings.Contains(html, "<script") || strings.Contains(html, "onclick") {
		t.Fatalf("raw HTML reached the page: %s", html)
	}
	if len(r.list) < 2 {
		t.Fatalf("raw HTML was not reported: %v", r.list)
	}
}

func TestReadability(t *testing.T) {
	// Known values: "The cat sat on the mat." is 6 words, 1 sentence, 6 syllables.
	r := measure([]string{"The cat sat on the mat."})
	if r.Words != 6 || r.Sentences != 1 || r.Syllables != 6 {
		t.Fatalf("measure = %+v", r)
	}
	wantGrade := 0.39*6 + 11.8*1 - 15.59
	if diff := r.FleschKincaidGrade - wantGrade; diff > 0.001 || diff < -0.001 {
		t.Fatalf("grade = %v, want %v", r.FleschKincaidGrade, wantGrade)
	}
	for word, n := range map[string]int{"harm": 1, "reduction": 3, "people": 2, "service": 2, "the": 1, "supervision": 4, "table": 2} {
		if got := syllables(word); got != n {
			t.Errorf("syllables(%q) = %d, want %d", word, got, n)
		}
	}
	hard := measure([]string{"Interdisciplinary collaboration necessitates comprehensive organisational coordination."})
	if hard.FleschKincaidGrade <= r.FleschKincaidGrade {
		t.Fatal("long words should read as harder")
	}
}

func TestStoreReloadsAndKeepsLastGood(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/example")); err != nil {
		t.Fatal(err)
	}
	c, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	store := NewStore(c)
	w := store.Watcher(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if w.Check() {
		t.Fatal("an untouched folder counted as changed")
	}

	module := filepath.Join(dir, "first-contact", "module.yaml")
	data, _ := os.ReadFile(module)
	edited := strings.Replace(string(data), "First contact at the drop-in", "First contact", 1)
	if err := os.WriteFile(module, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if !w.Check() {
		t.Fatal("the edit was not seen")
	}
	if m, _ := store.Catalog().Module("first-contact"); m.Title != "First contact" {
		t.Fatalf("title = %q after the edit", m.Title)
	}

	broken := strings.Replace(edited, "audience: trainee", "audience: nobody", 1) + "\n# a broken edit\n"
	if err := os.WriteFile(module, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if !w.Check() {
		t.Fatal("the broken edit was not seen")
	}
	if m, _ := store.Catalog().Module("first-contact"); m.Title != "First contact" || m.Audience != AudienceTrainee {
		t.Fatal("a broken edit replaced the last good curriculum")
	}
}

// TestWatchReloadsInTheBackground runs the polling loop the server uses.
func TestWatchReloadsInTheBackground(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/example")); err != nil {
		t.Fatal(err)
	}
	c, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	store := NewStore(c)
	module := filepath.Join(dir, "first-contact", "module.yaml")
	data, _ := os.ReadFile(module)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go store.Watch(ctx, dir, 5*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// Keep writing until the loop sees it: it may take its first look
	// after the first write.
	edited := []byte(strings.Replace(string(data), "First contact at the drop-in", "First contact", 1))
	waitFor(t, func() bool {
		_ = os.WriteFile(module, append(edited, fmt.Sprintf("# %d\n", time.Now().UnixNano())...), 0o644)
		m, _ := store.Catalog().Module("first-contact")
		return m.Title == "First contact"
	})
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met in time")
}
