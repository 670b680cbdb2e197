package certificate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/uptrace/bun"

	"groundwork/internal/certificate/credential"
)

// statusListUse returns how many certificates there are and the highest
// status list index given (-1 for none).
func statusListUse(ctx context.Context, idb bun.IDB) (count, maxIndex int, err error) {
	var highest sql.NullInt64
	if err := idb.NewSelect().Model((*Certificate)(nil)).ColumnExpr("count(*), max(c.status_index)").
		Scan(ctx, &count, &highest); err != nil {
		return 0, 0, fmt.Errorf("status list: %w", err)
	}
	if !highest.Valid {
		return count, -1, nil
	}
	return count, int(highest.Int64), nil
}

// newStatusIndex picks a free place in the status list for a new
// certificate, at random over the whole list so that an index says
// nothing about when or to whom a certificate was issued. The list is at
// least twice as long as the certificates are many, so each try finds a
// free place at least half the time; the unique index
// certificates_status_index is the guard if two issues pick the same place
// at the same moment.
func newStatusIndex(ctx context.Context, idb bun.IDB) (int, error) {
	count, maxIndex, err := statusListUse(ctx, idb)
	if err != nil {
		return 0, err
	}
	length := credential.StatusListLength(count+1, maxIndex)
	for range 64 {
		i := rand.IntN(length)
		taken, err := idb.NewSelect().Model((*Certificate)(nil)).Where("c.status_index = ?", i).Exists(ctx)
		if err != nil {
			return 0, fmt.Errorf("status list: %w", err)
		}
		if !taken {
			return i, nil
		}
	}
	return 0, errors.New("status list: no free index found")
}
