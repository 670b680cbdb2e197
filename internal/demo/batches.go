package demo

import (
	"context"
	"io"
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
//
// The first batch is written alone and the planner's statistics refreshed
// after it. Without any, PostgreSQL takes a list of 500 trainees for most
// of a table and reads the whole table for each batch's certificates, so
// that each batch took longer than the one before.
func (w *writer) trainees(ctx context.Context, opts Options) ([]batchResult, error) {
	results := make([]batchResult, (opts.Trainees+batch-1)/batch)
	w.issuing = &sync.Mutex{}
	bar := &progressBar{w: opts.Progress, total: opts.Trainees}
	end := min(batch, opts.Trainees)
	if err := w.batchWriter(0).write(ctx, 0, end, &results[0]); err != nil {
		return nil, err
	}
	bar.add(end)
	if len(results) == 1 {
		return results, nil
	}
	if err := db.RefreshStatistics(ctx, w.conn); err != nil {
		return nil, err
	}
	return results, w.rest(ctx, opts.Trainees, results, bar)
}

// rest writes batches 1 onwards of trainees into results, workers at a
// time, and returns the first error.
func (w *writer) rest(ctx context.Context, trainees int, results []batchResult, bar *progressBar) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex // guards failed
		failed error
	)
	next.Store(1)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := int(next.Add(1) - 1); b < len(results); b = int(next.Add(1) - 1) {
				end := min((b+1)*batch, trainees)
				if err := w.batchWriter(b).write(ctx, b*batch, end, &results[b]); err != nil {
					mu.Lock()
					if failed == nil {
						failed = err
						cancel()
					}
					mu.Unlock()
					return
				}
				bar.add(end - b*batch)
			}
		}()
	}
	wg.Wait()
	return failed
}

// progressBar draws how many of total trainees are written, as batches end
// in any order.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	done  int
	total int
}

// add counts n more trainees written and redraws the bar.
func (p *progressBar) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	drawBar(p.w, "trainees", p.done, p.total)
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
