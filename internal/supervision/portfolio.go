package supervision

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/web"
)

// portfolioData is a trainee's portfolio: every supervision record and the
// history of every competency, for accreditation. Private notes are never
// part of it.
type portfolioData struct {
	Trainee   *account.User
	Programme catalog.Programme
	Totals    Totals
	Kinds     []Kind
	Records   []Record
	Modules   []moduleCompetencies
	Printed   time.Time
	// Clearance is where the trainee stands on the competencies required
	// before unsupervised practice.
	Clearance catalog.Clearance
	// Voice is the trainee's feedback rounds with results.
	Voice []VoiceRound
}

// VoiceFor returns the feedback round offered with the step eventID, or nil.
func (d portfolioData) VoiceFor(eventID string) *VoiceRound { return voiceFor(d.Voice, eventID) }

func (p *pages) loadPortfolio(c echo.Context) (*portfolioData, error) {
	t, err := p.traineeOf(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	modules, records, err := p.loadCompetencies(ctx, t)
	if err != nil {
		return nil, err
	}
	totals, err := HoursBetween(ctx, p.svc.DB, t.ID, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	if err := p.auditView(c, t, "portfolio"); err != nil {
		return nil, err
	}
	cat := p.store.Catalog()
	signed := map[string]bool{}
	for _, m := range modules {
		for _, row := range m.Rows {
			signed[row.Competency.ID] = row.Status == SignedOff
		}
	}
	voice, err := p.svc.voiceRounds(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	return &portfolioData{Voice: voice, Trainee: t, Programme: cat.Programme, Totals: totals, Kinds: Kinds,
		Records: records, Modules: modules, Printed: p.svc.Clock.Now(), Clearance: cat.Clearance(signed)}, nil
}

func (p *pages) portfolio(c echo.Context) error {
	data, err := p.loadPortfolio(c)
	if err != nil {
		return err
	}
	return p.views.Portfolio.Render(c, http.StatusOK, data)
}

// portfolioCSV writes the portfolio as one table: a row per supervision
// record, then a row per step of each competency.
func (p *pages) portfolioCSV(c echo.Context) error {
	data, err := p.loadPortfolio(c)
	if err != nil {
		return err
	}
	web.StartCSV(c, "portfolio.csv")
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"section", "date", "type or step", "minutes", "modules", "competencies", "by", "agreed on", "text", "danos units"})
	cat := p.store.Catalog()
	for _, r := range data.Records {
		agreed := ""
		if r.OtherSigned != nil {
			agreed = r.OtherSigned.Format(time.DateOnly)
		}
		_ = w.Write(cells("supervision", r.HeldOn.Format(time.DateOnly), r.Kind.Label(), strconv.Itoa(r.Minutes),
			titles(modulesOf(cat, r.ModuleSlugs())), competencyTitles(competenciesOf(cat, r.CompetencyIDs())),
			r.AuthorName, agreed, r.Summary, ""))
	}
	for _, m := range data.Modules {
		for _, row := range m.Rows {
			for _, e := range row.History {
				body := e.Body
				if r := data.VoiceFor(e.ID); r != nil {
					body += "\n\nEvidence: " + voiceLabel(r)
				}
				_ = w.Write(cells("competency", e.At.Format(time.DateOnly), e.Kind.Label(), "", m.Module.Title,
					row.Competency.Title, e.ActorName, "", body, row.Competency.DANOSList()))
			}
		}
	}
	for _, r := range data.Voice {
		_ = w.Write(cells("client voice", r.HeldOn.Format(time.DateOnly), "Feedback round: "+r.Group, "", "",
			competencyTitles(competenciesOf(cat, r.Competencies)), "", "", voiceLabel(&r), ""))
	}
	w.Flush()
	return w.Error()
}

func cells(values ...string) []string {
	for i, v := range values {
		values[i] = web.CSVCell(v)
	}
	return values
}

func titles(modules []*catalog.Module) string {
	out := make([]string, len(modules))
	for i, m := range modules {
		out[i] = m.Title
	}
	return strings.Join(out, "; ")
}

func competencyTitles(comps []*catalog.Competency) string {
	out := make([]string, len(comps))
	for i, c := range comps {
		out[i] = c.Title
	}
	return strings.Join(out, "; ")
}
