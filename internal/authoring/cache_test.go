package authoring_test

import (
	"context"
	"net/http"
	"testing"

	"groundwork/internal/app/apptest"
)

// TestPublishedLocalLessonsAreRenderedOncePerVersion reads a published
// local lesson twice as a visitor: the second read revalidates (304) with
// the first's ETag, as built-in lessons do, until a new version is
// published, which makes a new page.
func TestPublishedLocalLessonsAreRenderedOncePerVersion(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	_, by := lead(t, site)
	ctx := context.Background()
	save(t, site.App.Authoring, by, localModule)
	if _, err := site.App.Authoring.Publish(ctx, by, "local-referrals", ""); err != nil {
		t.Fatal(err)
	}
	const lesson = "/modules/local-referrals/lessons/who-to-call"
	visitor := site.Anonymous()
	first := visitor.Fetch(lesson)
	etag := first.Header.Get("ETag")
	if first.Code != http.StatusOK || etag == "" {
		t.Fatalf("first read = %d, ETag %q", first.Code, etag)
	}
	req, _ := http.NewRequest(http.MethodGet, visitor.URL(lesson), nil)
	req.Header.Set("If-None-Match", etag)
	if again := visitor.Send(req); again.Code != http.StatusNotModified {
		t.Fatalf("second read = %d, want 304 from the page rendered once", again.Code)
	}
	save(t, site.App.Authoring, by, map[string]string{"local-referrals/lessons/01-who-to-call.md": "---\ntitle: Who to call\nminutes: 10\n---\n\nCall the hub or the crisis line.\n"})
	if _, err := site.App.Authoring.Publish(ctx, by, "local-referrals", ""); err != nil {
		t.Fatal(err)
	}
	if next := visitor.Fetch(lesson); next.Header.Get("ETag") == etag {
		t.Fatal("a new version is served as the old page")
	}
}
