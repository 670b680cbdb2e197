package catalog

import (
	"context"
	"embed"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
	"groundwork/internal/identity"
	"groundwork/internal/web"
)

//go:embed templates/*.html templates/partials/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "catalog", FS: web.MustSub(templates, "templates")}

// Progress is what the curriculum pages ask of the learning capability
// about a signed-in person. Without one the pages show no progress and gate
// nothing.
type Progress interface {
	// ModuleStatus describes the person's status in each module ("Not
	// started", "2 of 4 lessons read"), keyed by module slug.
	ModuleStatus(ctx context.Context, userID string, c *Catalog) (map[string]string, error)
	// Access says whether the person may start module m and where they left
	// off in it.
	Access(ctx context.Context, v *identity.Viewer, m *Module, c *Catalog) (Access, error)
}

// Access is where a signed-in person stands in one module.
type Access struct {
	// Blocked says, in plain words, why the person may not start the module
	// yet; it is empty when they may.
	Blocked string
	// Missing lists the prerequisites the person has still to finish.
	Missing []*Module
	// Read holds the slugs of the lessons the person has read.
	Read map[string]bool
	// Resume is the first lesson not yet read; nil when none is read yet or
	// all are.
	Resume *Lesson
}

// pages serves the catalogue, module and lesson pages.
type pages struct {
	store    *Store
	progress Progress
	views    struct {
		Index  *web.Page `page:"index"`
		Module *web.Page `page:"module"`
		Lesson *web.Page `page:"lesson"`
	}
}

// Routes mounts the curriculum pages. progress may be nil.
func Routes(e *echo.Echo, r *web.Renderer, store *Store, progress Progress) error {
	p := &pages{store: store, progress: progress}
	if err := r.Pages("catalog", &p.views); err != nil {
		return err
	}
	e.GET("/modules", p.showIndex)
	e.GET("/modules/:module", p.showModule)
	e.GET("/modules/:module/lessons/:lesson", p.showLesson)
	e.GET("/modules/:module/images/*", p.showImage)
	return nil
}

// indexData is what the catalogue page shows.
type indexData struct {
	Programme Programme
	Trainee   []*Module
	Public    []*Module
	Status    map[string]string
	SignedIn  bool
}

func (p *pages) showIndex(c echo.Context) error {
	cat := p.store.Catalog()
	data := indexData{Programme: cat.Programme, Trainee: cat.TraineeModules(), Public: cat.PublicModules()}
	if v := web.ViewerFrom(c); v != nil {
		data.SignedIn = true
		if p.progress != nil {
			status, err := p.progress.ModuleStatus(c.Request().Context(), v.ID, cat)
			if err != nil {
				return err
			}
			data.Status = status
		}
	}
	return p.views.Index.Render(c, http.StatusOK, data)
}

// visibleModule returns the module named in the URL when the viewer may
// read it: public modules for anyone, trainee modules after sign-in.
func (p *pages) visibleModule(c echo.Context) (*Catalog, *Module, error) {
	cat := p.store.Catalog()
	m, ok := cat.Module(c.Param("module"))
	if !ok {
		return nil, nil, fault.NotFound()
	}
	if !MayRead(web.ViewerFrom(c), m) {
		return nil, nil, errSignIn
	}
	return cat, m, nil
}

// errSignIn is answered with a redirect to the sign-in page.
var errSignIn = fault.Errorf(fault.CodeUnauthorized, "Please sign in to read the training modules.")

func (p *pages) signInFirst(c echo.Context, err error) error {
	if err == errSignIn {
		return c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request().URL.Path))
	}
	return err
}

// moduleData is what a module overview shows.
type moduleData struct {
	Module        *Module
	Prerequisites []*Module
	SignedIn      bool // offers the knowledge check
	Access        Access
}

// CacheKey names the module's overview for visitors who are not signed in.
func (d moduleData) CacheKey() string { return "module:" + d.Module.Slug + "@" + d.Module.Version }

func (p *pages) showModule(c echo.Context) error {
	cat, m, err := p.visibleModule(c)
	if err != nil {
		return p.signInFirst(c, err)
	}
	data := moduleData{Module: m}
	for _, slug := range m.Prerequisites {
		if pre, ok := cat.Module(slug); ok {
			data.Prerequisites = append(data.Prerequisites, pre)
		}
	}
	if v := web.ViewerFrom(c); v != nil && p.progress != nil {
		data.SignedIn = true
		if data.Access, err = p.progress.Access(c.Request().Context(), v, m, cat); err != nil {
			return err
		}
	}
	return p.views.Module.Render(c, http.StatusOK, data)
}

// lessonData is what a lesson page shows.
type lessonData struct {
	Module     *Module
	Lesson     *Lesson
	Prev, Next *Lesson
	ShowTOC    bool
	SignedIn   bool // offers "mark as read"
	Done       bool
	Access     Access
}

// CacheKey names the lesson's content: a page for visitors who are not
// signed in is rendered once per module version.
func (d lessonData) CacheKey() string {
	return "lesson:" + d.Module.Slug + "/" + d.Lesson.Slug + "@" + d.Module.Version
}

// ViewerCacheKey names what a signed-in reader sees of the lesson: its
// content and whether they have read it. Their name and the form's token
// are filled in for each request.
func (d lessonData) ViewerCacheKey() string {
	return fmt.Sprintf("%s|signed-in=%t|done=%t", d.CacheKey(), d.SignedIn, d.Done)
}

func (p *pages) showLesson(c echo.Context) error {
	cat, m, err := p.visibleModule(c)
	if err != nil {
		return p.signInFirst(c, err)
	}
	for _, l := range m.Lessons {
		if l.Slug != c.Param("lesson") {
			continue
		}
		data := lessonData{Module: m, Lesson: l, Prev: m.Prev(l), Next: m.Next(l), ShowTOC: len(l.Headings) >= 3}
		if v := web.ViewerFrom(c); v != nil && p.progress != nil {
			data.SignedIn = true
			if data.Access, err = p.progress.Access(c.Request().Context(), v, m, cat); err != nil {
				return err
			}
			data.Done = data.Access.Read[l.Slug]
			if data.Access.Blocked != "" {
				return p.views.Lesson.Render(c, http.StatusForbidden, data)
			}
		}
		return p.views.Lesson.Render(c, http.StatusOK, data)
	}
	return fault.NotFound()
}

func (p *pages) showImage(c echo.Context) error {
	_, m, err := p.visibleModule(c)
	if err != nil {
		return p.signInFirst(c, err)
	}
	name := path.Clean("images/" + c.Param("*"))
	data, ok := m.Images[name]
	if !ok {
		return fault.NotFound()
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "private, max-age=3600")
	// A picture is only ever a picture: opened on its own, nothing in it runs.
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ctype, data)
}
