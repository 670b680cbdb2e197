package learning_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/events"
	"groundwork/internal/learning"
)

// registrationClients is how many people register for a public session at
// the same moment in the Registration benchmark.
const registrationClients = 20

// liftRegisterLimit lets one address register without limit until the
// benchmark ends, so that the registrations the benchmark sends from
// loopback are all served rather than refused as a flood. It must be called
// before the site starts.
func liftRegisterLimit(b *testing.B) {
	limit := events.RegisterLimit
	events.RegisterLimit = middleware.RateLimiterMemoryStoreConfig{Rate: rate.Inf}
	b.Cleanup(func() { events.RegisterLimit = limit })
}

// itemAnalysisPath is the item analysis of the first trainee module with a
// knowledge check: the one the most demonstration trainees have attempted.
func itemAnalysisPath(b *testing.B, a *app.App) string {
	for _, m := range a.Courses.Catalog().TraineeModules() {
		if m.Quiz == nil {
			continue
		}
		n, err := a.DB.NewSelect().Model((*learning.Attempt)(nil)).
			Where("module_slug = ?", m.Slug).Where("submitted_at IS NOT NULL").Count(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatalf("no submitted attempts at %s's knowledge check to analyse", m.Slug)
		}
		b.Logf("item analysis of %s: %d submitted attempts", m.Slug, n)
		return "/admin/reports/items?module=" + url.QueryEscape(m.Slug)
	}
	b.Fatal("no trainee module has a knowledge check")
	return ""
}

// openSession schedules a public session a month ahead whose registration
// is open, with the largest capacity staff can give (10,000 seats; later
// registrations join the waitlist).
func openSession(b *testing.B, a *app.App) string {
	ctx := context.Background()
	var lead string
	if err := a.DB.NewSelect().Table("users").Column("id").Where("email = ?", "lead@demo.groundwork.example").Scan(ctx, &lead); err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	start := now.AddDate(0, 1, 0).Truncate(time.Minute)
	ev := &events.Event{Title: "Talking with young people about drugs", Description: "For teachers and school staff.",
		Audience: events.Schools, Format: events.InPerson, Address: "Harbour Lane Community Centre", TimeZone: "Europe/London",
		StartsAt: start, EndsAt: start.Add(90 * time.Minute), Capacity: 10000,
		OpensAt: now.Add(-time.Hour), ClosesAt: start.Add(-time.Minute), CreatedBy: lead}
	if err := a.Events.Save(ctx, ev, []string{lead}); err != nil {
		b.Fatal(err)
	}
	return ev.ID
}

// registrants hands out a new email address for each registration, across
// every run of the benchmark.
var registrants atomic.Int64

// measureRegistration has registrationClients visitors, each in their own
// browser session with the CSRF token of the session's page, post the
// public registration form b.N times each, each time with a new email, and
// reports the median and 90th percentile answer time, registrations a
// second and queries per registration. It fails unless every one of them
// was recorded.
func measureRegistration(b *testing.B, a *app.App, base, sessionID string, counter *apptest.QueryCounter) {
	page := "/sessions/" + sessionID
	before := registrationsOf(b, a, sessionID)
	measureConcurrently(b, base, page, counter, func(v *apptest.Person, token string) int {
		return post(b, v, page+"/register", registration(token))
	})
	if got, want := registrationsOf(b, a, sessionID)-before, b.N*registrationClients; got != want {
		b.Fatalf("%d registrations recorded for %d sent", got, want)
	}
}

// registrationsOf counts the session's registrations.
func registrationsOf(b *testing.B, a *app.App, sessionID string) int {
	n, err := a.DB.NewSelect().Table("registrations").Where("event_id = ?", sessionID).Count(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return int(n)
}

// measureConcurrently runs request b.N times for each of
// registrationClients visitors at once, each with their own connections
// and cookies and the CSRF token of the page at tokenFrom, so that an op is
// registrationClients requests. It reports the median and 90th percentile
// time of a request, requests a second and queries per request (counter is
// nil for a server without a database). Every request must be answered
// 303 See Other.
func measureConcurrently(b *testing.B, base, tokenFrom string, counter *apptest.QueryCounter, request func(v *apptest.Person, token string) int) {
	visitors := make([]*apptest.Person, registrationClients)
	tokens := make([]string, registrationClients)
	for i := range visitors {
		visitors[i] = apptest.Visit(b, base)
		transport := &http.Transport{DisableCompression: true}
		defer transport.CloseIdleConnections()
		visitors[i].Client().Transport = transport
		tokens[i] = visitors[i].CSRF(tokenFrom)
	}
	var before int64
	if counter != nil {
		before = counter.N()
	}
	var (
		total = b.N * registrationClients
		next  atomic.Int64
		mu    sync.Mutex
		times = make([]time.Duration, 0, total)
		wg    sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for i, v := range visitors {
		wg.Go(func() {
			var mine []time.Duration
			for next.Add(1) <= int64(total) {
				t := time.Now()
				if code := request(v, tokens[i]); code != http.StatusSeeOther {
					b.Errorf("POST answered %d, want 303", code)
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			times = append(times, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if b.Failed() {
		return
	}
	slices.Sort(times)
	b.ReportMetric(ms(times[len(times)/2]), "ms-median")
	b.ReportMetric(ms(times[len(times)*9/10]), "ms-p90")
	b.ReportMetric(float64(total)/elapsed.Seconds(), "req/s")
	if counter != nil {
		b.ReportMetric(float64(counter.N()-before)/float64(total), "queries/req")
	}
}

// registration is the public registration form filled in with a new
// email address.
func registration(token string) url.Values {
	email := "visitor" + strconv.FormatInt(registrants.Add(1), 10) + "@school.example"
	return url.Values{"_csrf": {token}, "name": {"Tama Ngata"}, "email": {email},
		"organisation": {"Bayview High School"}, "audience": {"schools"}, "consent": {"yes"}}
}

// post sends form to path in v's session and returns the status.
func post(b *testing.B, v *apptest.Person, path string, form url.Values) int {
	resp, err := v.Client().PostForm(v.URL(path), form)
	if err != nil {
		b.Error(err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// bareEcho is an Echo server with no middleware that answers GET path
// with page and a POST to path+"/register" with a redirect, as Groundwork
// does: the least any Echo application can do for those requests.
func bareEcho(b *testing.B, path string, page []byte) string {
	e := echo.New()
	e.GET(path, func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, page) })
	e.POST(path+"/register", func(c echo.Context) error {
		if _, err := c.FormParams(); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, path+"/registered")
	})
	srv := httptest.NewServer(e)
	b.Cleanup(srv.Close)
	return srv.URL
}

// measureBareEcho requests from a bare Echo server the bytes Groundwork
// served for path to v, with the same client and measure as the pages.
func measureBareEcho(b *testing.B, v *apptest.Person, path string, counter *apptest.QueryCounter) {
	code, page := v.Get(path)
	if code != http.StatusOK {
		b.Fatalf("%s = %d", path, code)
	}
	base := bareEcho(b, path, []byte(page))
	measure(b, apptest.Visit(b, base), path, counter)
	b.ReportMetric(float64(len(page))/1e3, "kB")
}

// measureBareRegistration posts the registration form to a bare Echo
// server as Registration posts it to Groundwork, from as many visitors at
// once, for the baseline under the same concurrency.
func measureBareRegistration(b *testing.B, base, sessionID string) {
	page := "/sessions/" + sessionID
	code, body := apptest.Visit(b, base).Get(page)
	if code != http.StatusOK {
		b.Fatalf("%s = %d", page, code)
	}
	bare := bareEcho(b, page, []byte(body))
	measureConcurrently(b, bare, page, nil, func(v *apptest.Person, token string) int {
		return post(b, v, page+"/register", registration(token))
	})
}
