package web

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"reflect"

	"github.com/labstack/echo/v4"
)

// CSRFField is the form field that carries the token.
const CSRFField = "_csrf"

// CSRFHeader carries the token for script-driven requests.
const CSRFHeader = "X-CSRF-Token"

const (
	csrfKey        = "groundwork.csrf"
	csrfCookiesKey = "groundwork.csrf.cookies"
)

// csrf protects every unsafe method with a double-submit token: a random
// value in a cookie that another site can neither read nor set (HttpOnly,
// SameSite=Lax, and the __Host- prefix under https), which the form must echo
// in the _csrf field. Requests a browser marks as cross-site are refused
// outright.
func csrf(cookies CookiePolicy) echo.MiddlewareFunc {
	name := cookies.Name("csrf")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			token := ""
			if ck, err := c.Cookie(name); err == nil && len(ck.Value) == 43 {
				token = ck.Value
			}
			if !safeMethod(c.Request().Method) && routed(c) {
				if c.Request().Header.Get("Sec-Fetch-Site") == "cross-site" {
					return Errorf(CodeForbidden, "This form was sent from another website, so it was refused.")
				}
				sent := c.FormValue(CSRFField)
				if sent == "" {
					sent = c.Request().Header.Get(CSRFHeader)
				}
				if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(sent)) != 1 {
					return Errorf(CodeForbidden, "This form has expired or did not come from this site. Go back, reload the page and try again.")
				}
			}
			c.Set(csrfKey, token)
			c.Set(csrfCookiesKey, cookies)
			return next(c)
		}
	}
}

// CSRFToken returns the token to put in forms. The cookie is set the first
// time a page asks for it, so static files and redirects send no cookie.
func CSRFToken(c echo.Context) string {
	if token, _ := c.Get(csrfKey).(string); token != "" {
		return token
	}
	cookies, ok := c.Get(csrfCookiesKey).(CookiePolicy)
	if !ok {
		return ""
	}
	token := rand.Text() + rand.Text()[:17]
	c.SetCookie(cookies.Cookie(cookies.Name("csrf"), token, 0))
	c.Set(csrfKey, token)
	return token
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
