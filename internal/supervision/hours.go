package supervision

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Totals are a trainee's agreed supervision hours by kind.
type Totals struct {
	ByKind map[Kind]float64
	All    float64
}

// HoursBetween totals the trainee's agreed (locked) sessions held from
// from to to inclusive; zero times leave that end open.
func HoursBetween(ctx context.Context, idb bun.IDB, traineeID string, from, to time.Time) (Totals, error) {
	var rows []struct {
		Kind    Kind `bun:"kind"`
		Minutes int  `bun:"minutes"`
	}
	q := idb.NewSelect().Model((*Record)(nil)).ColumnExpr("kind, SUM(minutes) AS minutes").
		Where("trainee_id = ?", traineeID).Where("other_signed_at IS NOT NULL").GroupExpr("kind")
	if !from.IsZero() {
		q = q.Where("held_on >= ?", from)
	}
	if !to.IsZero() {
		q = q.Where("held_on <= ?", to)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return Totals{}, fmt.Errorf("total supervision hours: %w", err)
	}
	t := Totals{ByKind: map[Kind]float64{}}
	for _, r := range rows {
		h := float64(r.Minutes) / 60
		t.ByKind[r.Kind] = h
		t.All += h
	}
	return t, nil
}

// Summary is what dashboards show of a trainee's supervision.
type Summary struct {
	Hours   float64    // agreed hours, all kinds
	Last    *time.Time // the last session recorded, agreed or not
	Next    *time.Time // the next date agreed, when in the future
	Overdue bool       // no session recorded within the service's Gap
}

// Summaries returns, per trainee, their agreed hours, the last session
// recorded, the next date agreed and whether they are overdue, in one query.
// A trainee with no session at all is overdue.
func (s *Service) Summaries(ctx context.Context, userIDs []string) (map[string]Summary, error) {
	out := map[string]Summary{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TraineeID string     `bun:"trainee_id"`
		Minutes   int        `bun:"minutes"`
		Last      time.Time  `bun:"last"`
		Next      *time.Time `bun:"next"`
	}
	err := s.DB.NewSelect().Model((*Record)(nil)).
		ColumnExpr("trainee_id, SUM(CASE WHEN other_signed_at IS NULL THEN 0 ELSE minutes END) AS minutes").
		ColumnExpr("MAX(held_on) AS last, MAX(next_on) AS next").
		Where("trainee_id IN (?)", bun.List(userIDs)).GroupExpr("trainee_id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("summarise supervision: %w", err)
	}
	today := s.Clock.Now().Truncate(24 * time.Hour)
	for _, id := range userIDs {
		out[id] = Summary{Overdue: true}
	}
	for _, r := range rows {
		last := r.Last.UTC()
		sum := Summary{Hours: float64(r.Minutes) / 60, Last: &last, Overdue: today.Sub(last) > s.Gap}
		if r.Next != nil && !r.Next.Before(today) {
			next := r.Next.UTC()
			sum.Next = &next
		}
		out[r.TraineeID] = sum
	}
	return out, nil
}
