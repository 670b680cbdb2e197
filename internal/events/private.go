package events

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groundwork/internal/certificate"
	"groundwork/internal/events/ics"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// registrationData is a registrant's private page.
type registrationData struct {
	Registration *Registration
	Event        *Event
	Token        string
	Certificate  *certificate.Certificate
	VerifyURL    string
	FeedbackOpen bool
	Form         *web.Form
	Now          time.Time
	Questions    []question
}

// question is one rating on the feedback form.
type question struct {
	Name, Label, Hint string
	Scale             []int
}

// questions are the feedback form's ratings.
var questions = []question{
	{"usefulness", "How useful was the session for you?", "1: not useful; 5: very useful", []int{1, 2, 3, 4, 5}},
	{"clarity", "How clear was it?", "1: hard to follow; 5: very clear", []int{1, 2, 3, 4, 5}},
	{"recommend", "How likely are you to recommend it to a colleague?", "0: not at all likely; 10: extremely likely", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
}

// owned loads the registration of the token in the URL and its session.
// The private link is the registrant's key; it is never cached.
func (p *pages) owned(c echo.Context) (*Registration, *Event, error) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	reg, err := p.svc.ByToken(c.Request().Context(), c.Param("token"))
	if err != nil {
		return nil, nil, err
	}
	ev, err := Get(c.Request().Context(), p.svc.DB, reg.EventID)
	return reg, ev, err
}

func (p *pages) registration(c echo.Context) error {
	reg, ev, err := p.owned(c)
	if err != nil {
		return err
	}
	return p.renderRegistration(c, http.StatusOK, reg, ev, web.NewForm())
}

func (p *pages) renderRegistration(c echo.Context, status int, reg *Registration, ev *Event, f *web.Form) error {
	d := registrationData{Registration: reg, Event: ev, Token: c.Param("token"), Form: f,
		Now: p.svc.Clock.Now(), Questions: questions}
	cert, err := certificate.OfRegistration(c.Request().Context(), p.svc.DB, reg.ID)
	switch {
	case err == nil:
		d.Certificate, d.VerifyURL = cert, p.svc.Certificates.VerifyURL(cert)
	case !fault.IsNotFound(err):
		return err
	}
	d.FeedbackOpen = reg.Attended != nil && *reg.Attended && !reg.FeedbackGiven
	return p.views.Registration.Render(c, status, d)
}

// cancelConfirmation asks a registrant before cancelling their place.
func cancelConfirmation(token string, ev *Event, reg *Registration) web.Confirmation {
	effects := []string{"Your place at “" + ev.Title + "” is given up."}
	if reg.Status == Waitlisted {
		effects = []string{"You leave the waitlist for “" + ev.Title + "”."}
	} else {
		effects = append(effects, "The first person on the waitlist, if any, is offered your place.")
	}
	effects = append(effects, "To come after all, you would need to register again, if places remain.")
	return web.Confirmation{Title: "Cancel your registration?", Effects: effects,
		Action: "/registrations/" + token + "/cancel", Button: "Yes, cancel my registration",
		Back: "/registrations/" + token, BackLabel: "No, keep my registration"}
}

// cancelForm asks the registrant to confirm cancelling.
func (p *pages) cancelForm(c echo.Context) error {
	reg, ev, err := p.owned(c)
	if err != nil {
		return err
	}
	return web.RenderConfirmation(c, p.confirm, http.StatusOK, cancelConfirmation(c.Param("token"), ev, reg))
}

func (p *pages) cancel(c echo.Context) error {
	reg, ev, err := p.owned(c)
	if err != nil {
		return err
	}
	if ok, err := web.Confirm(c, p.confirm, cancelConfirmation(c.Param("token"), ev, reg)); !ok {
		return err
	}
	if err := p.svc.Cancel(c.Request().Context(), reg); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Your registration is cancelled. Thank you for letting us know: your place goes to the next person waiting.")
	return c.Redirect(http.StatusSeeOther, "/registrations/"+c.Param("token"))
}

// forgetConfirmation asks a registrant before deleting their details.
func (p *pages) forgetConfirmation(c echo.Context, ev *Event, reg *Registration) (web.Confirmation, error) {
	token := c.Param("token")
	effects := []string{"Your name, email, organisation and access needs for “" + ev.Title + "” are deleted, with any mail to you not yet sent."}
	if reg.Status != Withdrawn {
		effects = append(effects, "Your place is cancelled.")
	}
	_, err := certificate.OfRegistration(c.Request().Context(), p.svc.DB, reg.ID)
	switch {
	case err == nil:
		effects = append(effects, "Your certificate of attendance is withdrawn: it will show as revoked to anyone who checks it, without your name.")
	case !fault.IsNotFound(err):
		return web.Confirmation{}, err
	}
	effects = append(effects, "Any feedback you gave stays, as it was never linked to you.", "This private link stops working.")
	return web.Confirmation{Title: "Delete your details?", Effects: effects,
		Action: "/registrations/" + token + "/forget", Button: "Yes, delete my details",
		Back: "/registrations/" + token, BackLabel: "No, keep my details"}, nil
}

// forgetForm asks the registrant to confirm deleting their details.
func (p *pages) forgetForm(c echo.Context) error {
	reg, ev, err := p.owned(c)
	if err != nil {
		return err
	}
	d, err := p.forgetConfirmation(c, ev, reg)
	if err != nil {
		return err
	}
	return web.RenderConfirmation(c, p.confirm, http.StatusOK, d)
}

func (p *pages) forget(c echo.Context) error {
	reg, ev, err := p.owned(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if !f.Confirmed() {
		d, err := p.forgetConfirmation(c, ev, reg)
		if err != nil {
			return err
		}
		return web.RenderConfirmation(c, p.confirm, web.RefuseUnconfirmed, d)
	}
	if err := p.svc.Forget(c.Request().Context(), reg); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Your registration is deleted: we no longer hold your name, email, organisation or access needs for this session, nor any mail to you about it.")
	return c.Redirect(http.StatusSeeOther, "/sessions/"+ev.ID)
}

// invitation downloads the calendar invitation.
func (p *pages) invitation(c echo.Context) error {
	reg, ev, err := p.owned(c)
	if err != nil {
		return err
	}
	inv := p.svc.invite(ev, reg)
	c.Response().Header().Set(echo.HeaderContentType, "text/calendar; charset=utf-8; method="+method(inv))
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="session.ics"`)
	c.Response().WriteHeader(http.StatusOK)
	return ics.Write(c.Response(), inv)
}

func method(e ics.Event) string {
	if e.Cancelled {
		return "CANCEL"
	}
	return "REQUEST"
}

// certificate downloads the registrant's certificate of attendance.
func (p *pages) certificate(c echo.Context) error {
	reg, _, err := p.owned(c)
	if err != nil {
		return err
	}
	cert, err := certificate.OfRegistration(c.Request().Context(), p.svc.DB, reg.ID)
	if err != nil {
		return err
	}
	body, err := p.svc.Certificates.PDF(cert)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="certificate-`+cert.Number+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", body)
}

// feedback takes the anonymous feedback form.
func (p *pages) feedback(c echo.Context) error {
	reg, ev, err := p.owned(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	a := Answer{Usefulness: rating(f, "usefulness", 1, 5), Clarity: rating(f, "clarity", 1, 5),
		Recommend: rating(f, "recommend", 0, 10), Comment: strings.TrimSpace(strings.ReplaceAll(f.Get("comment"), "\r\n", "\n"))}
	if utf8.RuneCountInString(a.Comment) > 2000 {
		f.Fail("comment", "Keep your comment to 2,000 characters.")
	}
	if !f.Valid() {
		return p.renderRegistration(c, http.StatusUnprocessableEntity, reg, ev, f)
	}
	if err := p.svc.GiveFeedback(c.Request().Context(), reg, a); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Thank you for your feedback. It is kept without your name or any link to your registration.")
	return c.Redirect(http.StatusSeeOther, "/registrations/"+c.Param("token"))
}

// rating reads a whole number from lo to hi, failing the field otherwise.
func rating(f *web.Form, field string, lo, hi int) int {
	n, err := strconv.Atoi(f.Get(field))
	if err != nil || n < lo || n > hi {
		f.Fail(field, "Choose a rating from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+".")
	}
	return n
}
