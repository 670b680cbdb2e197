package account

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// CohortNamesOf returns, for each of userIDs in a cohort, the names of their
// cohorts, by name.
func CohortNamesOf(ctx context.Context, idb bun.IDB, userIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		UserID string `bun:"user_id"`
		Name   string `bun:"name"`
	}
	err := idb.NewSelect().TableExpr("cohort_members AS m").Join("JOIN cohorts AS c ON c.id = m.cohort_id").
		ColumnExpr("m.user_id, c.name").Where("m.user_id IN (?)", bun.List(userIDs)).
		OrderExpr("lower(c.name), c.id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("cohorts of trainees: %w", err)
	}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.Name)
	}
	return out, nil
}

// NamesByID returns the name of each of ids that exists.
func NamesByID(ctx context.Context, idb bun.IDB, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var users []User
	if err := idb.NewSelect().Model(&users).Column("id", "name").Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("names: %w", err)
	}
	for _, u := range users {
		out[u.ID] = u.Name
	}
	return out, nil
}
