package certificate

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// CurrentNumbers returns, for each of holderIDs, the numbers of their
// certificates in force (neither revoked nor superseded), for reports, in
// the order OfHolder lists them. It reads only the numbers: a report asks
// for hundreds of holders at a time, and loading each certificate whole
// cost more than the rest of the report.
func (s *Service) CurrentNumbers(ctx context.Context, holderIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(holderIDs) == 0 {
		return out, nil
	}
	rows, err := s.DB.NewSelect().TableExpr("certificates AS c").ColumnExpr("c.holder_id, c.number").
		Where("c.holder_id IN (?)", bun.List(holderIDs)).
		Where("NOT EXISTS (SELECT 1 FROM certificate_revocations AS r WHERE r.certificate_id = c.id)").
		Where("NOT EXISTS (SELECT 1 FROM certificates AS n WHERE n.reissue_of = c.id)").
		OrderExpr("c.holder_name, c.issued_at DESC, c.id DESC").Rows(ctx)
	if err != nil {
		return nil, fmt.Errorf("current certificate numbers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var holder, number string
		if err := rows.Scan(&holder, &number); err != nil {
			return nil, fmt.Errorf("current certificate numbers: %w", err)
		}
		out[holder] = append(out[holder], number)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("current certificate numbers: %w", err)
	}
	return out, nil
}
