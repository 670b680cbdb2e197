package account_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
)

// BenchmarkResetRequest times POST /forgot through the real server for an
// email with an account and one without, alternating, and reports each
// median (ms) and their ratio; the two must not tell accounts apart. Each
// known request uses another account, so no account reaches its hourly
// limit within 3,000 iterations:
//
//	go test -run '^$' -bench ResetRequest -benchtime 400x ./internal/account/
func BenchmarkResetRequest(b *testing.B) {
	s := startSite(b, false)
	users := make([]account.User, 1000)
	for i := range users {
		users[i] = account.User{Email: fmt.Sprintf("known%04d@example.org", i), Name: fmt.Sprintf("Known %d", i),
			Role: account.Trainee, Active: true}
	}
	if err := s.app.Accounts.ImportUsers(context.Background(), s.app.DB, users); err != nil {
		b.Fatal(err)
	}
	anon := s.browser()
	token := anon.csrf("/forgot")
	post := func(email string) time.Duration {
		form := url.Values{"email": {email}, "_csrf": {token}}
		req, _ := http.NewRequest(http.MethodPost, s.Base+"/forgot", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		start := time.Now()
		r := anon.do(req)
		took := time.Since(start)
		if r.Code != http.StatusOK {
			b.Fatalf("reset request = %d", r.Code)
		}
		return took
	}
	var known, unknown []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		known = append(known, post(users[i%len(users)].Email))
		unknown = append(unknown, post(fmt.Sprintf("nobody%06d@example.org", i)))
	}
	b.StopTimer()
	k, u := median(known), median(unknown)
	b.ReportMetric(float64(k.Microseconds())/1000, "known-median-ms")
	b.ReportMetric(float64(u.Microseconds())/1000, "unknown-median-ms")
	b.ReportMetric(float64(u)/float64(k), "unknown/known")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
