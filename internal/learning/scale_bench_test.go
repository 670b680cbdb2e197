package learning_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/demo"
)

// BenchmarkAtScale measures the learning pages against their budgets on a
// demonstration organisation of GROUNDWORK_BENCH_TRAINEES trainees (default
// 1,000). The budgets are for 10,000 trainees on PostgreSQL:
//
//	GROUNDWORK_TEST_DATABASE_URL=postgres://... GROUNDWORK_BENCH_TRAINEES=10000 \
//	  go test -run '^$' -bench AtScale -benchtime 200x ./internal/learning/
//
// Each page is requested over real HTTP; the figures reported are the
// median and 90th percentile of the requests, queries per request, and for
// the CSV export its size and the peak heap while it streams.
func BenchmarkAtScale(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("GROUNDWORK_BENCH_TRAINEES")); err == nil && v > 0 {
		n = v
	}
	dir, _ := filepath.Abs("../../courses")
	liftRegisterLimit(b)
	site := apptest.Start(b, dir)
	a := site.App
	ctx := context.Background()
	start := time.Now()
	res, err := demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(), demo.Options{Trainees: n, Learning: a.Learning, Certificates: a.Certificates})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("demo: %d trainees, %d progress rows in %s", res.Trainees, res.Rows, time.Since(start).Round(time.Millisecond))
	cohort := cohortOf500(b, a)
	counter := apptest.CountQueries(a)

	trainee := signIn(b, site.Base, "trainee00001@demo.groundwork.example", res.Password)
	admin := signIn(b, site.Base, "lead@demo.groundwork.example", res.Password)
	b.Run("TraineeDashboard", func(b *testing.B) { measure(b, trainee, "/dashboard", counter) })
	b.Run("CohortMatrix500", func(b *testing.B) { measure(b, admin, "/admin/reports?cohort="+cohort, counter) })
	b.Run("ProgressCSV", func(b *testing.B) { measureCSV(b, admin) })
	items, session := itemAnalysisPath(b, a), openSession(b, a)
	b.Run("ItemAnalysis", func(b *testing.B) { measure(b, admin, items, counter) })
	b.Run("Registration", func(b *testing.B) { measureRegistration(b, a, site.Base, session, counter) })
	b.Run("BareEchoRegistration", func(b *testing.B) { measureBareRegistration(b, site.Base, session) })
	b.Run("BareEcho", func(b *testing.B) { measureBareEcho(b, trainee, "/dashboard", counter) })
	benchStaffDashboards(b, site.Base, res.Password, counter)
}

// benchStaffDashboards measures the first page of /dashboard as the
// training lead (every trainee) and as a demonstration supervisor (their
// own trainees), with its size.
func benchStaffDashboards(b *testing.B, base, password string, counter *apptest.QueryCounter) {
	admin := signIn(b, base, "lead@demo.groundwork.example", password)
	supervisor := signIn(b, base, "sam.okoro@demo.groundwork.example", password)
	b.Run("AdminDashboard", func(b *testing.B) { measurePage(b, admin, "/dashboard", counter) })
	b.Run("SupervisorDashboard", func(b *testing.B) { measurePage(b, supervisor, "/dashboard", counter) })
}

// measurePage is measure that also reports the page's size in KB.
func measurePage(b *testing.B, v *apptest.Person, path string, counter *apptest.QueryCounter) {
	_, page := v.Get(path)
	measure(b, v, path, counter)
	b.ReportMetric(float64(len(page))/1000, "KB")
}

// cohortOf500 puts 500 demonstration trainees in a cohort of their own.
func cohortOf500(b *testing.B, a *app.App) string {
	ctx := context.Background()
	co := &account.Cohort{Name: "Five hundred"}
	if err := a.Accounts.SaveCohort(ctx, co); err != nil {
		b.Fatal(err)
	}
	var ids []string
	if err := a.DB.NewSelect().Table("users").Column("id").Where("role = 'trainee'").OrderExpr("email").Limit(500).Scan(ctx, &ids); err != nil {
		b.Fatal(err)
	}
	if err := a.Accounts.AddMembers(ctx, a.DB, co.ID, ids); err != nil {
		b.Fatal(err)
	}
	return co.ID
}

// measure requests path b.N times and reports the median, the 90th
// percentile and the queries per request.
func measure(b *testing.B, v *apptest.Person, path string, counter *apptest.QueryCounter) {
	times := make([]time.Duration, 0, b.N)
	before := counter.N()
	b.ResetTimer()
	for range b.N {
		t := time.Now()
		if code, _ := v.Get(path); code != http.StatusOK {
			b.Fatalf("%s = %d", path, code)
		}
		times = append(times, time.Since(t))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(ms(times[len(times)/2]), "ms-median")
	b.ReportMetric(ms(times[len(times)*9/10]), "ms-p90")
	b.ReportMetric(float64(counter.N()-before)/float64(b.N), "queries/op")
}

// csvRounds caps how often measureCSV streams the export, whatever the
// benchtime: at 50,000 trainees one export takes seconds, and the median
// of three says what the median of fifty would.
const csvRounds = 3

// measureCSV streams the export and samples the heap while it does.
func measureCSV(b *testing.B, v *apptest.Person) {
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	var size int64
	rounds := min(b.N, csvRounds)
	times := make([]time.Duration, 0, rounds)
	b.ResetTimer()
	for range rounds {
		t := time.Now()
		resp, err := v.Client().Get(v.URL("/admin/reports/progress.csv"))
		if err != nil {
			b.Fatal(err)
		}
		size, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		times = append(times, time.Since(t))
	}
	b.StopTimer()
	close(stop)
	<-sampled
	slices.Sort(times)
	b.ReportMetric(ms(times[len(times)/2]), "ms-median")
	b.ReportMetric(float64(size)/1e6, "MB")
	b.ReportMetric(float64(peak.Load())/1e6, "MB-peak-heap")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
