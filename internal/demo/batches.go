package demo

import (
	"context"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/certificate"
	"groundwork/internal/db"
	"groundwork/internal/learning"
	"groundwork/internal/supervision"
)

// batch is how many trainees one transaction writes. Tests make it small,
// to write a few trainees in many batches.
var batch = 500

// workers is how many batches are under way at once. While one batch's
// transaction writes (holding SQLite's only write lock, or a PostgreSQL
// connection), another's rows are built or its trainees' progress read to
// issue their certificates, so that two cores work instead of one.
const workers = 2

// batchResult is what writing one batch gave.
type batchResult struct {
	signIns []SignIn // the batch's trainees among the first four
	rows    int      // progress and supervision rows written
	issued  int      // certificates issued
	// first and last are the first and the last certificate issued, nil
	// when none was.
	first, last *certificate.Certificate
}

// trainees writes opts.Trainees trainees, workers batches at a time, each
// batch in a transaction of its own followed, when w.certs is set, by the
// certificates its trainees have earned. Each batch draws on a random
// source of its own, so the organisation is the same whichever batch ends
// first. It returns the batches' results in order.
func (w *writer) trainees(ctx context.Context, opts Options) ([]batchResult, error) {
	results := make([]batchResult, (opts.Trainees+batch-1)/batch)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.issuing = &sync.Mutex{}
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex // guards failed, done and the progress bar
		failed   error
		finished int
	)
	for range min(workers, len(results)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := int(next.Add(1) - 1); b < len(results); b = int(next.Add(1) - 1) {
				err := w.batchWriter(b).write(ctx, b*batch, min((b+1)*batch, opts.Trainees), &results[b])
				mu.Lock()
				if err != nil && failed == nil {
					failed = err
					cancel()
				}
				finished += min((b+1)*batch, opts.Trainees) - b*batch
				if failed == nil {
					drawBar(opts.Progress, "trainees", finished, opts.Trainees)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return results, failed
}

// batchWriter is w for batch b, with b's own random source.
func (w *writer) batchWriter(b int) *writer {
	bw := *w
	bw.rng = mrand.New(mrand.NewPCG(1, uint64(b)))
	return &bw
}

// write builds trainees start..end-1 with their cohort, supervisor,
// progress and supervision, writes them in one transaction, then issues
// their certificates.
func (w *writer) write(ctx context.Context, start, end int, out *batchResult) error {
	rows := w.build(start, end, out)
	if err := db.InTx(ctx, w.conn, nil, func(ctx context.Context, tx bun.Tx) error {
		return rows.insert(ctx, tx, w)
	}); err != nil {
		return err
	}
	out.rows = rows.rec.Len() + rows.sup.Len()
	if w.certs == nil {
		return nil
	}
	ids := make([]string, len(rows.users))
	for i, u := range rows.users {
		ids[i] = u.ID
	}
	w.issuing.Lock()
	issued, err := w.certs.IssueDueMany(ctx, ids)
	w.issuing.Unlock()
	if err != nil || len(issued) == 0 {
		return err
	}
	// Copies, so that the batch's other certificates are not kept.
	first, last := issued[0], issued[len(issued)-1]
	out.issued, out.first, out.last = len(issued), &first, &last
	return nil
}

// batchRows is what one batch writes.
type batchRows struct {
	users   []account.User
	members map[string][]string // cohort ID -> user IDs
	rec     learning.Records
	sup     supervision.Bulk
}

// build makes trainees start..end-1 and everything they have done.
func (w *writer) build(start, end int, out *batchResult) *batchRows {
	r := &batchRows{users: make([]account.User, 0, end-start), members: map[string][]string{}}
	for i := start; i < end; i++ {
		u := w.trainee(i)
		r.users = append(r.users, u)
		c := w.cohorts[i%len(w.cohorts)]
		r.members[c.ID] = append(r.members[c.ID], u.ID)
		if i < 4 {
			out.signIns = append(out.signIns, SignIn{Role: "trainee", Name: u.Name, Email: u.Email})
		}
	}
	for _, u := range r.users {
		done, at := w.progress(u, &r.rec)
		w.supervision(u, done, at, &r.sup)
	}
	return r
}

// insert writes r in tx.
func (r *batchRows) insert(ctx context.Context, tx bun.Tx, w *writer) error {
	if err := w.accounts.ImportUsers(ctx, tx, r.users); err != nil {
		return err
	}
	for cohortID, ids := range r.members {
		if err := w.accounts.AddMembers(ctx, tx, cohortID, ids); err != nil {
			return err
		}
		if err := w.learning.Enrol(ctx, tx, learning.ProgrammeScope, "", ids...); err != nil {
			return err
		}
	}
	if err := learning.Import(ctx, tx, r.rec); err != nil {
		return err
	}
	return supervision.Import(ctx, tx, r.sup)
}
