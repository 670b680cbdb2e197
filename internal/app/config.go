// Package app holds Groundwork's configuration and wiring: it opens the
// database, builds the stores and the Echo server, and runs them.
package app

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/mail"
	"groundwork/internal/web"
)

// Config is everything an operator can set. Each field has an environment
// variable GROUNDWORK_<NAME> and a flag --<name> with the same meaning; a
// flag wins over the variable.
type Config struct {
	Address         string
	DatabaseURL     string
	BaseURL         string
	TrustedProxies  string
	LogFormat       string
	LogLevel        string
	MetricsAddress  string
	ShutdownGrace   time.Duration
	ShutdownDrain   time.Duration
	DownloadGrace   time.Duration
	WriteTimeout    time.Duration
	DownloadTimeout time.Duration
	DBMaxConns      int
	BodyLimit       string
	SessionKey      string
	SessionIdle     time.Duration
	SessionMaxAge   time.Duration
	SMTPHost        string
	SMTPPort        int
	SMTPUsername    string
	SMTPPassword    string
	SMTPFrom        string
	SMTPTLS         string
	CoursesDir      string
	// CurriculumReload is how often each replica asks the database whether
	// a new version of the local curriculum was published.
	CurriculumReload time.Duration
	// SupervisionGapWeeks is how long a trainee may go without a
	// supervision session before their supervisor sees them flagged.
	SupervisionGapWeeks int
	// DigestHour is the hour of the day (UTC) from which each person's
	// daily digest of notices is mailed.
	DigestHour int
	// Organisation is the name certificates are issued in; Logo is a PNG
	// or JPEG file printed on them.
	Organisation string
	Logo         string
	// TimeZone is the organisation's IANA time zone: the zone of people
	// who have not chosen their own, of pages for the public, and the
	// default of new public sessions.
	TimeZone string
	// CredentialKey is the base64 Ed25519 seed that signs credentials.
	CredentialKey string
	// ReminderHours is how long before a public session registrants are
	// reminded; RetentionDays how long after it their details are kept.
	ReminderHours int
	RetentionDays int
	// Mailer, when set, delivers mail instead of SMTP. It has no flag: it
	// is for programs that embed Groundwork, such as its tests.
	Mailer mail.Sender
	// Clock, when set, is the time every service reads instead of the
	// system clock. It has no flag: it is for tests that move time.
	Clock clock.Clock
}

// option describes one setting for flags, environment and documentation.
type option struct {
	name, def, usage string
	str              *string
	dur              *time.Duration
	num              *int
}

func (cfg *Config) options() []option {
	return []option{
		{name: "address", def: ":8080", usage: "address to listen on", str: &cfg.Address},
		{name: "database-url", def: "groundwork.db", usage: "a postgres:// URL, or a SQLite file path", str: &cfg.DatabaseURL},
		{name: "base-url", def: "http://localhost:8080", usage: "public URL of the site, used in links and emails; https turns on secure cookies and HSTS", str: &cfg.BaseURL},
		{name: "trusted-proxies", def: "", usage: "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted", str: &cfg.TrustedProxies},
		{name: "log-format", def: "text", usage: "log format: text or json", str: &cfg.LogFormat},
		{name: "log-level", def: "info", usage: "log level: debug, info, warn or error", str: &cfg.LogLevel},
		{name: "metrics-address", def: "", usage: "address for Prometheus metrics (empty: off), e.g. 127.0.0.1:9090", str: &cfg.MetricsAddress},
		{name: "shutdown-drain", def: "0s", usage: "after SIGTERM, how long /readyz answers 503 while the server still serves, so load balancers stop sending to it first", dur: &cfg.ShutdownDrain},
		{name: "shutdown-grace", def: "30s", usage: "how long in-flight requests may run after SIGTERM", dur: &cfg.ShutdownGrace},
		{name: "shutdown-download-grace", def: "10m", usage: "how long downloads in progress (exports, certificate archives) may run after SIGTERM", dur: &cfg.DownloadGrace},
		{name: "write-timeout", def: "2m", usage: "how long a page may take to send", dur: &cfg.WriteTimeout},
		{name: "download-timeout", def: "30m", usage: "how long one export or certificate archive may take to send", dur: &cfg.DownloadTimeout},
		{name: "db-max-conns", def: "20", usage: "maximum PostgreSQL connections per process", num: &cfg.DBMaxConns},
		{name: "body-limit", def: "1M", usage: "largest request body accepted", str: &cfg.BodyLimit},
		{name: "session-idle", def: "2h", usage: "a session ends after this long without a request", dur: &cfg.SessionIdle},
		{name: "session-max-age", def: "12h", usage: "a session ends this long after sign-in, however active", dur: &cfg.SessionMaxAge},
		{name: "smtp-host", def: "", usage: "SMTP server for outgoing mail (empty: mail stays in the outbox for admins to read)", str: &cfg.SMTPHost},
		{name: "smtp-port", def: "587", usage: "SMTP port", num: &cfg.SMTPPort},
		{name: "smtp-username", def: "", usage: "SMTP user name", str: &cfg.SMTPUsername},
		{name: "smtp-password", def: "", usage: "SMTP password", str: &cfg.SMTPPassword},
		{name: "smtp-from", def: "Groundwork <groundwork@localhost>", usage: "sender address of outgoing mail", str: &cfg.SMTPFrom},
		{name: "smtp-tls", def: "starttls", usage: "SMTP encryption: starttls, tls or none", str: &cfg.SMTPTLS},
		{name: "courses-dir", def: "", usage: "serve the curriculum from this folder, reloading on change, instead of the copy built in", str: &cfg.CoursesDir},
		{name: "curriculum-reload", def: "2s", usage: "how often to look for curriculum changes published in the browser (on this or another replica)", dur: &cfg.CurriculumReload},
		{name: "supervision-gap-weeks", def: "6", usage: "flag a trainee to their supervisor after this many weeks without a supervision session", num: &cfg.SupervisionGapWeeks},
		{name: "digest-hour", def: "7", usage: "hour of the day (UTC, 0 to 23) from which each person's daily mail of notices is sent", num: &cfg.DigestHour},
		{name: "organisation", def: "Groundwork", usage: "name of the organisation that issues certificates", str: &cfg.Organisation},
		{name: "time-zone", def: "Europe/London", usage: "the organisation's IANA time zone, e.g. Europe/London: times are shown in it to people who have not chosen their own", str: &cfg.TimeZone},
		{name: "logo", def: "", usage: "PNG or JPEG file printed on certificates (empty: none)", str: &cfg.Logo},
		{name: "credential-key", def: "", usage: "base64 of the 32-byte Ed25519 seed that signs digital badges (empty: generated once and kept in the database)", str: &cfg.CredentialKey},
		{name: "reminder-hours", def: "24", usage: "remind people registered for a public session this many hours before it (1 to 336)", num: &cfg.ReminderHours},
		{name: "retention-days", def: "90", usage: "delete registrants' personal details this many days after a public session (1 to 3650)", num: &cfg.RetentionDays},
		{name: "session-key", def: "", usage: "base64 secret of at least 32 bytes for signing cookies (empty: generated once and kept in the database)", str: &cfg.SessionKey},
	}
}

// EnvName returns the environment variable for a flag name.
func EnvName(flagName string) string {
	return "GROUNDWORK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Bind registers every setting on fs, with defaults taken from the
// environment when set. It fails when a variable holds a value of the wrong
// type; the rest is checked by Validate after parsing.
func (cfg *Config) Bind(fs *flag.FlagSet) error {
	for _, o := range cfg.options() {
		def := o.def
		if v, ok := os.LookupEnv(EnvName(o.name)); ok {
			def = v
		}
		usage := fmt.Sprintf("%s (env %s)", o.usage, EnvName(o.name))
		switch {
		case o.str != nil:
			fs.StringVar(o.str, o.name, def, usage)
		case o.dur != nil:
			d, err := time.ParseDuration(def)
			if err != nil {
				return fmt.Errorf("%s: not a duration like 30s: %q", EnvName(o.name), def)
			}
			fs.DurationVar(o.dur, o.name, d, usage)
		case o.num != nil:
			n, err := strconv.Atoi(def)
			if err != nil || n <= 0 {
				return fmt.Errorf("%s: not a positive number: %q", EnvName(o.name), def)
			}
			fs.IntVar(o.num, o.name, n, usage)
		}
	}
	return nil
}

// DefaultConfig returns the built-in defaults, ignoring the environment;
// tests and tools start from it.
func DefaultConfig() *Config {
	cfg := &Config{}
	fs := flag.NewFlagSet("defaults", flag.ContinueOnError)
	for _, o := range cfg.options() {
		switch {
		case o.str != nil:
			fs.StringVar(o.str, o.name, o.def, "")
		case o.dur != nil:
			d, _ := time.ParseDuration(o.def)
			fs.DurationVar(o.dur, o.name, d, "")
		case o.num != nil:
			n, _ := strconv.Atoi(o.def)
			fs.IntVar(o.num, o.name, n, "")
		}
	}
	return cfg
}

// Validate checks every value and reports the first problem in one line.
func (cfg *Config) Validate() error {
	if cfg.ShutdownGrace < 0 {
		return errors.New("GROUNDWORK_SHUTDOWN_GRACE: must not be negative")
	}
	if cfg.WriteTimeout <= 0 || cfg.DownloadTimeout < cfg.WriteTimeout {
		return errors.New("GROUNDWORK_WRITE_TIMEOUT: must be positive and no longer than GROUNDWORK_DOWNLOAD_TIMEOUT")
	}
	if cfg.DownloadGrace < 0 {
		return errors.New("GROUNDWORK_SHUTDOWN_DOWNLOAD_GRACE: must not be negative")
	}
	if cfg.ShutdownDrain < 0 || cfg.ShutdownDrain > 10*time.Minute {
		return errors.New("GROUNDWORK_SHUTDOWN_DRAIN: must be from 0s to 10m")
	}
	if cfg.SessionIdle <= 0 || cfg.SessionMaxAge < cfg.SessionIdle {
		return errors.New("GROUNDWORK_SESSION_IDLE: must be positive and no longer than GROUNDWORK_SESSION_MAX_AGE")
	}
	if cfg.CurriculumReload < 100*time.Millisecond || cfg.CurriculumReload > time.Hour {
		return errors.New("GROUNDWORK_CURRICULUM_RELOAD: must be from 100ms to 1h")
	}
	if cfg.SMTPTLS != "starttls" && cfg.SMTPTLS != "tls" && cfg.SMTPTLS != "none" {
		return fmt.Errorf("GROUNDWORK_SMTP_TLS: must be starttls, tls or none, not %q", cfg.SMTPTLS)
	}
	if cfg.SupervisionGapWeeks < 1 || cfg.SupervisionGapWeeks > 52 {
		return errors.New("GROUNDWORK_SUPERVISION_GAP_WEEKS: must be a number of weeks from 1 to 52")
	}
	if cfg.DigestHour < 0 || cfg.DigestHour > 23 {
		return errors.New("GROUNDWORK_DIGEST_HOUR: must be an hour from 0 to 23")
	}
	if n := len([]rune(strings.TrimSpace(cfg.Organisation))); n == 0 || n > 120 {
		return errors.New("GROUNDWORK_ORGANISATION: must be a name of 1 to 120 characters")
	}
	if _, ok := web.LoadZone(cfg.TimeZone); !ok {
		return fmt.Errorf("GROUNDWORK_TIME_ZONE: %q is not an IANA time zone such as Europe/London", cfg.TimeZone)
	}
	if _, err := cfg.credentialSeed(); err != nil {
		return err
	}
	if cfg.ReminderHours < 1 || cfg.ReminderHours > 336 {
		return errors.New("GROUNDWORK_REMINDER_HOURS: must be a number of hours from 1 to 336")
	}
	if cfg.RetentionDays < 1 || cfg.RetentionDays > 3650 {
		return errors.New("GROUNDWORK_RETENTION_DAYS: must be a number of days from 1 to 3650")
	}
	if cfg.DBMaxConns <= 0 {
		return errors.New("GROUNDWORK_DB_MAX_CONNS: must be a positive number")
	}
	if _, err := cfg.publicURL(); err != nil {
		return err
	}
	if _, err := cfg.proxies(); err != nil {
		return err
	}
	if _, err := cfg.logLevel(); err != nil {
		return err
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return fmt.Errorf("GROUNDWORK_LOG_FORMAT: must be text or json, not %q", cfg.LogFormat)
	}
	if db.IsPostgresURL(cfg.DatabaseURL) {
		if u, err := url.Parse(cfg.DatabaseURL); err != nil || u.Host == "" {
			return errors.New("GROUNDWORK_DATABASE_URL: malformed PostgreSQL URL (expected postgres://user:password@host:5432/dbname)")
		}
	} else if strings.Contains(cfg.DatabaseURL, "://") && !strings.HasPrefix(cfg.DatabaseURL, "sqlite://") {
		return errors.New("GROUNDWORK_DATABASE_URL: use a postgres:// URL or a SQLite file path")
	}
	return nil
}

// publicURL parses BaseURL.
func (cfg *Config) publicURL() (*url.URL, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("GROUNDWORK_BASE_URL: must be an http or https URL like https://training.example.org, not %q", cfg.BaseURL)
	}
	return u, nil
}

// Secure reports whether the site is served over https.
func (cfg *Config) Secure() bool { return strings.HasPrefix(cfg.BaseURL, "https://") }

func (cfg *Config) proxies() ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, s := range strings.Split(cfg.TrustedProxies, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			if strings.Contains(s, ":") {
				s += "/128"
			} else {
				s += "/32"
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("GROUNDWORK_TRUSTED_PROXIES: %q is not an IP address or CIDR", s)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

func (cfg *Config) logLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return 0, fmt.Errorf("GROUNDWORK_LOG_LEVEL: must be debug, info, warn or error, not %q", cfg.LogLevel)
	}
	return l, nil
}

// NewLogger returns the logger the configuration asks for, writing to w.
func (cfg *Config) NewLogger(w *os.File) *slog.Logger {
	level, _ := cfg.logLevel()
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
