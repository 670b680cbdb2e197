package web

import (
	"net/http"
	"time"
)

// CookiePolicy sets the flags of every cookie Groundwork sends.
type CookiePolicy struct {
	// Secure is true when the site is served over https: cookies then get
	// the Secure flag and the __Host- name prefix.
	Secure bool
}

// Name returns the cookie name for base, prefixed with __Host- under https
// so that no subdomain can set or shadow it.
func (p CookiePolicy) Name(base string) string {
	if p.Secure {
		return "__Host-gw_" + base
	}
	return "gw_" + base
}

// Cookie returns a host-only, HttpOnly, SameSite=Lax cookie for the whole
// site. maxAge 0 makes a browser-session cookie; a negative one deletes it.
func (p CookiePolicy) Cookie(name, value string, maxAge time.Duration) *http.Cookie {
	ck := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   p.Secure,
		SameSite: http.SameSiteLaxMode,
	}
	switch {
	case maxAge > 0:
		ck.MaxAge = int(maxAge.Seconds())
	case maxAge < 0:
		ck.MaxAge = -1
	}
	return ck
}
