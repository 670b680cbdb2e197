package authoring

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// detailsPage edits a module's reflection prompts and references.
type detailsPage struct {
	Module   string
	Form     *web.Form
	Problems catalog.Problems // the checker's, in module.yaml
}

// moduleYAML returns the draft's module.yaml (or the built-in one).
func (h *handlers) moduleYAML(c echo.Context, slug string) ([]byte, *Draft, error) {
	d, err := h.svc.Draft(c.Request().Context(), slug)
	if err != nil {
		return nil, nil, err
	}
	p := slug + "/module.yaml"
	if b, ok := d.Files[p]; ok {
		return b, d, nil
	}
	b, err := fs.ReadFile(h.svc.Base, p)
	if err != nil {
		return nil, nil, fault.NotFound()
	}
	return b, d, nil
}

func (h *handlers) details(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	data, d, err := h.moduleYAML(c, slug)
	if err != nil {
		return err
	}
	lists := readLists(data)
	f := web.NewForm()
	f.Set("prompt_lines", strings.Join(lists.Prompts, "\n"))
	f.Set("reference_lines", referenceLines(lists.References))
	return h.views.Details.Render(c, http.StatusOK, detailsPage{Module: slug, Form: f, Problems: inFile(d.Problems, slug+"/module.yaml")})
}

func inFile(problems catalog.Problems, p string) catalog.Problems {
	var out catalog.Problems
	for _, pr := range problems {
		if pr.File == p {
			out = append(out, pr)
		}
	}
	return out
}

// saveDetails writes the form's lists into the draft's module.yaml.
func (h *handlers) saveDetails(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	lists := listsFrom(f)
	page := detailsPage{Module: slug, Form: f}
	if !f.Valid() {
		return h.views.Details.Render(c, http.StatusUnprocessableEntity, page)
	}
	data, _, err := h.moduleYAML(c, slug)
	if err != nil {
		return err
	}
	updated, err := withLists(data, lists)
	if err != nil {
		f.Fail("reference_lines", err.Error())
		return h.views.Details.Render(c, http.StatusUnprocessableEntity, page)
	}
	return h.saveAndReturn(c, slug, slug+"/module.yaml", updated, "Saved in the draft's module.yaml.",
		"fix them before publishing.", "/admin/curriculum/modules/"+slug)
}

// listsFrom validates the form and returns its lists.
func listsFrom(f *web.Form) ModuleLists {
	f.MaxLength("prompt_lines", 20000)
	f.MaxLength("reference_lines", 20000)
	lists, bad := parseLines(f.Get("prompt_lines"), f.Get("reference_lines"))
	if len(bad) > 0 {
		f.Fail("reference_lines", strings.Join(bad, " "))
	}
	if len(lists.References) == 0 {
		f.Fail("reference_lines", "Enter at least one source the module draws on.")
	}
	return lists
}
