package audit

import (
	"embed"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "audit", FS: web.MustSub(templates, "templates")}

const perPage = 50

// exportBatch is how many entries the CSV export reads at a time.
const exportBatch = 1000

// logPage is the data of the audit log page.
type logPage struct {
	Lines    []Line
	Actions  []Action
	People   []Person
	Form     *web.Form
	Page     int
	PrevPage string // query strings of the neighbouring pages; empty when none
	NextPage string
	Export   string // query string of the CSV export
}

// logHandlers serves the audit log and its export.
type logHandlers struct {
	db     bun.IDB
	people People
	page   *web.Page
}

// Routes mounts GET /audit and /audit.csv on g, which the caller guards for
// admins. Names come from people at read time.
func Routes(g *echo.Group, r *web.Renderer, db bun.IDB, people People) error {
	page, err := r.Page("audit/log")
	if err != nil {
		return err
	}
	h := &logHandlers{db: db, people: people, page: page}
	g.GET("/audit", h.show)
	g.GET("/audit.csv", h.export)
	return nil
}

// filterFrom reads the filter from the query: person and action must be
// known, dates are whole days in the viewer's time zone (to inclusive). A bad date fails its
// field and filters nothing.
func filterFrom(c echo.Context) (Filter, *web.Form) {
	f := web.NewForm()
	for _, k := range []string{"person", "action", "from", "to"} {
		f.Set(k, c.QueryParam(k))
	}
	var filter Filter
	if p := f.Get("person"); p != "" && validID(p) {
		filter.PersonID = p
	} else {
		f.Set("person", "")
	}
	if a := Action(f.Get("action")); a.Known() {
		filter.Action = a
	} else {
		f.Set("action", "")
	}
	zone := web.ZoneOf(c)
	if from := f.Date("from"); from != nil {
		filter.From = startOfDay(*from, zone)
	}
	if to := f.Date("to"); to != nil {
		filter.To = startOfDay(to.AddDate(0, 0, 1), zone)
	}
	if !filter.From.IsZero() && !filter.To.IsZero() && !filter.To.After(filter.From) {
		f.Fail("to", "Enter a date on or after the from date.")
		filter.To = time.Time{}
	}
	return filter, f
}

// startOfDay is midnight of day's date in zone.
func startOfDay(day time.Time, zone *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, zone)
}

// query is the filter's query string, with page when above 1.
func query(f *web.Form, page int) string {
	q := url.Values{}
	for _, k := range []string{"person", "action", "from", "to"} {
		if v := f.Get(k); v != "" && f.Errors[k] == "" {
			q.Set(k, v)
		}
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return q.Encode()
}

func (h *logHandlers) show(c echo.Context) error {
	ctx := c.Request().Context()
	filter, form := filterFrom(c)
	data := logPage{Actions: LabelledActions(), Form: form, Page: 1}
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 && p < 100000 {
		data.Page = p
	}
	filter.Limit, filter.Offset = perPage+1, (data.Page-1)*perPage
	entries, err := List(ctx, h.db, filter)
	if err != nil {
		return err
	}
	if data.Page > 1 {
		data.PrevPage = "?" + query(form, data.Page-1)
	}
	if len(entries) > perPage {
		entries, data.NextPage = entries[:perPage], "?"+query(form, data.Page+1)
	}
	if q := query(form, 1); q != "" {
		data.Export = "?" + q
	}
	if data.Lines, err = Named(ctx, h.people, entries); err != nil {
		return err
	}
	if data.People, err = h.people.Everyone(ctx); err != nil {
		return err
	}
	return h.page.Render(c, http.StatusOK, data)
}

// CSVHeader is the first row of the audit log export.
var CSVHeader = []string{"when (UTC)", "action", "action code", "by", "about", "address", "detail"}

func (h *logHandlers) export(c echo.Context) error {
	ctx := c.Request().Context()
	filter, _ := filterFrom(c)
	web.StartCSV(c, "groundwork-audit-log.csv")
	w := csv.NewWriter(c.Response())
	_ = w.Write(CSVHeader)
	for offset := 0; ; offset += exportBatch {
		filter.Limit, filter.Offset = exportBatch, offset
		entries, err := List(ctx, h.db, filter)
		if err != nil || len(entries) == 0 {
			w.Flush()
			return err
		}
		lines, err := Named(ctx, h.people, entries)
		if err != nil {
			return err
		}
		for _, l := range lines {
			_ = w.Write([]string{l.At.UTC().Format("2006-01-02 15:04:05"), l.Action.Label(), string(l.Action),
				web.CSVCell(l.ActorName), web.CSVCell(l.SubjectName), web.CSVCell(l.IP), web.CSVCell(l.Detail)})
		}
		w.Flush()
		c.Response().Flush()
		if len(entries) < exportBatch {
			return w.Error()
		}
	}
}

// validID reports whether s looks like a UUID, so a filter never queries
// with junk.
func validID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'):
			return false
		}
	}
	return true
}
