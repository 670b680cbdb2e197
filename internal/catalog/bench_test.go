package catalog_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
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
	page := fetch(b, site.URL+path)
	bare := echo.New()
	bare.GET(path, func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, page) })
	bareSite := httptest.NewServer(bare)
	defer bareSite.Close()
	_ = a

	for _, s := range []struct{ name, url string }{{"groundwork", site.URL + path}, {"bare-echo", bareSite.URL + path}} {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					fetch(b, s.url)
				}
			})
		})
	}
}

// client asks for plain responses, so both servers send the same bytes and
// the client does the same work for each.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}

func fetch(b *testing.B, url string) []byte {
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
