package learning

import (
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"groundwork/internal/account"
	"groundwork/internal/identity"
	"groundwork/internal/supervision"
)

// The groups of the attention order, first to last.
const (
	groupWaiting  = 0 // something waits for the viewer
	groupOverdue  = 1 // past the cohort's expected date without the programme's certificate
	groupInactive = 2 // no learning step for inactiveAfter
	groupRest     = 3
)

// attentionPage selects from "users AS u" the first n trainees v oversees
// that match l, in the attention order that ordered describes, for the
// caller to add the page's limit and offset. The order is the union of one
// query per group, each ordered by name and limited to n, and each started
// from a small set: trainees with pending rows (reflections waiting for a
// comment, sign-off requests waiting for review), members of cohorts past
// their expected date, trainees active within inactiveAfter (latest step or
// account created), and for the inactive, the name order, skipping only
// trainees of those small sets. So the first pages cost in proportion to
// the page and those sets, not to the number of trainees.
func (p *Progress) attentionPage(v *identity.Viewer, l *listing, n int) *bun.SelectQuery {
	now := p.Clock.Now()
	cutoff := now.Add(-inactiveAfter)
	waiting := p.waitingSet()
	lateCohorts := p.DB.NewSelect().TableExpr("cohorts AS c").Join("CROSS JOIN cohort_members AS m").Where("m.cohort_id = c.id").
		Distinct().ColumnExpr("m.user_id").Where("c.expected_by <= ?", now.AddDate(0, 0, -1))
	recent := p.DB.NewSelect().TableExpr("learning_activity AS ra").ColumnExpr("ra.user_id AS user_id").Where("ra.last_at > ?", cutoff)
	notWaiting := func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("u.id NOT IN (?)", waiting) }
	notOverdue := func(q *bun.SelectQuery) *bun.SelectQuery {
		if h, ok := p.Certificates.(ProgrammeHolders); ok {
			return q.Where("(u.id NOT IN (?) OR EXISTS (?))", lateCohorts, h.ProgrammeHeld(p.DB, "u.id"))
		}
		return q.Where("u.id NOT IN (?)", lateCohorts)
	}
	branch := func(group int, among *bun.SelectQuery, where func(*bun.SelectQuery) *bun.SelectQuery) *bun.SelectQuery {
		q := p.filtered(v, l)
		if from := p.hinted(v, group); from != "" {
			q = matching(account.VisibleTraineesFrom(p.DB, v, from), l)
		}
		if among != nil {
			q = matching(account.VisibleTraineesAmong(p.DB, v, among), l)
		}
		q = where(q.ColumnExpr("u.*, ? AS attention_group", group)).OrderExpr("lower(u.name), u.id").Limit(int64(n))
		return p.DB.NewSelect().TableExpr("(?) AS b", q).ColumnExpr("*")
	}
	same := func(q *bun.SelectQuery) *bun.SelectQuery { return q }
	overdue := branch(groupOverdue, lateCohorts, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = notWaiting(q)
		if h, ok := p.Certificates.(ProgrammeHolders); ok {
			q = q.Where("NOT EXISTS (?)", h.ProgrammeHeld(p.DB, "u.id"))
		}
		return q
	})
	inactive := branch(groupInactive, nil, func(q *bun.SelectQuery) *bun.SelectQuery {
		return notOverdue(notWaiting(q.Join("LEFT JOIN learning_activity AS la ON la.user_id = u.id").
			Where("coalesce(la.last_at, u.created_at) <= ?", cutoff)))
	})
	recentlyActive := branch(groupRest, recent, func(q *bun.SelectQuery) *bun.SelectQuery {
		return notOverdue(notWaiting(q))
	})
	recentlyCreated := branch(groupRest, nil, func(q *bun.SelectQuery) *bun.SelectQuery {
		return notOverdue(notWaiting(q.Where("u.created_at > ?", cutoff).
			Where("NOT EXISTS (SELECT 1 FROM learning_activity AS na WHERE na.user_id = u.id)")))
	})
	union := branch(groupWaiting, waiting, same).
		UnionAll(overdue).UnionAll(inactive).UnionAll(recentlyActive).UnionAll(recentlyCreated)
	return p.DB.NewSelect().ModelTableExpr("(?) AS u", union).OrderExpr("u.attention_group, lower(u.name), u.id")
}

// waitingSet selects the IDs of the people with something waiting for
// their supervisor: reflections nobody has commented on and, with the
// supervision capability, sign-off requests waiting for review. Both are
// read from partial indexes of pending rows.
func (p *Progress) waitingSet() *bun.SelectQuery {
	q := p.DB.NewSelect().TableExpr("reflections AS wr").ColumnExpr("wr.user_id AS user_id").
		Where("wr.submitted_at IS NOT NULL").Where("wr.commented_at IS NULL")
	if p.Supervision != nil {
		q = q.Union(p.DB.NewSelect().TableExpr("competency_status AS wcs").ColumnExpr("wcs.trainee_id").
			Where("wcs.status = ?", supervision.Pending))
	}
	return q
}

// hinted is the FROM clause of the trainees v oversees ("users AS u")
// for a branch of the attention order that does not start from a small
// set, or "" for none. On SQLite it names the index to walk, so that the
// branch stops after the first trainees instead of sorting them all: the
// name index for the inactive, the index of account creation dates for an
// admin's trainees created recently. PostgreSQL chooses by itself.
func (p *Progress) hinted(v *identity.Viewer, group int) string {
	if p.DB.Dialect().Name() != dialect.SQLite {
		return ""
	}
	switch {
	case group == groupInactive && account.SeesEveryTrainee(v):
		return "users AS u INDEXED BY users_trainee_name_idx"
	case group == groupInactive:
		return "users AS u INDEXED BY users_supervisor_name_idx"
	case group == groupRest && account.SeesEveryTrainee(v):
		return "users AS u INDEXED BY users_trainee_created_idx"
	}
	return ""
}
