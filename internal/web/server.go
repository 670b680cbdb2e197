package web

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/klauspost/compress/gzhttp"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"groundwork/internal/fault"
)

//go:embed templates
var kitTemplates embed.FS

// Config is what the kit needs to build a server.
type Config struct {
	Logger *slog.Logger
	// Secure is true when the public base URL is https.
	Secure bool
	// TrustedProxies lists the networks (CIDR) of reverse proxies whose
	// X-Forwarded-For header is believed. Empty means the client's own
	// address is used and X-Forwarded-For is ignored.
	TrustedProxies []*net.IPNet
	// BodyLimit caps request bodies, for example "1M".
	BodyLimit string
	// FlashKey signs flash cookies (at least 32 bytes).
	FlashKey []byte
	Metrics  *Metrics
	Renderer *Renderer
	Assets   *Assets
	// Unavailable reports whether an error without a code means a
	// dependency (the database) cannot be reached; such errors get the 503
	// page. Nil treats every such error as internal.
	Unavailable func(error) bool
	// Downloads, when set, lets handlers that call StartDownload outlast
	// the server's write timeout, and counts them for shutdown.
	Downloads *Downloads
}

// Cookies returns the cookie policy for this configuration.
func (cfg Config) Cookies() CookiePolicy { return CookiePolicy{Secure: cfg.Secure} }

// NewEcho returns an Echo server with the shared middleware, the central
// error handler and the static file route. Capability packages add routes.
func NewEcho(cfg Config) (*echo.Echo, error) {
	if len(cfg.FlashKey) < 32 {
		return nil, errors.New("web: flash key must be at least 32 bytes")
	}
	errorPage, err := cfg.Renderer.Page("web/error")
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = errorHandler(cfg.Logger, errorPage, cfg.Unavailable)

	codec := securecookie.New(cfg.FlashKey[:32], nil)
	codec.MaxAge(600)
	fl := &flashes{codec: codec, cookies: cfg.Cookies()}

	e.Use(
		middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: requestID}),
		observe(cfg.Logger, cfg.Metrics),
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: true, DisablePrintStack: true}),
		securityHeaders(cfg.Secure),
		middleware.BodyLimit(cfg.BodyLimit),
		fl.middleware,
		validUTF8,
		checkIDs,
		(&csrfGuard{key: cfg.FlashKey, cookies: cfg.Cookies()}).middleware,
	)
	if cfg.Downloads != nil {
		e.Use(cfg.Downloads.middleware)
	}
	e.Match([]string{http.MethodGet, http.MethodHead}, AssetPrefix+"*", cfg.Assets.Handler)
	return e, nil
}

// Compress wraps the server so that responses of 1 KiB or more are gzip
// (or zstd) compressed for clients that accept it. A handler that sets
// Content-Encoding itself (a page served from the render cache, say) is
// passed through untouched.
func Compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // the options are constant
	}
	return wrap(h)
}

// ipExtractor trusts X-Forwarded-For only from the configured proxies; with
// none, the TCP peer is the client, so a forged header changes nothing.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// requestID is a short random ID that people can quote from an error page.
func requestID() string { return rand.Text()[:16] }

// errorData is what the error page shows.
type errorData struct {
	Status  int
	Title   string
	Message string
}

// StatusClientClosed is the status logged for a request whose client gave
// up before it was answered (nginx's 499): nothing failed on our side.
const StatusClientClosed = 499

// errorHandler renders every error as a friendly page with the request ID.
// Internal errors are logged and replaced by a generic message; while the
// database is unavailable, one line every outageLogEvery says so and how
// many failed requests it stands for, instead of one line each.
func errorHandler(logger *slog.Logger, page *Page, unavailable func(error) bool) echo.HTTPErrorHandler {
	outage := &logLimiter{every: outageLogEvery}
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return // observe logs and counts it
		}
		if clientGone(c) {
			c.Response().Status = StatusClientClosed // no one is left to read a page
			return
		}
		status, message := classify(err, unavailable)
		if status >= 500 {
			logFailure(c, logger, outage, status, err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		data := errorData{Status: status, Title: errorTitle(status), Message: message}
		if rerr := page.Render(c, status, data); rerr != nil {
			logger.Error("render error page", slog.String("error", rerr.Error()))
			_ = c.String(status, fmt.Sprintf("%d %s", status, http.StatusText(status)))
		}
	}
}

// clientGone reports whether the client closed the connection or gave up
// before the request was answered.
func clientGone(c echo.Context) bool {
	return errors.Is(c.Request().Context().Err(), context.Canceled)
}

// outageLogEvery is how often a database outage is logged at most.
const outageLogEvery = 10 * time.Second

// logFailure logs a request that failed on our side; database outages
// through the limiter.
func logFailure(c echo.Context, logger *slog.Logger, outage *logLimiter, status int, err error) {
	attrs := []any{
		slog.String("id", c.Response().Header().Get(echo.HeaderXRequestID)),
		slog.String("route", c.Path()),
		slog.String("error", err.Error()),
	}
	if status == http.StatusServiceUnavailable {
		ok, suppressed := outage.allow(time.Now())
		if !ok {
			return
		}
		logger.ErrorContext(c.Request().Context(), "database unavailable",
			append(attrs, slog.Int("suppressed", suppressed))...)
		return
	}
	logger.ErrorContext(c.Request().Context(), "request failed", attrs...)
}

// logLimiter lets one log line through every period and counts the lines
// it held back in between.
type logLimiter struct {
	mu         sync.Mutex
	every      time.Duration
	last       time.Time
	suppressed int
}

// allow reports whether a line may be logged at now and, if so, how many
// were held back since the last one.
func (l *logLimiter) allow(now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.Sub(l.last) < l.every {
		l.suppressed++
		return false, 0
	}
	n := l.suppressed
	l.last, l.suppressed = now, 0
	return true, n
}

// classify returns the status and the message safe to show for err.
func classify(err error, unavailable func(error) bool) (int, string) {
	var de *fault.Error
	if errors.As(err, &de) {
		status := statusOf(de.Code)
		if status >= 500 {
			return status, defaultMessage(status)
		}
		return status, de.Message
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code, defaultMessage(he.Code)
	}
	if unavailable != nil && unavailable(err) {
		return http.StatusServiceUnavailable, defaultMessage(http.StatusServiceUnavailable)
	}
	return http.StatusInternalServerError, defaultMessage(http.StatusInternalServerError)
}

func errorTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Page not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusRequestEntityTooLarge:
		return "Too large"
	case http.StatusServiceUnavailable:
		return "Temporarily unavailable"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return http.StatusText(status)
}

func defaultMessage(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "We could not understand that request. Go back and try again."
	case http.StatusUnauthorized:
		return "Please sign in to see this page."
	case http.StatusForbidden:
		return "You do not have permission to see this page."
	case http.StatusNotFound:
		return "We could not find that page. It may have moved, or the address may be mistyped."
	case http.StatusMethodNotAllowed:
		return "This page does not accept that kind of request."
	case http.StatusRequestEntityTooLarge:
		return "What you sent is too large. Shorten it and try again."
	case http.StatusTooManyRequests:
		return "Too many attempts. Wait a few minutes and try again."
	case http.StatusServiceUnavailable:
		return "Groundwork cannot reach its database right now. Please try again in a minute."
	}
	if status >= 500 {
		return "Something went wrong on our side. It has been logged; please try again. If it keeps happening, tell your training lead and quote the reference below."
	}
	return http.StatusText(status)
}
