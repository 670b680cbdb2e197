package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"reflect"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
)

// CSRFField is the form field that carries the token.
const CSRFField = "_csrf"

// CSRFHeader carries the token for script-driven requests.
const CSRFHeader = "X-CSRF-Token"

// SessionCookie is the base name of the sign-in session's cookie. The CSRF
// token is bound to its value, so a token is good for one session only.
const SessionCookie = "session"

const csrfStateKey = "groundwork.csrf"

// csrfGuard protects every unsafe method with a token bound to two things
// another site can neither read nor set (both cookies are HttpOnly,
// SameSite=Lax, and carry the __Host- prefix under https): a random secret
// in the CSRF cookie and the session cookie. The form echoes
// HMAC(key, secret, session) in the _csrf field. Signing in or out changes
// both, so a token seen before cannot be replayed after. Requests a browser
// marks as cross-site are refused outright.
type csrfGuard struct {
	key     []byte
	cookies CookiePolicy
}

// csrfState is one request's view of its CSRF secret.
type csrfState struct {
	guard  *csrfGuard
	secret string // "" until the request has or is given one
}

func (g *csrfGuard) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		st := &csrfState{guard: g}
		if ck, err := c.Cookie(g.cookies.Name("csrf")); err == nil && len(ck.Value) == secretLength {
			st.secret = ck.Value
		}
		c.Set(csrfStateKey, st)
		if !safeMethod(c.Request().Method) && routed(c) {
			if c.Request().Header.Get("Sec-Fetch-Site") == "cross-site" {
				return fault.Errorf(fault.CodeForbidden, "This form was sent from another website, so it was refused.")
			}
			sent := c.FormValue(CSRFField)
			if sent == "" {
				sent = c.Request().Header.Get(CSRFHeader)
			}
			if st.secret == "" || !hmac.Equal([]byte(g.token(c, st.secret)), []byte(sent)) {
				return fault.Errorf(fault.CodeForbidden, "This form has expired or did not come from this site. Go back, reload the page and try again.")
			}
		}
		return next(c)
	}
}

// secretLength is the length of a CSRF secret: 260 random bits in base32.
const secretLength = 52

// token is the form token for secret in the request's current session.
func (g *csrfGuard) token(c echo.Context, secret string) string {
	session := ""
	if ck, err := c.Cookie(g.cookies.Name(SessionCookie)); err == nil {
		session = ck.Value
	}
	// A session cookie set during this request (sign-in) wins over the one
	// the browser sent, so the page after sign-in carries a working token.
	for _, ck := range readSetCookies(c.Response().Header()) {
		if ck.Name == g.cookies.Name(SessionCookie) {
			session = ck.Value
		}
	}
	mac := hmac.New(sha256.New, g.key)
	mac.Write([]byte(secret))
	mac.Write([]byte{0})
	mac.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CSRFToken returns the token to put in forms. The secret cookie is set the
// first time a page asks for it, so static files and redirects send none.
func CSRFToken(c echo.Context) string {
	st, ok := c.Get(csrfStateKey).(*csrfState)
	if !ok {
		return ""
	}
	if st.secret == "" {
		st.newSecret(c)
	}
	return st.guard.token(c, st.secret)
}

// RotateCSRF gives the browser a new CSRF secret. Sign-in and sign-out call
// it, so no token from before either works after it.
func RotateCSRF(c echo.Context) {
	if st, ok := c.Get(csrfStateKey).(*csrfState); ok {
		st.newSecret(c)
	}
}

func (st *csrfState) newSecret(c echo.Context) {
	st.secret = rand.Text() + rand.Text()[:26]
	c.SetCookie(st.guard.cookies.Cookie(st.guard.cookies.Name("csrf"), st.secret, 0))
}

// readSetCookies parses the Set-Cookie headers already written to h.
func readSetCookies(h http.Header) []*http.Cookie {
	return (&http.Response{Header: http.Header{"Set-Cookie": h.Values("Set-Cookie")}}).Cookies()
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// routed reports whether the request matched a route for its method. An
// unknown URL or a wrong method changes nothing, so it gets its 404 or 405
// page without a CSRF check.
func routed(c echo.Context) bool {
	if c.Get(echo.ContextKeyHeaderAllow) != nil {
		return false
	}
	return reflect.ValueOf(c.Handler()).Pointer() != reflect.ValueOf(echo.NotFoundHandler).Pointer()
}
