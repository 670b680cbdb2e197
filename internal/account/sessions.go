package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/clock"
	gwdb "groundwork/internal/db"
	"groundwork/internal/web"
)

// sessionName is the gorilla session name and the base of the cookie name.
const sessionName = web.SessionCookie

// touchEvery limits how often a request updates a session's last-seen time,
// so that most authenticated pages cost a single query.
const touchEvery = time.Minute

// sessionRow is a server-side session. ID is the SHA-256 of the random ID
// in the cookie.
type sessionRow struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID         string    `bun:"id,pk"`
	UserID     string    `bun:"user_id,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	LastSeenAt time.Time `bun:"last_seen_at,notnull"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	User       *User     `bun:"rel:belongs-to,join:user_id=id"`
}

// Sessions is a gorilla/sessions Store that keeps sessions in the database.
// The cookie holds only a signed random ID of 256 bits; sign-out,
// deactivation and password changes delete rows, which ends sessions at once.
type Sessions struct {
	db       *bun.DB
	codec    *securecookie.SecureCookie
	cookies  web.CookiePolicy
	idle     time.Duration
	absolute time.Duration
	clock    clock.Clock
	lookup   *gwdb.Statement // a session and its active user, by hashed ID
}

var _ sessions.Store = (*Sessions)(nil)

// NewSessions returns the store. key signs cookies (at least 32 bytes);
// idle and absolute are the session timeouts, measured on clk.
func NewSessions(db *bun.DB, key []byte, cookies web.CookiePolicy, idle, absolute time.Duration, clk clock.Clock) *Sessions {
	codec := securecookie.New(key[:32], nil)
	codec.MaxAge(int(absolute.Seconds()))
	lookup := gwdb.NewStatement(db, `SELECT `+gwdb.Columns(db, User{}, "u")+`,
       s.last_seen_at AS session_last_seen_at, s.expires_at AS session_expires_at
  FROM sessions AS s JOIN users AS u ON u.id = s.user_id
 WHERE s.id = $1 AND u.active`)
	return &Sessions{db: db, codec: codec, cookies: cookies, idle: idle, absolute: absolute, clock: clk, lookup: lookup}
}

// sessionUser is a row of the session lookup: the user and when their
// session was last seen and expires.
type sessionUser struct {
	User
	LastSeenAt time.Time `bun:"session_last_seen_at"`
	ExpiresAt  time.Time `bun:"session_expires_at"`
}

// userKey holds the loaded *User in a session's Values for this request
// only; it is never written anywhere.
type userKey struct{}

// Get returns the request's session, loading it once per request.
func (s *Sessions) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the request's cookie with its user in one
// query. A missing, forged, expired or idle session, or one whose user is
// deactivated, yields a new empty session.
func (s *Sessions) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.IsNew = true
	ck, err := r.Cookie(s.cookies.Name(name))
	if err != nil {
		return sess, nil
	}
	var id string
	if err := s.codec.Decode(name, ck.Value, &id); err != nil {
		return sess, nil
	}
	row, err := s.load(r.Context(), id)
	if err != nil || row == nil {
		return sess, err
	}
	sess.ID, sess.IsNew = id, false
	sess.Values[userKey{}] = row.User
	return sess, nil
}

// load returns the live session with hashed ID of id and its active user,
// or nil. It runs one prepared statement; the expiry and idle limits are
// checked on the row it returns.
func (s *Sessions) load(ctx context.Context, id string) (*sessionRow, error) {
	t := s.clock.Now()
	found, err := s.lookupRow(ctx, id)
	if err != nil || found == nil {
		return nil, err
	}
	if !found.ExpiresAt.After(t) || !found.LastSeenAt.After(t.Add(-s.idle)) {
		return nil, nil
	}
	row := &sessionRow{ID: hashID(id), UserID: found.ID, LastSeenAt: found.LastSeenAt, ExpiresAt: found.ExpiresAt, User: &found.User}
	if t.Sub(row.LastSeenAt) > touchEvery {
		if _, err := s.db.NewUpdate().Model((*sessionRow)(nil)).Set("last_seen_at = ?", t).
			Where("id = ?", row.ID).Exec(ctx); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return row, nil
}

// lookupRow runs the lookup and closes its rows before returning, so that
// touching the session does not need a second connection while the first
// is held.
func (s *Sessions) lookupRow(ctx context.Context, id string) (*sessionUser, error) {
	rows, err := s.lookup.Query(ctx, hashID(id))
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	found := new(sessionUser)
	if err := s.db.ScanRow(ctx, rows, found); err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	return found, rows.Close()
}

// Save writes sess: a session with MaxAge < 0 is deleted on the server and
// in the browser; a new session with a user gets a fresh random ID.
func (s *Sessions) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	name := s.cookies.Name(sess.Name())
	if sess.Options != nil && sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if _, err := s.db.NewDelete().Model((*sessionRow)(nil)).Where("id = ?", hashID(sess.ID)).Exec(r.Context()); err != nil {
				return fmt.Errorf("delete session: %w", err)
			}
		}
		http.SetCookie(w, s.cookies.Cookie(name, "", -1))
		return nil
	}
	user, _ := sess.Values[userKey{}].(*User)
	if !sess.IsNew || user == nil {
		return nil
	}
	id := rand.Text() + rand.Text() // 2 x 130 bits
	t := s.clock.Now()
	row := &sessionRow{ID: hashID(id), UserID: user.ID, CreatedAt: t, LastSeenAt: t, ExpiresAt: t.Add(s.absolute)}
	if _, err := s.db.NewInsert().Model(row).Exec(r.Context()); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	value, err := s.codec.Encode(sess.Name(), id)
	if err != nil {
		return fmt.Errorf("sign session cookie: %w", err)
	}
	sess.ID, sess.IsNew = id, false
	http.SetCookie(w, s.cookies.Cookie(name, value, 0))
	return nil
}

// hashID is what the database stores for a session ID.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// Start signs user in: it ends the request's current session, if any, and
// starts one with a new ID, so an ID planted before sign-in is worthless.
func (s *Sessions) Start(c echo.Context, user *User) error {
	if err := s.End(c); err != nil {
		return err
	}
	web.RotateCSRF(c)
	sess := sessions.NewSession(s, sessionName)
	sess.IsNew = true
	sess.Values[userKey{}] = user
	return s.Save(c.Request(), c.Response(), sess)
}

// End deletes the request's session on the server and in the browser.
func (s *Sessions) End(c echo.Context) error {
	sess, err := s.Get(c.Request(), sessionName)
	if err != nil {
		return err
	}
	sess.Options = &sessions.Options{MaxAge: -1}
	web.RotateCSRF(c)
	return s.Save(c.Request(), c.Response(), sess)
}

// EndAll deletes every session of userID except keep (a session ID from a
// cookie, or "" to end them all).
func (s *Sessions) EndAll(ctx context.Context, idb bun.IDB, userID, keep string) error {
	q := idb.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ?", userID)
	if keep != "" {
		q = q.Where("id <> ?", hashID(keep))
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

// currentSessionID returns the raw ID of the request's session, or "".
func (s *Sessions) currentSessionID(c echo.Context) string {
	sess, err := s.Get(c.Request(), sessionName)
	if err != nil || sess.IsNew {
		return ""
	}
	return sess.ID
}

// Purge deletes expired and idle sessions.
func (s *Sessions) Purge(ctx context.Context) (int64, error) {
	t := s.clock.Now()
	res, err := s.db.NewDelete().Model((*sessionRow)(nil)).
		WhereOr("expires_at <= ?", t).WhereOr("last_seen_at <= ?", t.Add(-s.idle)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	return res.RowsAffected()
}

const currentUserKey = "groundwork.user"

// Middleware loads the signed-in user, if any, for every request but static
// files, and makes them the page's viewer.
func (s *Sessions) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, web.AssetPrefix) {
			return next(c)
		}
		if _, err := c.Request().Cookie(s.cookies.Name(sessionName)); err != nil {
			return next(c) // no session cookie: a member of the public, no lookup
		}
		sess, err := s.Get(c.Request(), sessionName)
		if err != nil {
			return err
		}
		if user, ok := sess.Values[userKey{}].(*User); ok {
			c.Set(currentUserKey, user)
			web.SetViewer(c, user.Viewer())
		}
		return next(c)
	}
}

// CurrentUser returns the signed-in user, or nil.
func CurrentUser(c echo.Context) *User {
	u, _ := c.Get(currentUserKey).(*User)
	return u
}

// PurgeLoop runs Purge, the sign-in throttle clean-up and the removal of
// expired import previews every interval until ctx is done.
func (s *Sessions) PurgeLoop(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	clock.Every(ctx, interval, func(ctx context.Context) {
		if n, err := s.Purge(ctx); err != nil {
			logger.Warn("purge sessions", slog.String("error", err.Error()))
		} else if n > 0 {
			logger.Info("purged expired sessions", slog.Int64("count", n))
		}
		if err := purgeFailures(ctx, s.db, s.clock.Now()); err != nil {
			logger.Warn("purge sign-in failures", slog.String("error", err.Error()))
		}
		if err := purgePreviews(ctx, s.db, s.clock.Now()); err != nil {
			logger.Warn("purge import previews", slog.String("error", err.Error()))
		}
	})
}
