package supervision

import "github.com/uptrace/bun"

// PendingByTrainee selects (trainee_id, n): how many sign-off requests of
// each trainee wait for review. It reads only pending rows (through the
// partial competency_status_pending_idx), so callers may join it to a page
// of trainees at any size of organisation.
func PendingByTrainee(idb bun.IDB) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("competency_status").ColumnExpr("trainee_id, count(*) AS n").
		Where("status = ?", Pending).GroupExpr("trainee_id")
}
