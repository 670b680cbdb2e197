package authoring

import (
	"io/fs"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/web"
)

// questionPage adds or edits one knowledge-check question.
type questionPage struct {
	Module   string
	Original string // the id of the question being edited; "" for a new one
	Form     *web.Form
	Options  []int            // 1 to MaxOptions
	Problems catalog.Problems // the checker's, in quiz.yaml
}

// quizYAML returns the draft's quiz.yaml (or the built-in one, or none).
func (h *handlers) quizYAML(c echo.Context, slug string) ([]byte, *Draft, error) {
	d, err := h.svc.Draft(c.Request().Context(), slug)
	if err != nil {
		return nil, nil, err
	}
	p := slug + "/quiz.yaml"
	if b, ok := d.Files[p]; ok {
		return b, d, nil
	}
	b, _ := fs.ReadFile(h.svc.Base, p)
	return b, d, nil
}

func newQuestionPage(slug, original string, f *web.Form) questionPage {
	page := questionPage{Module: slug, Original: original, Form: f}
	for i := 1; i <= MaxOptions; i++ {
		page.Options = append(page.Options, i)
	}
	return page
}

// question shows the form, filled with the question named by ?id=.
func (h *handlers) question(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	data, d, err := h.quizYAML(c, slug)
	if err != nil {
		return err
	}
	f := web.NewForm()
	id := ""
	for _, q := range readQuestions(slug+"/quiz.yaml", data) {
		if q.ID == c.QueryParam("id") && q.ID != "" {
			id = q.ID
			fillQuestion(f, q)
		}
	}
	page := newQuestionPage(slug, id, f)
	page.Problems = inFile(d.Problems, slug+"/quiz.yaml")
	return h.views.Question.Render(c, http.StatusOK, page)
}

func fillQuestion(f *web.Form, q catalog.Question) {
	f.Set("qid", q.ID)
	f.Set("type", string(q.Type))
	f.Set("scenario", q.Scenario)
	f.Set("question", q.Prompt)
	for i, o := range q.Options {
		f.Set(optionField(i+1, "text"), o.Text)
		f.Set(optionField(i+1, "explanation"), o.Explanation)
		if o.Correct {
			f.Set(optionField(i+1, "correct"), "yes")
		}
	}
}

// saveQuestion writes the form's question into the draft's quiz.yaml.
func (h *handlers) saveQuestion(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	q := questionFrom(f)
	page := newQuestionPage(slug, f.Get("original"), f)
	if !f.Valid() {
		return h.views.Question.Render(c, http.StatusUnprocessableEntity, page)
	}
	data, _, err := h.quizYAML(c, slug)
	if err != nil {
		return err
	}
	updated, err := withQuestion(data, f.Get("original"), q)
	if err != nil {
		f.Fail("qid", err.Error())
		return h.views.Question.Render(c, http.StatusUnprocessableEntity, page)
	}
	return h.saveAndReturn(c, slug, slug+"/quiz.yaml", updated, "Saved the question in the draft.",
		"they are listed below.", "/admin/curriculum/modules/"+slug+"/question?id="+q.ID)
}

// questionFrom validates the form and returns its question.
func questionFrom(f *web.Form) catalog.Question {
	q := catalog.Question{ID: f.Get("qid"), Type: catalog.QuestionType(f.Get("type")), Scenario: f.Get("scenario"), Prompt: f.Get("question")}
	f.Required("qid", "Enter a short name for the question, like first-words.")
	if q.ID != "" && (!slugPattern.MatchString(q.ID) || len(q.ID) > 60) {
		f.Fail("qid", "Use lowercase letters, digits and single hyphens, like first-words.")
	}
	f.OneOf("type", "Choose how the question is answered.", "single", "multiple", "truefalse")
	f.Required("question", "Enter the question.")
	f.MaxLength("question", 500)
	f.MaxLength("scenario", 2000)
	if q.Type == catalog.QuestionTrueFalse {
		for i, text := range []string{"True", "False"} {
			if f.Get(optionField(i+1, "text")) == "" {
				f.Set(optionField(i+1, "text"), text)
			}
		}
	}
	for i := 1; i <= MaxOptions; i++ {
		text, why := f.Get(optionField(i, "text")), f.Get(optionField(i, "explanation"))
		if text == "" {
			continue
		}
		if why == "" {
			f.Fail(optionField(i, "explanation"), "Say why answer "+strconv.Itoa(i)+" is right or wrong: learners read it after answering.")
		}
		q.Options = append(q.Options, catalog.Option{Text: text, Correct: f.Get(optionField(i, "correct")) == "yes", Explanation: why})
	}
	if len(q.Options) < 2 {
		f.Fail(optionField(1, "text"), "Write at least two answers.")
	}
	return q
}
