package app

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"groundwork/courses"
	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/authoring"
	"groundwork/internal/catalog"
	"groundwork/internal/certificate"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/events"
	"groundwork/internal/home"
	"groundwork/internal/learning"
	"groundwork/internal/mail"
	"groundwork/internal/notify"
	"groundwork/internal/supervision"
	"groundwork/internal/voice"
	"groundwork/internal/web"
	"groundwork/static"
)

// App is a wired Groundwork server: its database, its Echo router and its
// metrics registry.
type App struct {
	Config   *Config
	Logger   *slog.Logger
	DB       *bun.DB
	Echo     *echo.Echo
	Metrics  *prometheus.Registry
	Accounts *account.Service
	Outbox   *mail.Outbox
	Courses  *catalog.Store
	// Supervision is the supervision capability: records, hours and
	// competency sign-off.
	Supervision *supervision.Service
	// Certificates issues and verifies certificates.
	Certificates *certificate.Service
	// Events runs public sessions.
	Events *events.Service
	// Voice runs client voice feedback rounds.
	Voice *voice.Service
	// Learning records enrolments, lessons, knowledge checks and
	// reflections.
	Learning *learning.Progress
	// Notify records notices and mails them: urgent ones at once, the
	// rest in a daily digest.
	Notify *notify.Notifier
	// Authoring keeps the curriculum written in the browser.
	Authoring *authoring.Service
	// Clock is the time every service reads.
	Clock clock.Clock

	passwords *account.Hasher // nil: account.Passwords
	metrics   atomic.Pointer[string]
	// draining is set once shutdown has begun: /readyz answers 503 while
	// the server still serves.
	draining atomic.Bool
	// health is the connection /readyz pings, apart from the pool that
	// requests queue for, so a busy server still reads as ready.
	health   *bun.DB
	healthMu sync.Mutex
	// downloads are the exports and archives in progress, which may outlast
	// the write timeout and which shutdown waits for.
	downloads *web.Downloads
}

// Option changes how New builds the App in ways no operator may choose;
// tests use them.
type Option func(*App)

// WithPasswords makes the App hash passwords with h instead of
// account.Passwords. Tests use a cheap hasher; configuration cannot.
func WithPasswords(h *account.Hasher) Option {
	return func(a *App) { a.passwords = h }
}

// New opens and migrates the database and builds the server. The caller
// must Close the App.
func New(ctx context.Context, cfg *Config, logger *slog.Logger, opts ...Option) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	conn, err := db.Open(ctx, cfg.DatabaseURL, db.Options{MaxOpenConns: cfg.DBMaxConns, ApplicationName: "groundwork"})
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Logger: logger, DB: conn, Clock: cfg.Clock,
		downloads: &web.Downloads{Timeout: cfg.DownloadTimeout}}
	if a.Clock == nil {
		a.Clock = clock.System
	}
	for _, opt := range opts {
		opt(a)
	}
	if err := a.build(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	applied, err := db.Migrate(ctx, a.DB)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		a.Logger.Info("applied migrations", slog.Any("names", applied))
	}
	if err := db.Optimize(ctx, a.DB); err != nil {
		return err
	}
	sessionKey, err := a.secret(ctx, "session_key", a.Config.SessionKey)
	if err != nil {
		return err
	}
	proxies, _ := a.Config.proxies()
	if err := a.loadCourses(); err != nil {
		return err
	}
	assets, renderer, err := parsePages()
	if err != nil {
		return err
	}
	a.Metrics = prometheus.NewRegistry()
	a.Metrics.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(a.DB.DB, "groundwork"),
	)
	a.Echo, err = web.NewEcho(web.Config{
		Logger:         a.Logger,
		Secure:         a.Config.Secure(),
		TrustedProxies: proxies,
		BodyLimit:      a.Config.BodyLimit,
		FlashKey:       sessionKey,
		Metrics:        web.NewMetrics(a.Metrics),
		Renderer:       renderer,
		Assets:         assets,
		Unavailable:    db.IsUnavailable,
		Downloads:      a.downloads,
	})
	if err != nil {
		return err
	}
	a.Echo.Use(web.DefaultZone(a.Config.TimeZone))
	a.Echo.GET("/healthz", healthz)
	a.Echo.GET("/readyz", a.readyz)
	if err := home.Routes(a.Echo, renderer); err != nil {
		return err
	}
	a.Notify = &notify.Notifier{DB: a.DB, Clock: a.Clock, BaseURL: strings.TrimRight(a.Config.BaseURL, "/"), DigestHour: a.Config.DigestHour}
	a.Supervision = &supervision.Service{DB: a.DB, Clock: a.Clock, Gap: time.Duration(a.Config.SupervisionGapWeeks) * 7 * 24 * time.Hour,
		Notices: a.Notify}
	a.Authoring = &authoring.Service{DB: a.DB, Clock: a.Clock, Store: a.Courses, Base: a.coursesBase(),
		SignOffs: a.Supervision, People: account.AuditPeople{DB: a.DB}, Logger: a.Logger}
	if err := a.Authoring.Refresh(ctx); err != nil {
		return err
	}
	if err := a.checkSignOffs(ctx); err != nil {
		return err
	}
	progress := &learning.Progress{DB: a.DB, SignOffs: a.Supervision, Supervision: a.Supervision, Clock: a.Clock,
		Notices: a.Notify, Courses: a.Courses}
	a.Notify.Source = progress
	a.Learning = progress
	if err := a.buildCertificates(ctx, progress); err != nil {
		return err
	}
	if err := catalog.Routes(a.Echo, renderer, a.Courses, progress); err != nil {
		return err
	}
	learning.Routes(a.Echo, a.Courses, progress, account.RequireSignIn)
	if err := learning.QuizRoutes(a.Echo, renderer, a.Courses, progress, account.RequireSignIn); err != nil {
		return err
	}
	if err := learning.ReflectionRoutes(a.Echo, renderer, a.Courses, progress, account.RequireSignIn); err != nil {
		return err
	}
	if err := learning.DashboardRoutes(a.Echo, renderer, a.Courses, progress, account.RequireSignIn); err != nil {
		return err
	}
	if err := supervision.Routes(a.Echo, renderer, a.Supervision, a.Courses, account.RequireSignIn); err != nil {
		return err
	}
	if err := a.buildVoice(renderer); err != nil {
		return err
	}
	if err := a.buildMail(); err != nil {
		return err
	}
	return a.buildAccounts(sessionKey, renderer, progress)
}

// embedded holds what is built from embedded files alone, once per
// process: the static files with their hashed names and the parsed
// templates. They cannot change, and every App takes its own pages (each
// with its own render cache) from the shared renderer.
var embedded struct {
	once     sync.Once
	assets   *web.Assets
	renderer *web.Renderer
	err      error
}

// parsePages returns the static files and the renderer of every page.
func parsePages() (*web.Assets, *web.Renderer, error) {
	embedded.once.Do(func() {
		assets, err := web.NewAssets(static.FS)
		if err != nil {
			embedded.err = fmt.Errorf("static files: %w", err)
			return
		}
		embedded.assets = assets
		embedded.renderer, embedded.err = web.NewRenderer(assets, home.Templates, account.Templates, mail.Templates, audit.Templates, authoring.Templates, catalog.Templates, learning.Templates, supervision.Templates, certificate.Templates, events.Templates, voice.Templates)
	})
	return embedded.assets, embedded.renderer, embedded.err
}

// builtIn is the embedded curriculum, loaded once per process: it cannot
// change, and a loaded catalogue is never modified, so every App in the
// process (tests start many) can share it.
var builtIn struct {
	once sync.Once
	c    *catalog.Catalog
	err  error
}

// loadCourses loads and checks the curriculum: the embedded copy, or the
// configured folder. A curriculum with problems stops the start.
func (a *App) loadCourses() error {
	var c *catalog.Catalog
	var err error
	if a.Config.CoursesDir != "" {
		c, err = catalog.Load(os.DirFS(a.Config.CoursesDir))
	} else {
		builtIn.once.Do(func() { builtIn.c, builtIn.err = catalog.Load(courses.FS) })
		c, err = builtIn.c, builtIn.err
	}
	if err != nil {
		return fmt.Errorf("the curriculum has problems (run `groundwork courses check`):\n%w", err)
	}
	a.Courses = catalog.NewStore(c)
	return nil
}

// coursesBase is the curriculum the local one is laid over: the built-in
// copy, or the configured folder.
func (a *App) coursesBase() fs.FS {
	if a.Config.CoursesDir != "" {
		return os.DirFS(a.Config.CoursesDir)
	}
	return courses.FS
}

// checkSignOffs refuses a curriculum that dropped a competency people have
// been signed off for: their records would point at nothing.
func (a *App) checkSignOffs(ctx context.Context) error {
	ids, err := a.Supervision.EverSignedOff(ctx)
	if err != nil {
		return err
	}
	if problems := catalog.CheckCompetencies(a.Courses.Catalog(), ids); len(problems) > 0 {
		return fmt.Errorf("the curriculum has problems (run `groundwork courses check --database-url ...`):\n%w", problems)
	}
	return nil
}

// buildAccounts wires sign-in, sessions and the admin pages.
func (a *App) buildAccounts(sessionKey []byte, renderer *web.Renderer, progress *learning.Progress) error {
	sessions := account.NewSessions(a.DB, sessionKey, web.CookiePolicy{Secure: a.Config.Secure()},
		a.Config.SessionIdle, a.Config.SessionMaxAge, a.Clock)
	a.Accounts = &account.Service{DB: a.DB, Sessions: sessions, Clock: a.Clock, Passwords: a.passwords, BaseURL: strings.TrimRight(a.Config.BaseURL, "/"),
		OnJoinCohort: func(ctx context.Context, tx bun.IDB, by, traineeID string) error {
			return progress.Enrol(ctx, tx, learning.ProgrammeScope, by, traineeID)
		},
		ShowInvitationLinks: !a.Outbox.Delivers(),
		Finished:            progress.Finished,
		// Deleting a person reaches every capability's tables, in one transaction.
		Forgetters: []account.Forgetter{account.ForgetFunc(learning.ForgetUser),
			account.ForgetFunc(supervision.ForgetUser), a.Certificates, account.ForgetFunc(notify.ForgetUser), a.Voice}}
	a.Echo.Use(sessions.Middleware)
	admin, err := account.Routes(a.Echo, renderer, a.Accounts)
	if err != nil {
		return err
	}
	if err := mail.Routes(admin, renderer, a.DB, a.Outbox); err != nil {
		return err
	}
	if err := learning.ReportRoutes(admin, renderer, a.Courses, progress); err != nil {
		return err
	}
	if err := learning.EnrolmentRoutes(admin, renderer, a.Courses, progress); err != nil {
		return err
	}
	// Curriculum editors who are not admins reach these pages too: the
	// authoring capability guards them itself.
	if err := authoring.Routes(a.Echo.Group("/admin/curriculum", account.RequireSignIn), renderer, a.Authoring); err != nil {
		return err
	}
	if err := a.certificateRoutes(admin, renderer); err != nil {
		return err
	}
	if err := a.buildEvents(admin, renderer); err != nil {
		return err
	}
	return audit.Routes(admin, renderer, a.DB, account.AuditPeople{DB: a.DB})
}

// buildMail sets up the outbox with SMTP when configured.
func (a *App) buildMail() error {
	sender := a.Config.Mailer
	if sender == nil && a.Config.SMTPHost != "" {
		smtp, err := mail.NewSMTPSender(mail.SMTPConfig{
			Host: a.Config.SMTPHost, Port: a.Config.SMTPPort,
			Username: a.Config.SMTPUsername, Password: a.Config.SMTPPassword,
			From: a.Config.SMTPFrom, TLS: a.Config.SMTPTLS,
		})
		if err != nil {
			return fmt.Errorf("GROUNDWORK_SMTP_HOST: %w", err)
		}
		sender = smtp
	}
	a.Outbox = mail.NewOutbox(a.DB, sender, a.Logger, a.Clock)
	return nil
}

// secret returns the named secret from configuration (base64, at least 32
// bytes) or, when none is configured, the one kept in the database.
func (a *App) secret(ctx context.Context, name, configured string) ([]byte, error) {
	if configured == "" {
		return db.Secret(ctx, a.DB, name, 64)
	}
	b, err := base64.StdEncoding.DecodeString(configured)
	if err != nil || len(b) < 32 {
		return nil, fmt.Errorf("GROUNDWORK_%s: must be base64 of at least 32 random bytes (try: openssl rand -base64 64)", upper(name))
	}
	return b, nil
}

func upper(s string) string { return EnvName(s)[len("GROUNDWORK_"):] }

// healthz reports that the process is alive.
func healthz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.String(http.StatusOK, "ok\n")
}

// readyz reports whether this process should be sent requests: not once
// shutdown has begun, and only while the database answers.
func (a *App) readyz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if a.draining.Load() {
		return c.String(http.StatusServiceUnavailable, "shutting down\n")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := a.pingHealth(ctx); err != nil {
		a.Logger.Warn("not ready: database does not answer", slog.String("error", err.Error()))
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

// pingHealth pings the database over the health connection, opened on
// first use (and again after a failed open).
func (a *App) pingHealth(ctx context.Context) error {
	a.healthMu.Lock()
	if a.health == nil {
		h, err := db.Open(context.WithoutCancel(ctx), a.Config.DatabaseURL,
			db.Options{MaxOpenConns: 1, ApplicationName: "groundwork-health"})
		if err != nil {
			a.healthMu.Unlock()
			return err
		}
		a.health = h
	}
	h := a.health
	a.healthMu.Unlock()
	return h.PingContext(ctx)
}

// Handler is the complete HTTP handler: the router behind compression.
func (a *App) Handler() http.Handler { return web.Compress(a.Echo) }

// Close releases the database.
func (a *App) Close() error {
	a.healthMu.Lock()
	if a.health != nil {
		_ = a.health.Close()
	}
	a.healthMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.Optimize(ctx, a.DB); err != nil {
		a.Logger.Warn("optimize database", slog.String("error", err.Error()))
	}
	return a.DB.Close()
}

// Serve answers HTTP on ln (and metrics on the metrics address, when set)
// until ctx is done, then stops accepting, lets in-flight requests finish
// within the shutdown grace period, and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      a.Config.WriteTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	a.announceSetup(ctx)
	background, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	go a.Outbox.Run(background, 10*time.Second)
	go a.Accounts.Sessions.PurgeLoop(background, 10*time.Minute, a.Logger)
	go a.Events.Run(background, 5*time.Minute)
	go a.Voice.Run(background, time.Minute)
	go db.KeepOptimized(background, a.DB, db.OptimizeEvery, a.Logger)
	if a.Outbox.Delivers() { // without SMTP a digest would only wait unsent
		go a.Notify.Run(background, 10*time.Minute, a.Logger)
	}
	go a.Authoring.Watch(background, a.Config.CurriculumReload)
	if a.Config.CoursesDir != "" {
		go a.Courses.Watch(background, a.Config.CoursesDir, time.Second, a.Logger)
	}
	servers := []*http.Server{srv}
	errc := make(chan error, 2)
	if a.Config.MetricsAddress != "" { // bound first, so it is known once the site answers
		msrv, err := a.serveMetrics(errc)
		if err != nil {
			return err
		}
		servers = append(servers, msrv)
	}
	go func() { errc <- srv.Serve(ln) }()
	a.Logger.Info("serving", slog.String("address", ln.Addr().String()), slog.String("base_url", a.Config.BaseURL))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.draining.Store(true)
	if d := a.Config.ShutdownDrain; d > 0 {
		a.Logger.Info("draining: /readyz answers 503", slog.Duration("drain", d))
		time.Sleep(d)
	}
	a.Logger.Info("shutting down", slog.Duration("grace", a.Config.ShutdownGrace))
	return a.shutdown(servers)
}

// shutdown stops accepting connections and lets requests in flight finish
// within the shutdown grace, and downloads (exports, certificate archives)
// within the longer download grace; whatever is still running then is cut,
// logged and returned as an error.
func (a *App) shutdown(servers []*http.Server) error {
	start := time.Now()
	graceCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownGrace)
	defer cancel()
	var errs []error
	for _, s := range servers {
		err := s.Shutdown(graceCtx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = a.finishDownloads(s, start)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// finishDownloads waits for the downloads in progress up to the download
// grace (counted from start), then closes what is left of s.
func (a *App) finishDownloads(s *http.Server, start time.Time) error {
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(max(a.Config.DownloadGrace, a.Config.ShutdownGrace)))
	defer cancel()
	finished := a.downloads.Wait(ctx)
	if finished {
		// The downloads are done; anything else has had its grace.
		last, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if s.Shutdown(last) == nil {
			return nil
		}
	}
	_ = s.Close()
	a.Logger.Error("shutdown cut requests still running", slog.Bool("downloads_finished", finished),
		slog.Duration("after", time.Since(start).Round(time.Millisecond)))
	return errors.New("shutdown: requests were still running after the grace and were cut")
}

func (a *App) serveMetrics(errc chan<- error) (*http.Server, error) {
	ln, err := net.Listen("tcp", a.Config.MetricsAddress)
	if err != nil {
		return nil, fmt.Errorf("metrics address: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(a.Metrics, promhttp.HandlerOpts{}))
	msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := msrv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	addr := ln.Addr().String()
	a.metrics.Store(&addr)
	a.Logger.Info("serving metrics", slog.String("address", addr))
	return msrv, nil
}

// MetricsAddress is the address metrics are served on once Serve has
// bound it (a port chosen by the system when the configured one is 0), or
// "" before then or without metrics.
func (a *App) MetricsAddress() string {
	if p := a.metrics.Load(); p != nil {
		return *p
	}
	return ""
}

// announceSetup logs a one-time link for creating the first admin while
// none exists.
func (a *App) announceSetup(ctx context.Context) {
	link, err := a.Accounts.SetupLink(ctx)
	if err != nil {
		a.Logger.Error("first-run setup link", slog.String("error", err.Error()))
		return
	}
	if link != "" {
		a.Logger.Warn("no admin yet: open this one-time link to create the first admin (valid 24 hours)", slog.String("url", link))
	}
}

// Run serves on the configured address until ctx is done.
func Run(ctx context.Context, cfg *Config, logger *slog.Logger) error {
	a, err := New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Address, err)
	}
	return a.Serve(ctx, ln)
}
