package db

import (
	"context"

	"github.com/uptrace/bun"
)

// BulkRows is how many rows one multi-row INSERT of a bulk load carries:
// enough to make each statement count, few enough that the statement
// stays small to build, send and parse.
const BulkRows = 400

// InsertAll inserts rows (a model type's values) with multi-row INSERT
// statements of at most BulkRows rows each, in idb (run it in a
// transaction, so a load is whole or nothing).
func InsertAll[T any](ctx context.Context, idb bun.IDB, rows []T) error {
	for start := 0; start < len(rows); start += BulkRows {
		chunk := rows[start:min(start+BulkRows, len(rows))]
		if _, err := idb.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
