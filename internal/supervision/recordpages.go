package supervision

import (
	"errors"
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
	"groundwork/internal/notify"
	"groundwork/internal/web"
)

// Limits on what a record holds, in characters.
const (
	maxSummary = 5000
	maxNote    = 2000
	maxAction  = 500
	maxReason  = 1000
	// actionRows is how many agreed actions the form offers.
	actionRows = 4
)

// traineeData is what a trainee's supervision page shows.
type traineeData struct {
	Trainee   *account.User
	Records   []Record
	Periods   []period
	Kinds     []Kind
	CanRecord bool
	Own       bool
	Required  int // the programme's minimum hours
	// Clearance is where the trainee stands on the competencies required
	// before unsupervised practice.
	Clearance catalog.Clearance
}

// period is a span of time with the hours agreed within it.
type period struct {
	Label  string
	Totals Totals
}

func (p *pages) home(c echo.Context) error {
	me := account.CurrentUser(c)
	if me.Role == account.Trainee {
		return p.showTrainee(c, me)
	}
	return p.queue(c, me)
}

func (p *pages) trainee(c echo.Context) error {
	t, err := p.traineeOf(c)
	if err != nil {
		return err
	}
	return p.showTrainee(c, t)
}

func (p *pages) showTrainee(c echo.Context, t *account.User) error {
	ctx := c.Request().Context()
	me := account.CurrentUser(c)
	records, err := OfTrainee(ctx, p.svc.DB, t.ID)
	if err != nil {
		return err
	}
	cat := p.store.Catalog()
	signed, err := p.svc.SignedOff(ctx, []string{t.ID})
	if err != nil {
		return err
	}
	data := traineeData{Trainee: t, Records: records, Kinds: Kinds, CanRecord: CanRecord(me.Viewer(), t), Own: me.ID == t.ID,
		Required: cat.Programme.SupervisionHours, Clearance: cat.Clearance(signed[t.ID])}
	today := p.svc.Clock.Now().Truncate(24 * time.Hour)
	for _, span := range []struct {
		label string
		from  time.Time
	}{{"Last 3 months", today.AddDate(0, -3, 0)}, {"Last 12 months", today.AddDate(-1, 0, 0)}, {"All time", time.Time{}}} {
		totals, err := HoursBetween(ctx, p.svc.DB, t.ID, span.from, time.Time{})
		if err != nil {
			return err
		}
		data.Periods = append(data.Periods, period{Label: span.label, Totals: totals})
	}
	if err := p.auditView(c, t, "supervision records"); err != nil {
		return err
	}
	return p.views.Trainee.Render(c, http.StatusOK, data)
}

// recordData is what a record's page shows.
type recordData struct {
	Record     *Record
	Trainee    *account.User
	Amendments []Amendment
	Modules    []*catalog.Module
	Comps      []*catalog.Competency
	IsAuthor   bool
	CanSign    bool
	CanAmend   bool
	IsTrainee  bool
	// SignProblem is why a signature was just refused, shown at the form
	// with the comment that was typed kept in Comment.
	SignProblem string
	Comment     string
	// Sign and Disagree are the signing and comment forms when they were
	// just refused, with their messages; nil otherwise.
	Sign, Disagree *web.Form
}

// AmendmentVersion is the version the i-th amendment (oldest first) made:
// after agreement only amendments change a record.
func (d recordData) AmendmentVersion(i int) int {
	if d.Record.SignedVersion == nil {
		return 0
	}
	return *d.Record.SignedVersion + i + 1
}

func (p *pages) record(c echo.Context) error {
	r, t, err := p.recordOf(c)
	if err != nil {
		return err
	}
	return p.showRecord(c, http.StatusOK, r, t, recordData{})
}

// showRecord renders r's page; data carries a refused signature, if any.
func (p *pages) showRecord(c echo.Context, status int, r *Record, t *account.User, data recordData) error {
	ctx := c.Request().Context()
	me := account.CurrentUser(c)
	amendments, err := Amendments(ctx, p.svc.DB, r.ID)
	if err != nil {
		return err
	}
	cat := p.store.Catalog()
	data.Record, data.Trainee, data.Amendments = r, t, amendments
	data.Modules, data.Comps = modulesOf(cat, r.ModuleSlugs()), competenciesOf(cat, r.CompetencyIDs())
	data.IsAuthor, data.IsTrainee = r.AuthorID == me.ID, me.ID == t.ID
	data.CanSign, data.CanAmend = CanSign(me.Viewer(), t, r), CanAmend(me.Viewer(), t, r)
	if data.IsTrainee {
		if err := p.svc.Notices.Read(ctx, me.ID, r.ID, notify.RecordComment); err != nil {
			return err
		}
	}
	if r.AuthorID != me.ID {
		if err := p.auditView(c, t, "supervision record "+r.ID); err != nil {
			return err
		}
	}
	return p.views.Record.Render(c, status, data)
}

// seenVersion reads the version of the record the form was shown with.
func seenVersion(f *web.Form) (int, error) {
	v, err := strconv.Atoi(f.Get("version"))
	if err != nil || v < 1 {
		return 0, fault.Errorf(fault.CodeInvalid, "This form does not say which version of the record you read. Open the record again and use its form.")
	}
	return v, nil
}

func (p *pages) sign(c echo.Context) error {
	r, t, err := p.recordOf(c)
	if err != nil {
		return err
	}
	if !CanSign(web.ViewerFrom(c), t, r) {
		if r.Locked() {
			return ErrSigned
		}
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Anchor("comment", "sign-comment")
	comment := commentFrom(f)
	seen, err := seenVersion(f)
	if err != nil {
		return err
	}
	if !f.Valid() {
		return p.showRecord(c, http.StatusUnprocessableEntity, r, t, recordData{Comment: comment, Sign: f})
	}
	err = p.svc.Sign(c.Request().Context(), r, seen, comment)
	if errors.Is(err, ErrChanged) {
		return p.refuseSignature(c, seen, comment)
	}
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", "Signed version "+strconv.Itoa(seen)+". The record is now agreed by both of you and locked.")
	return c.Redirect(http.StatusSeeOther, "/supervision/records/"+r.ID)
}

// refuseSignature shows the record as it is now, with why the signature on
// version seen was refused and the comment kept.
func (p *pages) refuseSignature(c echo.Context, seen int, comment string) error {
	r, t, err := p.recordOf(c)
	if err != nil {
		return err
	}
	problem := fmt.Sprintf("This record changed after you opened it: you read version %d, and it is now version %d. Read it again before you agree.", seen, r.Version)
	if r.Locked() {
		problem = fmt.Sprintf("This record was signed after you opened it (version %d was agreed), so there is nothing left to sign.", *r.SignedVersion)
	}
	return p.showRecord(c, http.StatusConflict, r, t, recordData{SignProblem: problem, Comment: comment})
}

// comment keeps the trainee's comment on a record they do not agree with
// yet, so its author can change it.
func (p *pages) comment(c echo.Context) error {
	r, t, err := p.recordOf(c)
	if err != nil {
		return err
	}
	if account.CurrentUser(c).ID != t.ID || r.ByTrainee() {
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Anchor("comment", "disagree")
	comment := commentFrom(f)
	f.Required("comment", "Write the comment you want your supervisor to read.")
	if f.Valid() {
		if err := p.svc.AddComment(c.Request().Context(), r, comment); err != nil && !f.FailOn(err, "comment") {
			return err
		}
	}
	if !f.Valid() {
		return p.showRecord(c, http.StatusUnprocessableEntity, r, t, recordData{Disagree: f})
	}
	web.AddFlash(c, "success", "Comment saved. Your supervisor can change the record, then you can agree to it.")
	return c.Redirect(http.StatusSeeOther, "/supervision/records/"+r.ID)
}

// commentFrom reads the comment of a record's signing or comment form,
// failing the field when it is too long.
func commentFrom(f *web.Form) string {
	comment := strings.ReplaceAll(f.Get("comment"), "\r\n", "\n")
	if utf8.RuneCountInString(comment) > maxNote {
		f.Fail("comment", fmt.Sprintf("Keep the comment to %d characters.", maxNote))
	}
	return comment
}

// formData is what the record form shows: new, edit or amend.
type formData struct {
	Trainee *account.User
	Record  *Record // nil for a new record
	Amend   bool
	Form    *web.Form
	Kinds   []Kind
	Modules []*catalog.Module
	Actions []int
	// Problem is why the form was refused as a whole, when it was.
	Problem string
}

// Action is where the form posts: a new record, an edit or an amendment.
func (d formData) Action() string {
	switch {
	case d.Record == nil:
		return "/trainees/" + d.Trainee.ID + "/supervision"
	case d.Amend:
		return "/supervision/records/" + d.Record.ID + "/amend"
	}
	return "/supervision/records/" + d.Record.ID + "/edit"
}

// Checked reports whether value is among field's values, for checkboxes.
func (d formData) Checked(field, value string) bool {
	return slices.Contains(d.Form.Values[field], value)
}

func (p *pages) renderForm(c echo.Context, status int, data formData) error {
	me := account.CurrentUser(c)
	data.Kinds = Kinds
	if me.ID == data.Trainee.ID {
		data.Kinds = TraineeKinds
	}
	data.Modules = p.store.Catalog().TraineeModules()
	for i := range actionRows {
		data.Actions = append(data.Actions, i+1)
	}
	return p.views.RecordForm.Render(c, status, data)
}

func (p *pages) newRecord(c echo.Context) error {
	t, err := p.traineeOf(c)
	if err != nil {
		return err
	}
	if !CanRecord(web.ViewerFrom(c), t) {
		return fault.Forbidden()
	}
	f := web.NewForm()
	f.Set("held_on", p.svc.Clock.Now().Format(time.DateOnly))
	f.Set("minutes", "60")
	return p.renderForm(c, http.StatusOK, formData{Trainee: t, Form: f})
}

func (p *pages) create(c echo.Context) error {
	t, err := p.traineeOf(c)
	if err != nil {
		return err
	}
	me := account.CurrentUser(c)
	if !CanRecord(me.Viewer(), t) {
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	content, note := p.contentFrom(f, me.ID == t.ID, false)
	if !f.Valid() {
		return p.renderForm(c, http.StatusUnprocessableEntity, formData{Trainee: t, Form: f})
	}
	r, err := p.svc.Create(c.Request().Context(), me, t, content, note)
	if err != nil {
		return err
	}
	if me.ID == t.ID {
		web.AddFlash(c, "success", "Recorded. Your supervisor confirms it, and then it counts toward your hours.")
	} else {
		web.AddFlash(c, "success", "Recorded. "+t.Name+" can now read it and agree.")
	}
	return c.Redirect(http.StatusSeeOther, "/supervision/records/"+r.ID)
}

// contentFrom reads and checks the record form. byTrainee limits the kinds
// to those a trainee may record; amending asks for a reason instead of a
// private note.
func (p *pages) contentFrom(f *web.Form, byTrainee, amending bool) (Content, string) {
	var c Content
	if d := f.Date("held_on"); d != nil {
		c.HeldOn = *d
		if d.After(p.svc.Clock.Now().AddDate(0, 0, 1)) {
			f.Fail("held_on", "A session can only be recorded once it has taken place.")
		}
	} else if f.Errors["held_on"] == "" {
		f.Fail("held_on", "Enter the date of the session.")
	}
	minutes, err := strconv.Atoi(f.Get("minutes"))
	if err != nil || minutes < 1 || minutes > 720 {
		f.Fail("minutes", "Enter the length in minutes, from 1 to 720.")
	}
	c.Minutes = minutes
	kinds := Kinds
	if byTrainee {
		kinds = TraineeKinds
	}
	c.Kind = Kind(f.Get("kind"))
	if !slices.Contains(kinds, c.Kind) {
		f.Fail("kind", "Choose the type of session.")
	}
	c.Modules, c.Competencies = p.discussed(f)
	c.Summary = strings.ReplaceAll(f.Get("summary"), "\r\n", "\n")
	f.Required("summary", "Write a summary of the session.")
	if utf8.RuneCountInString(c.Summary) > maxSummary {
		f.Fail("summary", "Keep the summary to "+strconv.Itoa(maxSummary)+" characters.")
	}
	c.SetActions(actionsFrom(f))
	c.NextOn = f.Date("next_on")
	if c.NextOn != nil && !c.NextOn.After(c.HeldOn) {
		f.Fail("next_on", "The next session must be after this one.")
	}
	if amending {
		f.Required("reason", "Say why the record changes: it is kept with the amendment.")
		f.MaxLength("reason", maxReason)
		return c, ""
	}
	note := strings.ReplaceAll(f.Get("private_note"), "\r\n", "\n")
	if utf8.RuneCountInString(note) > maxNote {
		f.Fail("private_note", "Keep the private note to "+strconv.Itoa(maxNote)+" characters.")
	}
	return c, note
}

// discussed keeps the modules and competencies ticked that exist in the
// curriculum, in curriculum order.
func (p *pages) discussed(f *web.Form) (modules, competencies string) {
	var ms, cs []string
	for _, m := range p.store.Catalog().TraineeModules() {
		if slices.Contains(f.Values["modules"], m.Slug) {
			ms = append(ms, m.Slug)
		}
		for _, comp := range m.Competencies {
			if slices.Contains(f.Values["competencies"], comp.ID) {
				cs = append(cs, comp.ID)
			}
		}
	}
	return strings.Join(ms, "\n"), strings.Join(cs, "\n")
}

// actionsFrom reads the agreed actions: each row with text, and its due
// date when given.
func actionsFrom(f *web.Form) []Action {
	var out []Action
	for i := 1; i <= actionRows; i++ {
		n := strconv.Itoa(i)
		text := f.Get("action-" + n)
		due := f.Date("due-" + n)
		if utf8.RuneCountInString(text) > maxAction {
			f.Fail("action-"+n, "Keep each action to "+strconv.Itoa(maxAction)+" characters.")
		}
		if text == "" {
			if due != nil {
				f.Fail("action-"+n, "Say what the action is, or clear its due date.")
			}
			continue
		}
		out = append(out, Action{Text: text, Due: due})
	}
	return out
}

// formFrom fills a form with a record's content, for editing or amending.
func formFrom(r *Record) *web.Form {
	f := web.NewForm()
	f.Set("held_on", r.HeldOn.Format(time.DateOnly))
	f.Set("minutes", strconv.Itoa(r.Minutes))
	f.Set("kind", string(r.Kind))
	f.Values["modules"] = r.ModuleSlugs()
	f.Values["competencies"] = r.CompetencyIDs()
	f.Set("summary", r.Summary)
	for i, a := range r.ActionList() {
		n := strconv.Itoa(i + 1)
		f.Set("action-"+n, a.Text)
		if a.Due != nil {
			f.Set("due-"+n, a.Due.Format(time.DateOnly))
		}
	}
	if r.NextOn != nil {
		f.Set("next_on", r.NextOn.Format(time.DateOnly))
	}
	f.Set("private_note", r.PrivateNote)
	return f
}

// editable loads the record in the URL when the viewer wrote it and it is
// not locked yet.
func (p *pages) editable(c echo.Context) (*Record, *account.User, error) {
	r, t, err := p.recordOf(c)
	if err != nil {
		return nil, nil, err
	}
	if r.AuthorID != account.CurrentUser(c).ID {
		return nil, nil, fault.Forbidden()
	}
	if r.Locked() {
		return nil, nil, ErrLocked
	}
	return r, t, nil
}

func (p *pages) editForm(c echo.Context) error {
	r, t, err := p.editable(c)
	if err != nil {
		return err
	}
	return p.renderForm(c, http.StatusOK, formData{Trainee: t, Record: r, Form: formFrom(r)})
}

func (p *pages) edit(c echo.Context) error {
	r, t, err := p.editable(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	content, note := p.contentFrom(f, r.ByTrainee(), false)
	if !f.Valid() {
		return p.renderForm(c, http.StatusUnprocessableEntity, formData{Trainee: t, Record: r, Form: f})
	}
	if err := p.svc.Edit(c.Request().Context(), r, content, note); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Record updated.")
	return c.Redirect(http.StatusSeeOther, "/supervision/records/"+r.ID)
}

// amendable loads the record in the URL when it is locked and the viewer
// may amend it.
func (p *pages) amendable(c echo.Context) (*Record, *account.User, error) {
	r, t, err := p.recordOf(c)
	if err != nil {
		return nil, nil, err
	}
	if !r.Locked() {
		return nil, nil, ErrUnlocked
	}
	if !CanAmend(web.ViewerFrom(c), t, r) {
		return nil, nil, fault.Forbidden()
	}
	return r, t, nil
}

func (p *pages) amendForm(c echo.Context) error {
	r, t, err := p.amendable(c)
	if err != nil {
		return err
	}
	f := formFrom(r)
	f.Set("version", strconv.Itoa(r.Version))
	return p.renderForm(c, http.StatusOK, formData{Trainee: t, Record: r, Amend: true, Form: f})
}

func (p *pages) amend(c echo.Context) error {
	r, t, err := p.amendable(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	seen, err := seenVersion(f)
	if err != nil {
		return err
	}
	content, _ := p.contentFrom(f, r.ByTrainee(), true)
	if !f.Valid() {
		return p.renderForm(c, http.StatusUnprocessableEntity, formData{Trainee: t, Record: r, Amend: true, Form: f})
	}
	err = p.svc.Amend(c.Request().Context(), r, account.CurrentUser(c), seen, content, f.Get("reason"))
	if errors.Is(err, ErrChanged) {
		current, err := Get(c.Request().Context(), p.svc.DB, r.ID)
		if err != nil {
			return err
		}
		problem := fmt.Sprintf("This record was amended after you opened this form: you read version %d, and it is now version %d. "+
			"Nothing was saved. Your changes are below: open the record, read what it says now, and amend that.", seen, current.Version)
		return p.renderForm(c, http.StatusConflict, formData{Trainee: t, Record: current, Amend: true, Form: f, Problem: problem})
	}
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", "Amendment saved. The record's history keeps what it said before, with your reason.")
	return c.Redirect(http.StatusSeeOther, "/supervision/records/"+r.ID)
}

// modulesOf returns the modules of slugs that the curriculum still has.
func modulesOf(cat *catalog.Catalog, slugs []string) []*catalog.Module {
	var out []*catalog.Module
	for _, s := range slugs {
		if m, ok := cat.Module(s); ok {
			out = append(out, m)
		}
	}
	return out
}

// competenciesOf returns the competencies of ids that the curriculum still
// has.
func competenciesOf(cat *catalog.Catalog, ids []string) []*catalog.Competency {
	var out []*catalog.Competency
	for _, id := range ids {
		if _, comp, ok := findCompetency(cat, id); ok {
			out = append(out, comp)
		}
	}
	return out
}

// findCompetency finds a competency and its module by ID.
func findCompetency(cat *catalog.Catalog, id string) (*catalog.Module, *catalog.Competency, bool) {
	for _, m := range cat.TraineeModules() {
		for i := range m.Competencies {
			if m.Competencies[i].ID == id {
				return m, &m.Competencies[i], true
			}
		}
	}
	return nil, nil, false
}
