package events

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/yuin/goldmark"
	"golang.org/x/time/rate"

	"groundwork/internal/account"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "events", FS: web.MustSub(templates, "templates")}

// pages serves the public sessions' pages.
type pages struct {
	svc     *Service
	views   eventsPages
	confirm *web.Page
}

// RegisterLimit is how many registrations one address may send: a burst,
// then one every 20 seconds. People register once; scripts do not get far.
var RegisterLimit = middleware.RateLimiterMemoryStoreConfig{Rate: rate.Every(20 * time.Second), Burst: 10, ExpiresIn: 10 * time.Minute}

// eventsPages are the events pages, resolved at registration.
type eventsPages struct {
	Catalogue       *web.Page `page:"catalogue"`
	Session         *web.Page `page:"session"`
	Registered      *web.Page `page:"registered"`
	Registration    *web.Page `page:"registration"`
	Manage          *web.Page `page:"manage"`
	SessionForm     *web.Page `page:"session_form"`
	ManageSession   *web.Page `page:"manage_session"`
	Attendance      *web.Page `page:"attendance"`
	Sheet           *web.Page `page:"sheet"`
	FeedbackSummary *web.Page `page:"feedback_summary"`
}

// Routes mounts the public catalogue and registration, the registrants'
// private pages, the staff pages (guarded by staff) and the admins'
// feedback summary on admin.
func Routes(e *echo.Echo, admin *echo.Group, r *web.Renderer, svc *Service, staff echo.MiddlewareFunc) error {
	p := &pages{svc: svc}
	if err := r.Pages("events", &p.views); err != nil {
		return err
	}
	confirm, err := r.Page(web.ConfirmPage)
	if err != nil {
		return err
	}
	p.confirm = confirm
	limit := web.RateLimit(RegisterLimit, "Too many registrations from your network in a short time. Please wait a few minutes and try again.")
	e.GET("/sessions", p.catalogue)
	e.GET("/sessions/:id", p.session)
	e.POST("/sessions/:id/register", p.register, limit)
	e.GET("/sessions/:id/registered", p.registered)
	e.GET("/registrations/:token", p.registration)
	e.GET("/registrations/:token/cancel", p.cancelForm)
	e.POST("/registrations/:token/cancel", p.cancel)
	e.GET("/registrations/:token/forget", p.forgetForm)
	e.POST("/registrations/:token/forget", p.forget)
	e.GET("/registrations/:token/invitation.ics", p.invitation)
	e.GET("/registrations/:token/certificate.pdf", p.certificate)
	e.POST("/registrations/:token/feedback", p.feedback)
	g := e.Group("/facilitate", staff)
	g.GET("/sessions", p.manage)
	g.GET("/sessions/new", p.newSession)
	g.POST("/sessions", p.create)
	g.GET("/sessions/:id", p.manageSession)
	g.GET("/sessions/:id/edit", p.editSession)
	g.POST("/sessions/:id/edit", p.update)
	g.GET("/sessions/:id/cancel", p.callOffForm)
	g.POST("/sessions/:id/cancel", p.callOff)
	g.POST("/sessions/:id/add", p.add)
	g.GET("/sessions/:id/attendance", p.attendance)
	g.POST("/sessions/:id/attendance", p.mark)
	g.GET("/sessions/:id/sheet", p.sheet)
	g.POST("/sessions/:id/certificates", p.sendCertificates)
	admin.GET("/feedback", p.feedbackSummary)
	return nil
}

// catalogueData lists upcoming sessions.
type catalogueData struct {
	Audiences []Audience
	Audience  Audience
	Sessions  []Event
	Now       time.Time
}

func (p *pages) catalogue(c echo.Context) error {
	aud := Audience(c.QueryParam("audience"))
	if !validAudience(aud) {
		aud = ""
	}
	sessions, err := Upcoming(c.Request().Context(), p.svc.DB, aud, p.svc.Clock.Now())
	if err != nil {
		return err
	}
	return p.views.Catalogue.Render(c, http.StatusOK, catalogueData{Audiences: Audiences, Audience: aud, Sessions: sessions, Now: p.svc.Clock.Now()})
}

func validAudience(a Audience) bool {
	for _, x := range Audiences {
		if a == x {
			return true
		}
	}
	return false
}

// sessionData is a session's public page with its registration form.
type sessionData struct {
	Event       *Event
	Description template.HTML
	PreReading  string // the module's title
	Open        bool
	Past        bool
	Form        *web.Form
	Audiences   []Audience
	// RetentionDays is how long after the session details are kept.
	RetentionDays int
}

func (p *pages) session(c echo.Context) error {
	ev, err := Get(c.Request().Context(), p.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	return p.renderSession(c, http.StatusOK, ev, web.NewForm())
}

func (p *pages) renderSession(c echo.Context, status int, ev *Event, f *web.Form) error {
	d := sessionData{Event: ev, Description: markdown(ev.Description), Open: ev.Open(p.svc.Clock.Now()), Past: ev.Past(p.svc.Clock.Now()),
		Form: f, Audiences: Audiences, RetentionDays: int(p.svc.Retention.Hours() / 24)}
	if m, ok := p.svc.Courses.Catalog().Module(ev.PreReading); ok {
		d.PreReading = m.Title
	}
	return p.views.Session.Render(c, status, d)
}

// md renders session descriptions: plain CommonMark, where raw HTML and
// dangerous links are never rendered.
var md = goldmark.New()

// markdown renders a description written by staff.
func markdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(buf.String()) // goldmark escapes raw HTML and unsafe URLs
}

// register takes a registration from the public form.
func (p *pages) register(c echo.Context) error {
	ctx := c.Request().Context()
	ev, err := Get(ctx, p.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if f.FromBot() {
		return fault.Errorf(fault.CodeInvalid, "Your registration could not be accepted.")
	}
	r := registrant(f)
	if f.Get("consent") != "yes" {
		f.Fail("consent", "Tick the box to agree that we keep these details for the session; without it we cannot register you.")
	}
	if !f.Valid() {
		return p.renderSession(c, http.StatusUnprocessableEntity, ev, f)
	}
	// A new registration and one for an email already booked answer alike:
	// the private link goes by mail only, to the address's owner.
	if _, err := p.svc.Register(ctx, ev.ID, r, ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/sessions/"+ev.ID+"/registered")
}

// registered asks the registrant to look for their confirmation mail.
func (p *pages) registered(c echo.Context) error {
	ev, err := Get(c.Request().Context(), p.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	return p.views.Registered.Render(c, http.StatusOK, ev)
}

// registrant reads and checks a registrant's details from f.
func registrant(f *web.Form) Registrant {
	r := Registrant{Name: strings.TrimSpace(f.Get("name")), Email: account.NormalizeEmail(f.Get("email")),
		Organisation: strings.TrimSpace(f.Get("organisation")), Audience: Audience(f.Get("audience")),
		AccessNeeds: strings.TrimSpace(f.Get("access_needs"))}
	f.Set("email", r.Email)
	f.Required("name", "Tell us your name, as you would like it on your certificate.")
	f.MaxLength("name", 120)
	f.Required("email", "Give your email address: your confirmation goes there.")
	f.Email("email")
	f.MaxLength("email", 254)
	f.MaxLength("organisation", 200)
	f.OneOf("audience", "Choose what describes you best.", "schools", "policymakers", "community", "professionals")
	if utf8.RuneCountInString(r.AccessNeeds) > 1000 {
		f.Fail("access_needs", "Keep this to 1,000 characters.")
	}
	return r
}
