package authoring

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/web"
)

// competencyPage adds or edits one competency and its rubric.
type competencyPage struct {
	Module   string
	Original string // the id of the competency being edited; "" for a new one
	Form     *web.Form
	Kinds    []catalog.Evidence
	Problems catalog.Problems // the checker's, in module.yaml
}

// Chose reports whether the form ticked evidence kind e.
func (p competencyPage) Chose(e catalog.Evidence) bool {
	return slices.Contains(p.Form.Values["evidence"], string(e))
}

func (h *handlers) competency(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	data, d, err := h.moduleYAML(c, slug)
	if err != nil {
		return err
	}
	page := competencyPage{Module: slug, Form: web.NewForm(), Kinds: catalog.EvidenceKinds, Problems: inFile(d.Problems, slug+"/module.yaml")}
	for _, comp := range readCompetencies(data) {
		if comp.ID != "" && comp.ID == c.QueryParam("id") {
			page.Original = comp.ID
			fillCompetency(page.Form, comp)
		}
	}
	return h.views.Competency.Render(c, http.StatusOK, page)
}

func fillCompetency(f *web.Form, comp catalog.Competency) {
	f.Set("cid", comp.ID)
	f.Set("title", comp.Title)
	f.Set("description", comp.Description)
	f.Set("danos", strings.Join(comp.DANOS, ", "))
	if comp.BeforeUnsupervisedPractice {
		f.Set("before", "yes")
	}
	for _, e := range comp.Rubric.Evidence {
		f.Values.Add("evidence", string(e))
	}
	if comp.Rubric.Instances > 0 {
		f.Set("instances", strconv.Itoa(comp.Rubric.Instances))
	}
	f.Set("criteria_lines", strings.Join(comp.Rubric.Criteria, "\n"))
}

// saveCompetency writes the form's competency into the draft's module.yaml.
func (h *handlers) saveCompetency(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	comp := competencyFrom(f)
	page := competencyPage{Module: slug, Original: f.Get("original"), Form: f, Kinds: catalog.EvidenceKinds}
	if !f.Valid() {
		return h.views.Competency.Render(c, http.StatusUnprocessableEntity, page)
	}
	data, _, err := h.moduleYAML(c, slug)
	if err != nil {
		return err
	}
	updated, err := withCompetency(data, f.Get("original"), comp)
	if err != nil {
		f.Fail("cid", err.Error())
		return h.views.Competency.Render(c, http.StatusUnprocessableEntity, page)
	}
	return h.saveAndReturn(c, slug, slug+"/module.yaml", updated, "Saved the competency in the draft.",
		"they are listed below.", "/admin/curriculum/modules/"+slug+"/competency?id="+comp.ID)
}

// competencyFrom validates the form and returns its competency.
func competencyFrom(f *web.Form) catalog.Competency {
	comp := catalog.Competency{ID: f.Get("cid"), Title: f.Get("title"), Description: f.Get("description"),
		DANOS: codes(f.Get("danos")), BeforeUnsupervisedPractice: f.Get("before") == "yes"}
	f.Required("cid", "Enter a short name for the competency, like contact-welcome.")
	if comp.ID != "" && (!slugPattern.MatchString(comp.ID) || len(comp.ID) > 60) {
		f.Fail("cid", "Use lowercase letters, digits and single hyphens, like contact-welcome.")
	}
	f.Required("title", "Enter the competency's title.")
	f.MaxLength("title", 200)
	f.Required("description", "Describe what a supervisor sees the trainee do.")
	f.MaxLength("description", 2000)
	for _, e := range f.Values["evidence"] {
		if !slices.Contains(catalog.EvidenceKinds, catalog.Evidence(e)) {
			f.Fail("evidence", "Choose kinds of evidence from the list.")
			continue
		}
		comp.Rubric.Evidence = append(comp.Rubric.Evidence, catalog.Evidence(e))
	}
	if s := f.Get("instances"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5 {
			f.Fail("instances", "Enter how many separate occasions, from 1 to 5.")
		}
		comp.Rubric.Instances = n
	}
	for _, line := range strings.Split(f.Get("criteria_lines"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			comp.Rubric.Criteria = append(comp.Rubric.Criteria, line)
		}
	}
	return comp
}
