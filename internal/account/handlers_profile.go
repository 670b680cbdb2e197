package account

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"groundwork/internal/web"
)

// profilePage holds the three profile forms; only the one submitted carries
// values and errors.
type profilePage struct {
	User     *User
	Name     *web.Form
	Email    *web.Form
	Password *web.Form
	// Mail is the notification mail setting's form, set when it failed.
	Mail *web.Form
	// Zone is the time zone setting's form; Zones its choices.
	Zone  *web.Form
	Zones []string
}

func (h *handlers) profile(c echo.Context) error {
	return h.renderProfile(c, http.StatusOK, profilePage{})
}

func (h *handlers) renderProfile(c echo.Context, status int, p profilePage) error {
	u := CurrentUser(c)
	p.User = u
	if p.Name == nil {
		p.Name = web.NewForm()
		p.Name.Set("name", u.Name)
	}
	if p.Email == nil {
		p.Email = web.NewForm()
		p.Email.Set("email", u.Email)
	}
	if p.Password == nil {
		p.Password = web.NewForm()
	}
	if p.Zone == nil {
		p.Zone = timeZoneForm(c, u)
	}
	p.Zones = zoneChoices(c, u)
	return h.pages.Profile.Render(c, status, p)
}

func (h *handlers) changeName(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	nameField(f)
	if !f.Valid() {
		return h.renderProfile(c, http.StatusUnprocessableEntity, profilePage{Name: f})
	}
	if err := h.svc.ChangeName(c.Request().Context(), CurrentUser(c), f.Get("name")); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Your name has been changed.")
	return c.Redirect(http.StatusSeeOther, "/account")
}

func (h *handlers) changeEmail(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	emailField(f, "email")
	f.Required("current", "Enter your current password to confirm.")
	if f.Valid() {
		err = h.svc.ChangeEmail(c.Request().Context(), CurrentUser(c), f.Get("email"), f.Get("current"), c.RealIP())
		switch {
		case errors.Is(err, ErrWrongPassword):
			f.Fail("current", "Your current password is not correct.")
		case errors.Is(err, ErrEmailTaken):
			f.Fail("email", "Another account uses this email.")
		case err != nil:
			return err
		}
	}
	if !f.Valid() {
		clearSecrets(f)
		return h.renderProfile(c, http.StatusUnprocessableEntity, profilePage{Email: f})
	}
	web.AddFlash(c, "success", "Your email has been changed.")
	return c.Redirect(http.StatusSeeOther, "/account")
}

func (h *handlers) changePassword(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Required("current", "Enter your current password.")
	passwordFields(f)
	if f.Valid() {
		err = h.svc.ChangePassword(c.Request().Context(), CurrentUser(c), f.Get("current"), f.Get("password"),
			h.svc.Sessions.currentSessionID(c), c.RealIP())
		if errors.Is(err, ErrWrongPassword) {
			f.Fail("current", "Your current password is not correct.")
		} else if err != nil {
			return err
		}
	}
	if !f.Valid() {
		clearSecrets(f)
		return h.renderProfile(c, http.StatusUnprocessableEntity, profilePage{Password: f})
	}
	web.AddFlash(c, "success", "Your password has been changed, and you have been signed out on your other devices.")
	return c.Redirect(http.StatusSeeOther, "/account")
}

func (h *handlers) changeNotificationMail(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.OneOf("mail", "Choose whether to get notification mail.", "on", "off")
	if !f.Valid() {
		return h.renderProfile(c, http.StatusUnprocessableEntity, profilePage{Mail: f})
	}
	on := f.Get("mail") == "on"
	if err := h.svc.SetNotificationMail(c.Request().Context(), CurrentUser(c), on); err != nil {
		return err
	}
	if on {
		web.AddFlash(c, "success", "You will get notification mail.")
	} else {
		web.AddFlash(c, "success", "You will get no notification mail. Your dashboard still lists what needs you.")
	}
	return c.Redirect(http.StatusSeeOther, "/account")
}
