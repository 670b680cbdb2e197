package events

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// manageData lists the sessions a staff member runs.
type manageData struct {
	Upcoming, Past []Event
	All            bool
}

func (p *pages) manage(c echo.Context) error {
	ctx := c.Request().Context()
	me := account.CurrentUser(c)
	var all []Event
	q := selectEvents(p.svc.DB, &all).OrderExpr("e.starts_at DESC").Limit(200)
	if !runsEverySession(me.Viewer()) {
		q = q.Where("e.id IN (SELECT event_id FROM event_facilitators WHERE user_id = ?)", me.ID)
	}
	if err := q.Scan(ctx); err != nil {
		return err
	}
	d := manageData{All: runsEverySession(me.Viewer())}
	for _, ev := range all {
		if ev.Past(p.svc.Clock.Now()) {
			d.Past = append(d.Past, ev)
		} else {
			d.Upcoming = append([]Event{ev}, d.Upcoming...)
		}
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return p.views.Manage.Render(c, http.StatusOK, d)
}

// formData is the session form.
type formData struct {
	Event     *Event
	Form      *web.Form
	Audiences []Audience
	Staff     []account.User
	Modules   [][2]string // public modules: slug, title
	Chosen    []string
	// Zones are the time zones to choose from.
	Zones []string
}

// Action is where the form posts.
func (d formData) Action() string {
	if d.Event.ID == "" {
		return "/facilitate/sessions"
	}
	return "/facilitate/sessions/" + d.Event.ID + "/edit"
}

// IsChosen reports whether a staff member facilitates.
func (d formData) IsChosen(id string) bool { return slices.Contains(d.Chosen, id) }

func (p *pages) newSession(c echo.Context) error {
	f := web.NewForm()
	f.Set("time_zone", web.ZoneOf(c).String())
	f.Set("opens_at", p.svc.Clock.Now().In(web.ZoneOf(c)).Format(localLayout))
	f.Set("format", string(InPerson))
	f.Set("audience", string(Schools))
	return p.renderForm(c, http.StatusOK, &Event{}, f, []string{account.CurrentUser(c).ID})
}

func (p *pages) renderForm(c echo.Context, status int, ev *Event, f *web.Form, chosen []string) error {
	staff, err := p.staff(c.Request().Context())
	if err != nil {
		return err
	}
	d := formData{Event: ev, Form: f, Audiences: Audiences, Staff: staff, Chosen: chosen, Zones: zoneChoices(c, f)}
	for _, m := range p.svc.Courses.Catalog().PublicModules() {
		d.Modules = append(d.Modules, [2]string{m.Slug, m.Title})
	}
	return p.views.SessionForm.Render(c, status, d)
}

// staff lists the people who can facilitate: admins and supervisors.
func (p *pages) staff(ctx context.Context) ([]account.User, error) {
	admins, err := account.UsersByRole(ctx, p.svc.DB, account.Admin)
	if err != nil {
		return nil, err
	}
	sups, err := account.UsersByRole(ctx, p.svc.DB, account.Supervisor)
	return append(admins, sups...), err
}

func (p *pages) publicSlugs() []string {
	var out []string
	for _, m := range p.svc.Courses.Catalog().PublicModules() {
		out = append(out, m.Slug)
	}
	return out
}

func (p *pages) create(c echo.Context) error {
	ev := &Event{CreatedBy: account.CurrentUser(c).ID}
	return p.save(c, ev, "Session scheduled. It is now in the public catalogue.")
}

// save reads the form into ev and saves it, or shows the form again.
func (p *pages) save(c echo.Context, ev *Event, done string) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	staff, err := p.staff(c.Request().Context())
	if err != nil {
		return err
	}
	fillTimeDefaults(f, p.svc.Clock.Now())
	chosen := fromForm(f, ev, staff, p.publicSlugs())
	if !f.Valid() {
		return p.renderForm(c, http.StatusUnprocessableEntity, ev, f, chosen)
	}
	if err := p.svc.Save(c.Request().Context(), ev, chosen); err != nil {
		return err
	}
	web.AddFlash(c, "success", done)
	return c.Redirect(http.StatusSeeOther, "/facilitate/sessions/"+ev.ID)
}

// run loads the session in the URL when the viewer may run it.
func (p *pages) run(c echo.Context) (*Event, []string, error) {
	ctx := c.Request().Context()
	ev, err := Get(ctx, p.svc.DB, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	facilitators, err := Facilitators(ctx, p.svc.DB, ev.ID)
	if err != nil {
		return nil, nil, err
	}
	if !MayRun(web.ViewerFrom(c), facilitators) {
		return nil, nil, fault.NotFound()
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return ev, facilitators, nil
}

func (p *pages) editSession(c echo.Context) error {
	ev, facilitators, err := p.run(c)
	if err != nil {
		return err
	}
	f := web.NewForm()
	loc := ev.Location()
	for field, v := range map[string]string{"title": ev.Title, "description": ev.Description, "audience": string(ev.Audience),
		"format": string(ev.Format), "address": ev.Address, "online_link": ev.OnlineLink, "time_zone": ev.TimeZone,
		"pre_reading": ev.PreReading, "capacity": itoa(ev.Capacity),
		"starts_at": ev.StartsAt.In(loc).Format(localLayout), "ends_at": ev.EndsAt.In(loc).Format(localLayout),
		"opens_at": ev.OpensAt.In(loc).Format(localLayout), "closes_at": ev.ClosesAt.In(loc).Format(localLayout)} {
		f.Set(field, v)
	}
	return p.renderForm(c, http.StatusOK, ev, f, facilitators)
}

func (p *pages) update(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	if ev.Cancelled() {
		return fault.Errorf(fault.CodeConflict, "This session is cancelled and can no longer be changed.")
	}
	return p.save(c, ev, "Session updated.")
}

// manageData is one session as its facilitators see it.
type sessionManageData struct {
	Event         *Event
	Registrations []Registration
	Feedback      Summary
	Form          *web.Form
	Audiences     []Audience
	Past          bool
}

func (p *pages) manageSession(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	return p.renderManage(c, http.StatusOK, ev, web.NewForm())
}

func (p *pages) renderManage(c echo.Context, status int, ev *Event, f *web.Form) error {
	ctx := c.Request().Context()
	regs, err := Registrations(ctx, p.svc.DB, ev.ID)
	if err != nil {
		return err
	}
	fb, err := FeedbackOf(ctx, p.svc.DB, ev.ID)
	if err != nil {
		return err
	}
	return p.views.ManageSession.Render(c, status, sessionManageData{Event: ev, Registrations: regs, Feedback: fb,
		Form: f, Audiences: Audiences, Past: ev.Past(p.svc.Clock.Now())})
}

// add registers someone by hand: staff may add people after registration
// closes or when they ring rather than use the form.
func (p *pages) add(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Anchor("audience", "add-audience").Anchor("access_needs", "add-access")
	r := registrant(f)
	if !f.Valid() {
		return p.renderManage(c, http.StatusUnprocessableEntity, ev, f)
	}
	reg, err := p.svc.Register(c.Request().Context(), ev.ID, r, account.CurrentUser(c).ID)
	if err == ErrRegistered {
		f.Fail("email", "This email address is already registered for this session.")
		return p.renderManage(c, http.StatusConflict, ev, f)
	}
	if err != nil {
		return err
	}
	what := "has a seat"
	if reg.Status == Waitlisted {
		what = "is on the waitlist"
	}
	web.AddFlash(c, "success", r.Name+" "+what+" and has been sent a confirmation.")
	return c.Redirect(http.StatusSeeOther, "/facilitate/sessions/"+ev.ID)
}

// callOffConfirmation asks a facilitator, with their reason, before a
// session is cancelled and everyone on it is mailed.
func callOffConfirmation(ev *Event, f *web.Form) web.Confirmation {
	return web.Confirmation{Title: "Cancel “" + ev.Title + "”?",
		Intro: "The session is cancelled for everyone and cannot be reopened.",
		Effects: []string{
			fmt.Sprintf("%s with a place and %s on the waitlist are told by email at once, with your reason.",
				people(ev.Confirmed), people(ev.Waitlisted)),
			"Registration closes and the session leaves the public list.",
		},
		Action: "/facilitate/sessions/" + ev.ID + "/cancel", Button: "Yes, cancel the session and tell everyone",
		Back: "/facilitate/sessions/" + ev.ID, BackLabel: "No, keep the session",
		Reason: &web.ReasonField{Name: "reason", Label: "Reason", Hint: "Everyone registered is told this, in a sentence.", MaxLength: 500},
		Form:   f}
}

// people says how many people, in words for a sentence.
func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// callOffForm asks the facilitator to confirm cancelling the session.
func (p *pages) callOffForm(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	if ev.Cancelled() {
		return fault.Errorf(fault.CodeConflict, "This session is already cancelled.")
	}
	return web.RenderConfirmation(c, p.confirm, http.StatusOK, callOffConfirmation(ev, web.NewForm()))
}

func (p *pages) callOff(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(f.Get("reason"))
	f.Required("reason", "Say why, in a sentence: everyone registered is told.")
	f.MaxLength("reason", 500)
	if !f.Valid() || !f.Confirmed() {
		return web.RenderConfirmation(c, p.confirm, web.RefuseUnconfirmed, callOffConfirmation(ev, f))
	}
	if err := p.svc.CallOff(c.Request().Context(), ev.ID, reason); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Session cancelled. Everyone registered, and everyone waiting, has been told by email.")
	return c.Redirect(http.StatusSeeOther, "/facilitate/sessions/"+ev.ID)
}

// attendanceData is the register, on a phone at the door.
type attendanceData struct {
	Event         *Event
	Registrations []Registration
	Present       int
}

func (p *pages) attendance(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	return p.renderList(c, p.views.Attendance, ev)
}

func (p *pages) sheet(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	return p.renderList(c, p.views.Sheet, ev)
}

// renderList shows the confirmed registrants on the register or the
// sign-in sheet.
func (p *pages) renderList(c echo.Context, view *web.Page, ev *Event) error {
	regs, err := Registrations(c.Request().Context(), p.svc.DB, ev.ID)
	if err != nil {
		return err
	}
	d := attendanceData{Event: ev}
	for _, r := range regs {
		if r.Status == Confirmed {
			d.Registrations = append(d.Registrations, r)
			if r.Attended != nil && *r.Attended {
				d.Present++
			}
		}
	}
	return view.Render(c, http.StatusOK, d)
}

// mark records one person as present or absent from the register.
func (p *pages) mark(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.OneOf("attended", "Choose attended or no-show.", "yes", "no")
	if !f.Valid() {
		return fault.Errorf(fault.CodeInvalid, "Choose attended or no-show.")
	}
	if !web.IsID(f.Get("registration")) {
		return fault.Errorf(fault.CodeInvalid, "That is not a registration on this register. Reload the register and try again.")
	}
	if err := p.svc.MarkAttendance(c.Request().Context(), ev.ID, f.Get("registration"), f.Get("attended") == "yes"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/facilitate/sessions/"+ev.ID+"/attendance#r-"+f.Get("registration"))
}

func (p *pages) sendCertificates(c echo.Context) error {
	ev, _, err := p.run(c)
	if err != nil {
		return err
	}
	n, err := p.svc.SendCertificates(c.Request().Context(), ev)
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", itoa(n)+" certificates of attendance sent, each with the feedback form.")
	return c.Redirect(http.StatusSeeOther, "/facilitate/sessions/"+ev.ID)
}

// summaryData is the admins' feedback overview.
type summaryData struct {
	Audiences  []Audience
	ByAudience map[Audience]Summary
	Sessions   []sessionFeedback
	Min        int
}

type sessionFeedback struct {
	Event    Event
	Feedback Summary
}

func (p *pages) feedbackSummary(c echo.Context) error {
	ctx := c.Request().Context()
	by, err := FeedbackByAudience(ctx, p.svc.DB)
	if err != nil {
		return err
	}
	var past []Event
	if err := selectEvents(p.svc.DB, &past).Where("e.ends_at <= ?", p.svc.Clock.Now()).OrderExpr("e.starts_at DESC").Limit(100).Scan(ctx); err != nil {
		return err
	}
	ids := make([]string, len(past))
	for i, ev := range past {
		ids[i] = ev.ID
	}
	feedback, err := FeedbackBySession(ctx, p.svc.DB, ids)
	if err != nil {
		return err
	}
	d := summaryData{Audiences: Audiences, ByAudience: by, Min: MinAnswers}
	for _, ev := range past {
		d.Sessions = append(d.Sessions, sessionFeedback{Event: ev, Feedback: feedback[ev.ID]})
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return p.views.FeedbackSummary.Render(c, http.StatusOK, d)
}
