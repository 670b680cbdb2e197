package certificate

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/certificate/credential"
	"groundwork/internal/db"
	"groundwork/internal/notify"
)

// insertChunk is how many certificates one INSERT statement carries.
const insertChunk = 400

// IssueDueMany issues, for each of holderIDs, what IssueDue would issue
// them (every module, and the programme, they completed and hold no
// certificate for), reading everyone's progress in a fixed number of
// queries and writing the certificates and their holders' notices in one
// transaction of a few statements. The same guards hold as for one holder:
// certificates_once lets one certificate per holder and achievement
// through, and each gets its own random, unique place in the status list.
// It returns the certificates issued, in the order of holderIDs.
func (s *Service) IssueDueMany(ctx context.Context, holderIDs []string) ([]Certificate, error) {
	todo, err := s.dueMany(ctx, holderIDs)
	if err != nil || len(todo) == 0 {
		return nil, err
	}
	var issued []Certificate
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		issued, err = s.insertMany(ctx, tx, todo)
		return err
	})
	if err != nil {
		return nil, err
	}
	return issued, nil
}

// dueMany freezes a new certificate for every achievement of holderIDs
// that they hold none for yet.
func (s *Service) dueMany(ctx context.Context, holderIDs []string) ([]Certificate, error) {
	if len(holderIDs) == 0 {
		return nil, nil
	}
	cat := s.Courses.Catalog()
	standings, err := s.Progress.Standings(ctx, holderIDs, cat)
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	held, err := s.heldAchievements(ctx, holderIDs)
	if err != nil {
		return nil, err
	}
	owed := map[string][]achievement{}
	var owing []string
	for _, id := range holderIDs {
		for _, a := range due(standings[id], cat) {
			if !held[id][a.slug] {
				owed[id] = append(owed[id], a)
			}
		}
		if len(owed[id]) > 0 {
			owing = append(owing, id)
		}
	}
	if len(owing) == 0 {
		return nil, nil
	}
	return s.freezeMany(ctx, owing, owed)
}

// freezeMany builds the certificates owed to each of holderIDs, in order.
func (s *Service) freezeMany(ctx context.Context, holderIDs []string, owed map[string][]achievement) ([]Certificate, error) {
	users, err := account.UsersByIDs(ctx, s.DB, holderIDs)
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	holders := make(map[string]*account.User, len(users))
	for i := range users {
		holders[users[i].ID] = &users[i]
	}
	histories, err := s.Supervision.Steps(ctx, holderIDs)
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	var out []Certificate
	for _, id := range holderIDs {
		holder, ok := holders[id]
		if !ok {
			continue
		}
		for _, a := range owed[id] {
			out = append(out, *s.freeze(holder, a, signers(histories[id], a.modules)))
		}
	}
	return out, nil
}

// heldAchievements returns, per holder, the achievements they hold a
// certificate for (an original, not a re-issue).
func (s *Service) heldAchievements(ctx context.Context, holderIDs []string) (map[string]map[string]bool, error) {
	var rows []struct {
		HolderID    string `bun:"holder_id"`
		Achievement string `bun:"achievement"`
	}
	if err := s.DB.NewSelect().Model((*Certificate)(nil)).Column("holder_id", "achievement").
		Where("holder_id IN (?)", bun.List(holderIDs)).Where("reissue_of IS NULL").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	out := map[string]map[string]bool{}
	for _, r := range rows {
		if out[r.HolderID] == nil {
			out[r.HolderID] = map[string]bool{}
		}
		out[r.HolderID][r.Achievement] = true
	}
	return out, nil
}

// insertMany gives certs their places in the status list and inserts
// them, skipping any that a concurrent issue got in first, then tells
// each holder of theirs. It returns the certificates inserted.
func (s *Service) insertMany(ctx context.Context, tx bun.Tx, certs []Certificate) ([]Certificate, error) {
	places, err := newStatusIndexes(ctx, tx, len(certs))
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	for i := range certs {
		certs[i].StatusIndex = places[i]
	}
	inserted := map[string]bool{}
	for start := 0; start < len(certs); start += insertChunk {
		chunk := certs[start:min(start+insertChunk, len(certs))]
		var ids []string
		if _, err := tx.NewInsert().Model(&chunk).
			On("CONFLICT (holder_id, achievement) WHERE reissue_of IS NULL DO NOTHING").
			Returning("id").Exec(ctx, &ids); err != nil {
			return nil, fmt.Errorf("issue certificates: %w", err)
		}
		for _, id := range ids {
			inserted[id] = true
		}
	}
	var issued []Certificate
	var notes []notify.Note
	for _, c := range certs {
		if inserted[c.ID] {
			issued = append(issued, c)
			notes = append(notes, notify.Note{UserID: c.HolderID, Ref: c.ID, Text: "A new certificate: " + c.Title, Link: "/certificates"})
		}
	}
	for start := 0; start < len(notes); start += insertChunk {
		if err := s.Notices.TellMany(ctx, tx, notify.CertificateIssued, notes[start:min(start+insertChunk, len(notes))]); err != nil {
			return nil, err
		}
	}
	return issued, nil
}

// newStatusIndexes picks n distinct free places in the status list, each
// at random over the whole list as newStatusIndex does, checking the
// candidates of each round in one query. The list is sized for the
// certificates there will be once these n are issued, so at least half of
// it is free.
func newStatusIndexes(ctx context.Context, idb bun.IDB, n int) ([]int, error) {
	count, maxIndex, err := statusListUse(ctx, idb)
	if err != nil {
		return nil, err
	}
	length := credential.StatusListLength(count+n, maxIndex)
	tried := make(map[int]bool, n)
	out := make([]int, 0, n)
	for range 64 {
		if len(out) == n {
			return out, nil
		}
		candidates := make([]int, 0, n-len(out))
		for len(candidates) < n-len(out) {
			if i := rand.IntN(length); !tried[i] {
				tried[i] = true
				candidates = append(candidates, i)
			}
		}
		var taken []int
		if err := idb.NewSelect().Model((*Certificate)(nil)).Column("c.status_index").
			Where("c.status_index IN (?)", bun.List(candidates)).Scan(ctx, &taken); err != nil {
			return nil, fmt.Errorf("status list: %w", err)
		}
		busy := make(map[int]bool, len(taken))
		for _, i := range taken {
			busy[i] = true
		}
		for _, i := range candidates {
			if !busy[i] {
				out = append(out, i)
			}
		}
	}
	if len(out) == n {
		return out, nil
	}
	return nil, fmt.Errorf("status list: no %d free places found", n)
}
