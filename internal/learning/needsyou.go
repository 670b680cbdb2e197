package learning

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/notify"
	"groundwork/internal/supervision"
)

var _ notify.Source = (*Progress)(nil)

// Queue lists the sign-off requests waiting for review. The supervision
// capability provides it alongside Supervision; without it no evidence
// waits.
type Queue interface {
	Queue(ctx context.Context, traineeIDs []string) ([]supervision.PendingRequest, error)
}

// Waiting lists what waits for u as the supervisor of their trainees
// (supervisors, and admins for the trainees assigned to them): each
// sign-off request made, each module's reflections nobody has commented on
// yet, and each trainee past their cohort's expected completion date who
// has not finished the programme. Trainees have none.
func (p *Progress) Waiting(ctx context.Context, u *account.User) ([]notify.Item, error) {
	if u.Role == account.Trainee {
		return nil, nil
	}
	all, err := account.TraineesOf(ctx, p.DB, u.ID)
	if err != nil {
		return nil, err
	}
	names, ids := map[string]string{}, []string{}
	for _, t := range all {
		if t.Active {
			names[t.ID] = t.Name
			ids = append(ids, t.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	items, err := p.evidenceWaiting(ctx, ids, names)
	if err != nil {
		return nil, err
	}
	reflections, err := p.reflectionsWaiting(ctx, ids, names)
	if err != nil {
		return nil, err
	}
	overdue, err := p.overdueWaiting(ctx, ids, names)
	if err != nil {
		return nil, err
	}
	return append(append(items, reflections...), overdue...), nil
}

// evidenceWaiting is one item per sign-off request the trainees made.
func (p *Progress) evidenceWaiting(ctx context.Context, ids []string, names map[string]string) ([]notify.Item, error) {
	q, ok := p.Supervision.(Queue)
	if !ok {
		return nil, nil
	}
	requests, err := q.Queue(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []notify.Item
	for _, r := range requests {
		out = append(out, p.evidenceItem(r, names[r.TraineeID]))
	}
	return out, nil
}

// evidenceItem is the item of sign-off request r by the trainee called name.
func (p *Progress) evidenceItem(r supervision.PendingRequest, name string) notify.Item {
	return notify.Item{Kind: notify.EvidenceToReview, At: r.Since,
		Text: name + " asks for sign-off of “" + p.competencyTitle(r.ModuleSlug, r.CompetencyID) + "”",
		Link: "/trainees/" + r.TraineeID + "/competencies"}
}

// reflectionsWaiting is one item per trainee and module whose submitted
// reflections nobody has commented on, linked to the page where they are
// read.
func (p *Progress) reflectionsWaiting(ctx context.Context, ids []string, names map[string]string) ([]notify.Item, error) {
	rows, err := p.toRead(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]notify.Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, reflectionItem(r, names[r.UserID]))
	}
	return out, nil
}

// reflectionItem is the item of r, the reflections of the trainee called
// name waiting to be read.
func reflectionItem(r toReadRow, name string) notify.Item {
	return notify.Item{Kind: notify.ReflectionToRead, At: r.Since,
		Text: fmt.Sprintf("%s: %s to read in %s", name, plural(r.N, "reflection", "reflections"), r.Title),
		Link: r.Link()}
}

// toReadRow is one trainee's submitted reflections on one module that
// nobody has commented on yet.
type toReadRow struct {
	UserID     string    `bun:"user_id"`
	ModuleSlug string    `bun:"module_slug"`
	N          int       `bun:"n"`
	Since      time.Time `bun:"since"`
	Title      string    `bun:"-"`
	// Name is the trainee's name, read only for the "Needs you" list.
	Name string `bun:"trainee_name"`
}

// Link is the page where the reflections are read and commented on.
func (r toReadRow) Link() string {
	return "/trainees/" + r.UserID + "/modules/" + r.ModuleSlug + "/reflections"
}

// toRead lists, per trainee and module, the submitted reflections nobody
// has commented on, oldest first.
func (p *Progress) toRead(ctx context.Context, ids []string) ([]toReadRow, error) {
	var rows []toReadRow
	if len(ids) == 0 {
		return rows, nil
	}
	err := p.DB.NewSelect().Model((*Reflection)(nil)).ColumnExpr("r.user_id, r.module_slug, count(*) AS n, min(r.submitted_at) AS since").
		Where("r.user_id IN (?)", bun.List(ids)).Where("r.submitted_at IS NOT NULL").
		Where("r.commented_at IS NULL").
		GroupExpr("r.user_id, r.module_slug").OrderExpr("since, r.module_slug").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("list reflections to read: %w", err)
	}
	for i := range rows {
		rows[i].Since = rows[i].Since.UTC()
		rows[i].Title = p.moduleTitle(rows[i].ModuleSlug)
	}
	return rows, nil
}

// overdueWaiting is one item per trainee past their cohort's expected
// completion date who has not finished the programme.
func (p *Progress) overdueWaiting(ctx context.Context, ids []string, names map[string]string) ([]notify.Item, error) {
	late, err := p.Overdue(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []notify.Item
	for _, id := range ids {
		if by, ok := late[id]; ok {
			out = append(out, overdueItem(id, names[id], by))
		}
	}
	return out, nil
}

// overdueItem is the item of the trainee id, called name, expected to
// finish by the date by.
func overdueItem(id, name string, by time.Time) notify.Item {
	return notify.Item{Kind: notify.TraineeOverdue, At: by.AddDate(0, 0, 1),
		Text: name + " has not finished the programme, expected by " + by.Format("2 January 2006"),
		Link: "/trainees/" + id + "/portfolio"}
}

// Overdue returns, for each of ids past their cohort's expected completion
// date without having finished the programme, that date.
func (p *Progress) Overdue(ctx context.Context, ids []string) (map[string]time.Time, error) {
	expected, err := account.ExpectedBy(ctx, p.DB, ids)
	if err != nil {
		return nil, err
	}
	now := p.Clock.Now()
	var late []string
	for id, by := range expected {
		if account.Overdue(&by, now) {
			late = append(late, id)
		}
	}
	finished, err := p.Finished(ctx, late)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, id := range late {
		if !finished[id] {
			out[id] = expected[id]
		}
	}
	return out, nil
}

// Finished reports, per trainee, whether they have completed the programme:
// every programme module, the supervision hours and clearance for
// unsupervised practice.
func (p *Progress) Finished(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 || p.Courses == nil {
		return out, nil
	}
	cat := p.Courses.Catalog()
	overview, err := p.Overview(ctx, ids, cat)
	if err != nil {
		return nil, err
	}
	var sums map[string]supervision.Summary
	if p.Supervision != nil {
		if sums, err = p.Supervision.Summaries(ctx, ids); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		out[id] = finished(cat, overview[id], sums[id].Hours)
	}
	return out, nil
}

// finished reports whether a trainee whose progress is modules (every
// trainee module) with hours of agreed supervision has completed the
// programme.
func finished(cat *catalog.Catalog, modules []ModuleProgress, hours float64) bool {
	var programme []ModuleProgress
	for _, mp := range modules {
		for _, slug := range cat.Programme.Modules {
			if mp.Module.Slug == slug {
				programme = append(programme, mp)
			}
		}
	}
	return programmeComplete(programme, hours, cat.Programme) && Clearance(cat, modules).Cleared()
}

// competencyTitle is the title of a module's competency, or its ID.
func (p *Progress) competencyTitle(moduleSlug, id string) string {
	if p.Courses != nil {
		if m, ok := p.Courses.Catalog().Module(moduleSlug); ok {
			for _, comp := range m.Competencies {
				if comp.ID == id {
					return comp.Title
				}
			}
		}
	}
	return id
}
