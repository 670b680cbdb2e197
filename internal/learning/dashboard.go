package learning

import (
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/notify"
	"groundwork/internal/supervision"
	"groundwork/internal/web"
)

// inactiveAfter is how long without activity marks a trainee as inactive
// on the supervisor's dashboard.
const inactiveAfter = 14 * 24 * time.Hour

// needsYouShown is how many of the newest things waiting for them the staff
// dashboard lists; the trainees ordered by attention show the rest.
const needsYouShown = 20

// dashboards serves /dashboard: a trainee's own progress, or a
// supervisor's (or admin's) view of their trainees.
type dashboards struct {
	store    *catalog.Store
	progress *Progress
	views    struct {
		Trainee    *web.Page `page:"dashboard_trainee"`
		Supervisor *web.Page `page:"dashboard_supervisor"`
	}
}

// traineeData is what a trainee's dashboard shows.
type traineeData struct {
	Programme    catalog.Programme
	Modules      []traineeModule
	Done, Total  int // steps across the modules they are enrolled in
	Next         *ModuleProgress
	Recent       []activity
	Certificates []CertificateLink
	// Supervision is nil until the supervision capability is present.
	Supervision *supervision.Summary
	// Clearance is where the trainee stands on the competencies required
	// before unsupervised practice.
	Clearance catalog.Clearance
	// NeedsYou is what waits for the trainee, each with where to act on it.
	NeedsYou []notify.Item
}

// HoursLeft is how many hours of agreed supervision the programme still
// asks for.
func (d traineeData) HoursLeft() float64 {
	if d.Supervision == nil {
		return 0
	}
	return max(0, float64(d.Programme.SupervisionHours)-d.Supervision.Hours)
}

// ProgrammeComplete reports whether every enrolled module is complete and
// the programme's supervision hours are met.
func (d traineeData) ProgrammeComplete() bool {
	if d.Supervision == nil {
		return false
	}
	modules := make([]ModuleProgress, len(d.Modules))
	for i, m := range d.Modules {
		modules[i] = m.ModuleProgress
	}
	return programmeComplete(modules, d.Supervision.Hours, d.Programme) && d.Clearance.Cleared()
}

// traineeModule is one enrolled module on the dashboard.
type traineeModule struct {
	ModuleProgress
	Waiting []*catalog.Module // prerequisites whose own part is not done
}

// Percent is the overall progress across the enrolled modules.
func (d traineeData) Percent() int {
	if d.Total == 0 {
		return 0
	}
	return d.Done * 100 / d.Total
}

type activity struct {
	At   time.Time
	What string
}

func (d *dashboards) show(c echo.Context) error {
	me := account.CurrentUser(c)
	if me.Role == account.Trainee {
		return d.showTrainee(c, me)
	}
	return d.showSupervisor(c, me)
}

// showTrainee costs one query for the facts plus one for each capability
// that has landed (sign-offs, supervision, certificates) and one for the
// "Needs you" list.
func (d *dashboards) showTrainee(c echo.Context, me *account.User) error {
	ctx := c.Request().Context()
	cat := d.store.Catalog()
	f, overview, err := d.progress.overview(ctx, []string{me.ID}, cat)
	if err != nil {
		return err
	}
	enrolled := enrolledModules(f.scopes[me.ID], cat)
	data := traineeData{Programme: cat.Programme, Modules: enrolledProgress(overview[me.ID], enrolled, cat),
		Clearance: Clearance(cat, overview[me.ID])}
	data.Next = nextModule(data.Modules)
	for _, mp := range data.Modules {
		done, total := mp.Steps()
		data.Done, data.Total = data.Done+done, data.Total+total
		if mp.Started() {
			data.Recent = append(data.Recent, activity{At: mp.LastActivity, What: mp.Module.Title})
		}
	}
	sort.Slice(data.Recent, func(i, j int) bool { return data.Recent[i].At.After(data.Recent[j].At) })
	if len(data.Recent) > 5 {
		data.Recent = data.Recent[:5]
	}
	if err := d.addSeams(c, me, &data); err != nil {
		return err
	}
	if data.NeedsYou, err = d.progress.Notices.NeedsYou(ctx, me); err != nil {
		return err
	}
	return d.views.Trainee.Render(c, http.StatusOK, data)
}

// enrolledProgress keeps the modules the trainee is enrolled in and notes
// which of them wait on prerequisites.
func enrolledProgress(all []ModuleProgress, enrolled []*catalog.Module, cat *catalog.Catalog) []traineeModule {
	bySlug := map[string]ModuleProgress{}
	for _, mp := range all {
		bySlug[mp.Module.Slug] = mp
	}
	var out []traineeModule
	for _, m := range enrolled {
		tm := traineeModule{ModuleProgress: bySlug[m.Slug]}
		for _, slug := range m.Prerequisites {
			if pre, ok := cat.Module(slug); ok && !bySlug[slug].OwnPartDone() {
				tm.Waiting = append(tm.Waiting, pre)
			}
		}
		out = append(out, tm)
	}
	return out
}

// nextModule is where the trainee's next step is: the first module open to
// them with something of their own left to do, else the first one that
// waits on sign-offs.
func nextModule(modules []traineeModule) *ModuleProgress {
	for i := range modules {
		if m := &modules[i]; len(m.Waiting) == 0 && !m.OwnPartDone() {
			return &m.ModuleProgress
		}
	}
	for i := range modules {
		if m := &modules[i]; !m.Complete() {
			return &m.ModuleProgress
		}
	}
	return nil
}

// addSeams adds what the supervision and certificates capabilities know.
func (d *dashboards) addSeams(c echo.Context, me *account.User, data *traineeData) error {
	ctx := c.Request().Context()
	if s := d.progress.Supervision; s != nil {
		sums, err := s.Summaries(ctx, []string{me.ID})
		if err != nil {
			return err
		}
		sum := sums[me.ID]
		data.Supervision = &sum
	}
	if certs := d.progress.Certificates; certs != nil {
		var err error
		if data.Certificates, err = certs.CertificatesOf(ctx, me.ID); err != nil {
			return err
		}
	}
	return nil
}

// traineeRow is one trainee on the supervisor's dashboard.
type traineeRow struct {
	User         account.User
	Modules      []ModuleProgress
	LastActivity time.Time
	Inactive     bool
	Waiting      int // submitted reflections nobody has commented on
	// ToRead lists, per module, the reflections nobody has commented on,
	// each linked to the page where they are read.
	ToRead   []toReadRow
	Evidence int // competency sign-off requests waiting for review
	// Supervision is nil until the supervision capability is present.
	Supervision *supervision.Summary
	// Clearance is where the trainee stands on the competencies required
	// before unsupervised practice.
	Clearance catalog.Clearance
	// ExpectedBy is the earliest expected completion date of the
	// trainee's cohorts; Overdue is set when it has passed and the trainee
	// has not finished the programme.
	ExpectedBy *time.Time
	Overdue    bool
}

type supervisorData struct {
	Modules     []*catalog.Module
	Trainees    []traineeRow
	All         bool // an admin's view of every trainee
	Supervision bool // the supervision capability is present
	Practice    bool // the programme has competencies required before unsupervised practice
	// NeedsYou is what waits for the viewer, each with where to act on it:
	// the newest needsYouShown; MoreNeedsYou counts the rest.
	NeedsYou     []notify.Item
	MoreNeedsYou int
	// Listing is the search, order, cohort and page asked for; Cohorts
	// and Sorts are the choices offered.
	Listing listing
	Cohorts []account.Cohort
	Sorts   []sortChoice
	// Page is where the trainees shown stand among all that match.
	Page traineePage
}

// First and Last number the trainees shown among those that match,
// counting from 1.
func (d supervisorData) First() int { return (d.Page.Page-1)*perPage + min(1, len(d.Trainees)) }

// Last is the number of the last trainee shown; see First.
func (d supervisorData) Last() int { return (d.Page.Page-1)*perPage + len(d.Trainees) }

// Filtered reports whether a search or cohort narrows the trainees shown.
func (d supervisorData) Filtered() bool { return d.Listing.Search != "" || d.Listing.Cohort != nil }

// PrevQuery and NextQuery are the query strings of the neighbouring pages,
// empty when there is none.
func (d supervisorData) PrevQuery() string {
	if d.Page.Page <= 1 {
		return ""
	}
	return "/dashboard" + d.Listing.query(d.Page.Page-1)
}

// NextQuery is the link to the next page; see PrevQuery.
func (d supervisorData) NextQuery() string {
	if d.Page.Page >= d.Page.Pages {
		return ""
	}
	return "/dashboard" + d.Listing.query(d.Page.Page+1)
}

// supervision returns the trainees' supervision summaries and pending
// evidence counts, or nils without the supervision capability.
func (d *dashboards) supervision(c echo.Context, ids []string) (map[string]supervision.Summary, map[string]int, error) {
	s := d.progress.Supervision
	if s == nil {
		return nil, nil, nil
	}
	sums, err := s.Summaries(c.Request().Context(), ids)
	if err != nil {
		return nil, nil, err
	}
	evidence, err := s.PendingCounts(c.Request().Context(), ids)
	return sums, evidence, err
}

// showSupervisor shows one page of the trainees the viewer oversees. Its
// cost does not grow with the organisation: the database counts the
// trainees through an index and finds the page's by walking an index in
// order until the page is full (listTrainees), every further query reads
// only those, and "Needs you" reads the newest items with a limit and
// counts them from one row per trainee (Progress.Newest).
func (d *dashboards) showSupervisor(c echo.Context, me *account.User) error {
	ctx := c.Request().Context()
	cohorts, err := account.CohortChoices(ctx, d.progress.DB)
	if err != nil {
		return err
	}
	l := listingFrom(c, cohorts)
	pastDue := account.AnyPastExpectedBy(cohorts, d.progress.Clock.Now())
	page, err := d.progress.listTrainees(ctx, me.Viewer(), &l, pastDue)
	if err != nil {
		return err
	}
	cat := d.store.Catalog()
	data := supervisorData{Modules: cat.TraineeModules(), All: account.SeesEveryTrainee(me.Viewer()),
		Supervision: d.progress.Supervision != nil, Practice: len(cat.BeforeUnsupervisedPractice()) > 0,
		Listing: l, Cohorts: cohorts, Sorts: sortChoices, Page: page}
	if data.Trainees, err = d.rows(c, page.Users); err != nil {
		return err
	}
	needs, err := d.progress.Notices.NeedsYouNewest(ctx, me, needsYouShown)
	if err != nil {
		return err
	}
	data.NeedsYou, data.MoreNeedsYou = needs.Items, needs.Total()-len(needs.Items)
	return d.views.Supervisor.Render(c, http.StatusOK, data)
}

// rows reads what the dashboard shows of each of trainees, in their order.
func (d *dashboards) rows(c echo.Context, trainees []account.User) ([]traineeRow, error) {
	ctx := c.Request().Context()
	cat := d.store.Catalog()
	ids := make([]string, len(trainees))
	for i, t := range trainees {
		ids[i] = t.ID
	}
	overview, err := d.progress.Overview(ctx, ids, cat)
	if err != nil {
		return nil, err
	}
	toRead, err := d.progress.toRead(ctx, ids)
	if err != nil {
		return nil, err
	}
	waiting, grouped := byTrainee(toRead)
	sums, evidence, err := d.supervision(c, ids)
	if err != nil {
		return nil, err
	}
	expected, err := account.ExpectedBy(ctx, d.progress.DB, ids)
	if err != nil {
		return nil, err
	}
	now := d.progress.Clock.Now()
	rows := make([]traineeRow, 0, len(trainees))
	for _, t := range trainees {
		row := traineeRow{User: t, Modules: overview[t.ID], Waiting: waiting[t.ID], ToRead: grouped[t.ID], Evidence: evidence[t.ID],
			Clearance: Clearance(cat, overview[t.ID])}
		if sum, ok := sums[t.ID]; ok {
			row.Supervision = &sum
		}
		for _, mp := range row.Modules {
			row.LastActivity = latest(row.LastActivity, mp.LastActivity)
		}
		since := row.LastActivity
		if since.IsZero() {
			since = t.CreatedAt
		}
		row.Inactive = now.Sub(since) >= inactiveAfter
		if by, ok := expected[t.ID]; ok {
			row.ExpectedBy = &by
			row.Overdue = account.Overdue(row.ExpectedBy, now) && !finished(cat, row.Modules, sums[t.ID].Hours)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// byTrainee groups reflections to read by trainee, with their number.
func byTrainee(rows []toReadRow) (map[string]int, map[string][]toReadRow) {
	n, out := map[string]int{}, map[string][]toReadRow{}
	for _, r := range rows {
		n[r.UserID] += r.N
		out[r.UserID] = append(out[r.UserID], r)
	}
	return n, out
}

// DashboardRoutes mounts GET /dashboard; guard is the sign-in middleware.
func DashboardRoutes(e *echo.Echo, r *web.Renderer, store *catalog.Store, p *Progress, guard echo.MiddlewareFunc) error {
	d := &dashboards{store: store, progress: p}
	if err := r.Pages("learning", &d.views); err != nil {
		return err
	}
	e.GET("/dashboard", d.show, guard)
	return nil
}
