package events_test

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"groundwork/internal/app/apptest"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/events"
)

// BenchmarkRegisterKnownVsUnknownEmail posts the public registration form
// through the real server, alternating a new email with one already booked
// on the session, and reports the median time of each. They should be
// within 30% of each other: the answer must not tell whether an address
// is booked, by its time any more than by its content.
func BenchmarkRegisterKnownVsUnknownEmail(b *testing.B) {
	limit := events.RegisterLimit
	events.RegisterLimit = middleware.RateLimiterMemoryStoreConfig{Rate: rate.Inf}
	b.Cleanup(func() { events.RegisterLimit = limit })
	site := apptest.Start(b, "")
	fx := &fixture{site: site, lead: site.User("lead@example.org", "Lea Lead", "admin"),
		sup: site.User("sup@example.org", "Sam Supervisor", "supervisor")}
	ev := fx.schedule(b, 10000, 30*24*time.Hour)
	visitor := site.Anonymous()
	token := visitor.CSRF("/sessions/" + ev.ID)
	path, client := visitor.URL("/sessions/"+ev.ID), visitor.Client()
	post := func(email string) time.Duration {
		form := url.Values{"_csrf": {token}, "name": {"Tama Ngata"}, "email": {email}, "audience": {"schools"}, "consent": {"yes"}}
		start := time.Now()
		resp, err := client.PostForm(path+"/register", form)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("register %s = %d", email, resp.StatusCode)
		}
		return time.Since(start)
	}
	post("booked@school.example")
	var fresh, known []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		fresh = append(fresh, post("new"+strconv.Itoa(i)+"@school.example"))
		known = append(known, post("booked@school.example"))
	}
	b.StopTimer()
	newMedian, knownMedian := median(fresh), median(known)
	b.ReportMetric(float64(newMedian.Microseconds()), "new-µs")
	b.ReportMetric(float64(knownMedian.Microseconds()), "booked-µs")
	b.Logf("%s: median %v for a new email, %v for a booked one (%d each)", dbtest.Name(), newMedian, knownMedian, len(fresh))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
