package authoring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// editorPage edits one file of a module: a lesson as title, minutes and
// Markdown, a YAML file as text.
type editorPage struct {
	Module, Path, Name string
	Lesson             bool
	BuiltIn            bool // the file is built in: saving makes a local copy
	Copy               bool // the draft holds a local copy of a built-in file
	Form               *web.Form
	Preview            template.HTML
	Previewed          bool
	Other              catalog.Problems // problems in the module's other files
}

// editFile shows a file of the draft (module.yaml when none is named).
func (h *handlers) editFile(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	p := c.QueryParam("path")
	if p == "" {
		p = slug + "/module.yaml"
	}
	if err := checkFilePath(slug, p); err != nil || imagePattern.MatchString(fileLabel(p)) {
		return fault.NotFound()
	}
	d, err := h.svc.Draft(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	content, ok := d.Files[p]
	if !ok {
		if content, err = fs.ReadFile(h.svc.Base, p); err != nil {
			return fault.NotFound()
		}
	}
	page := h.editor(slug, p, d)
	fillForm(page.Form, p, content)
	page.Form.Set("seen", contentHash(content))
	page.Other = placeProblems(page.Form, p, content, d.Problems)
	return h.views.Editor.Render(c, http.StatusOK, page)
}

func (h *handlers) editor(slug, p string, d *Draft) editorPage {
	_, inDraft := d.Files[p]
	builtIn := baseHash(h.svc.Base, p) != ""
	return editorPage{Module: slug, Path: p, Name: fileLabel(p), Lesson: strings.HasSuffix(p, ".md"),
		BuiltIn: builtIn, Copy: builtIn && inDraft, Form: web.NewForm()}
}

// fillForm puts a file's content into the editor's fields.
func fillForm(f *web.Form, p string, content []byte) {
	if !strings.HasSuffix(p, ".md") {
		f.Set("yaml", string(content))
		return
	}
	title, minutes, body, _, _ := catalog.ParseFrontMatter(p, content)
	f.Set("title", title)
	if minutes > 0 {
		f.Set("minutes", strconv.Itoa(minutes))
	}
	f.Set("markdown", strings.TrimPrefix(string(body), "\n"))
}

// saveFile saves the editor's fields into the draft ("save"), or shows
// the lesson as it would read and what the checker says without saving
// ("preview"). A save with the checker's problems is kept as a draft.
func (h *handlers) saveFile(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	p := f.Get("path")
	if err := checkFilePath(slug, p); err != nil || imagePattern.MatchString(fileLabel(p)) {
		return fault.Errorf(fault.CodeInvalid, "This form edits a lesson, module.yaml or quiz.yaml of this module.")
	}
	ctx := c.Request().Context()
	d, err := h.svc.Draft(ctx, slug)
	if err != nil {
		return err
	}
	page := h.editor(slug, p, d)
	page.Form = f
	content := contentOf(f, page.Lesson)
	if !f.Valid() {
		return h.views.Editor.Render(c, http.StatusUnprocessableEntity, page)
	}
	if f.Get("action") == "preview" {
		return h.preview(c, page, content, d)
	}
	if h.changedSince(f, d, p, fieldOf(page.Lesson)) {
		return h.views.Editor.Render(c, http.StatusConflict, page)
	}
	problems, err := h.svc.SaveFile(ctx, actor(c), slug, p, content)
	if f.FailOn(err, fieldOf(page.Lesson)) {
		return h.views.Editor.Render(c, http.StatusUnprocessableEntity, page)
	}
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", savedMessage(len(problems)))
	return c.Redirect(http.StatusSeeOther, editURL(slug, p))
}

// changedSince reports whether someone saved the file at p after the
// form was opened. The form then keeps what was typed and says so, and
// remembers the file's new version so that a second save, made knowing
// it, replaces theirs.
func (h *handlers) changedSince(f *web.Form, d *Draft, p, field string) bool {
	now := h.currentHash(d, p)
	if f.Get("seen") == "" || f.Get("seen") == now {
		return false
	}
	f.Set("seen", now)
	f.Fail(field, "Someone else saved this file after you opened it. Your text is kept here; open the file in another tab to see theirs, then save again to replace it with yours.")
	return true
}

func savedMessage(problems int) string {
	if problems == 0 {
		return "Saved in the draft. The checker found no problems: the module can be published."
	}
	return fmt.Sprintf("Saved in the draft. The checker found %d problems, shown beside the fields; fix them before publishing.", problems)
}

// contentHash names a version of a file, so a save can tell whether the
// file changed since its form was opened.
func contentHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// currentHash is the hash of the file at p as the draft (or the built-in
// curriculum) holds it now.
func (h *handlers) currentHash(d *Draft, p string) string {
	if b, ok := d.Files[p]; ok {
		return contentHash(b)
	}
	b, _ := fs.ReadFile(h.svc.Base, p)
	return contentHash(b)
}

func fieldOf(lesson bool) string {
	if lesson {
		return "markdown"
	}
	return "yaml"
}

// contentOf validates the editor's fields and returns the file they make.
func contentOf(f *web.Form, lesson bool) []byte {
	if !lesson {
		f.Required("yaml", "Enter the file's content.")
		f.MaxLength("yaml", MaxFileBytes)
		return []byte(strings.TrimRight(f.Get("yaml"), "\n") + "\n")
	}
	f.Required("title", "Enter the lesson's title.")
	f.MaxLength("title", 200)
	minutes, err := strconv.Atoi(f.Get("minutes"))
	if f.Get("minutes") == "" {
		f.Fail("minutes", "Enter about how many minutes the lesson takes.")
	} else if err != nil || minutes < 1 || minutes > 600 {
		f.Fail("minutes", "Enter a whole number of minutes from 1 to 600.")
	}
	f.MaxLength("markdown", MaxFileBytes)
	return LessonFile(f.Get("title"), minutes, f.Get("markdown"))
}

// preview renders the unsaved lesson and checks the module with it.
func (h *handlers) preview(c echo.Context, page editorPage, content []byte, d *Draft) error {
	files := make(map[string][]byte, len(d.Files)+1)
	for p, b := range d.Files {
		files[p] = b
	}
	files[page.Path] = content
	problems, err := h.svc.CheckDraft(c.Request().Context(), page.Module, files)
	if err != nil {
		return err
	}
	if page.Lesson {
		l, _ := catalog.RenderLesson(page.Path, content)
		page.Preview, page.Previewed = template.HTML(previewImages(string(l.HTML), page.Module)), true //nolint:gosec // goldmark's output, only its image addresses changed
	}
	page.Other = placeProblems(page.Form, page.Path, content, problems)
	status := http.StatusOK
	if !page.Form.Valid() {
		status = http.StatusUnprocessableEntity
	}
	return h.views.Editor.Render(c, status, page)
}

// placeProblems puts the checker's problems with file p beside the fields
// they concern, with their line, and returns the problems of other files.
func placeProblems(f *web.Form, p string, content []byte, problems catalog.Problems) catalog.Problems {
	var other catalog.Problems
	msgs := map[string][]string{}
	var order []string
	_, _, body, bodyLine, _ := catalog.ParseFrontMatter(p, content)
	if len(body) > 0 && body[0] == '\n' {
		bodyLine++ // the blank line after the front matter is not in the text box
	}
	for _, pr := range problems {
		if pr.File != p {
			other = append(other, pr)
			continue
		}
		field, text := fieldFor(p, pr, bodyLine)
		if _, seen := msgs[field]; !seen {
			order = append(order, field)
		}
		msgs[field] = append(msgs[field], text)
	}
	for _, field := range order {
		f.Fail(field, strings.Join(msgs[field], " "))
	}
	return other
}

// fieldFor maps a problem in a file to the editor's field and says where;
// textLine is the file line of the text box's first line.
func fieldFor(p string, pr catalog.Problem, textLine int) (field, text string) {
	if !strings.HasSuffix(p, ".md") {
		if pr.Line > 0 {
			return "yaml", fmt.Sprintf("Line %d: %s.", pr.Line, strings.TrimSuffix(pr.Message, "."))
		}
		return "yaml", pr.Message
	}
	switch {
	case pr.Line >= textLine:
		return "markdown", fmt.Sprintf("Line %d of the text: %s.", pr.Line-textLine+1, strings.TrimSuffix(pr.Message, "."))
	case strings.Contains(pr.Message, "minutes"):
		return "minutes", pr.Message
	case strings.Contains(pr.Message, "title"):
		return "title", pr.Message
	}
	return "markdown", pr.Message
}
