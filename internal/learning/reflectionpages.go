package learning

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/notify"
	"groundwork/internal/web"
)

// reflectionPages serves a trainee's reflections and their supervisor's
// view of them.
type reflectionPages struct {
	store    *catalog.Store
	progress *Progress
	page     *web.Page
}

// promptView is one prompt with its answer and comments.
type promptView struct {
	Number     int
	Prompt     string
	Reflection *Reflection
	Draft      string
}

// reflectionsData is what the reflections page shows.
type reflectionsData struct {
	Module    *catalog.Module
	Trainee   *account.User
	Own       bool // the trainee's own page: editable until submitted
	Submitted bool
	Prompts   []promptView
	// Form is the trainee's answers as last submitted, with a message per
	// prompt that failed (fields "prompt-1", "prompt-2", ...).
	Form *web.Form
	// Comment is a refused comment, shown again under its prompt.
	Comment *web.Form
	// CommentOn is the number of the prompt Comment was about.
	CommentOn int
}

// CommentForm returns the comment form for prompt number n: the refused
// one with its message and text, or an empty one.
func (d reflectionsData) CommentForm(n int) *web.Form {
	if d.Comment != nil && d.CommentOn == n {
		return d.Comment
	}
	return web.NewForm()
}

func (rp *reflectionPages) load(c echo.Context, trainee *account.User, m *catalog.Module) (reflectionsData, error) {
	data := reflectionsData{Module: m, Trainee: trainee, Own: account.CurrentUser(c).ID == trainee.ID, Form: web.NewForm()}
	saved, err := rp.progress.Reflections(c.Request().Context(), trainee.ID, m.Slug)
	if err != nil {
		return data, err
	}
	for i, prompt := range m.ReflectionPrompts {
		pv := promptView{Number: i + 1, Prompt: prompt, Reflection: saved[i+1]}
		if pv.Reflection != nil {
			pv.Draft = pv.Reflection.Body
			data.Submitted = data.Submitted || pv.Reflection.SubmittedAt != nil
		}
		data.Prompts = append(data.Prompts, pv)
	}
	return data, nil
}

// startable returns the module named in the URL when the viewer may
// start it.
func (rp *reflectionPages) startable(c echo.Context) (*catalog.Module, error) {
	m, err := rp.module(c)
	if err != nil {
		return nil, err
	}
	return m, rp.progress.mayStart(c, m, rp.store.Catalog())
}

func (rp *reflectionPages) module(c echo.Context) (*catalog.Module, error) {
	m, ok := rp.store.Catalog().Module(c.Param("module"))
	if !ok || len(m.ReflectionPrompts) == 0 {
		return nil, fault.NotFound()
	}
	return m, nil
}

func (rp *reflectionPages) own(c echo.Context) error {
	m, err := rp.startable(c)
	if err != nil {
		return err
	}
	me := account.CurrentUser(c)
	data, err := rp.load(c, me, m)
	if err != nil {
		return err
	}
	if err := rp.progress.Notices.Read(c.Request().Context(), me.ID, m.Slug, notify.ReflectionComment); err != nil {
		return err
	}
	return rp.page.Render(c, http.StatusOK, data)
}

func (rp *reflectionPages) save(c echo.Context) error {
	m, err := rp.startable(c)
	if err != nil {
		return err
	}
	me := account.CurrentUser(c)
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	submit := f.Get("action") == "submit"
	answers := map[int]string{}
	for i := range m.ReflectionPrompts {
		field := "prompt-" + strconv.Itoa(i+1)
		f.Anchor(field, field)
		body := strings.ReplaceAll(f.Get(field), "\r\n", "\n")
		answers[i+1] = body
		switch {
		case utf8.RuneCountInString(body) > MaxReflection:
			f.Fail(field, "Answer "+strconv.Itoa(i+1)+" is too long: use at most "+strconv.Itoa(MaxReflection)+" characters.")
		case submit && strings.TrimSpace(body) == "":
			f.Fail(field, "Answer prompt "+strconv.Itoa(i+1)+" before you submit.")
		}
	}
	if !f.Valid() {
		data, err := rp.load(c, me, m)
		if err != nil {
			return err
		}
		for i := range data.Prompts {
			data.Prompts[i].Draft = answers[i+1]
		}
		data.Form = f
		return rp.page.Render(c, http.StatusUnprocessableEntity, data)
	}
	if err := rp.progress.SaveReflections(c.Request().Context(), me.ID, m, answers, submit); err != nil {
		return err
	}
	if submit {
		web.AddFlash(c, "success", "Your reflections are submitted. Your supervisor can now read them and comment.")
	} else {
		web.AddFlash(c, "success", "Draft saved. Only you can see it until you submit.")
	}
	return c.Redirect(http.StatusSeeOther, "/modules/"+m.Slug+"/reflections")
}

func (rp *reflectionPages) ofTrainee(c echo.Context) error {
	m, err := rp.module(c)
	if err != nil {
		return err
	}
	t, err := rp.traineeOf(c)
	if err != nil {
		return err
	}
	data, err := rp.load(c, t, m)
	if err != nil {
		return err
	}
	return rp.page.Render(c, http.StatusOK, data)
}

// traineeOf loads the trainee named in the URL if the viewer may see their
// records; to anyone else the trainee does not exist.
func (rp *reflectionPages) traineeOf(c echo.Context) (*account.User, error) {
	t, err := account.UserByID(c.Request().Context(), rp.progress.DB, c.Param("trainee"))
	if err != nil {
		return nil, err
	}
	if !CanSee(web.ViewerFrom(c), t) {
		return nil, fault.NotFound()
	}
	return t, nil
}

func (rp *reflectionPages) comment(c echo.Context) error {
	m, err := rp.module(c)
	if err != nil {
		return err
	}
	t, err := rp.traineeOf(c)
	if err != nil {
		return err
	}
	viewer := account.CurrentUser(c)
	if viewer.ID == t.ID {
		return fault.Forbidden()
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	prompt, err := strconv.Atoi(c.Param("prompt"))
	if err != nil {
		return fault.NotFound()
	}
	saved, err := rp.progress.Reflections(c.Request().Context(), t.ID, m.Slug)
	if err != nil {
		return err
	}
	r, ok := saved[prompt]
	if !ok {
		return fault.NotFound()
	}
	body := f.Get("comment")
	f.Anchor("comment", "comment-"+strconv.Itoa(prompt))
	if body == "" || utf8.RuneCountInString(body) > 2000 {
		f.Fail("comment", "Write a comment of up to 2,000 characters.")
	}
	if f.Valid() {
		if err := rp.progress.Comment(c.Request().Context(), viewer, r, body); err != nil && !f.FailOn(err, "comment") {
			return err
		}
	}
	if !f.Valid() {
		data, err := rp.load(c, t, m)
		if err != nil {
			return err
		}
		data.Comment, data.CommentOn = f, prompt
		return rp.page.Render(c, http.StatusUnprocessableEntity, data)
	}
	web.AddFlash(c, "success", "Comment added.")
	return c.Redirect(http.StatusSeeOther, "/trainees/"+t.ID+"/modules/"+m.Slug+"/reflections")
}

// ReflectionRoutes mounts the reflection pages; guard is the sign-in
// middleware.
func ReflectionRoutes(e *echo.Echo, r *web.Renderer, store *catalog.Store, p *Progress, guard echo.MiddlewareFunc) error {
	page, err := r.Page("learning/reflections")
	if err != nil {
		return err
	}
	rp := &reflectionPages{store: store, progress: p, page: page}
	e.GET("/modules/:module/reflections", rp.own, guard)
	e.POST("/modules/:module/reflections", rp.save, guard)
	e.GET("/trainees/:trainee/modules/:module/reflections", rp.ofTrainee, guard)
	e.POST("/trainees/:trainee/modules/:module/reflections/:prompt/comments", rp.comment, guard)
	return nil
}
