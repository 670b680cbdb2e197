package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/db"
)

// testConfig is the test configuration (apptest) with a short shutdown.
func testConfig(t *testing.T) *app.Config {
	t.Helper()
	cfg := apptest.Config(t)
	cfg.Address = "127.0.0.1:0"
	cfg.ShutdownGrace = 5 * time.Second
	cfg.DBMaxConns = 4
	return cfg
}

func newApp(t *testing.T, cfg *app.Config) *app.App {
	t.Helper()
	return apptest.New(t, cfg)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestHomeHealthAndReadiness(t *testing.T) {
	t.Parallel()
	a := newApp(t, testConfig(t))
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	if code, body := get(t, srv.URL+"/"); code != 200 || !strings.Contains(body, "drug and alcohol services") {
		t.Fatalf("home = %d", code)
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz = %d", code)
	}
	if code, _ := get(t, srv.URL+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	a.Close() // the database goes away, for requests and the health check alike
	if code, _ := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database gone = %d, want 503", code)
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz with the database gone = %d, want 200 (the process is alive)", code)
	}
}

func TestSecondStartReusesDatabase(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	first := newApp(t, cfg)
	key1, err := db.Secret(context.Background(), first.DB, "session_key", 64)
	if err != nil {
		t.Fatal(err)
	}
	first.Close()

	second := newApp(t, cfg)
	key2, err := db.Secret(context.Background(), second.DB, "session_key", 64)
	if err != nil {
		t.Fatal(err)
	}
	if string(key1) != string(key2) {
		t.Fatal("a restart generated a new session key; signed cookies would all break")
	}
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t, testConfig(t))
	started, release := make(chan struct{}), make(chan struct{})
	a.Echo.GET("/slow", func(c echo.Context) error {
		close(started)
		<-release
		return c.String(http.StatusOK, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	type result struct {
		code int
		body string
	}
	done := make(chan result, 1)
	go func() {
		code, body := get(t, "http://"+ln.Addr().String()+"/slow")
		done <- result{code, body}
	}()
	<-started
	stop() // SIGTERM arrives while /slow runs

	select {
	case err := <-served:
		t.Fatalf("Serve returned %v before the in-flight request finished", err)
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("the server still accepts new connections while shutting down")
	}
	close(release)
	if r := <-done; r.code != 200 || r.body != "finished" {
		t.Fatalf("in-flight request got %d %q", r.code, r.body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v, want a clean shutdown", err)
	}
}

func TestValidateReportsBadSettings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*app.Config)
		want string
	}{
		{"malformed postgres url", func(c *app.Config) { c.DatabaseURL = "postgres://%zz" }, "GROUNDWORK_DATABASE_URL"},
		{"postgres url without host", func(c *app.Config) { c.DatabaseURL = "postgres:///db" }, "GROUNDWORK_DATABASE_URL"},
		{"unknown scheme", func(c *app.Config) { c.DatabaseURL = "mysql://x/y" }, "GROUNDWORK_DATABASE_URL"},
		{"base url", func(c *app.Config) { c.BaseURL = "localhost" }, "GROUNDWORK_BASE_URL"},
		{"proxy", func(c *app.Config) { c.TrustedProxies = "10.0.0.0/8, nonsense" }, "GROUNDWORK_TRUSTED_PROXIES"},
		{"log level", func(c *app.Config) { c.LogLevel = "loud" }, "GROUNDWORK_LOG_LEVEL"},
		{"log format", func(c *app.Config) { c.LogFormat = "xml" }, "GROUNDWORK_LOG_FORMAT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := app.DefaultConfig()
			if err := cfg.Validate(); err != nil {
				t.Fatalf("baseline config invalid: %v", err)
			}
			tc.edit(cfg)
			err := cfg.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Validate = %v, want one line starting %s", err, tc.want)
			}
		})
	}
}

func TestConfiguredSessionKeyMustBeStrong(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.SessionKey = "c2hvcnQ=" // "short"
	_, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "GROUNDWORK_SESSION_KEY") {
		t.Fatalf("New with a weak session key = %v", err)
	}
}

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.MetricsAddress = "127.0.0.1:0" // held by the server from the start
	a := newApp(t, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go a.Serve(ctx, ln)
	site := "http://" + ln.Addr().String()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if code, _ := getQuiet(site + "/readyz"); code == 200 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	get(t, site+"/")
	get(t, site+"/no-such-page")
	code, body := get(t, "http://"+a.MetricsAddress()+"/metrics")
	for _, want := range []string{
		`groundwork_http_requests_total{method="GET",route="/",status="200"}`,
		`groundwork_http_requests_total{method="GET",route="unmatched",status="404"}`,
		`groundwork_http_request_duration_seconds_bucket`,
		`go_sql_open_connections{db_name="groundwork"}`,
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if code, _ := get(t, site+"/metrics"); code != http.StatusNotFound {
		t.Errorf("metrics are public on the site: %d", code)
	}
}

func getQuiet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestReadyzTurnsAwayBeforeTheListenerCloses: after SIGTERM, /readyz answers
// 503 for the drain period while the server still serves, so a load
// balancer stops sending requests before connections are refused.
func TestReadyzTurnsAwayBeforeTheListenerCloses(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.ShutdownDrain = 600 * time.Millisecond
	a := newApp(t, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("readyz before shutdown = %d", code)
	}
	stop()
	deadline := time.Now().Add(cfg.ShutdownDrain / 2)
	for {
		code, body := get(t, base+"/readyz")
		if code == http.StatusServiceUnavailable && strings.Contains(body, "shutting down") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz while draining = %d %q, want 503", code, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, _ := get(t, base+"/"); code != 200 {
		t.Fatalf("a page while draining = %d, want 200: the server still serves", code)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("the listener is still open after shutdown")
	}
}
