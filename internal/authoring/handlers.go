package authoring

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "authoring", FS: web.MustSub(templates, "templates")}

// handlers serves the authoring pages.
type handlers struct {
	svc     *Service
	confirm *web.Page
	views   struct {
		Index      *web.Page `page:"index"`
		Module     *web.Page `page:"module"`
		Editor     *web.Page `page:"editor"`
		History    *web.Page `page:"history"`
		Import     *web.Page `page:"import"`
		Preview    *web.Page `page:"preview"`
		Published  *web.Page `page:"published"`
		Details    *web.Page `page:"details"`
		Question   *web.Page `page:"question"`
		Competency *web.Page `page:"competency"`
	}
}

// Routes mounts the authoring pages on g (/admin/curriculum, for signed-in
// people), letting through only those who MayAuthor: admins and curriculum
// editors.
func Routes(g *echo.Group, r *web.Renderer, svc *Service) error {
	h := &handlers{svc: svc}
	if err := r.Pages("authoring", &h.views); err != nil {
		return err
	}
	confirm, err := r.Page(web.ConfirmPage)
	if err != nil {
		return err
	}
	h.confirm = confirm
	g.Use(h.guard)
	a := g
	a.GET("", h.index)
	a.POST("/modules", h.createModule)
	a.GET("/modules/:module", h.module)
	a.POST("/modules/:module/lessons", h.addLesson)
	a.POST("/modules/:module/images", h.uploadImage)
	a.GET("/modules/:module/competency", h.competency)
	a.POST("/modules/:module/competency", h.saveCompetency)
	a.POST("/modules/:module/competency/delete", h.removeItem("module.yaml", "competencies", "competency"))
	a.POST("/modules/:module/question/delete", h.removeItem("quiz.yaml", "questions", "question"))
	a.GET("/modules/:module/discard", h.confirmDiscard)
	a.POST("/modules/:module/discard", h.discard)
	a.GET("/modules/:module/question", h.question)
	a.POST("/modules/:module/question", h.saveQuestion)
	a.GET("/modules/:module/details", h.details)
	a.POST("/modules/:module/details", h.saveDetails)
	a.GET("/modules/:module/draft/images/:name", h.draftImage)
	a.GET("/modules/:module/file", h.editFile)
	a.POST("/modules/:module/file", h.saveFile)
	a.POST("/modules/:module/file/delete", h.deleteFile)
	a.POST("/modules/:module/publish", h.publish)
	a.GET("/modules/:module/history", h.history)
	a.POST("/modules/:module/restore", h.restore)
	a.GET("/modules/:module/export.zip", h.exportModule)
	a.GET("/export.zip", h.exportAll)
	a.GET("/import", h.importForm)
	a.POST("/import", h.upload)
	a.POST("/import/publish", h.publishImport)
	a.POST("/reviewed", h.reviewed)
	return nil
}

// guard refuses anyone who may not author, whatever mounts the routes.
func (h *handlers) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !MayAuthor(web.ViewerFrom(c)) {
			return fault.Forbidden()
		}
		return next(c)
	}
}

func actor(c echo.Context) Actor { return Actor{Viewer: web.ViewerFrom(c), IP: c.RealIP()} }

// moduleForm returns the module named in the URL (see moduleParam) and
// the request's form.
func (h *handlers) moduleForm(c echo.Context) (string, *web.Form, error) {
	slug, err := h.moduleParam(c)
	if err != nil {
		return "", nil, err
	}
	f, err := web.ParseForm(c)
	return slug, f, err
}

// saveAndReturn saves content as the draft's file at path, says so in a
// flash message (with how many problems the checker found, and then
// withProblems) and sends the author to next.
func (h *handlers) saveAndReturn(c echo.Context, slug, path string, content []byte, saved, withProblems, next string) error {
	problems, err := h.svc.SaveFile(c.Request().Context(), actor(c), slug, path, content)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		saved += " The checker found " + strconv.Itoa(len(problems)) + " problems in the draft; " + withProblems
	}
	web.AddFlash(c, "success", saved)
	return c.Redirect(http.StatusSeeOther, next)
}

// moduleParam returns the module named in the URL, or not found.
func (h *handlers) moduleParam(c echo.Context) (string, error) {
	slug := c.Param("module")
	if !slugPattern.MatchString(slug) {
		return "", fault.NotFound()
	}
	ok, err := h.svc.Exists(c.Request().Context(), slug)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fault.NotFound()
	}
	return slug, nil
}

// moduleRow is one module on the index.
type moduleRow struct {
	Slug, Title string
	BuiltIn     bool
	Published   int
	Draft       bool
}

// indexPage is the curriculum authoring home.
type indexPage struct {
	Local, BuiltIn []moduleRow
	Reviews        []Review
	Broken         catalog.Problems
	Form           *web.Form
}

func (h *handlers) index(c echo.Context) error {
	return h.renderIndex(c, http.StatusOK, web.NewForm())
}

func (h *handlers) renderIndex(c echo.Context, status int, f *web.Form) error {
	ctx := c.Request().Context()
	local, err := h.svc.LocalModules(ctx)
	if err != nil {
		return err
	}
	reviews, err := h.svc.NeedsReview(ctx)
	if err != nil {
		return err
	}
	cat := h.svc.Store.Catalog()
	page := indexPage{Reviews: reviews, Broken: h.svc.Problems(), Form: f}
	seen := map[string]LocalModule{}
	for _, m := range local {
		seen[m.Slug] = m
	}
	for _, m := range cat.Modules {
		lm := seen[m.Slug]
		row := moduleRow{Slug: m.Slug, Title: m.Title, BuiltIn: h.svc.IsBuiltIn(m.Slug), Published: lm.Published, Draft: !lm.DraftAt.IsZero()}
		if row.BuiltIn {
			page.BuiltIn = append(page.BuiltIn, row)
		} else {
			page.Local = append(page.Local, row)
		}
		delete(seen, m.Slug)
	}
	for _, m := range local {
		if _, unpublished := seen[m.Slug]; unpublished && !m.BuiltIn {
			page.Local = append(page.Local, moduleRow{Slug: m.Slug, Title: m.Slug, Draft: true})
		}
	}
	return h.views.Index.Render(c, status, page)
}

// createModule starts a local module from the index's form.
func (h *handlers) createModule(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Required("title", "Enter the module's title.")
	f.MaxLength("title", 200)
	f.Required("slug", "Enter a short name for web addresses, like local-referrals.")
	if s := f.Get("slug"); s != "" && (!slugPattern.MatchString(s) || len(s) > 60) {
		f.Fail("slug", "Use lowercase letters, digits and single hyphens, up to 60 characters, like local-referrals.")
	}
	f.OneOf("audience", "Choose who the module is for.", "trainee", "public")
	if f.Valid() {
		m := NewModule{Slug: f.Get("slug"), Title: f.Get("title"), Audience: catalog.Audience(f.Get("audience"))}
		err := h.svc.CreateModule(c.Request().Context(), actor(c), m)
		if !f.FailOn(err, "slug") {
			if err != nil {
				return err
			}
			web.AddFlash(c, "success", "Module started as a draft. Replace the placeholders, then publish it.")
			return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+m.Slug)
		}
	}
	return h.renderIndex(c, http.StatusUnprocessableEntity, f)
}

// fileLabel is how a page names a file of a module.
func fileLabel(p string) string {
	_, rest, _ := strings.Cut(p, "/")
	return rest
}
