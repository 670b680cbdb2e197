package catalog_test

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/authoring"
	"groundwork/internal/identity"
	"groundwork/internal/learning"
	"groundwork/internal/web"
)

// BenchmarkLessonPage compares a public lesson page served by the whole
// Groundwork stack (middleware, session check, layout template) with a bare
// Echo handler returning the same bytes, side by side in one run, both over
// real HTTP on loopback with keep-alive connections and no compression:
//
//	go test -run '^$' -bench LessonPage -count 6 ./internal/catalog/ | benchstat -
func BenchmarkLessonPage(b *testing.B) {
	a, site := newSite(b)
	const path = "/modules/talking-with-schools/lessons/listening-first"
	page := fetch(b, client, site.Base+path)
	bare := echo.New()
	bare.GET(path, func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, page) })
	bareSite := httptest.NewServer(bare)
	defer bareSite.Close()

	// A signed-in trainee's page costs two prepared queries (session with
	// user, progress facts) and a copy of the page's stencil filled with
	// their name and token; reported alongside.
	const password = "a long enough passphrase"
	u, _, err := a.Accounts.CreateUser(context.Background(), "bench@example.org", "Bench", account.Trainee, password)
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Learning.Enrol(context.Background(), a.DB, learning.ProgrammeScope, "", u.ID); err != nil {
		b.Fatal(err)
	}
	trainee := signedInClient(b, site.Base, "bench@example.org", password)
	trainee.Transport = &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}

	local := publishLocalCopy(b, a)
	b.Run("signed-in-lookups", func(b *testing.B) { benchLookups(b, a, trainee, site.Base+path, u.ID) })
	for _, s := range []struct {
		name   string
		client *http.Client
		url    string
	}{
		{"groundwork", client, site.Base + path},
		{"bare-echo", client, bareSite.URL + path},
		{"groundwork-signed-in", trainee, site.Base + path},
		{"groundwork-local", client, site.Base + local},
		{"groundwork-local-signed-in", trainee, site.Base + local},
	} {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					fetch(b, s.client, s.url)
				}
			})
		})
	}
}

// publishLocalCopy publishes, as a training lead would in the browser, a
// local lesson with the benchmark lesson's text, and returns its path: its
// page must cost what a built-in lesson's does (rendered once per version).
func publishLocalCopy(b *testing.B, a *app.App) string {
	ctx := context.Background()
	names, _ := fs.Glob(a.Authoring.Base, "talking-with-schools/lessons/*-listening-first.md")
	if len(names) != 1 {
		b.Fatalf("lesson file: %v", names)
	}
	text, err := fs.ReadFile(a.Authoring.Base, names[0])
	if err != nil {
		b.Fatal(err)
	}
	lead, _, err := a.Accounts.CreateUser(ctx, "lead@example.org", "Lead", account.Admin, "a long enough passphrase")
	if err != nil {
		b.Fatal(err)
	}
	by := authoring.Actor{Viewer: &identity.Viewer{ID: lead.ID, Role: identity.Admin}}
	if _, err := a.Authoring.SaveFile(ctx, by, "talking-with-schools", "talking-with-schools/lessons/90-local-copy.md", text); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Authoring.Publish(ctx, by, "talking-with-schools", ""); err != nil {
		b.Fatal(err)
	}
	return "/modules/talking-with-schools/lessons/local-copy"
}

// client asks for plain responses, so both servers send the same bytes and
// the client does the same work for each.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}

func fetch(b *testing.B, client *http.Client, url string) []byte {
	resp, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s = %d, %v", url, resp.StatusCode, err)
	}
	return body
}

// benchLookups runs only what a signed-in lesson page asks of the database,
// the session lookup and the reader's progress facts, without HTTP or
// rendering: the floor under the signed-in page's cost.
func benchLookups(b *testing.B, a *app.App, trainee *http.Client, url, userID string) {
	req := httptest.NewRequest(http.MethodGet, url, nil)
	for _, ck := range trainee.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	cat := a.Courses.Catalog()
	m, _ := cat.Module("talking-with-schools")
	viewer := &identity.Viewer{ID: userID, Role: identity.Trainee}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			sess, err := a.Accounts.Sessions.New(req, web.SessionCookie)
			if err != nil || sess.IsNew {
				b.Fatalf("session not found: %v", err)
			}
			if _, err := a.Learning.Access(req.Context(), viewer, m, cat); err != nil {
				b.Fatal(err)
			}
		}
	})
}
