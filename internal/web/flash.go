package web

import (
	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"
)

// Flash is a one-time message shown on the next page, such as "Saved.".
type Flash struct {
	Kind    string // "success", "info" or "error"
	Message string
}

const (
	flashCodecKey = "groundwork.flash.codec"
	flashTakenKey = "groundwork.flash.taken"
	flashCookie   = "flash"
)

// flashes keeps flash messages in a short-lived signed cookie, so they work
// for members of the public without a server-side session.
type flashes struct {
	codec   *securecookie.SecureCookie
	cookies CookiePolicy
}

func (f *flashes) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(flashCodecKey, f)
		return next(c)
	}
}

// AddFlash queues a message for the next page the person sees.
func AddFlash(c echo.Context, kind, message string) {
	f, ok := c.Get(flashCodecKey).(*flashes)
	if !ok {
		return
	}
	list := append(f.read(c), Flash{Kind: kind, Message: message})
	value, err := f.codec.Encode(flashCookie, list)
	if err != nil {
		return
	}
	c.SetCookie(f.cookies.Cookie(f.cookies.Name(flashCookie), value, 0))
}

// TakeFlashes returns the queued messages and clears them.
func TakeFlashes(c echo.Context) []Flash {
	f, ok := c.Get(flashCodecKey).(*flashes)
	if !ok || c.Get(flashTakenKey) != nil {
		return nil
	}
	c.Set(flashTakenKey, true)
	list := f.read(c)
	if len(list) > 0 {
		c.SetCookie(f.cookies.Cookie(f.cookies.Name(flashCookie), "", -1))
	}
	return list
}

func (f *flashes) read(c echo.Context) []Flash {
	ck, err := c.Cookie(f.cookies.Name(flashCookie))
	if err != nil {
		return nil
	}
	var list []Flash
	if err := f.codec.Decode(flashCookie, ck.Value, &list); err != nil {
		return nil
	}
	return list
}
