package learning

import (
	"embed"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

//go:embed templates/*.html templates/partials/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "learning", FS: web.MustSub(templates, "templates")}

// quizPages serves the knowledge check: the form, submission and results.
type quizPages struct {
	store    *catalog.Store
	progress *Progress
	views    struct {
		Form    *web.Page `page:"quiz"`
		Result  *web.Page `page:"result"`
		Wait    *web.Page `page:"wait"`
		Expired *web.Page `page:"expired"`
	}
}

// shownQuestion is a question as the form shows it, options in this
// attempt's order.
type shownQuestion struct {
	ID, Type, Scenario, Prompt string
	Number                     int
	Options                    []shownOption
}

type shownOption struct {
	Index   int // position in the quiz file, the value submitted
	Text    string
	Checked bool
}

// formData is what the quiz form shows.
type formData struct {
	Module    *catalog.Module
	AttemptID string
	Questions []shownQuestion
	// Form marks each unanswered question (field "q-<question ID>").
	Form *web.Form
	// Hours is how long the attempt can be submitted after it opens.
	Hours int
}

// resultData is what the result page shows.
type resultData struct {
	Module  *catalog.Module
	Attempt *Attempt
	// Full is true once the person has passed the module's knowledge
	// check: only then does the page show the answer key.
	Full      bool
	Questions []resultQuestion
	Right     int
	RetakeAt  *time.Time
	Earlier   []Attempt
}

type resultQuestion struct {
	Number           int
	Scenario, Prompt string
	Right            bool
	// Options are every option when the review is full; otherwise only
	// those chosen, explained only when the question was answered right.
	Options []resultOption
}

type resultOption struct {
	Text, Explanation string
	Chosen, Correct   bool
}

// openHours is OpenAttemptFor in whole hours, as pages say it.
const openHours = int(OpenAttemptFor / time.Hour)

// waitData is what the retake wait page shows.
type waitData struct {
	Module *catalog.Module
	Until  time.Time
}

// startable returns the module named in the URL when the viewer may
// start it.
func (q *quizPages) startable(c echo.Context) (*catalog.Module, error) {
	m, err := q.module(c)
	if err != nil {
		return nil, err
	}
	return m, q.progress.mayStart(c, m, q.store.Catalog())
}

func (q *quizPages) module(c echo.Context) (*catalog.Module, error) {
	m, ok := q.store.Catalog().Module(c.Param("module"))
	if !ok || m.Quiz == nil {
		return nil, fault.NotFound()
	}
	return m, nil
}

func (q *quizPages) show(c echo.Context) error {
	m, err := q.startable(c)
	if err != nil {
		return err
	}
	viewer := web.ViewerFrom(c)
	a, err := q.progress.Start(c.Request().Context(), viewer.ID, m)
	var wait *ErrWait
	if errors.As(err, &wait) {
		return q.views.Wait.Render(c, http.StatusOK, waitData{m, wait.Until})
	}
	if err != nil {
		return err
	}
	return q.views.Form.Render(c, http.StatusOK, formData{Module: m, AttemptID: a.ID, Questions: shown(m.Quiz, a.Order(), nil),
		Form: web.NewForm(), Hours: openHours})
}

// shown lays out the questions in the attempt's option order, marking any
// options already chosen.
func shown(quiz *catalog.Quiz, order map[string][]int, chosen Answers) []shownQuestion {
	var out []shownQuestion
	for i, question := range quiz.Questions {
		sq := shownQuestion{ID: question.ID, Type: string(question.Type), Scenario: question.Scenario,
			Prompt: question.Prompt, Number: i + 1}
		for _, idx := range orderOf(order, question) {
			sq.Options = append(sq.Options, shownOption{Index: idx, Text: question.Options[idx].Text,
				Checked: slices.Contains(chosen[question.ID], idx)})
		}
		out = append(out, sq)
	}
	return out
}

// orderOf returns the stored order for a question, or the file order when
// the question is new or its options changed since the attempt began.
func orderOf(order map[string][]int, q catalog.Question) []int {
	idx := order[q.ID]
	if len(idx) == len(q.Options) {
		return idx
	}
	idx = make([]int, len(q.Options))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func (q *quizPages) submit(c echo.Context) error {
	m, err := q.startable(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	viewer := web.ViewerFrom(c)
	a, err := q.progress.AttemptOf(ctx, viewer.ID, c.Param("attempt"))
	if err != nil {
		return err
	}
	if a.ModuleSlug != m.Slug {
		return fault.NotFound()
	}
	resultURL := "/modules/" + m.Slug + "/quiz/" + a.ID
	if err := q.progress.Submittable(ctx, a, m); err != nil {
		return q.refuse(c, m, resultURL, err)
	}
	ans, f, err := readAnswers(c, m.Quiz)
	if err != nil {
		return err
	}
	if !f.Valid() {
		data := formData{Module: m, AttemptID: a.ID, Questions: shown(m.Quiz, a.Order(), ans), Form: f, Hours: openHours}
		return q.views.Form.Render(c, http.StatusUnprocessableEntity, data)
	}
	if err := q.progress.Submit(ctx, a, m, ans); err != nil {
		return q.refuse(c, m, resultURL, err)
	}
	return c.Redirect(http.StatusSeeOther, resultURL)
}

// refuse answers a submission that was not recorded: a double submit sees
// the first one's result; a submission during the retake wait or of an
// expired attempt gets a page saying so.
func (q *quizPages) refuse(c echo.Context, m *catalog.Module, resultURL string, err error) error {
	var wait *ErrWait
	switch {
	case errors.Is(err, ErrAlreadySubmitted):
		return c.Redirect(http.StatusSeeOther, resultURL)
	case errors.As(err, &wait):
		return q.views.Wait.Render(c, http.StatusConflict, waitData{m, wait.Until})
	case errors.Is(err, ErrExpired):
		return q.views.Expired.Render(c, http.StatusConflict, struct {
			Module *catalog.Module
			Hours  int
		}{m, openHours})
	}
	return err
}

// readAnswers reads the chosen options, refusing indexes that do not exist,
// and returns a form that marks each unanswered question.
func readAnswers(c echo.Context, quiz *catalog.Quiz) (Answers, *web.Form, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, nil, fault.Errorf(fault.CodeInvalid, "The answers could not be read. Try again.")
	}
	ans, f := Answers{}, web.NewForm()
	for i, question := range quiz.Questions {
		field := "q-" + question.ID
		values := form[field]
		if len(values) == 0 {
			f.Fail(field, fmt.Sprintf("Answer question %d: %s", i+1, question.Prompt))
			continue
		}
		if question.Type != catalog.QuestionMultiple && len(values) > 1 {
			f.Fail(field, fmt.Sprintf("Choose one answer for question %d: %s", i+1, question.Prompt))
			continue
		}
		for _, v := range values {
			idx, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || idx < 0 || idx >= len(question.Options) || slices.Contains(ans[question.ID], idx) {
				return nil, nil, fault.Errorf(fault.CodeInvalid, "An answer was not one of the options. Reload the page and try again.")
			}
			ans[question.ID] = append(ans[question.ID], idx)
		}
	}
	return ans, f, nil
}

func (q *quizPages) showResult(c echo.Context) error {
	m, err := q.module(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	viewer := web.ViewerFrom(c)
	a, err := q.progress.AttemptOf(ctx, viewer.ID, c.Param("attempt"))
	if err != nil {
		return err
	}
	if a.ModuleSlug != m.Slug {
		return fault.NotFound()
	}
	if a.SubmittedAt == nil {
		return c.Redirect(http.StatusSeeOther, "/modules/"+m.Slug+"/quiz")
	}
	passed, err := q.progress.Passed(ctx, viewer.ID, m.Slug)
	if err != nil {
		return err
	}
	data := resultData{Module: m, Attempt: a, Full: passed, Questions: results(m.Quiz, a, passed)}
	for _, rq := range data.Questions {
		if rq.Right {
			data.Right++
		}
	}
	if !*a.Passed {
		at := a.SubmittedAt.Add(time.Duration(m.RetakeAfterMinutes) * time.Minute)
		data.RetakeAt = &at
	}
	if data.Earlier, err = q.progress.Attempts(ctx, viewer.ID, m.Slug); err != nil {
		return err
	}
	return q.views.Result.Render(c, http.StatusOK, data)
}

// results pairs each question with what was chosen. A full review shows
// every option, marked and explained. Otherwise it shows only the options
// chosen, unmarked, and explains them only where the question was answered
// right, which tells nothing the verdict does not: no answer key to carry
// into a retake.
func results(quiz *catalog.Quiz, a *Attempt, full bool) []resultQuestion {
	chosen, order := a.Chosen(), a.Order()
	var out []resultQuestion
	for i, question := range quiz.Questions {
		rq := resultQuestion{Number: i + 1, Scenario: question.Scenario, Prompt: question.Prompt,
			Right: Score(&catalog.Quiz{Questions: []catalog.Question{question}}, chosen) == 100}
		for _, idx := range orderOf(order, question) {
			o, picked := question.Options[idx], slices.Contains(chosen[question.ID], idx)
			switch {
			case full:
				rq.Options = append(rq.Options, resultOption{Text: o.Text, Explanation: o.Explanation, Chosen: picked, Correct: o.Correct})
			case picked && rq.Right:
				rq.Options = append(rq.Options, resultOption{Text: o.Text, Explanation: o.Explanation, Chosen: true})
			case picked:
				rq.Options = append(rq.Options, resultOption{Text: o.Text, Chosen: true})
			}
		}
		out = append(out, rq)
	}
	return out
}

// QuizRoutes mounts the knowledge check for signed-in people; guard is the
// sign-in middleware.
func QuizRoutes(e *echo.Echo, r *web.Renderer, store *catalog.Store, p *Progress, guard echo.MiddlewareFunc) error {
	q := &quizPages{store: store, progress: p}
	if err := r.Pages("learning", &q.views); err != nil {
		return err
	}
	e.GET("/modules/:module/quiz", q.show, guard)
	e.POST("/modules/:module/quiz/:attempt", q.submit, guard)
	e.GET("/modules/:module/quiz/:attempt", q.showResult, guard)
	return nil
}
