package catalog_test

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/learning"
)

// publicModule is a small public module added to the example curriculum.
var publicModule = map[string]string{
	"talking-with-schools/module.yaml": `title: Talking with schools
summary: A short briefing for teachers.
audience: public
minutes: 20
outcomes:
  - Respond calmly when a pupil talks about drugs.
references:
  - text: "UNODC and WHO (2018). International Standards on Drug Use Prevention, second edition."
`,
	"talking-with-schools/lessons/01-listening-first.md": `---
title: Listening first
minutes: 10
---

Intro text.

## Why listening matters

Text.

## What to say

Text with a [link to the next lesson](lesson:staying-calm).

## When to refer

![A teacher and a pupil talking at a table](images/talk.png)
`,
	"talking-with-schools/lessons/02-staying-calm.md": "---\ntitle: Staying calm\nminutes: 10\n---\n\nBody.\n",
	"talking-with-schools/images/talk.png":            "\x89PNG fake image bytes",
}

// curriculum writes the example plus a public module to a folder.
func curriculum(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/example")); err != nil {
		t.Fatal(err)
	}
	for name, content := range publicModule {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newSite runs Groundwork on the example curriculum and a public module.
func newSite(t testing.TB) (*app.App, *apptest.Site) {
	t.Helper()
	s := apptest.Start(t, curriculum(t))
	return s.App, s
}

func get(t *testing.T, client *http.Client, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestCataloguePagesForThePublic(t *testing.T) {
	t.Parallel()
	_, srv := newSite(t)
	code, body, _ := get(t, noRedirect, srv.Base+"/modules")
	if code != 200 || !strings.Contains(body, "First contact at the drop-in") || !strings.Contains(body, "Talking with schools") {
		t.Fatalf("catalogue = %d", code)
	}
	if code, _, h := get(t, noRedirect, srv.Base+"/modules/first-contact"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/signin") {
		t.Fatalf("a trainee module without sign-in = %d", code)
	}
	if code, _, _ := get(t, noRedirect, srv.Base+"/modules/first-contact/lessons/the-first-minute"); code != http.StatusSeeOther {
		t.Fatalf("a trainee lesson without sign-in = %d", code)
	}
	code, body, _ = get(t, noRedirect, srv.Base+"/modules/talking-with-schools")
	if code != 200 || !strings.Contains(body, "Respond calmly") || !strings.Contains(body, "Listening first") {
		t.Fatalf("public module overview = %d", code)
	}
	code, body, _ = get(t, noRedirect, srv.Base+"/modules/talking-with-schools/lessons/listening-first")
	for _, want := range []string{"<h1>Listening first</h1>", "Lesson 1 of 2", "On this page", `href="#what-to-say"`,
		`href="/modules/talking-with-schools/lessons/staying-calm" rel="next"`, `src="/modules/talking-with-schools/images/talk.png"`} {
		if !strings.Contains(body, want) {
			t.Errorf("lesson page lacks %s", want)
		}
	}
	if code != 200 {
		t.Fatalf("public lesson = %d", code)
	}
	if code, body, _ := get(t, noRedirect, srv.Base+"/modules/talking-with-schools/images/talk.png"); code != 200 || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("image = %d", code)
	}
	for _, path := range []string{"/modules/nothing", "/modules/talking-with-schools/lessons/nothing", "/modules/talking-with-schools/images/../module.yaml", "/modules/talking-with-schools/images/none.png"} {
		if code, _, _ := get(t, noRedirect, srv.Base+path); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, code)
		}
	}
}

func TestSignedInTraineeReadsTraineeModules(t *testing.T) {
	t.Parallel()
	a, srv := newSite(t)
	const password = "a long enough passphrase"
	u, _, err := a.Accounts.CreateUser(context.Background(), "t@example.org", "T", account.Trainee, password)
	if err != nil {
		t.Fatal(err)
	}
	client := signedInClient(t, srv.Base, "t@example.org", password)
	code, body, _ := get(t, client, srv.Base+"/modules/first-contact")
	if code != 200 || !strings.Contains(body, "Welcomes new visitors") || !strings.Contains(body, "pass mark 80%") {
		t.Fatalf("module overview = %d", code)
	}
	if !strings.Contains(body, "You are not enrolled in this module") || strings.Contains(body, "Start the first lesson") {
		t.Fatal("a trainee who is not enrolled is offered the module")
	}
	code, body, _ = get(t, client, srv.Base+"/modules/first-contact/lessons/the-first-minute")
	if code != http.StatusForbidden || !strings.Contains(body, "You are not enrolled") || strings.Contains(body, `class="callout callout-scenario"`) {
		t.Fatalf("lesson before enrolment = %d", code)
	}
	if err := a.Learning.Enrol(context.Background(), a.DB, learning.ProgrammeScope, "", u.ID); err != nil {
		t.Fatal(err)
	}
	code, body, _ = get(t, client, srv.Base+"/modules/first-contact/lessons/the-first-minute")
	if code != 200 || !strings.Contains(body, `class="callout callout-scenario"`) {
		t.Fatalf("lesson = %d", code)
	}
}

func TestAnonymousPagesAreRenderedOnceAndNeverLeak(t *testing.T) {
	t.Parallel()
	a, srv := newSite(t)
	const password = "a long enough passphrase"
	if _, _, err := a.Accounts.CreateUser(context.Background(), "ana@example.org", "Ana Signed-In", account.Trainee, password); err != nil {
		t.Fatal(err)
	}
	const lesson = "/modules/talking-with-schools/lessons/listening-first"
	_, first, h1 := get(t, noRedirect, srv.Base+lesson)
	_, second, h := get(t, noRedirect, srv.Base+lesson)
	if first != second || h.Get("Set-Cookie") != "" || h.Get("Cache-Control") != "no-cache" {
		t.Fatalf("anonymous lesson pages differ, set cookies (%q) or may be stored without revalidation (%q)",
			h.Get("Set-Cookie"), h.Get("Cache-Control"))
	}
	plainReq, _ := http.NewRequest(http.MethodGet, srv.Base+lesson, nil)
	uncompressed, err := (&http.Transport{DisableCompression: true}).RoundTrip(plainReq)
	if err != nil {
		t.Fatal(err)
	}
	uncompressed.Body.Close()
	if hp := uncompressed.Header; hp.Get("Content-Length") != strconv.Itoa(len(first)) || len(hp.Values("Vary")) != 1 ||
		h.Get("ETag") == "" || h1.Get("ETag") != h.Get("ETag") {
		t.Fatalf("anonymous lesson headers: Content-Length %q for %d bytes, Vary %q, ETag %q then %q",
			hp.Get("Content-Length"), len(first), hp.Values("Vary"), h1.Get("ETag"), h.Get("ETag"))
	}
	revalidate, _ := http.NewRequest(http.MethodGet, srv.Base+lesson, nil)
	revalidate.Header.Set("If-None-Match", h.Get("ETag"))
	if resp, err := noRedirect.Do(revalidate); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidating an unchanged lesson = %v, %v; want 304", resp, err)
	} else {
		resp.Body.Close()
	}
	signedIn := signedInClient(t, srv.Base, "ana@example.org", password)
	if _, body, _ := get(t, signedIn, srv.Base+lesson); !strings.Contains(body, "Ana Signed-In") {
		t.Fatal("the signed-in page does not show the viewer")
	}
	if _, body, _ := get(t, noRedirect, srv.Base+lesson); strings.Contains(body, "Ana Signed-In") {
		t.Fatal("a signed-in page leaked to an anonymous visitor")
	}

	req, _ := http.NewRequest(http.MethodGet, srv.Base+lesson, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if resp.Header.Get("Content-Encoding") != "gzip" || err != nil {
		t.Fatalf("no gzip: %q, %v", resp.Header.Get("Content-Encoding"), err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != first {
		t.Fatal("the gzip page differs from the plain one")
	}
}

// TestSignedInLessonIsFilledForEachReader shows that the lesson page, made
// once per role, carries each reader's own name, token and progress, and
// costs two queries: the session and the reader's progress.
func TestSignedInLessonIsFilledForEachReader(t *testing.T) {
	t.Parallel()
	a, srv := newSite(t)
	const lesson = "/modules/talking-with-schools/lessons/listening-first"
	names := []string{`Zoë O'Neil <b>&+`, "Ana Reader"}
	escaped := []string{"Zoë O&#39;Neil &lt;b&gt;&amp;&#43;", "Ana Reader"}
	var readers []*apptest.Person
	for i, name := range names {
		email := "reader" + strconv.Itoa(i) + "@example.org"
		if _, _, err := a.Accounts.CreateUser(context.Background(), email, name, account.Trainee, apptest.Password); err != nil {
			t.Fatal(err)
		}
		readers = append(readers, apptest.Visit(t, srv.Base).SignInAs(email, apptest.Password))
	}
	counter := apptest.CountQueries(a)
	for round := range 2 {
		for i, r := range readers {
			code, body := r.Get(lesson)
			if code != http.StatusOK || !strings.Contains(body, ">"+escaped[i]+"</a>") || strings.Contains(body, escaped[1-i]) ||
				strings.Contains(body, "gw-hole") || !strings.Contains(body, "Mark as read") {
				t.Fatalf("round %d, reader %d: %d, own name shown %t, other's shown %t", round, i, code,
					strings.Contains(body, escaped[i]), strings.Contains(body, escaped[1-i]))
			}
		}
	}
	if n := counter.N(); n != 2*2*2 {
		t.Errorf("4 signed-in lesson pages ran %d queries, want 8 (session, progress)", n)
	}
	if code, _ := readers[0].Post(lesson+"/complete", lesson, nil); code != http.StatusOK && code != http.StatusSeeOther {
		t.Fatalf("mark as read with the page's token = %d", code)
	}
	if _, body := readers[0].Get(lesson); !strings.Contains(body, "You have read this lesson") {
		t.Fatal("the reader's page does not show the lesson as read")
	}
	if _, body := readers[1].Get(lesson); !strings.Contains(body, "Mark as read") || strings.Contains(body, "You have read this lesson") {
		t.Fatal("one reader's progress shows on another's page")
	}
}
