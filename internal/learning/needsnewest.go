package learning

import (
	"context"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/notify"
	"groundwork/internal/supervision"
)

var _ notify.NewestSource = (*Progress)(nil)

// NewestQueue lists the newest sign-off requests waiting for a supervisor
// and counts them all, without reading every request. The supervision
// capability provides it alongside Queue.
type NewestQueue interface {
	NewestPending(ctx context.Context, supervisorID string, limit int) ([]supervision.PendingRequest, int, error)
}

// fewWaiting is how many modules with reflections to read a supervisor
// may have for the newest of them to be grouped from their own trainees'
// reflections straight away; with more, they are first looked for among
// the organisation's walkWaiting newest waiting reflections.
const (
	fewWaiting  = 500
	walkWaiting = 1000
)

// Newest is the head of what Waiting lists for u: the limit newest items,
// newest first, and how many of each kind wait. Nothing is read for
// someone with no active trainees beyond finding that out. Sign-off
// requests and reflections are read newest first with a limit in the
// database; modules with reflections to read are counted from one row per
// trainee (reflections_waiting); trainees overdue are read only when a
// cohort's expected completion date has passed. No query reads every item
// waiting.
func (p *Progress) Newest(ctx context.Context, u *account.User, limit int) (notify.Newest, error) {
	out := notify.Newest{Counts: map[notify.Kind]int{}}
	if u.Role == account.Trainee {
		return out, nil
	}
	load, err := p.caseloadOf(ctx, u.ID)
	if err != nil || load.Trainees == 0 {
		return out, err
	}
	if q, ok := p.Supervision.(NewestQueue); ok {
		requests, n, err := q.NewestPending(ctx, u.ID, limit)
		if err != nil {
			return out, err
		}
		for _, r := range requests {
			out.Items = append(out.Items, p.evidenceItem(r, r.TraineeName))
		}
		out.Counts[notify.EvidenceToReview] = n
	}
	rows, err := p.newestToRead(ctx, u.ID, limit, load.Modules)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		out.Items = append(out.Items, reflectionItem(r, r.Name))
	}
	out.Counts[notify.ReflectionToRead] = load.Modules
	overdue, err := p.overdueOf(ctx, u.ID)
	if err != nil {
		return out, err
	}
	out.Items = append(out.Items, overdue...)
	out.Counts[notify.TraineeOverdue] = len(overdue)
	sort.SliceStable(out.Items, func(i, j int) bool { return out.Items[i].At.After(out.Items[j].At) })
	out.Items = out.Items[:min(limit, len(out.Items))]
	return out, nil
}

// caseload is how many active trainees a supervisor has, and in how many
// of their modules submitted reflections wait for a comment.
type caseload struct {
	Trainees int `bun:"trainees"`
	Modules  int `bun:"modules"`
}

// caseloadOf counts supervisorID's caseload from one row per trainee.
func (p *Progress) caseloadOf(ctx context.Context, supervisorID string) (caseload, error) {
	var c caseload
	err := p.DB.NewSelect().TableExpr("users AS u").Join("LEFT JOIN reflections_waiting AS w ON w.user_id = u.id").
		ColumnExpr("count(*) AS trainees, coalesce(sum(w.modules), 0) AS modules").
		Where("u.supervisor_id = ?", supervisorID).Where("u.role = ?", account.Trainee).Where("u.active").
		Scan(ctx, &c)
	if err != nil {
		return c, fmt.Errorf("count trainees and reflections waiting: %w", err)
	}
	return c, nil
}

// assignedActive restricts q, over a table whose trainee column is
// userCol, to the active trainees assigned to supervisorID, joined as u.
func assignedActive(q *bun.SelectQuery, userCol, supervisorID string) *bun.SelectQuery {
	return q.Join("JOIN users AS u ON u.id = "+userCol).Where("u.supervisor_id = ?", supervisorID).
		Where("u.role = ?", account.Trainee).Where("u.active")
}

// pendingReflections selects, as r, the submitted reflections nobody has
// commented on.
func (p *Progress) pendingReflections() *bun.SelectQuery {
	return p.DB.NewSelect().TableExpr("reflections AS r").
		Where("r.submitted_at IS NOT NULL").Where("r.commented_at IS NULL")
}

// newestToRead lists, per trainee of supervisorID and module, the
// reflections nobody has commented on, the limit whose oldest waits least
// first; waiting is how many such modules there are. When many wait they
// are first looked for among the organisation's newest waiting reflections
// (walkedToRead), where they are found whenever the supervisor's trainees
// are a fair share of those waiting; otherwise, and whenever few wait,
// each module's reflections are grouped from the supervisor's own
// trainees.
func (p *Progress) newestToRead(ctx context.Context, supervisorID string, limit, waiting int) ([]toReadRow, error) {
	var rows []toReadRow
	var err error
	if waiting > fewWaiting {
		rows, err = p.walkedToRead(ctx, supervisorID, limit)
	}
	if err == nil && len(rows) < min(limit, waiting) {
		rows = nil
		err = assignedActive(p.pendingReflections(), "r.user_id", supervisorID).
			ColumnExpr("r.user_id, r.module_slug, count(*) AS n, min(r.submitted_at) AS since, u.name AS trainee_name").
			GroupExpr("r.user_id, r.module_slug, u.name").OrderExpr("since DESC, r.module_slug").
			Limit(int64(limit)).Scan(ctx, &rows)
	}
	if err != nil {
		return nil, fmt.Errorf("list newest reflections to read: %w", err)
	}
	for i := range rows {
		rows[i].Since = rows[i].Since.UTC()
		rows[i].Title = p.moduleTitle(rows[i].ModuleSlug)
	}
	return rows, nil
}

// walkedToRead lists, like newestToRead, the limit newest of
// supervisorID's modules whose oldest waiting reflection is among the
// organisation's walkWaiting newest waiting reflections: read newest first
// through reflections_waiting_since_idx, each is kept if it is its
// module's oldest one waiting and its trainee is the supervisor's. Every
// module whose oldest waiting reflection is further back waits longer, so
// when limit are found they are the limit newest. The trainee is looked up
// in a scalar subquery: given a join or an EXISTS, SQLite starts from the
// supervisor's trainees, or first builds a Bloom filter over every user.
func (p *Progress) walkedToRead(ctx context.Context, supervisorID string, limit int) ([]toReadRow, error) {
	var rows []toReadRow
	newest := p.pendingReflections().Column("r.user_id", "r.module_slug", "r.prompt", "r.submitted_at").
		OrderExpr("r.submitted_at DESC, r.module_slug").Limit(walkWaiting)
	trainee := func(column string) *bun.SelectQuery {
		return p.DB.NewSelect().TableExpr("users AS u").ColumnExpr(column).Where("u.id = newest.user_id")
	}
	supervisor := trainee("u.supervisor_id").Where("u.role = ?", account.Trainee).Where("u.active")
	err := p.DB.NewSelect().TableExpr("(?) AS newest", newest).
		ColumnExpr("newest.user_id, newest.module_slug, (?) AS n, newest.submitted_at AS since, (?) AS trainee_name",
			p.sameModule("count(*)"), trainee("u.name")).
		Where("(?) = ?", supervisor, supervisorID).
		Where("NOT EXISTS (?)", p.sameModule("1").Where("(e.submitted_at < newest.submitted_at OR "+
			"(e.submitted_at = newest.submitted_at AND e.prompt < newest.prompt))")).
		OrderExpr("newest.submitted_at DESC, newest.module_slug").Limit(int64(limit)).Scan(ctx, &rows)
	return rows, err
}

// sameModule selects column from the reflections, as e, of the trainee and
// module of the reflection "newest" that nobody has commented on.
func (p *Progress) sameModule(column string) *bun.SelectQuery {
	return p.DB.NewSelect().TableExpr("reflections AS e").ColumnExpr(column).
		Where("e.user_id = newest.user_id").Where("e.module_slug = newest.module_slug").
		Where("e.submitted_at IS NOT NULL").Where("e.commented_at IS NULL")
}

// overdueOf is one item per active trainee of supervisorID past their
// cohort's expected completion date who has not finished the programme.
// Only members of a cohort whose date has passed are read, and nothing
// when there is no such cohort.
func (p *Progress) overdueOf(ctx context.Context, supervisorID string) ([]notify.Item, error) {
	cohorts, err := account.CohortsPastExpectedBy(ctx, p.DB, p.Clock.Now())
	if err != nil || len(cohorts) == 0 {
		return nil, err
	}
	var late []struct {
		UserID string `bun:"user_id"`
		Name   string `bun:"name"`
	}
	q := p.DB.NewSelect().TableExpr("cohort_members AS m").ColumnExpr("DISTINCT m.user_id, u.name").
		Where("m.cohort_id IN (?)", bun.List(cohorts))
	if err := assignedActive(q, "m.user_id", supervisorID).Scan(ctx, &late); err != nil {
		return nil, fmt.Errorf("list trainees past their date: %w", err)
	}
	ids, names := make([]string, len(late)), map[string]string{}
	for i, l := range late {
		ids[i], names[l.UserID] = l.UserID, l.Name
	}
	overdue, err := p.Overdue(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]notify.Item, 0, len(overdue))
	for _, id := range ids {
		if by, ok := overdue[id]; ok {
			out = append(out, overdueItem(id, names[id], by))
		}
	}
	return out, nil
}
