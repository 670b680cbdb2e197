package supervision

import (
	"embed"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "supervision", FS: web.MustSub(templates, "templates")}

// pages serves the supervision pages.
type pages struct {
	svc     *Service
	store   *catalog.Store
	views   supervisionPages
	confirm *web.Page
}

// supervisionPages are the supervision pages, resolved at registration.
type supervisionPages struct {
	Queue        *web.Page `page:"queue"`
	Trainee      *web.Page `page:"trainee"`
	Record       *web.Page `page:"record"`
	RecordForm   *web.Page `page:"record_form"`
	Competencies *web.Page `page:"competencies"`
	Portfolio    *web.Page `page:"portfolio"`
}

// Routes mounts the supervision pages; guard is the sign-in middleware.
func Routes(e *echo.Echo, r *web.Renderer, svc *Service, store *catalog.Store, guard echo.MiddlewareFunc) error {
	p := &pages{svc: svc, store: store}
	if err := r.Pages("supervision", &p.views); err != nil {
		return err
	}
	confirm, err := r.Page(web.ConfirmPage)
	if err != nil {
		return err
	}
	p.confirm = confirm
	e.GET("/supervision", p.home, guard)
	e.GET("/supervision/competencies", p.ownCompetencies, guard)
	e.GET("/trainees/:trainee/supervision", p.trainee, guard)
	e.GET("/trainees/:trainee/supervision/new", p.newRecord, guard)
	e.POST("/trainees/:trainee/supervision", p.create, guard)
	e.GET("/supervision/records/:id", p.record, guard)
	e.POST("/supervision/records/:id/sign", p.sign, guard)
	e.POST("/supervision/records/:id/comment", p.comment, guard)
	e.GET("/supervision/records/:id/edit", p.editForm, guard)
	e.POST("/supervision/records/:id/edit", p.edit, guard)
	e.GET("/supervision/records/:id/amend", p.amendForm, guard)
	e.POST("/supervision/records/:id/amend", p.amend, guard)
	e.GET("/trainees/:trainee/competencies", p.competencies, guard)
	e.POST("/trainees/:trainee/competencies/request", p.request, guard)
	e.POST("/trainees/:trainee/competencies/sign-off", p.signOff, guard)
	e.POST("/trainees/:trainee/competencies/return", p.returnRequest, guard)
	e.POST("/trainees/:trainee/competencies/withdraw", p.withdraw, guard)
	e.GET("/trainees/:trainee/portfolio", p.portfolio, guard)
	e.GET("/trainees/:trainee/portfolio.csv", p.portfolioCSV, guard)
	return nil
}

// traineeOf loads the trainee named in the URL when the viewer may see
// their supervision; to anyone else the trainee does not exist.
func (p *pages) traineeOf(c echo.Context) (*account.User, error) {
	t, err := account.UserByID(c.Request().Context(), p.svc.DB, c.Param("trainee"))
	if err != nil {
		return nil, err
	}
	if t.Role != account.Trainee || !CanSeeTrainee(web.ViewerFrom(c), t) {
		return nil, fault.NotFound()
	}
	return t, nil
}

// recordOf loads the record named in the URL and its trainee when the viewer
// may read it.
func (p *pages) recordOf(c echo.Context) (*Record, *account.User, error) {
	ctx := c.Request().Context()
	r, err := Get(ctx, p.svc.DB, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	t, err := account.UserByID(ctx, p.svc.DB, r.TraineeID)
	if err != nil {
		return nil, nil, err
	}
	if !CanSeeRecord(web.ViewerFrom(c), t, r) {
		return nil, nil, fault.NotFound()
	}
	return r, t, nil
}

// auditView notes the viewer's reading of the trainee's supervision page
// named what.
func (p *pages) auditView(c echo.Context, trainee *account.User, what string) error {
	return p.svc.NoteView(c.Request().Context(), account.CurrentUser(c), trainee, c.RealIP(), what)
}
