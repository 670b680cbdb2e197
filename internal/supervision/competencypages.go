package supervision

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// competencyRow is one competency of a trainee with where it stands and
// every step so far.
type competencyRow struct {
	Competency catalog.Competency
	Status     Status
	Since      time.Time
	Version    int // what the review forms say the reviewer read
	History    []Event
}

// CanAsk reports whether sign-off can be asked for now.
func (r competencyRow) CanAsk() bool { return r.Status != Pending && r.Status != SignedOff }

// moduleCompetencies is a module's competencies on the page.
type moduleCompetencies struct {
	Module *catalog.Module
	Rows   []competencyRow
}

// Unsigned lists the rows not signed off, for the sign-off form.
func (m moduleCompetencies) Unsigned() []competencyRow {
	var out []competencyRow
	for _, r := range m.Rows {
		if r.Status != SignedOff {
			out = append(out, r)
		}
	}
	return out
}

// competenciesData is what a trainee's competencies page shows.
type competenciesData struct {
	Trainee   *account.User
	Own       bool
	CanReview bool
	Modules   []moduleCompetencies
	Records   []Record     // the trainee's records, to link as evidence
	Voice     []VoiceRound // the trainee's feedback rounds with results
	Failed    *failedForm  // the form just refused, shown again with its messages
}

// failedForm is a refused form of the page: which one (its action and the
// competency ID or module slug it is about) and what was typed.
type failedForm struct {
	Action, Target string
	Form           *web.Form
}

// FormFor returns the form for action on target: the refused one with its
// values and messages, or an empty one.
func (d competenciesData) FormFor(action, target string) *web.Form {
	if d.Failed != nil && d.Failed.Action == action && d.Failed.Target == target {
		return d.Failed.Form
	}
	return web.NewForm()
}

// VoiceFor returns the feedback round offered with the step eventID, or nil.
func (d competenciesData) VoiceFor(eventID string) *VoiceRound { return voiceFor(d.Voice, eventID) }

func (p *pages) ownCompetencies(c echo.Context) error {
	me := account.CurrentUser(c)
	if me.Role != account.Trainee {
		return c.Redirect(http.StatusSeeOther, "/supervision")
	}
	return p.showCompetencies(c, me, http.StatusOK, nil)
}

func (p *pages) competencies(c echo.Context) error {
	t, err := p.traineeOf(c)
	if err != nil {
		return err
	}
	return p.showCompetencies(c, t, http.StatusOK, nil)
}

// showCompetencies renders the page; failed, when set, is a refused form
// to show again with its messages and what was typed.
func (p *pages) showCompetencies(c echo.Context, t *account.User, status int, failed *failedForm) error {
	ctx := c.Request().Context()
	me := account.CurrentUser(c)
	modules, records, err := p.loadCompetencies(ctx, t)
	if err != nil {
		return err
	}
	data := competenciesData{Trainee: t, Own: me.ID == t.ID, CanReview: CanReview(me.Viewer(), t), Modules: modules, Records: records,
		Failed: failed}
	if data.Voice, err = p.svc.voiceRounds(ctx, t.ID); err != nil {
		return err
	}
	if err := p.auditView(c, t, "competency evidence"); err != nil {
		return err
	}
	return p.views.Competencies.Render(c, status, data)
}

// loadCompetencies returns the trainee's competencies by module with their
// history, and the trainee's records.
func (p *pages) loadCompetencies(ctx context.Context, t *account.User) ([]moduleCompetencies, []Record, error) {
	states, err := p.svc.States(ctx, t.ID)
	if err != nil {
		return nil, nil, err
	}
	history, err := p.svc.History(ctx, t.ID)
	if err != nil {
		return nil, nil, err
	}
	records, err := OfTrainee(ctx, p.svc.DB, t.ID)
	if err != nil {
		return nil, nil, err
	}
	var out []moduleCompetencies
	for _, m := range p.store.Catalog().TraineeModules() {
		if len(m.Competencies) == 0 {
			continue
		}
		mc := moduleCompetencies{Module: m}
		for _, comp := range m.Competencies {
			row := competencyRow{Competency: comp, Status: states[comp.ID].Status, Since: states[comp.ID].UpdatedAt,
				Version: states[comp.ID].Version}
			for _, e := range history {
				if e.CompetencyID == comp.ID {
					row.History = append(row.History, e)
				}
			}
			mc.Rows = append(mc.Rows, row)
		}
		out = append(out, mc)
	}
	return out, records, nil
}

// competencyForm reads the module and competency a form is about; a
// competency the curriculum does not have is a bad request.
func (p *pages) competencyForm(c echo.Context, f *web.Form) (*catalog.Module, string, error) {
	m, comp, ok := findCompetency(p.store.Catalog(), f.Get("competency"))
	if !ok {
		return nil, "", fault.Errorf(fault.CodeInvalid, "That competency is not in the curriculum.")
	}
	return m, comp.ID, nil
}

func (p *pages) request(c echo.Context) error {
	t, err := p.traineeOf(c)
	if err != nil {
		return err
	}
	if account.CurrentUser(c).ID != t.ID {
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	m, id, err := p.competencyForm(c, f)
	if err != nil {
		return err
	}
	ev := Evidence{Text: strings.ReplaceAll(f.Get("evidence"), "\r\n", "\n"), Reflection: f.Get("reflection") == "on", RecordID: f.Get("record"),
		RoundID: f.Get("voice_round")}
	f.Anchor("evidence", "ev-"+id)
	switch n := utf8.RuneCountInString(ev.Text); {
	case n == 0:
		f.Fail("evidence", "Describe your evidence: what you did and what it shows.")
	case n > maxSummary:
		f.Fail("evidence", "Keep the evidence to "+strconv.Itoa(maxSummary)+" characters.")
	}
	if f.Valid() {
		// The service refuses only choices the page offers (a record, a
		// round): a refusal is a forged request, not a form to correct.
		if err := p.svc.Request(c.Request().Context(), t, m, id, ev); err != nil {
			return err
		}
	}
	if !f.Valid() {
		return p.showCompetencies(c, t, http.StatusUnprocessableEntity, &failedForm{Action: "request", Target: id, Form: f})
	}
	web.AddFlash(c, "success", "Sign-off asked for. Your supervisor will review your evidence.")
	return c.Redirect(http.StatusSeeOther, competenciesURL(t, true))
}

// reviewed loads the trainee in the URL and the form when the viewer may
// review the trainee's competencies.
func (p *pages) reviewed(c echo.Context) (*account.User, *web.Form, error) {
	t, err := p.traineeOf(c)
	if err != nil {
		return nil, nil, err
	}
	if !CanReview(web.ViewerFrom(c), t) {
		return nil, nil, fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	return t, f, err
}

func (p *pages) signOff(c echo.Context) error {
	t, f, err := p.reviewed(c)
	if err != nil {
		return err
	}
	m, ok := p.store.Catalog().Module(f.Get("module"))
	if !ok {
		return fault.Errorf(fault.CodeInvalid, "That module is not in the curriculum.")
	}
	read := map[string]int{}
	for _, comp := range m.Competencies {
		if slices.Contains(f.Values["competencies"], comp.ID) {
			if read[comp.ID], err = versionRead(f, "seen-"+comp.ID); err != nil {
				return err
			}
		}
	}
	comment := strings.ReplaceAll(f.Get("comment"), "\r\n", "\n")
	f.Anchor("competencies", "so-"+m.Slug+"-competencies").Anchor("comment", "so-"+m.Slug)
	if len(read) == 0 {
		f.Fail("competencies", "Tick the competencies you are signing off.")
	}
	if comment == "" || utf8.RuneCountInString(comment) > maxNote {
		f.Fail("comment", fmt.Sprintf("Write a comment of up to %d characters: what you saw that shows these competencies.", maxNote))
	}
	if f.Valid() {
		if err := p.svc.SignOffRead(c.Request().Context(), account.CurrentUser(c), t, m, read, comment, f.Get("record")); err != nil {
			return err
		}
	}
	if !f.Valid() {
		return p.showCompetencies(c, t, http.StatusUnprocessableEntity, &failedForm{Action: "sign-off", Target: m.Slug, Form: f})
	}
	web.AddFlash(c, "success", "Signed off: "+strconv.Itoa(len(read))+" of "+t.Name+"'s competencies in "+m.Title+".")
	return c.Redirect(http.StatusSeeOther, competenciesURL(t, false))
}

// versionRead reads the version of a competency the review form was shown
// with, from field.
func versionRead(f *web.Form, field string) (int, error) {
	v, err := strconv.Atoi(f.Get(field))
	if err != nil || v < 0 {
		return 0, fault.Errorf(fault.CodeInvalid, "This form does not say what you read. Open the trainee's competencies again and use the form there.")
	}
	return v, nil
}

func (p *pages) returnRequest(c echo.Context) error {
	return p.review(c, "return", "feedback", "fb-", "Write feedback the trainee can act on.", "Returned with your feedback.",
		func(by, t *account.User, m *catalog.Module, id, body string, f *web.Form) error {
			read, err := versionRead(f, "seen")
			if err != nil {
				return err
			}
			return p.svc.Return(c.Request().Context(), by, t, m, id, read, body)
		})
}

func (p *pages) withdraw(c echo.Context) error {
	if c.FormValue(web.ConfirmField) != "yes" {
		if shown, err := p.confirmWithdraw(c); shown || err != nil {
			return err
		}
	}
	return p.review(c, "withdraw", "reason", "wd-", "Give the reason for withdrawing the sign-off: it is kept and shown to the trainee.",
		"Sign-off withdrawn. The module is no longer complete until it is signed off again.",
		func(by, t *account.User, m *catalog.Module, id, body string, _ *web.Form) error {
			return p.svc.Withdraw(c.Request().Context(), by, t, m, id, body)
		})
}

// confirmWithdraw shows the page that asks before a sign-off is
// withdrawn, with the reason given kept on it. shown is false when the
// form has a problem, which review then reports on the competencies page.
func (p *pages) confirmWithdraw(c echo.Context) (shown bool, err error) {
	t, f, err := p.reviewed(c)
	if err != nil {
		return true, err
	}
	m, id, err := p.competencyForm(c, f)
	if err != nil {
		return true, err
	}
	reason := strings.TrimSpace(f.Get("reason"))
	if reason == "" || utf8.RuneCountInString(reason) > maxNote || !f.Valid() {
		return false, nil
	}
	title := id
	for _, comp := range m.Competencies {
		if comp.ID == id {
			title = comp.Title
		}
	}
	return true, web.RenderConfirmation(c, p.confirm, web.RefuseUnconfirmed, web.Confirmation{
		Title: "Withdraw the sign-off of “" + title + "”?",
		Effects: []string{
			t.Name + "’s competency “" + title + "” is no longer signed off, and " + m.Title + " is no longer complete until it is signed off again.",
			"The withdrawal and your reason are kept in the competency’s history and shown to " + t.Name + ".",
		},
		Note:   "The withdrawal stays on record; to restore the competency, sign it off again.",
		Action: "/trainees/" + t.ID + "/competencies/withdraw", Button: "Yes, withdraw the sign-off",
		Back: competenciesURL(t, false), BackLabel: "No, keep the sign-off",
		Hidden: map[string]string{"competency": id},
		Reason: &web.ReasonField{Name: "reason", Label: "Reason (kept and shown to the trainee)", MaxLength: maxNote},
		Form:   f,
	})
}

// review handles returning and withdrawing (action): one competency, with
// a required text in field, whose control's id is idPrefix and the
// competency ID.
func (p *pages) review(c echo.Context, action, field, idPrefix, missing, done string, act func(by, t *account.User, m *catalog.Module, id, body string, f *web.Form) error) error {
	t, f, err := p.reviewed(c)
	if err != nil {
		return err
	}
	m, id, err := p.competencyForm(c, f)
	if err != nil {
		return err
	}
	body := strings.ReplaceAll(f.Get(field), "\r\n", "\n")
	f.Anchor(field, idPrefix+id)
	if body == "" || utf8.RuneCountInString(body) > maxNote {
		f.Fail(field, fmt.Sprintf("%s (up to %d characters)", missing, maxNote))
	}
	if f.Valid() {
		if err := act(account.CurrentUser(c), t, m, id, body, f); err != nil {
			return err
		}
	}
	if !f.Valid() {
		return p.showCompetencies(c, t, http.StatusUnprocessableEntity, &failedForm{Action: action, Target: id, Form: f})
	}
	web.AddFlash(c, "success", done)
	return c.Redirect(http.StatusSeeOther, competenciesURL(t, false))
}

// competenciesURL is the trainee's competencies page: their own address
// when they are the one viewing it.
func competenciesURL(t *account.User, own bool) string {
	if own {
		return "/supervision/competencies"
	}
	return "/trainees/" + t.ID + "/competencies"
}

// queueData is what a supervisor's (or admin's) supervision page shows.
type queueData struct {
	Pending  []queueItem
	Unsigned []Record
	Overdue  []account.User
	Trainees []account.User
	All      bool
	Me       *account.User
	Gap      int // weeks
}

// queueItem is a pending request with its curriculum names.
type queueItem struct {
	PendingRequest
	Module     *catalog.Module
	Competency *catalog.Competency
}

func (p *pages) queue(c echo.Context, me *account.User) error {
	ctx := c.Request().Context()
	var trainees []account.User
	var err error
	trainees, err = account.TraineesVisibleTo(ctx, p.svc.DB, me.Viewer())
	if err != nil {
		return err
	}
	ids := make([]string, len(trainees))
	for i, t := range trainees {
		ids[i] = t.ID
	}
	data := queueData{Trainees: trainees, All: account.SeesEveryTrainee(me.Viewer()), Me: me, Gap: int(p.svc.Gap.Hours() / 24 / 7)}
	pending, err := p.svc.Queue(ctx, ids)
	if err != nil {
		return err
	}
	cat := p.store.Catalog()
	for _, req := range pending {
		item := queueItem{PendingRequest: req}
		item.Module, item.Competency, _ = findCompetency(cat, req.CompetencyID)
		data.Pending = append(data.Pending, item)
	}
	if data.Unsigned, err = Unsigned(ctx, p.svc.DB, ids); err != nil {
		return err
	}
	sums, err := p.svc.Summaries(ctx, ids)
	if err != nil {
		return err
	}
	for _, t := range trainees {
		if t.Active && sums[t.ID].Overdue {
			data.Overdue = append(data.Overdue, t)
		}
	}
	return p.views.Queue.Render(c, http.StatusOK, data)
}
