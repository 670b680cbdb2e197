package learning

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"groundwork/internal/catalog"
)

// Standing is what one trainee has completed: the programme modules they
// finished and whether the whole programme is done.
type Standing struct {
	// Completed lists the trainee modules whose every requirement is met,
	// in programme order.
	Completed []ModuleProgress
	// Programme is true when every programme module is complete, the
	// programme's hours of agreed supervision are met and the trainee is
	// cleared for unsupervised practice.
	Programme bool
	// Clearance is where the trainee stands on the competencies required
	// before unsupervised practice.
	Clearance catalog.Clearance
}

// Standing computes what userID has completed, as Standings does.
func (p *Progress) Standing(ctx context.Context, userID string, c *catalog.Catalog) (Standing, error) {
	all, err := p.Standings(ctx, []string{userID}, c)
	if err != nil {
		return Standing{}, err
	}
	return all[userID], nil
}

// Standings computes Standing for each of userIDs in a fixed number of
// queries, whatever their number. It reads the database's sums of their
// steps (Totals), which agree with the facts the dashboard reads on all a
// standing needs, and cost a fraction of them for hundreds of trainees.
func (p *Progress) Standings(ctx context.Context, userIDs []string, c *catalog.Catalog) (map[string]Standing, error) {
	overview, _, err := p.Totals(ctx, bun.List(userIDs), userIDs, c)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Standing, len(userIDs))
	var finished []string
	for _, id := range userIDs {
		var s Standing
		for _, mp := range overview[id] {
			if mp.Complete() {
				s.Completed = append(s.Completed, mp)
			}
		}
		if len(s.Completed) > 0 {
			finished = append(finished, id)
		}
		out[id] = s
	}
	hours := map[string]float64{}
	if p.Supervision != nil && len(finished) > 0 {
		sums, err := p.Supervision.Summaries(ctx, finished)
		if err != nil {
			return nil, err
		}
		for id, sum := range sums {
			hours[id] = sum.Hours
		}
	}
	for _, id := range userIDs {
		s := out[id]
		s.Clearance = Clearance(c, overview[id])
		s.Programme = programmeComplete(programmeModules(overview[id], c), hours[id], c.Programme) && s.Clearance.Cleared()
		out[id] = s
	}
	return out, nil
}

// programmeModules keeps the programme's modules of one person's progress.
func programmeModules(all []ModuleProgress, c *catalog.Catalog) []ModuleProgress {
	var out []ModuleProgress
	for _, mp := range all {
		if slices.Contains(c.Programme.Modules, mp.Module.Slug) {
			out = append(out, mp)
		}
	}
	return out
}

// programmeComplete reports whether modules (the programme's) are all
// complete and hours of agreed supervision meet the programme's minimum.
func programmeComplete(modules []ModuleProgress, hours float64, p catalog.Programme) bool {
	if len(modules) == 0 || hours < float64(p.SupervisionHours) {
		return false
	}
	for _, m := range modules {
		if !m.Complete() {
			return false
		}
	}
	return true
}

// changed tells whoever listens (the certificates capability) that
// userID's progress moved on.
func (p *Progress) changed(ctx context.Context, userID string) {
	if p.OnChange != nil {
		p.OnChange(ctx, userID)
	}
}
