package certificate

import (
	"context"
)

// CurrentNumbers returns, for each of holderIDs, the numbers of their
// certificates in force (neither revoked nor superseded), for reports.
func (s *Service) CurrentNumbers(ctx context.Context, holderIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(holderIDs) == 0 {
		return out, nil
	}
	certs, err := OfHolder(ctx, s.DB, holderIDs...)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		if c.Status() == Valid {
			out[c.HolderID] = append(out[c.HolderID], c.Number)
		}
	}
	return out, nil
}
