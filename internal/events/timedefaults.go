package events

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/web"
)

// DefaultLength is how long a session lasts when its form gives no end.
const DefaultLength = 2 * time.Hour

// fillTimeDefaults fills the session form's empty times before it is
// read: registration opens now and closes when the session starts, which
// ends DefaultLength after it starts. A form without a valid zone or start
// is left for fromForm to report.
func fillTimeDefaults(f *web.Form, now time.Time) {
	loc, ok := web.LoadZone(strings.TrimSpace(f.Get("time_zone")))
	if !ok {
		return
	}
	if f.Get("opens_at") == "" {
		f.Set("opens_at", now.In(loc).Format(localLayout))
	}
	start, err := time.ParseInLocation(localLayout, f.Get("starts_at"), loc)
	if err != nil {
		return
	}
	if f.Get("ends_at") == "" {
		f.Set("ends_at", start.Add(DefaultLength).In(loc).Format(localLayout))
	}
	if f.Get("closes_at") == "" {
		f.Set("closes_at", f.Get("starts_at"))
	}
}

// zoneChoices are the time zones the session form offers: the usual ones,
// the organisation's and the form's own when it is a real zone.
func zoneChoices(c echo.Context, f *web.Form) []string {
	extra := []string{web.OrganisationZone(c).String()}
	if z := strings.TrimSpace(f.Get("time_zone")); z != "" {
		if _, ok := web.LoadZone(z); ok {
			extra = append(extra, z)
		}
	}
	return web.ZoneChoices(extra...)
}
