package authoring

import (
	"bytes"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/web"
)

// fileRow is one file of a module on its page.
type fileRow struct {
	Path, Name string
	Kind       string // "built-in", "local copy" or "local"
	Changed    bool   // the draft differs from the published version here
	Editable   bool
}

// modulePage is a module's workspace.
type modulePage struct {
	Slug, Title string
	BuiltIn     bool
	Draft       *Draft
	Published   int
	Files       []fileRow
	Lesson      *web.Form // the new-lesson form
	Publish     *web.Form
	Problems    catalog.Problems // the checker's, for the draft or a refused publish
}

func (h *handlers) module(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	return h.renderModule(c, http.StatusOK, slug, web.NewForm(), web.NewForm(), nil)
}

func (h *handlers) renderModule(c echo.Context, status int, slug string, lesson, publish *web.Form, problems catalog.Problems) error {
	ctx := c.Request().Context()
	d, err := h.svc.Draft(ctx, slug)
	if err != nil {
		return err
	}
	pub, err := latest(ctx, h.svc.DB, slug)
	if err != nil {
		return err
	}
	current, err := h.svc.VersionFiles(ctx, slug, pub)
	if err != nil {
		return err
	}
	page := modulePage{Slug: slug, Title: slug, BuiltIn: h.svc.IsBuiltIn(slug), Draft: d, Published: pub,
		Lesson: lesson.Anchor("title", "lesson-title").Anchor("slug", "lesson-slug"), Publish: publish, Problems: cmpProblems(problems, d.Problems)}
	if m, ok := h.svc.Store.Catalog().Module(slug); ok {
		page.Title = m.Title
	}
	page.Files = h.fileRows(slug, d.Files, current)
	return h.views.Module.Render(c, status, page)
}

func cmpProblems(a, b catalog.Problems) catalog.Problems {
	if len(a) > 0 {
		return a
	}
	return b
}

// fileRows lists the module's files: built-in ones and the draft's.
func (h *handlers) fileRows(slug string, draft, published map[string][]byte) []fileRow {
	base := h.svc.BaseFiles(slug)
	all := maps.Clone(base)
	maps.Copy(all, draft)
	var rows []fileRow
	for _, p := range slices.Sorted(maps.Keys(all)) {
		_, inBase := base[p]
		local, inDraft := draft[p]
		row := fileRow{Path: p, Name: fileLabel(p), Kind: "built-in", Editable: !imagePattern.MatchString(fileLabel(p))}
		switch {
		case inDraft && inBase:
			row.Kind = "local copy"
		case inDraft:
			row.Kind = "local"
		}
		old, wasPublished := published[p]
		row.Changed = inDraft && (!wasPublished || !bytes.Equal(old, local))
		rows = append(rows, row)
	}
	return rows
}

var wordRun = regexp.MustCompile(`[^a-z0-9]+`)

// slugOf makes a lesson's slug from its title when none is given.
func slugOf(title string) string {
	s := strings.Trim(wordRun.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if len(s) > 60 {
		s = strings.Trim(s[:60], "-")
	}
	return s
}

// addLesson adds a lesson to the module's draft and opens it.
func (h *handlers) addLesson(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Required("title", "Enter the lesson's title.")
	f.MaxLength("title", 200)
	name := f.Get("slug")
	if name == "" {
		name = slugOf(f.Get("title"))
	}
	if f.Get("title") != "" && (!slugPattern.MatchString(name) || len(name) > 60) {
		f.Fail("slug", "Use lowercase letters, digits and single hyphens, up to 60 characters, like who-to-call.")
	}
	if f.Valid() {
		p, err := h.svc.AddLesson(c.Request().Context(), actor(c), slug, name, f.Get("title"))
		if !f.FailOn(err, "slug") {
			if err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, editURL(slug, p))
		}
	}
	return h.renderModule(c, http.StatusUnprocessableEntity, slug, f, web.NewForm(), nil)
}

func editURL(module, p string) string {
	return "/admin/curriculum/modules/" + module + "/file?path=" + strings.ReplaceAll(p, "/", "%2F")
}

// publish publishes the module's draft, or shows the checker's problems.
func (h *handlers) publish(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.MaxLength("note", 200)
	if !f.Valid() {
		return h.renderModule(c, http.StatusUnprocessableEntity, slug, web.NewForm(), f.Anchor("note", "publish-note"), nil)
	}
	n, err := h.svc.Publish(c.Request().Context(), actor(c), slug, f.Get("note"))
	if problems := ProblemsOf(err); problems != nil {
		f.Anchor("note", "publish-note")
		return h.renderModule(c, http.StatusUnprocessableEntity, slug, web.NewForm(), f, problems)
	}
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", "Version "+itoa(n)+" is published. Every server shows it within seconds.")
	return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
}

// deleteFile takes a file out of the draft.
func (h *handlers) deleteFile(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteFile(c.Request().Context(), actor(c), slug, f.Get("path")); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Removed "+fileLabel(f.Get("path"))+" from the draft.")
	return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
}
