package web

import (
	"slices"
	"sync"
	"time"
	// The zone database goes into the binary, so times are right on hosts
	// without /usr/share/zoneinfo (minimal containers).
	_ "time/tzdata"

	"github.com/labstack/echo/v4"
)

// Zones lists the IANA time zones people choose from, west to east: the
// places a training organisation's staff and trainees are likely to be.
var Zones = []string{
	"Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Phoenix",
	"America/Chicago", "America/Mexico_City", "America/New_York", "America/Toronto", "America/Halifax",
	"America/St_Johns", "America/Sao_Paulo", "Atlantic/Reykjavik", "UTC", "Europe/London", "Europe/Dublin",
	"Europe/Lisbon", "Africa/Lagos", "Europe/Amsterdam", "Europe/Berlin", "Europe/Brussels", "Europe/Madrid",
	"Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Africa/Johannesburg", "Europe/Athens",
	"Europe/Helsinki", "Europe/Kyiv", "Africa/Nairobi", "Europe/Istanbul", "Asia/Dubai", "Asia/Karachi",
	"Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Singapore", "Asia/Hong_Kong", "Australia/Perth",
	"Asia/Tokyo", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
}

// ZoneChoices is Zones with extra (a setting already saved, the
// organisation's zone) added when missing, for a select.
func ZoneChoices(extra ...string) []string {
	out := slices.Clone(Zones)
	for _, z := range extra {
		if z != "" && !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	return out
}

var zoneCache sync.Map // name -> *time.Location

// LoadZone returns the IANA time zone name, or false when there is none by
// that name. Only canonical-looking names are accepted: "Local" and
// file paths are not zones.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" {
		return nil, false
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zoneCache.Store(name, loc)
	return loc, true
}

const defaultZoneKey = "groundwork.zone"

// DefaultZone makes zone the time zone of every request whose viewer has
// chosen none: the organisation's. An unknown name means UTC.
func DefaultZone(zone string) echo.MiddlewareFunc {
	loc, ok := LoadZone(zone)
	if !ok {
		loc = time.UTC
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(defaultZoneKey, loc)
			return next(c)
		}
	}
}

// ZoneOf is the time zone times are shown in for the request: the
// signed-in viewer's own, else the organisation's, else UTC.
func ZoneOf(c echo.Context) *time.Location {
	if v := ViewerFrom(c); v != nil {
		if loc, ok := LoadZone(v.TimeZone); ok {
			return loc
		}
	}
	return OrganisationZone(c)
}

// OrganisationZone is the organisation's time zone (DefaultZone), or UTC.
func OrganisationZone(c echo.Context) *time.Location {
	if loc, ok := c.Get(defaultZoneKey).(*time.Location); ok {
		return loc
	}
	return time.UTC
}

// Zone is the time zone the page shows times in (ZoneOf): templates pass it
// to date and datetime, as in {{datetime .At $.Zone}}.
func (v View) Zone() *time.Location {
	if v.c == nil {
		return time.UTC
	}
	return ZoneOf(v.c)
}

// inZone is t in the first of zones, or in UTC when none is given.
func inZone(t time.Time, zones []*time.Location) time.Time {
	if len(zones) > 0 && zones[0] != nil {
		return t.In(zones[0])
	}
	return t.UTC()
}
