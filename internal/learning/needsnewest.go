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

// Newest is the head of what Waiting lists for u: the limit newest items,
// newest first, and how many of each kind wait. Sign-off requests and
// reflections are read newest first with a limit, and counted, in the
// database from the partial indexes of pending rows; trainees overdue are
// read from the cohorts whose expected completion date has passed. No
// query reads every trainee u oversees.
func (p *Progress) Newest(ctx context.Context, u *account.User, limit int) (notify.Newest, error) {
	out := notify.Newest{Counts: map[notify.Kind]int{}}
	if u.Role == account.Trainee {
		return out, nil
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
	rows, n, err := p.newestToRead(ctx, u.ID, limit)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		out.Items = append(out.Items, reflectionItem(r, r.Name))
	}
	out.Counts[notify.ReflectionToRead] = n
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

// assignedActive restricts q, over a table whose trainee column is
// userCol, to the active trainees assigned to supervisorID, joined as u.
func assignedActive(q *bun.SelectQuery, userCol, supervisorID string) *bun.SelectQuery {
	return q.Join("JOIN users AS u ON u.id = "+userCol).Where("u.supervisor_id = ?", supervisorID).
		Where("u.role = ?", account.Trainee).Where("u.active")
}

// pendingReflectionsOf selects the submitted reflections nobody has
// commented on of supervisorID's active trainees.
func (p *Progress) pendingReflectionsOf(supervisorID string) *bun.SelectQuery {
	q := p.DB.NewSelect().TableExpr("reflections AS r").
		Where("r.submitted_at IS NOT NULL").Where("r.commented_at IS NULL")
	return assignedActive(q, "r.user_id", supervisorID)
}

// newestToRead lists, per trainee of supervisorID and module, the
// reflections nobody has commented on, the limit whose oldest waits least
// first, and counts all such trainee and module pairs.
func (p *Progress) newestToRead(ctx context.Context, supervisorID string, limit int) ([]toReadRow, int, error) {
	var rows []toReadRow
	err := p.pendingReflectionsOf(supervisorID).
		ColumnExpr("r.user_id, r.module_slug, count(*) AS n, min(r.submitted_at) AS since, u.name AS trainee_name").
		GroupExpr("r.user_id, r.module_slug, u.name").OrderExpr("since DESC, r.module_slug").
		Limit(int64(limit)).Scan(ctx, &rows)
	if err != nil {
		return nil, 0, fmt.Errorf("list newest reflections to read: %w", err)
	}
	for i := range rows {
		rows[i].Since = rows[i].Since.UTC()
		rows[i].Title = p.moduleTitle(rows[i].ModuleSlug)
	}
	pairs := p.pendingReflectionsOf(supervisorID).ColumnExpr("r.user_id, r.module_slug").Distinct()
	n, err := p.DB.NewSelect().TableExpr("(?) AS pairs", pairs).Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("count reflections to read: %w", err)
	}
	return rows, int(n), nil
}

// overdueOf is one item per active trainee of supervisorID past their
// cohort's expected completion date who has not finished the programme.
// Only trainees in a cohort whose date has passed are read.
func (p *Progress) overdueOf(ctx context.Context, supervisorID string) ([]notify.Item, error) {
	var late []struct {
		UserID string `bun:"user_id"`
		Name   string `bun:"name"`
	}
	q := p.DB.NewSelect().TableExpr("cohort_members AS m").Join("JOIN cohorts AS c ON c.id = m.cohort_id").
		ColumnExpr("DISTINCT m.user_id, u.name").Where("c.expected_by <= ?", p.Clock.Now().AddDate(0, 0, -1))
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
