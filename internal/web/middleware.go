package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"groundwork/internal/fault"
)

// contentSecurityPolicy allows only our own scripts, styles and images (Pico
// CSS uses data: URIs for its icons), and forbids framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(hsts bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if hsts {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			return next(c)
		}
	}
}

// observe handles each request's error through the central error handler,
// then logs one line and updates the metrics. It logs the route pattern,
// never the raw URL: paths and query strings can hold tokens or personal data.
//
// An error after the response has started (a CSV, ZIP or calendar that
// fails halfway) cannot become an error page: it is logged and counted, and
// the connection is aborted, so the client sees a failed download instead of
// a short file that looks whole.
func observe(logger *slog.Logger, m *Metrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			var interrupted error
			if err := next(c); err != nil {
				if c.Response().Committed {
					interrupted = err
				} else {
					c.Error(err)
				}
			}
			elapsed := time.Since(start)
			route, method, status := routeOf(c), methodLabel(c.Request().Method), c.Response().Status
			attrs := []slog.Attr{
				slog.String("id", c.Response().Header().Get(echo.HeaderXRequestID)),
				slog.String("method", method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", c.Response().Size),
				slog.Duration("duration", elapsed),
				slog.String("ip", c.RealIP()),
			}
			level := slog.LevelInfo
			switch {
			case interrupted != nil && clientGone(c):
				level = slog.LevelWarn
				attrs = append(attrs, slog.String("error", "response interrupted: the client went away"))
			case interrupted != nil:
				level = slog.LevelError
				attrs = append(attrs, slog.String("error", "response interrupted: "+interrupted.Error()))
			case status == http.StatusServiceUnavailable:
				level = slog.LevelWarn // the error handler logs the outage itself, rate-limited
			case status >= 500:
				level = slog.LevelError
			}
			if m != nil {
				m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
				m.latency.WithLabelValues(route, method).Observe(elapsed.Seconds())
				if interrupted != nil {
					m.interrupted.WithLabelValues(route).Inc()
				}
			}
			logger.LogAttrs(c.Request().Context(), level, "request", attrs...)
			if interrupted != nil {
				panic(http.ErrAbortHandler) // net/http closes the connection without ending the body
			}
			return nil
		}
	}
}

// methodLabel is the request's method for logs and metrics: one of the
// methods HTTP defines, or "OTHER", so a client cannot create label values.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// routeOf returns the matched route pattern, or a fixed label for requests
// that matched none (so unknown URLs cannot flood logs or metrics labels).
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" && c.Response().Status != http.StatusNotFound {
		return p
	}
	return "unmatched"
}

// Metrics holds the Prometheus collectors for HTTP traffic.
type Metrics struct {
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	interrupted *prometheus.CounterVec
}

// NewMetrics registers the HTTP collectors with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "groundwork_http_requests_total",
			Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "groundwork_http_request_duration_seconds",
			Help:    "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		interrupted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "groundwork_http_responses_interrupted_total",
			Help: "Responses that failed after they had started (downloads cut short), by route.",
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency, m.interrupted)
	return m
}

// validUTF8 refuses a request whose query or form holds invalid UTF-8, so no
// handler ever stores or echoes broken text.
func validUTF8(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !utf8.ValidString(c.Request().URL.RawQuery) || !valuesUTF8(c.QueryParams()) {
			return fault.Errorf(fault.CodeInvalid, "The address contains characters we cannot read.")
		}
		if !safeMethod(c.Request().Method) && isForm(c.Request()) {
			form, err := c.FormParams()
			if err != nil {
				return formError(err)
			}
			if !valuesUTF8(form) {
				return fault.Errorf(fault.CodeInvalid, "The form contains characters we cannot read. Check the text and try again.")
			}
		}
		return next(c)
	}
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get(echo.HeaderContentType)
	return strings.HasPrefix(ct, echo.MIMEApplicationForm) || strings.HasPrefix(ct, echo.MIMEMultipartForm)
}

func valuesUTF8(values map[string][]string) bool {
	for k, vs := range values {
		if !utf8.ValidString(k) {
			return false
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

// RateLimit limits requests per client address (as the trusted-proxy
// configuration extracts it) to cfg, answering the rest with 429 and
// message. Each replica counts on its own.
func RateLimit(cfg middleware.RateLimiterMemoryStoreConfig, message string) echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:        middleware.NewRateLimiterMemoryStoreWithConfig(cfg),
		ErrorHandler: func(echo.Context, error) error { return fault.NotFound() },
		DenyHandler: func(echo.Context, string, error) error {
			return fault.Errorf(fault.CodeTooMany, "%s", message)
		},
	})
}

// idParams names the route parameters that hold record IDs (UUIDs).
var idParams = map[string]bool{"id": true, "user": true, "trainee": true, "attempt": true}

// IsID reports whether s is a record ID: a UUID in its canonical form.
func IsID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// checkIDs answers 404 for a request whose ID route parameters are not
// IDs, before any handler can pass them to SQL (PostgreSQL would refuse
// them with an error that quotes the input).
func checkIDs(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for i, name := range c.ParamNames() {
			if idParams[name] && !IsID(c.ParamValues()[i]) {
				return fault.NotFound()
			}
		}
		return next(c)
	}
}
