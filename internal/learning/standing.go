package learning

import (
	"context"

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

// Standing computes what userID has completed, from the same facts the
// dashboard reads.
func (p *Progress) Standing(ctx context.Context, userID string, c *catalog.Catalog) (Standing, error) {
	overview, err := p.Overview(ctx, []string{userID}, c)
	if err != nil {
		return Standing{}, err
	}
	var s Standing
	var programme []ModuleProgress
	for _, mp := range overview[userID] {
		if mp.Complete() {
			s.Completed = append(s.Completed, mp)
		}
		for _, slug := range c.Programme.Modules {
			if mp.Module.Slug == slug {
				programme = append(programme, mp)
			}
		}
	}
	hours := 0.0
	if p.Supervision != nil && len(s.Completed) > 0 {
		sums, err := p.Supervision.Summaries(ctx, []string{userID})
		if err != nil {
			return Standing{}, err
		}
		hours = sums[userID].Hours
	}
	s.Clearance = Clearance(c, overview[userID])
	s.Programme = programmeComplete(programme, hours, c.Programme) && s.Clearance.Cleared()
	return s, nil
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
