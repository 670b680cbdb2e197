package account

import (
	"embed"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
	"groundwork/internal/web"
)

//go:embed templates
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "account", FS: web.MustSub(templates, "templates")}

// handlers serves the account pages.
type handlers struct {
	svc     *Service
	pages   accountPages
	confirm *web.Page
}

// accountPages are the account pages, resolved at registration.
type accountPages struct {
	Signin       *web.Page `page:"signin"`
	Forgot       *web.Page `page:"forgot"`
	ForgotSent   *web.Page `page:"forgot_sent"`
	Reset        *web.Page `page:"reset"`
	Invitation   *web.Page `page:"invitation"`
	Setup        *web.Page `page:"setup"`
	Profile      *web.Page `page:"profile"`
	AdminUsers   *web.Page `page:"admin_users"`
	AdminInvite  *web.Page `page:"admin_invite"`
	AdminInvited *web.Page `page:"admin_invited"`
	AdminUser    *web.Page `page:"admin_user"`
	AdminDelete  *web.Page `page:"admin_delete"`
	AdminCohorts *web.Page `page:"admin_cohorts"`
	AdminCohort  *web.Page `page:"admin_cohort"`

	AdminInvitations   *web.Page `page:"admin_invitations"`
	AdminImport        *web.Page `page:"admin_import"`
	AdminImportPreview *web.Page `page:"admin_import_preview"`
	AdminImported      *web.Page `page:"admin_imported"`
}

// Routes mounts the account pages and returns the /admin group, guarded for
// admins, for other packages' admin pages.
func Routes(e *echo.Echo, r *web.Renderer, svc *Service) (*echo.Group, error) {
	h := &handlers{svc: svc}
	if err := r.Pages("account", &h.pages); err != nil {
		return nil, err
	}
	confirm, err := r.Page(web.ConfirmPage)
	if err != nil {
		return nil, err
	}
	h.confirm = confirm
	e.GET("/signin", h.signInForm)
	e.POST("/signin", h.signIn)
	e.POST("/signout", h.signOut)
	e.GET("/forgot", h.forgotForm)
	e.POST("/forgot", h.forgot)
	e.GET("/reset/:token", h.resetForm)
	e.POST("/reset/:token", h.reset)
	e.GET("/invitations/:token", h.invitationForm)
	e.POST("/invitations/:token", h.acceptInvitation)
	e.GET("/setup/:token", h.setupForm)
	e.POST("/setup/:token", h.setup)

	me := e.Group("/account", RequireSignIn)
	me.GET("", h.profile)
	me.POST("/name", h.changeName)
	me.POST("/email", h.changeEmail)
	me.POST("/password", h.changePassword)
	me.POST("/time-zone", h.changeTimeZone)
	me.POST("/notifications", h.changeNotificationMail)

	admin := e.Group("/admin", RequireRole(Admin))
	admin.GET("/users", h.users)
	admin.GET("/users/invite", h.inviteForm)
	admin.POST("/users/invite", h.invite)
	admin.GET("/users/:id", h.user)
	admin.POST("/users/:id/role", h.changeRole)
	admin.POST("/users/:id/active", h.setActive)
	admin.POST("/users/:id/editor", h.setEditor)
	admin.GET("/users/import", h.importForm)
	admin.POST("/users/import", h.importUpload)
	admin.POST("/users/import/confirm", h.importPeople)
	admin.GET("/users/:id/signout", h.signOutForm)
	admin.POST("/users/:id/signout", h.signOutEverywhere)
	admin.POST("/users/:id/supervisor", h.assignSupervisor)
	admin.GET("/users/:id/delete", h.deleteForm)
	admin.POST("/users/:id/delete", h.deleteUser)
	admin.GET("/cohorts", h.cohorts)
	admin.POST("/cohorts", h.createCohort)
	admin.GET("/cohorts/:id", h.cohort)
	admin.POST("/cohorts/:id", h.updateCohort)
	admin.POST("/cohorts/:id/members", h.addMembers)
	admin.GET("/cohorts/:id/members/:user/remove", h.removeMemberForm)
	admin.POST("/cohorts/:id/members/:user/remove", h.removeMember)
	admin.GET("/invitations", h.invitations)
	admin.POST("/invitations/:id/resend", h.resendInvitation)
	admin.GET("/invitations/:id/revoke", h.revokeInvitationForm)
	admin.POST("/invitations/:id/revoke", h.revokeInvitation)
	return admin, nil
}

// formPage is the data of a page with one form.
type formPage struct {
	Form *web.Form
	Data any
}

// badLink is the answer to an unknown, used or expired single-use link.
func badLink(err error) error {
	if errors.Is(err, errTokenInvalid) {
		return fault.Errorf(fault.CodeNotFound, "This link is not valid: it may have been used already or have expired. Ask for a new one.")
	}
	return err
}

// passwordFields checks a new password and its confirmation.
func passwordFields(f *web.Form) {
	if msg := CheckPassword(f.Get("password")); msg != "" {
		f.Fail("password", msg)
	}
	if f.Get("password") != f.Get("confirm") {
		f.Fail("confirm", "The two passwords are not the same.")
	}
}

// nameField checks a display name.
func nameField(f *web.Form) {
	f.Required("name", "Enter your name as colleagues know it.")
	f.MaxLength("name", 100)
}

// emailField checks an email address.
func emailField(f *web.Form, field string) {
	f.Required(field, "Enter an email address.")
	f.MaxLength(field, 254)
	f.Email(field)
}

// clearSecrets empties password fields before a form is shown again.
func clearSecrets(f *web.Form) {
	for _, k := range []string{"password", "confirm", "current", "new"} {
		f.Set(k, "")
	}
}

func (h *handlers) signInForm(c echo.Context) error {
	if CurrentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, landing(c.QueryParam("next")))
	}
	f := web.NewForm()
	f.Set("next", landing(c.QueryParam("next")))
	return h.pages.Signin.Render(c, http.StatusOK, formPage{Form: f})
}

func (h *handlers) signIn(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	emailField(f, "email")
	f.Required("password", "Enter your password.")
	f.MaxLength("password", MaxPasswordLength)
	if !f.Valid() {
		clearSecrets(f)
		return h.pages.Signin.Render(c, http.StatusUnprocessableEntity, formPage{Form: f})
	}
	user, err := h.svc.SignIn(c.Request().Context(), f.Get("email"), f.Get("password"), c.RealIP())
	var locked *LockedError
	switch {
	case errors.As(err, &locked):
		clearSecrets(f)
		f.Fail("email", fmt.Sprintf("Too many failed attempts. For your safety, sign-in is paused: try again in %d minutes, or reset your password.", locked.Minutes()))
		return h.pages.Signin.Render(c, http.StatusTooManyRequests, formPage{Form: f})
	case errors.Is(err, ErrSignInFailed):
		clearSecrets(f)
		f.Fail("email", "The email or password is not correct.")
		return h.pages.Signin.Render(c, http.StatusUnauthorized, formPage{Form: f})
	case err != nil:
		return err
	}
	if err := h.svc.Sessions.Start(c, user); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, landing(f.Get("next")))
}

// landing is where signing in leads: the page on this site that was asked
// for, or the dashboard when none was or the one asked for is elsewhere.
func landing(next string) string {
	if next != "" && web.LocalPath(next) == next {
		return next
	}
	return "/dashboard"
}

func (h *handlers) signOut(c echo.Context) error {
	if err := h.svc.SignOut(c); err != nil {
		return err
	}
	web.AddFlash(c, "success", "You have signed out.")
	return c.Redirect(http.StatusSeeOther, "/")
}

func (h *handlers) forgotForm(c echo.Context) error {
	return h.pages.Forgot.Render(c, http.StatusOK, formPage{Form: web.NewForm()})
}

func (h *handlers) forgot(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	emailField(f, "email")
	if !f.Valid() {
		return h.pages.Forgot.Render(c, http.StatusUnprocessableEntity, formPage{Form: f})
	}
	if err := h.svc.RequestReset(c.Request().Context(), CurrentUser(c), f.Get("email"), c.RealIP()); err != nil {
		return err
	}
	return h.pages.ForgotSent.Render(c, http.StatusOK, nil)
}

func (h *handlers) resetForm(c echo.Context) error {
	if err := h.svc.CheckResetLink(c.Request().Context(), c.Param("token")); err != nil {
		return badLink(err)
	}
	return h.pages.Reset.Render(c, http.StatusOK, formPage{Form: web.NewForm()})
}

func (h *handlers) reset(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	passwordFields(f)
	if !f.Valid() {
		clearSecrets(f)
		return h.pages.Reset.Render(c, http.StatusUnprocessableEntity, formPage{Form: f})
	}
	if err := h.svc.ResetPassword(c.Request().Context(), c.Param("token"), f.Get("password"), c.RealIP()); err != nil {
		return badLink(err)
	}
	web.AddFlash(c, "success", "Your password has been changed. Sign in with your new password.")
	return c.Redirect(http.StatusSeeOther, "/signin")
}

// invitationPage is what the invitation form shows.
type invitationPage struct {
	Email string
	Role  Role
}

func (h *handlers) invitationForm(c echo.Context) error {
	email, role, err := h.svc.Invitee(c.Request().Context(), c.Param("token"))
	if err != nil {
		return badLink(err)
	}
	return h.pages.Invitation.Render(c, http.StatusOK, formPage{Form: web.NewForm(), Data: invitationPage{email, role}})
}

func (h *handlers) acceptInvitation(c echo.Context) error {
	ctx := c.Request().Context()
	email, role, err := h.svc.Invitee(ctx, c.Param("token"))
	if err != nil {
		return badLink(err)
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	nameField(f)
	passwordFields(f)
	if !f.Valid() {
		clearSecrets(f)
		return h.pages.Invitation.Render(c, http.StatusUnprocessableEntity, formPage{Form: f, Data: invitationPage{email, role}})
	}
	_, err = h.svc.AcceptInvitation(ctx, c.Param("token"), f.Get("name"), f.Get("password"), c.RealIP())
	if errors.Is(err, ErrEmailTaken) {
		web.AddFlash(c, "info", "You already have an account. Sign in, or reset your password if you have forgotten it.")
		return c.Redirect(http.StatusSeeOther, "/signin")
	}
	if err != nil {
		return badLink(err)
	}
	web.AddFlash(c, "success", "Your account is ready. Sign in with your email and new password.")
	return c.Redirect(http.StatusSeeOther, "/signin")
}

func (h *handlers) setupForm(c echo.Context) error {
	if err := h.svc.CheckSetupLink(c.Request().Context(), c.Param("token")); err != nil {
		return badLink(err)
	}
	return h.pages.Setup.Render(c, http.StatusOK, formPage{Form: web.NewForm()})
}

func (h *handlers) setup(c echo.Context) error {
	if err := h.svc.CheckSetupLink(c.Request().Context(), c.Param("token")); err != nil {
		return badLink(err)
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	emailField(f, "email")
	nameField(f)
	passwordFields(f)
	if !f.Valid() {
		clearSecrets(f)
		return h.pages.Setup.Render(c, http.StatusUnprocessableEntity, formPage{Form: f})
	}
	user, err := h.svc.CompleteSetup(c.Request().Context(), c.Param("token"), f.Get("email"), f.Get("name"), f.Get("password"), c.RealIP())
	if err != nil {
		return badLink(err)
	}
	if err := h.svc.Sessions.Start(c, user); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Welcome. You are the first admin: invite your colleagues from Users.")
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

// dateInput formats an optional date for an <input type="date">.
func dateInput(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}
