package voice

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// LookupLimit bounds how many member pages one address may open: enough
// for a whole group on one network, far too few to guess a round's code.
var LookupLimit = middleware.RateLimiterMemoryStoreConfig{Rate: rate.Every(time.Second), Burst: 60, ExpiresIn: 10 * time.Minute}

// AnswerLimit bounds how many answers one address may send: 30 at once
// (a group on one network), then one every 10 seconds. The counts are kept
// in memory only and forgotten an hour after the address's last request.
var AnswerLimit = middleware.RateLimiterMemoryStoreConfig{Rate: rate.Every(10 * time.Second), Burst: 30, ExpiresIn: time.Hour}

// answerData is the members' form: plain, or easy read with pictures.
type answerData struct {
	Group     string
	HeldOn    time.Time
	Code      string
	Easy      bool
	Open      bool
	Form      *web.Form
	Questions []Question
	Choices   []Choice
	// Last is the group's latest "you said, we did", or nil.
	Last *Round
	// Write is the easy-read picture of the comment question.
	Write Question
}

// writePicture is the easy-read picture of the comment question.
var writePicture = Question{Key: "comment", Picture: "write", Alt: "A pencil and a sheet of paper."}

func (p *pages) form(c echo.Context) error { return p.showForm(c, false) }

func (p *pages) easyForm(c echo.Context) error { return p.showForm(c, true) }

func (p *pages) showForm(c echo.Context, easy bool) error {
	r, err := p.svc.ByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return p.renderForm(c, http.StatusOK, r, easy, web.NewForm())
}

func (p *pages) renderForm(c echo.Context, status int, r *Round, easy bool, f *web.Form) error {
	last, err := p.svc.LastResponse(c.Request().Context(), r)
	if err != nil {
		return err
	}
	return p.views.Answer.Render(c, status, answerData{Group: r.Group, HeldOn: r.HeldOn, Code: r.Code, Easy: easy,
		Open: r.OpenAt(p.svc.now()), Form: f, Questions: Questions, Choices: Choices, Last: last, Write: writePicture})
}

// answer takes a member's answer from the form.
func (p *pages) answer(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := p.svc.ByCode(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if f.FromBot() {
		return fault.Errorf(fault.CodeInvalid, "Your answer could not be accepted.")
	}
	a := answerFrom(f)
	if !f.Valid() {
		return p.renderForm(c, http.StatusUnprocessableEntity, r, f.Get("easy") == "yes", f)
	}
	if err := p.svc.Give(ctx, r.ID, a); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, r.Path()+"/thanks")
}

// answerFrom reads an answer from f, failing the fields that are wrong.
func answerFrom(f *web.Form) Answer {
	choice := func(field string) Choice {
		n, err := strconv.Atoi(f.Get(field))
		if err != nil || n < int(No) || n > int(Yes) {
			f.Fail(field, "Please choose one answer.")
			return 0
		}
		return Choice(n)
	}
	a := Answer{Respected: choice("respected"), Heard: choice("heard"), Useful: choice("useful"), Again: choice("again"),
		Comment: f.Get("comment")}
	if utf8.RuneCountInString(a.Comment) > MaxComment {
		f.Fail("comment", "Please make this shorter: "+strconv.Itoa(MaxComment)+" letters at most.")
	}
	return a
}

// thanks tells a member their answer arrived.
func (p *pages) thanks(c echo.Context) error {
	r, err := p.svc.ByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return p.views.Thanks.Render(c, http.StatusOK, answerData{Group: r.Group, HeldOn: r.HeldOn, Code: r.Code})
}
