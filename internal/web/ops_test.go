package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/web"
)

// TestAClientGivingUpIsNotAServerError: a client that closes the connection
// while its request waits on the database is logged as 499 at INFO, not as
// a failure of ours.
func TestAClientGivingUpIsNotAServerError(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	k.e.GET("/wait", func(c echo.Context) error {
		<-c.Request().Context().Done()
		return c.Request().Context().Err() // what a database driver returns
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, k.srv.URL+"/wait", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the request finished; want the client to give up")
	}
	line := waitForLog(t, k, `"route":"/wait"`)
	if !strings.Contains(line, `"status":499`) || !strings.Contains(line, `"level":"INFO"`) {
		t.Errorf("access line = %s; want status 499 at INFO", line)
	}
	if strings.Contains(k.logs.String(), "request failed") {
		t.Errorf("a client giving up was logged as a failure: %s", k.logs.String())
	}
}

// TestAnOutageIsLoggedOncePerPeriod: fifty requests failing because the
// database is down give one ERROR line that counts them, not fifty.
func TestAnOutageIsLoggedOncePerPeriod(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	for range 50 {
		resp, err := http.Get(k.srv.URL + "/down")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("/down = %d, want 503", resp.StatusCode)
		}
	}
	logs := k.logs.String()
	if n := strings.Count(logs, `"level":"ERROR"`); n != 1 {
		t.Errorf("%d ERROR lines for one outage, want 1:\n%s", n, logs)
	}
	if n := strings.Count(logs, `"msg":"database unavailable"`); n != 1 {
		t.Errorf("%d outage lines, want 1", n)
	}
	if n := strings.Count(logs, `"status":503`); n != 50 {
		t.Errorf("%d access lines for 503, want one per request (50)", n)
	}
}

// waitForLog waits for a log line containing s and returns it.
func waitForLog(t *testing.T, k *kit, s string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(k.logs.String(), "\n") {
			if strings.Contains(line, s) {
				return line
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no log line with %s in:\n%s", s, k.logs.String())
	return ""
}
