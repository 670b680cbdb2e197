package supervision

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"groundwork/internal/db"
)

// Bulk is supervision history to load at once, for demonstration data.
type Bulk struct {
	Records []Record
	States  []CompetencyState
	Events  []Event
}

// Len is the number of rows in b.
func (b Bulk) Len() int { return len(b.Records) + len(b.States) + len(b.Events) }

// Import writes b in bulk, records first so events can point at them.
// Records are taken as at their first version, agreed to it when signed;
// each competency's version counts its steps in b.
func Import(ctx context.Context, idb bun.IDB, b Bulk) error {
	for i := range b.Records {
		r := &b.Records[i]
		r.Version, r.ContentHash = 1, r.Content.hash()
		if r.Locked() {
			r.SignedVersion = &r.Version
		}
	}
	steps := map[[2]string]int{}
	for _, e := range b.Events {
		steps[[2]string{e.TraineeID, e.CompetencyID}]++
	}
	for i := range b.States {
		b.States[i].Version = steps[[2]string{b.States[i].TraineeID, b.States[i].CompetencyID}]
	}
	if len(b.Records) > 0 {
		if err := db.InsertAll(ctx, idb, b.Records); err != nil {
			return fmt.Errorf("import supervision records: %w", err)
		}
	}
	if len(b.States) > 0 {
		if err := db.InsertAll(ctx, idb, b.States); err != nil {
			return fmt.Errorf("import competency statuses: %w", err)
		}
	}
	if len(b.Events) > 0 {
		if err := db.InsertAll(ctx, idb, b.Events); err != nil {
			return fmt.Errorf("import competency history: %w", err)
		}
	}
	return nil
}
