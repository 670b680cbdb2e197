package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"groundwork/internal/fault"
	"groundwork/internal/web"
	"groundwork/static"
)

// testPages is a package of pages for these tests.
var testPages = web.Source{Namespace: "test", FS: fstest.MapFS{
	"form.html": {Data: []byte(`{{define "title"}}Form{{end}}{{define "content"}}<form method="post">{{template "csrf" .}}` +
		`{{template "field" (.Data.Field "email" "Email" "email" "email")}}{{template "field" (.Data.Field "password" "Password" "password" "")}}</form>{{end}}`)},
	"plain.html": {Data: []byte(`{{define "content"}}<p>plain {{.Data}}</p>{{end}}`)},
}}

type kit struct {
	e       *echo.Echo
	srv     *httptest.Server
	logs    *syncBuffer
	metrics *prometheus.Registry
}

// syncBuffer is a log buffer the server's goroutines write while a test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newKit(t *testing.T, cfg web.Config) *kit {
	t.Helper()
	assets, err := web.NewAssets(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	r, err := web.NewRenderer(assets, testPages)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	cfg.FlashKey = bytes.Repeat([]byte("k"), 32)
	cfg.BodyLimit = "1K"
	cfg.Renderer, cfg.Assets = r, assets
	reg := prometheus.NewRegistry()
	cfg.Metrics = web.NewMetrics(reg)
	e, err := web.NewEcho(cfg)
	if err != nil {
		t.Fatal(err)
	}
	form := r.MustPage("test/form")
	plain := r.MustPage("test/plain")
	e.GET("/form", func(c echo.Context) error { return form.Render(c, 200, web.NewForm()) })
	// /signin does what signing in does to the cookies: a new session and
	// a new CSRF secret, then a page with a form.
	e.POST("/signin", func(c echo.Context) error {
		web.RotateCSRF(c)
		c.SetCookie(&http.Cookie{Name: "gw_session", Value: "alice-signed-in", Path: "/"})
		return form.Render(c, 200, web.NewForm())
	})
	e.POST("/form", func(c echo.Context) error {
		f, err := web.ParseForm(c)
		if err != nil {
			return err
		}
		f.Required("email", "Enter an email.")
		f.Email("email")
		if !f.Valid() {
			return form.Render(c, http.StatusUnprocessableEntity, f)
		}
		web.AddFlash(c, "success", "Saved.")
		return c.Redirect(http.StatusSeeOther, "/plain")
	})
	e.GET("/plain", func(c echo.Context) error { return plain.Render(c, 200, c.RealIP()) })
	e.GET("/things/:token", func(c echo.Context) error { return plain.Render(c, 200, "thing") })
	e.GET("/records/:id", func(c echo.Context) error { return plain.Render(c, 200, "record "+c.Param("id")) })
	e.GET("/export.csv", func(c echo.Context) error {
		web.StartCSV(c, "export.csv")
		_, err := io.WriteString(c.Response(), "name\nZoë Łukasz 山田\n")
		return err
	})
	e.GET("/broken.csv", func(c echo.Context) error {
		web.StartCSV(c, "broken.csv")
		_, _ = io.WriteString(c.Response(), "name\nfirst row\n")
		c.Response().Flush()
		return errors.New("database went away after the first row")
	})
	e.GET("/panic", func(c echo.Context) error { panic("secret panic detail") })
	e.GET("/fail", func(c echo.Context) error { return errors.New("secret database password leaked") })
	e.GET("/down", func(c echo.Context) error { return fault.Errorf(fault.CodeUnavailable, "x") })
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &kit{e: e, srv: srv, logs: logs, metrics: reg}
}

func (k *kit) do(t *testing.T, method, path, contentType, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, k.srv.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

const formType = "application/x-www-form-urlencoded"

func TestErrorPages(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		title                           string
	}{
		{"invalid utf-8 in query", "GET", "/plain?q=%ff", "", "", 400, "Bad Request"},
		{"invalid utf-8 in form", "POST", "/form", formType, "email=%ff", 400, "Bad Request"},
		{"missing csrf", "POST", "/form", formType, "email=a@b.org", 403, "Not allowed"},
		{"unknown route", "GET", "/nowhere", "", "", 404, "Page not found"},
		{"wrong method", "DELETE", "/plain", "", "", 405, "Method Not Allowed"},
		{"body too large", "POST", "/form", formType, "email=" + strings.Repeat("a", 4000), 413, "Too large"},
		{"panic", "GET", "/panic", "", "", 500, "Something went wrong"},
		{"internal error", "GET", "/fail", "", "", 500, "Something went wrong"},
		{"unavailable", "GET", "/down", "", "", 503, "Temporarily unavailable"},
	}
	for _, tc := range cases {
		resp, body := k.do(t, tc.method, tc.path, tc.ctype, tc.body, nil)
		id := resp.Header.Get("X-Request-Id")
		switch {
		case resp.StatusCode != tc.status:
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		case !strings.Contains(body, "<h1>"+tc.title+"</h1>"):
			t.Errorf("%s: page lacks title %q", tc.name, tc.title)
		case id == "" || !strings.Contains(body, id):
			t.Errorf("%s: page does not show request ID %q", tc.name, id)
		case strings.Contains(body, "secret"):
			t.Errorf("%s: page shows internals", tc.name)
		case resp.Header.Get("Cache-Control") != "no-store":
			t.Errorf("%s: error page may be cached", tc.name)
		}
	}
	if !strings.Contains(k.logs.String(), "secret database password leaked") {
		t.Error("internal errors must be logged for operators")
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		k := newKit(t, web.Config{Secure: secure})
		resp, _ := k.do(t, "GET", "/plain", "", "", nil)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP = %q", csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Error("nosniff or Referrer-Policy missing")
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); (hsts != "") != secure {
			t.Errorf("secure=%v: HSTS = %q", secure, hsts)
		}
	}
}

var formToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfOf returns the CSRF cookie a response set and the token of its form.
func csrfOf(t *testing.T, resp *http.Response, page string) (*http.Cookie, string) {
	t.Helper()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "gw_csrf") {
			cookie = c
		}
	}
	m := formToken.FindStringSubmatch(page)
	if cookie == nil || m == nil {
		t.Fatalf("no CSRF cookie or token: cookie %+v\n%s", cookie, page)
	}
	return cookie, m[1]
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	resp, page := k.do(t, "GET", "/form", "", "", nil)
	cookie, token := csrfOf(t, resp, page)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Fatalf("csrf cookie = %+v", cookie)
	}
	if token == cookie.Value || strings.Contains(page, cookie.Value) {
		t.Fatal("the page shows the cookie's secret; it must show only the token derived from it")
	}
	withCookie := http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}
	if resp, _ := k.do(t, "POST", "/form", formType, "_csrf=wrong&email=a@b.org", withCookie); resp.StatusCode != 403 {
		t.Errorf("wrong token = %d", resp.StatusCode)
	}
	if resp, _ := k.do(t, "POST", "/form", formType, "_csrf="+cookie.Value+"&email=a@b.org", withCookie); resp.StatusCode != 403 {
		t.Errorf("the cookie's own value as token = %d, want 403", resp.StatusCode)
	}
	if resp, _ := k.do(t, "POST", "/form", formType, "_csrf="+token+"&email=a@b.org", withCookie); resp.StatusCode != 303 {
		t.Errorf("right token = %d", resp.StatusCode)
	}
	header := http.Header{"Cookie": withCookie["Cookie"], "X-Csrf-Token": {token}}
	if resp, _ := k.do(t, "POST", "/form", formType, "email=a@b.org", header); resp.StatusCode != 303 {
		t.Errorf("token in header = %d", resp.StatusCode)
	}
	cross := http.Header{"Cookie": withCookie["Cookie"], "Sec-Fetch-Site": {"cross-site"}}
	if resp, _ := k.do(t, "POST", "/form", formType, "_csrf="+token+"&email=a@b.org", cross); resp.StatusCode != 403 {
		t.Errorf("cross-site post with a token = %d", resp.StatusCode)
	}
	if resp, _ := k.do(t, "GET", "/plain", "", "", nil); len(resp.Cookies()) != 0 {
		t.Error("a page without forms set a cookie")
	}

	secure := newKit(t, web.Config{Secure: true})
	resp, _ = secure.do(t, "GET", "/form", "", "", nil)
	if c := resp.Cookies(); len(c) != 1 || c[0].Name != "__Host-gw_csrf" || !c[0].Secure {
		t.Errorf("https cookie = %+v", c)
	}
}

// TestCSRFTokenIsBoundToTheSession shows that a token works only with the
// session it was issued in, and that signing in (a new session cookie and
// a rotated secret) makes every earlier token worthless.
func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	alice := http.Header{"Cookie": {"gw_session=alice"}}
	resp, page := k.do(t, "GET", "/form", "", "", alice)
	cookie, token := csrfOf(t, resp, page)
	post := func(session, secret, token string) int {
		h := http.Header{"Cookie": {"gw_session=" + session + "; gw_csrf=" + secret}}
		resp, _ := k.do(t, "POST", "/form", formType, "_csrf="+token+"&email=a@b.org", h)
		return resp.StatusCode
	}
	if got := post("alice", cookie.Value, token); got != 303 {
		t.Fatalf("token in its own session = %d, want 303", got)
	}
	if got := post("mallory", cookie.Value, token); got != 403 {
		t.Errorf("token replayed with another session = %d, want 403", got)
	}
	if got := post("", cookie.Value, token); got != 403 {
		t.Errorf("token replayed without the session = %d, want 403", got)
	}

	resp, page = k.do(t, "POST", "/signin", formType, "_csrf="+token, http.Header{"Cookie": {"gw_session=alice; gw_csrf=" + cookie.Value}})
	if resp.StatusCode != 200 {
		t.Fatalf("sign in = %d\n%s", resp.StatusCode, page)
	}
	rotated, fresh := csrfOf(t, resp, page)
	if rotated.Value == cookie.Value || fresh == token {
		t.Fatal("signing in kept the CSRF secret or token")
	}
	if got := post("alice-signed-in", rotated.Value, token); got != 403 {
		t.Errorf("token from before sign-in = %d, want 403", got)
	}
	if got := post("alice-signed-in", rotated.Value, fresh); got != 303 {
		t.Errorf("token from the page after sign-in = %d, want 303", got)
	}
}

func TestFormsKeepValuesAndFlashShowsOnce(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	resp, page := k.do(t, "GET", "/form", "", "", nil)
	cookie, token := csrfOf(t, resp, page)
	withCookie := http.Header{"Cookie": {"gw_csrf=" + cookie.Value}}
	form := url.Values{"_csrf": {token}, "email": {"  not-an-email  "}, "password": {"hunter2hunter2"}}
	resp, body := k.do(t, "POST", "/form", formType, form.Encode(), withCookie)
	if resp.StatusCode != 422 || !strings.Contains(body, `value="not-an-email"`) || !strings.Contains(body, `aria-invalid="true"`) ||
		!strings.Contains(body, `aria-describedby="f-email-error"`) || strings.Contains(body, "hunter2") {
		t.Fatalf("re-rendered form: %d\n%s", resp.StatusCode, body)
	}
	form.Set("email", "a@example.org")
	resp, _ = k.do(t, "POST", "/form", formType, form.Encode(), withCookie)
	var flash *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "gw_flash" {
			flash = c
		}
	}
	if flash == nil {
		t.Fatal("no flash cookie")
	}
	resp, body = k.do(t, "GET", "/plain", "", "", http.Header{"Cookie": {"gw_flash=" + flash.Value}})
	if !strings.Contains(body, `role="status">Saved.`) {
		t.Fatal("flash not shown")
	}
	cleared := false
	for _, c := range resp.Cookies() {
		cleared = cleared || (c.Name == "gw_flash" && c.MaxAge < 0)
	}
	if !cleared {
		t.Fatal("flash not cleared after showing")
	}
}

func TestClientIPAndTrustedProxies(t *testing.T) {
	t.Parallel()
	forged := http.Header{"X-Forwarded-For": {"203.0.113.9"}}
	direct := newKit(t, web.Config{})
	if _, body := direct.do(t, "GET", "/plain", "", "", forged); !strings.Contains(body, "plain 127.0.0.1") {
		t.Errorf("with no trusted proxy, a forged header was believed: %s", body)
	}
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	proxied := newKit(t, web.Config{TrustedProxies: []*net.IPNet{loopback}})
	if _, body := proxied.do(t, "GET", "/plain", "", "", forged); !strings.Contains(body, "plain 203.0.113.9") {
		t.Errorf("behind a trusted proxy, the client address was not used: %s", body)
	}
	_, other, _ := net.ParseCIDR("10.0.0.0/8")
	untrusted := newKit(t, web.Config{TrustedProxies: []*net.IPNet{other}})
	if _, body := untrusted.do(t, "GET", "/plain", "", "", forged); !strings.Contains(body, "plain 127.0.0.1") {
		t.Errorf("a peer outside the trusted proxies was believed: %s", body)
	}
}

func TestLogsNeverHoldURLs(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	k.do(t, "GET", "/things/secret-token-123?email=someone@example.org", "", "", nil)
	logs := k.logs.String()
	if !strings.Contains(logs, `"route":"/things/:token"`) {
		t.Fatalf("no route in the log: %s", logs)
	}
	if strings.Contains(logs, "secret-token-123") || strings.Contains(logs, "someone@example.org") {
		t.Fatalf("the log holds the URL: %s", logs)
	}
}

func TestIDParamsAreCheckedBeforeHandlers(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	for _, bad := range []string{"1", "x'%20OR%201=1--", "0190a0a0-0000-7000-8000-00000000000", "%00", "0190A0A000007000800000000000000001"} {
		if resp, body := k.do(t, "GET", "/records/"+bad, "", "", nil); resp.StatusCode != 404 || strings.Contains(body, "record ") {
			t.Errorf("/records/%s = %d, want 404 before the handler", bad, resp.StatusCode)
		}
	}
	id := "0190a0a0-0000-7000-8000-000000000001"
	if resp, body := k.do(t, "GET", "/records/"+id, "", "", nil); resp.StatusCode != 200 || !strings.Contains(body, "record "+id) {
		t.Errorf("/records/<uuid> = %d", resp.StatusCode)
	}
}

func TestAssetsAreCachedByHash(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	_, page := k.do(t, "GET", "/plain", "", "", nil)
	i := strings.Index(page, "/static/css/groundwork.css?v=")
	if i < 0 {
		t.Fatal("no hashed stylesheet URL")
	}
	u := page[i : i+strings.IndexByte(page[i:], '"')]
	resp, _ := k.do(t, "GET", u, "", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset = %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	resp, _ = k.do(t, "GET", "/static/css/groundwork.css", "", "", http.Header{"If-None-Match": {resp.Header.Get("Etag")}})
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation = %d, want 304", resp.StatusCode)
	}
	if resp, _ := k.do(t, "GET", "/static/css/nothing.css", "", "", nil); resp.StatusCode != 404 {
		t.Fatalf("unknown asset = %d", resp.StatusCode)
	}
}

func TestRendererFailsAtStart(t *testing.T) {
	t.Parallel()
	assets, _ := web.NewAssets(static.FS)
	noContent := web.Source{Namespace: "bad", FS: fstest.MapFS{"x.html": {Data: []byte(`{{define "title"}}x{{end}}`)}}}
	if _, err := web.NewRenderer(assets, noContent); err == nil {
		t.Error("a page without content was accepted")
	}
	broken := web.Source{Namespace: "bad", FS: fstest.MapFS{"x.html": {Data: []byte(`{{define "content"}}{{.Nope`)}}}
	if _, err := web.NewRenderer(assets, broken); err == nil {
		t.Error("a template that does not parse was accepted")
	}
	r, _ := web.NewRenderer(assets, testPages)
	if _, err := r.Page("test/missing"); err == nil {
		t.Error("a missing page was found")
	}
}

func TestPagesResolvesAtRegistration(t *testing.T) {
	t.Parallel()
	assets, _ := web.NewAssets(static.FS)
	r, err := web.NewRenderer(assets, testPages)
	if err != nil {
		t.Fatal(err)
	}
	var views struct {
		Form  *web.Page `page:"form"`
		Plain *web.Page `page:"plain"`
		Other string
	}
	if err := r.Pages("test", &views); err != nil || views.Form == nil || views.Plain == nil {
		t.Fatalf("Pages = %v, %+v", err, views)
	}
	var missing struct {
		Typo *web.Page `page:"from"`
	}
	if err := r.Pages("test", &missing); err == nil || !strings.Contains(err.Error(), "test/from") {
		t.Errorf("a misnamed page = %v, want an error naming it", err)
	}
	var unexported struct {
		form *web.Page `page:"form"`
	}
	if err := r.Pages("test", &unexported); err == nil || unexported.form != nil {
		t.Error("an unexported page field was accepted")
	}
	if err := r.Pages("test", views); err == nil {
		t.Error("a struct passed by value was accepted")
	}
}

func TestCSVCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "Aroha Ngata": "Aroha Ngata", "": "", "a=b": "a=b",
	} {
		if got := web.CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVStartsWithAByteOrderMark(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	resp, body := k.do(t, "GET", "/export.csv", "", "", nil)
	if resp.StatusCode != 200 || body != web.ByteOrderMark+"name\nZoë Łukasz 山田\n" {
		t.Fatalf("export = %d %q", resp.StatusCode, body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
}

// TestInterruptedDownloadFailsForTheClient shows that an error after a
// download has started is logged, counted and reaches the client as a
// broken transfer, not as a short file that looks complete.
func TestInterruptedDownloadFailsForTheClient(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	resp, err := http.Get(k.srv.URL + "/broken.csv")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Fatalf("the client read a whole file (%q); want a failed transfer", body)
	}
	if !strings.Contains(string(body), "first row") {
		t.Errorf("the rows sent before the error are missing: %q", body)
	}
	logs := k.logs.String()
	if !strings.Contains(logs, `"level":"ERROR"`) || !strings.Contains(logs, "response interrupted: database went away") ||
		!strings.Contains(logs, `"route":"/broken.csv"`) {
		t.Errorf("the interruption is not logged: %s", logs)
	}
	if got := counter(t, k.metrics, "groundwork_http_responses_interrupted_total"); got != 1 {
		t.Errorf("interrupted responses counted = %v, want 1", got)
	}
}

// TestMadeUpMethodsAddNoMetricSeries sends requests with invented methods
// and checks the number of metric series stays put after the first.
func TestMadeUpMethodsAddNoMetricSeries(t *testing.T) {
	t.Parallel()
	k := newKit(t, web.Config{})
	send := func(method string) {
		req, _ := http.NewRequest(method, k.srv.URL+"/plain", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	send("BREW")
	before := series(t, k.metrics)
	for i := range 200 {
		send(fmt.Sprintf("M%03dX", i))
	}
	if after := series(t, k.metrics); after != before {
		t.Fatalf("metric series grew from %d to %d with made-up methods", before, after)
	}
}

// series counts the time series the registry exposes.
func series(t *testing.T, reg *prometheus.Registry) int {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range families {
		n += len(f.GetMetric())
	}
	return n
}

// counter sums the values of the counter named name.
func counter(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() == name {
			for _, m := range f.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}
