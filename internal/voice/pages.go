package voice

import (
	"embed"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

//go:embed templates/*.html templates/partials/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "voice", FS: web.MustSub(templates, "templates")}

// pages serves the client voice pages.
type pages struct {
	svc     *Service
	views   voicePages
	confirm *web.Page
}

// voicePages are the client voice pages, resolved at registration.
type voicePages struct {
	Answer   *web.Page `page:"answer"`
	Thanks   *web.Page `page:"thanks"`
	Overview *web.Page `page:"overview"`
	Rounds   *web.Page `page:"rounds"`
	Round    *web.Page `page:"round"`
	Poster   *web.Page `page:"poster"`
	Paper    *web.Page `page:"paper"`
}

// Routes mounts the members' pages (no account: /v/<code>) and the pages
// of trainees and supervisors, behind guard (the sign-in middleware).
func Routes(e *echo.Echo, r *web.Renderer, svc *Service, guard echo.MiddlewareFunc) error {
	p := &pages{svc: svc}
	if err := r.Pages("voice", &p.views); err != nil {
		return err
	}
	confirm, err := r.Page(web.ConfirmPage)
	if err != nil {
		return err
	}
	p.confirm = confirm
	lookup := web.RateLimit(LookupLimit, "Too many pages opened from your network. Please wait a minute and try again.")
	answer := web.RateLimit(AnswerLimit, "Too many answers from your network. Please wait a minute and try again.")
	e.GET("/v/:code", p.form, lookup)
	e.GET("/v/:code/easy", p.easyForm, lookup)
	e.POST("/v/:code", p.answer, answer)
	e.GET("/v/:code/thanks", p.thanks, lookup)
	e.GET("/voice", p.overview, guard)
	e.GET("/trainees/:trainee/voice", p.rounds, guard)
	e.POST("/trainees/:trainee/voice", p.open, guard)
	e.GET("/voice/rounds/:id", p.round, guard)
	e.GET("/voice/rounds/:id/qr.png", p.qr, guard)
	e.GET("/voice/rounds/:id/poster", p.poster, guard)
	e.GET("/voice/rounds/:id/paper", p.paper, guard)
	e.POST("/voice/rounds/:id/paper", p.enterPaper, guard)
	e.POST("/voice/rounds/:id/close", p.close, guard)
	e.POST("/voice/rounds/:id/comments", p.review, guard)
	e.POST("/voice/rounds/:id/response", p.respond, guard)
	return nil
}

// traineeOf loads the trainee named in the URL when the viewer may see
// their rounds; to anyone else the trainee does not exist.
func (p *pages) traineeOf(c echo.Context) (*account.User, error) {
	t, err := account.UserByID(c.Request().Context(), p.svc.DB, c.Param("trainee"))
	if err != nil {
		return nil, err
	}
	if !CanSee(account.CurrentUser(c), t) {
		return nil, fault.NotFound()
	}
	return t, nil
}

// roundOf loads the round named in the URL and its trainee when the viewer
// may see it; to anyone else the round does not exist.
func (p *pages) roundOf(c echo.Context) (*Round, *account.User, error) {
	ctx := c.Request().Context()
	r, err := p.svc.Get(ctx, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	t, err := account.UserByID(ctx, p.svc.DB, r.TraineeID)
	if err != nil {
		return nil, nil, err
	}
	if !CanSee(account.CurrentUser(c), t) {
		return nil, nil, fault.NotFound()
	}
	return r, t, nil
}

// auditView writes an admin's reading of someone else's rounds to the
// audit log.
func (p *pages) auditView(c echo.Context, trainee *account.User, what string) error {
	viewer := account.CurrentUser(c)
	if !audited(viewer, trainee) {
		return nil
	}
	return audit.Record(c.Request().Context(), p.svc.DB, audit.Entry{ActorID: viewer.ID, SubjectID: trainee.ID,
		Action: audit.RecordViewed, IP: c.RealIP(), Detail: what})
}

// overviewRow is one trainee on a supervisor's overview.
type overviewRow struct {
	Trainee account.User
	Unread  int
}

// overview sends a trainee to their rounds and shows a supervisor (or
// admin) their trainees with the comments waiting to be read.
func (p *pages) overview(c echo.Context) error {
	ctx := c.Request().Context()
	me := account.CurrentUser(c)
	if me.Role == account.Trainee {
		return c.Redirect(http.StatusSeeOther, "/trainees/"+me.ID+"/voice")
	}
	var trainees []account.User
	var err error
	if me.Role == account.Admin {
		trainees, err = account.UsersByRole(ctx, p.svc.DB, account.Trainee)
	} else {
		trainees, err = account.TraineesOf(ctx, p.svc.DB, me.ID)
	}
	if err != nil {
		return err
	}
	ids := make([]string, len(trainees))
	for i, t := range trainees {
		ids[i] = t.ID
	}
	unread, err := p.svc.UnreadCounts(ctx, ids)
	if err != nil {
		return err
	}
	rows := make([]overviewRow, len(trainees))
	for i, t := range trainees {
		rows[i] = overviewRow{Trainee: t, Unread: unread[t.ID]}
	}
	return p.views.Overview.Render(c, http.StatusOK, rows)
}

// roundRow is a round in a list, with its results when it has them.
type roundRow struct {
	Round   Round
	Results *Results
}

// roundsData is a trainee's rounds page: the rounds, their results over
// time, and the form to open one.
type roundsData struct {
	Trainee      *account.User
	Own          bool
	CanRun       bool
	Rounds       []roundRow
	Trend        []roundRow // rounds with results, oldest first
	Questions    []Question
	Competencies []catalog.Competency
	Form         *web.Form
	Hours        int
}

func (p *pages) rounds(c echo.Context) error {
	t, err := p.traineeOf(c)
	if err != nil {
		return err
	}
	if err := p.auditView(c, t, "client voice rounds"); err != nil {
		return err
	}
	f := web.NewForm()
	f.Set("held_on", p.svc.now().Format(time.DateOnly))
	f.Set("hours", strconv.Itoa(DefaultHours))
	f.Set("max_answers", strconv.Itoa(DefaultMaxAnswers))
	return p.renderRounds(c, http.StatusOK, t, f)
}

func (p *pages) renderRounds(c echo.Context, status int, t *account.User, f *web.Form) error {
	ctx := c.Request().Context()
	list, err := p.svc.RoundsOf(ctx, t.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	results, err := p.svc.ResultsOf(ctx, ids)
	if err != nil {
		return err
	}
	me := account.CurrentUser(c)
	data := roundsData{Trainee: t, Own: me.ID == t.ID, CanRun: CanRun(me, t), Questions: Questions,
		Competencies: p.svc.Evidenceable(), Form: f, Hours: DefaultHours}
	for _, r := range list {
		row := roundRow{Round: r}
		if res, ok := results[r.ID]; ok && r.HasResults() {
			row.Results = &res
			data.Trend = append(data.Trend, row)
		}
		data.Rounds = append(data.Rounds, row)
	}
	slices.Reverse(data.Trend)
	return p.views.Rounds.Render(c, status, data)
}

// open opens a round from the form on the trainee's rounds page.
func (p *pages) open(c echo.Context) error {
	t, err := p.traineeOf(c)
	if err != nil {
		return err
	}
	me := account.CurrentUser(c)
	if !CanRun(me, t) {
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	d := Draft{Group: f.Get("group_name"), Competencies: f.Values["competencies"]}
	f.MaxLength("group_name", 80)
	if held := f.Date("held_on"); held != nil {
		d.HeldOn = *held
	}
	d.Hours = number(f, "hours", "Give the number of hours, such as 48.")
	d.MaxAnswers = number(f, "max_answers", "Give the number of answers, such as 20.")
	if !f.Valid() {
		return p.renderRounds(c, http.StatusUnprocessableEntity, t, f)
	}
	r, err := p.svc.Open(c.Request().Context(), me, t, d)
	var invalid *InvalidDraft
	if errors.As(err, &invalid) {
		for field, msg := range invalid.Problems {
			f.Fail(field, msg)
		}
		return p.renderRounds(c, http.StatusUnprocessableEntity, t, f)
	}
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", "Feedback round opened. Show the link or the QR code to the group.")
	return c.Redirect(http.StatusSeeOther, r.URL())
}

// number reads a whole number from field, failing it with message when
// it is not one.
func number(f *web.Form, field, message string) int {
	n, err := strconv.Atoi(f.Get(field))
	if err != nil {
		f.Fail(field, message)
		return 0
	}
	return n
}

// roundData is a round's page for the trainee and the supervisor.
type roundData struct {
	Round        *Round
	Trainee      *account.User
	Link         string
	Open         bool
	CanRun       bool
	CanRead      bool
	CanRespond   bool
	Results      *Results
	Comments     []Comment
	Unread       int // comments waiting for the supervisor
	Competencies []catalog.Competency
	Questions    []Question
	Choices      []Choice
	Paper        *web.Form // typing in a paper answer
	Response     *web.Form // you said, we did
	Review       *web.Form // a refused decision on the comment ReviewItem
	ReviewItem   string
}

// ReviewFor returns the decision form for comment id: the refused one with
// its message and reason, or an empty one.
func (d roundData) ReviewFor(id string) *web.Form {
	if d.Review != nil && d.ReviewItem == id {
		return d.Review
	}
	return web.NewForm()
}

func (p *pages) round(c echo.Context) error {
	r, t, err := p.roundOf(c)
	if err != nil {
		return err
	}
	if err := p.auditView(c, t, "client voice round"); err != nil {
		return err
	}
	return p.renderRound(c, http.StatusOK, r, t, web.NewForm(), nil)
}

// renderRound shows the round; paper and response are the forms to show
// again with their problems (response nil: as the round has it).
func (p *pages) renderRound(c echo.Context, status int, r *Round, t *account.User, paper, response *web.Form) error {
	return p.showRound(c, status, r, t, roundData{Paper: paper, Response: response})
}

// showRound shows the round with the forms data carries (Paper, Response,
// Review).
func (p *pages) showRound(c echo.Context, status int, r *Round, t *account.User, data roundData) error {
	ctx := c.Request().Context()
	me := account.CurrentUser(c)
	data.Round, data.Trainee, data.Link, data.Open = r, t, p.link(r), r.OpenAt(p.svc.now())
	data.CanRun, data.CanRead, data.CanRespond = CanRun(me, t), CanReadComments(me, t), CanRespond(me, t)
	data.Questions, data.Choices = Questions, Choices
	if data.Paper == nil {
		data.Paper = web.NewForm()
	}
	if data.Response == nil {
		data.Response = web.NewForm()
		data.Response.Set("summary", r.YouSaid)
		data.Response.Set("description", r.WeDid)
	}
	cat := p.svc.Courses.Catalog()
	for _, id := range r.Competencies() {
		if _, comp, ok := cat.Competency(id); ok {
			data.Competencies = append(data.Competencies, comp)
		}
	}
	if r.HasResults() {
		results, err := p.svc.ResultsOf(ctx, []string{r.ID})
		if err != nil {
			return err
		}
		if res, ok := results[r.ID]; ok {
			data.Results = &res
		}
		all, err := p.svc.Comments(ctx, r, true)
		if err != nil {
			return err
		}
		for _, cm := range all {
			if cm.Status == Unread {
				data.Unread++
			}
			if data.CanRead || cm.Status == Shown {
				data.Comments = append(data.Comments, cm)
			}
		}
	}
	return p.views.Round.Render(c, status, data)
}

// link is the members' full short link.
func (p *pages) link(r *Round) string { return p.svc.BaseURL + r.Path() }

// qr serves the QR code of the members' link as a PNG.
func (p *pages) qr(c echo.Context) error {
	r, _, err := p.roundOf(c)
	if err != nil {
		return err
	}
	code, err := qr.Encode(p.link(r), qr.M)
	if err != nil {
		return err
	}
	code.Scale = 10
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "image/png", code.PNG())
}

// poster is the link and QR code large, to show on a screen or print.
func (p *pages) poster(c echo.Context) error {
	r, t, err := p.roundOf(c)
	if err != nil {
		return err
	}
	return p.views.Poster.Render(c, http.StatusOK, roundData{Round: r, Trainee: t, Link: p.link(r), Open: r.OpenAt(p.svc.now())})
}

// paper is the printable form, for members without a phone.
func (p *pages) paper(c echo.Context) error {
	r, t, err := p.roundOf(c)
	if err != nil {
		return err
	}
	return p.views.Paper.Render(c, http.StatusOK, roundData{Round: r, Trainee: t, Link: p.link(r),
		Questions: Questions, Choices: Choices})
}

// enterPaper takes one answer typed in from paper.
func (p *pages) enterPaper(c echo.Context) error {
	r, t, err := p.roundOf(c)
	if err != nil {
		return err
	}
	if !CanRun(account.CurrentUser(c), t) {
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Anchor("comment", "p-comment")
	a := answerFrom(f)
	if !f.Valid() {
		return p.renderRound(c, http.StatusUnprocessableEntity, r, t, f, nil)
	}
	if err := p.svc.EnterPaper(c.Request().Context(), account.CurrentUser(c), t, r, a); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Paper answer added.")
	return c.Redirect(http.StatusSeeOther, r.URL()+"#paper")
}

// close closes the round now.
func (p *pages) close(c echo.Context) error {
	r, t, err := p.roundOf(c)
	if err != nil {
		return err
	}
	if !CanRun(account.CurrentUser(c), t) {
		return fault.Forbidden()
	}
	if r.Closed() {
		return c.Redirect(http.StatusSeeOther, r.URL())
	}
	if c.FormValue(web.ConfirmField) != "yes" {
		return web.RenderConfirmation(c, p.confirm, web.RefuseUnconfirmed, closeConfirmation(r))
	}
	if err := p.svc.Close(c.Request().Context(), account.CurrentUser(c), t, r); err != nil {
		return err
	}
	web.AddFlash(c, "success", "The round is closed.")
	return c.Redirect(http.StatusSeeOther, r.URL())
}

// closeConfirmation asks before a round is closed early.
func closeConfirmation(r *Round) web.Confirmation {
	effects := []string{"Nobody else can answer, on paper or by the link or QR code."}
	if r.Answers >= MinAnswers {
		effects = append(effects, fmt.Sprintf("The %d answers so far become the round's results.", r.Answers))
	} else {
		effects = append(effects, fmt.Sprintf("Only %d of the %d answers needed for results have come in: they are deleted unread, and the round has no results.", r.Answers, MinAnswers))
	}
	return web.Confirmation{Title: "Close “" + r.Group + "” now?", Effects: effects,
		Action: r.URL() + "/close", Button: "Yes, close the round",
		Back: r.URL(), BackLabel: "No, keep it open"}
}

// review shows one comment to the trainee or holds it back.
func (p *pages) review(c echo.Context) error {
	r, t, err := p.roundOf(c)
	if err != nil {
		return err
	}
	if !CanReadComments(account.CurrentUser(c), t) {
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	var show bool
	switch f.Get("decision") {
	case "show":
		show = true
	case "hold":
	default:
		return fault.Errorf(fault.CodeInvalid, "Choose to show the comment or to hold it back.")
	}
	f.Anchor("reason", "reason-"+f.Get("item"))
	if reason := f.Get("reason"); !show && (reason == "" || utf8.RuneCountInString(reason) > MaxComment) {
		f.Fail("reason", fmt.Sprintf("Give the reason for holding the comment back (up to %d characters): it is kept in the audit log.", MaxComment))
	}
	if !f.Valid() && web.IsID(f.Get("item")) {
		return p.showRound(c, http.StatusUnprocessableEntity, r, t, roundData{Review: f, ReviewItem: f.Get("item")})
	}
	if err := p.svc.Review(c.Request().Context(), account.CurrentUser(c), t, r, f.Get("item"), show, f.Get("reason"), c.RealIP()); err != nil {
		return err
	}
	msg := "Comment shown to " + t.Name + "."
	if !show {
		msg = "Comment held back. Your reason is in the audit log."
	}
	web.AddFlash(c, "success", msg)
	return c.Redirect(http.StatusSeeOther, r.URL()+"#comments")
}

// respond records the trainee's "you said, we did".
func (p *pages) respond(c echo.Context) error {
	r, t, err := p.roundOf(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if !f.Valid() {
		return p.renderRound(c, http.StatusUnprocessableEntity, r, t, web.NewForm(), f)
	}
	if err := p.svc.Respond(c.Request().Context(), account.CurrentUser(c), t, r, f.Get("summary"), f.Get("description")); err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == fault.CodeInvalid {
			f.Fail("description", fe.Message)
			return p.renderRound(c, http.StatusUnprocessableEntity, r, t, web.NewForm(), f)
		}
		return err
	}
	web.AddFlash(c, "success", "Saved. Members will see it on the next round's page for "+r.Group+".")
	return c.Redirect(http.StatusSeeOther, r.URL()+"#response")
}
