package supervision

import "github.com/uptrace/bun"

// PendingOf selects the sign-off requests waiting for review of the
// trainee whose ID is the SQL expression traineeID (a column of the outer
// query), through the partial index of pending rows, for EXISTS.
func PendingOf(idb bun.IDB, traineeID string) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("competency_status AS cs").ColumnExpr("1").
		Where("cs.trainee_id = "+traineeID).Where("cs.status = ?", Pending)
}
