package certificate_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/certificate/certpdf/pdftest"
)

// cohortOf puts n new trainees (the first named first) in a cohort, each
// holding a certificate, and returns the cohort.
func (tm *team) cohortOf(t testing.TB, n int, first string) *account.Cohort {
	t.Helper()
	ctx := context.Background()
	cohort := &account.Cohort{Name: fmt.Sprintf("Cohort of %d", n)}
	if err := tm.site.App.Accounts.SaveCohort(ctx, cohort); err != nil {
		t.Fatal(err)
	}
	m := tm.module(t, "the-workers-role")
	for i := range n {
		name := fmt.Sprintf("Trainee %d Ngata", i)
		if i == 0 {
			name = first
		}
		u := tm.site.User(fmt.Sprintf("t%d@example.org", i), name, account.Trainee)
		if err := tm.site.App.Accounts.AssignSupervisor(ctx, tm.admin, u, tm.sup.ID, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		u.SupervisorID = &tm.sup.ID
		if err := tm.site.App.Accounts.AddToCohort(ctx, tm.admin, cohort, u); err != nil {
			t.Fatal(err)
		}
		tm.complete(t, u, m)
	}
	return cohort
}

// A cohort whose member's name has an emoji downloads as a whole archive
// through the real handler: every file reads, and every PDF shows its name.
func TestCohortZipWithAnEmojiNameIsAValidArchive(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	name := "Aroha 🌿 Ngāti-Whātua"
	cohort := tm.cohortOf(t, 3, name)
	code, body := tm.adminAt.Get("/admin/certificates/cohort.zip?cohort=" + cohort.ID)
	if code != http.StatusOK {
		t.Fatalf("cohort ZIP = %d", code)
	}
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the ZIP does not read: %v", err)
	}
	if len(zr.File) != 3 {
		t.Fatalf("the ZIP holds %d files, want 3", len(zr.File))
	}
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s does not read whole: %v", f.Name, err)
		}
		doc, err := pdftest.Open(pdf)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		text, err := doc.Text()
		if err != nil {
			t.Fatal(err)
		}
		found = found || strings.Contains(text, name)
	}
	if !found {
		t.Fatalf("no PDF in the ZIP shows %q", name)
	}
}

// BenchmarkCohortZip streams the ZIP of a cohort's certificates through
// the real server and reports the server's peak heap above its start:
// memory stays flat from 20 to 200 certificates.
func BenchmarkCohortZip(b *testing.B) {
	for _, n := range []int{20, 200} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			tm := newTeam(b)
			cohort := tm.cohortOf(b, n, "محمد بن عبد الله")
			client := signedIn(b, tm.site.Base, tm.admin.Email)
			var peak uint64
			for b.Loop() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				var top atomic.Uint64
				done := make(chan struct{})
				go func() {
					for {
						select {
						case <-done:
							return
						case <-time.After(2 * time.Millisecond):
							var s runtime.MemStats
							runtime.ReadMemStats(&s)
							if s.HeapAlloc > base && s.HeapAlloc-base > top.Load() {
								top.Store(s.HeapAlloc - base)
							}
						}
					}
				}()
				resp, err := client.Get(tm.site.Base + "/admin/certificates/cohort.zip?cohort=" + cohort.ID)
				if err != nil {
					b.Fatal(err)
				}
				size, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				close(done)
				if err != nil || resp.StatusCode != http.StatusOK || size < int64(n)*10000 {
					b.Fatalf("ZIP = %d, %d bytes, %v", resp.StatusCode, size, err)
				}
				peak = max(peak, top.Load())
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(n), "ms/certificate")
		})
	}
}

// signedIn is an HTTP client signed in as email, that streams bodies.
func signedIn(b *testing.B, base, email string) *http.Client {
	b.Helper()
	return apptest.Visit(b, base).SignInAs(email, apptest.Password).Client()
}
