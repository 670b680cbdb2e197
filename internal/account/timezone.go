package account

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// ErrUnknownZone refuses a time zone that is not one of the choices.
var ErrUnknownZone = fault.Errorf(fault.CodeInvalid, "Choose a time zone from the list.")

// SetTimeZone sets the zone user reads times in: one of choices, or ""
// for the organisation's.
func (s *Service) SetTimeZone(ctx context.Context, user *User, zone string, choices []string) error {
	if zone != "" {
		if _, ok := web.LoadZone(zone); !ok || !slices.Contains(choices, zone) {
			return ErrUnknownZone
		}
	}
	user.TimeZone = zone
	return s.updateUser(ctx, s.DB, user, "time_zone")
}

// zoneChoices are the zones a person may choose on their profile: the
// usual ones, the organisation's and the one they have.
func zoneChoices(c echo.Context, u *User) []string {
	return web.ZoneChoices(web.OrganisationZone(c).String(), u.TimeZone)
}

// timeZoneForm is the profile's time zone setting: the person's choice,
// or the organisation's zone when they have none.
func timeZoneForm(c echo.Context, u *User) *web.Form {
	f := web.NewForm()
	f.Set("time_zone", u.TimeZone)
	if u.TimeZone == "" {
		f.Set("time_zone", web.OrganisationZone(c).String())
	}
	return f
}

func (h *handlers) changeTimeZone(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	f.Required("time_zone", "Choose a time zone.")
	if f.Valid() {
		zone := f.Get("time_zone")
		if zone == web.OrganisationZone(c).String() {
			zone = "" // follows the organisation's zone
		}
		if err := h.svc.SetTimeZone(c.Request().Context(), u, zone, zoneChoices(c, u)); !f.FailOn(err, "time_zone") && err != nil {
			return err
		}
	}
	if !f.Valid() {
		return h.renderProfile(c, http.StatusUnprocessableEntity, profilePage{Zone: f})
	}
	web.AddFlash(c, "success", "Times are now shown in "+f.Get("time_zone")+".")
	return c.Redirect(http.StatusSeeOther, "/account")
}
