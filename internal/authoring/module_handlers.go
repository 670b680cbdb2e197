package authoring

import (
	"bytes"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
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
	Slug, Title  string
	BuiltIn      bool
	Draft        *Draft
	Published    int
	Files        []fileRow
	Lessons      []string // paths of the module's lessons, for the picture form
	Questions    []catalog.Question
	Competencies []catalog.Competency
	Problems     catalog.Problems // the checker's, for the draft or a refused publish
	Forms
}

// Forms are a module page's forms, each with what was typed and its
// problems.
type Forms struct {
	Lesson, Publish, Image *web.Form
}

func newForms() Forms { return Forms{web.NewForm(), web.NewForm(), web.NewForm()} }

func (h *handlers) module(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	return h.renderModule(c, http.StatusOK, slug, newForms(), nil)
}

func (h *handlers) renderModule(c echo.Context, status int, slug string, fs Forms, problems catalog.Problems) error {
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
	fs.Lesson.Anchor("title", "lesson-title").Anchor("slug", "lesson-slug")
	fs.Publish.Anchor("note", "publish-note")
	fs.Image.Anchor("file", "image-file").Anchor("alt", "image-alt").Anchor("lesson", "image-lesson")
	page := modulePage{Slug: slug, Title: slug, BuiltIn: h.svc.IsBuiltIn(slug), Draft: d, Published: pub,
		Forms: fs, Problems: cmpProblems(problems, d.Problems)}
	if m, ok := h.svc.Store.Catalog().Module(slug); ok {
		page.Title = m.Title
	}
	page.Files = h.fileRows(slug, d.Files, current)
	page.Questions, page.Competencies = h.items(slug, d)
	for _, f := range page.Files {
		if lessonPattern.MatchString(f.Name) {
			page.Lessons = append(page.Lessons, f.Path)
		}
	}
	return h.views.Module.Render(c, status, page)
}

// items lists the draft's (or the built-in) questions and competencies.
func (h *handlers) items(slug string, d *Draft) ([]catalog.Question, []catalog.Competency) {
	file := func(name string) []byte {
		if b, ok := d.Files[slug+"/"+name]; ok {
			return b
		}
		return h.svc.BaseFiles(slug)[slug+"/"+name]
	}
	return readQuestions(slug+"/quiz.yaml", file("quiz.yaml")), readCompetencies(file("module.yaml"))
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
	slug, f, err := h.moduleForm(c)
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
	fs := newForms()
	fs.Lesson = f
	return h.renderModule(c, http.StatusUnprocessableEntity, slug, fs, nil)
}

func editURL(module, p string) string {
	return "/admin/curriculum/modules/" + module + "/file?path=" + strings.ReplaceAll(p, "/", "%2F")
}

// publish publishes the module's draft, or shows the checker's problems.
func (h *handlers) publish(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	f.MaxLength("note", 200)
	fs := newForms()
	fs.Publish = f
	if !f.Valid() {
		return h.renderModule(c, http.StatusUnprocessableEntity, slug, fs, nil)
	}
	n, err := h.svc.Publish(c.Request().Context(), actor(c), slug, f.Get("note"))
	if problems := ProblemsOf(err); problems != nil {
		return h.renderModule(c, http.StatusUnprocessableEntity, slug, fs, problems)
	}
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", "Version "+strconv.Itoa(n)+" is published. Every server shows it within seconds.")
	return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
}

// deleteFile takes a file out of the draft.
func (h *handlers) deleteFile(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteFile(c.Request().Context(), actor(c), slug, f.Get("path")); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Removed "+fileLabel(f.Get("path"))+" from the draft.")
	return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
}

// uploadImage saves an uploaded picture in the draft, and in a lesson.
func (h *handlers) uploadImage(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	f.Required("alt", "Describe what the picture shows, for people who cannot see it.")
	f.MaxLength("alt", 300)
	img := Image{Alt: f.Get("alt"), Lesson: f.Get("lesson")}
	if fh, err := c.FormFile("file"); err != nil {
		f.Fail("file", "Choose a picture to upload.")
	} else if img.Data, err = readUpload(fh, MaxImageBytes); err != nil {
		f.Fail("file", "The picture is larger than "+strconv.Itoa(MaxImageBytes>>10)+" KB: make it smaller.")
	} else {
		img.FileName = fh.Filename
	}
	if f.Valid() {
		p, problems, err := h.svc.SaveImage(c.Request().Context(), actor(c), slug, img)
		if !f.FailOn(err, "file") {
			if err != nil {
				return err
			}
			web.AddFlash(c, "success", imageSaved(p, img.Lesson, len(problems)))
			return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
		}
	}
	fs := newForms()
	fs.Image = f
	return h.renderModule(c, http.StatusUnprocessableEntity, slug, fs, nil)
}

func imageSaved(p, lesson string, problems int) string {
	msg := "Saved " + fileLabel(p) + " in the draft."
	if lesson != "" {
		msg += " It is shown at the end of " + fileLabel(lesson) + ": move it where it belongs."
	}
	if problems > 0 {
		msg += " The checker found " + strconv.Itoa(problems) + " problems; fix them before publishing."
	}
	return msg
}

// draftImage serves a picture of the draft for previews, as an image only.
func (h *handlers) draftImage(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	b, err := h.svc.DraftImage(c.Request().Context(), slug, c.Param("name"))
	if err != nil {
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderCacheControl, "no-store")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, http.DetectContentType(b), b)
}
