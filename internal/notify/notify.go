// Package notify tells people what needs them. A capability that changes
// something a person must act on or read (a supervision record to agree,
// a returned or withdrawn sign-off, a comment, a certificate) records a
// notice in the same transaction as the change, and marks it done in the
// transaction that settles it. What waits for supervisors (evidence to
// review, reflections to read, trainees overdue) is derived from current
// state by a Source. Mail goes through the outbox: urgent notices at once,
// the rest in one digest a day, and none to a person who turned it off.
package notify

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/clock"
)

// Kind is what a notice or a waiting item is about.
type Kind string

// The kinds of notice a trainee receives, recorded when they happen.
const (
	RecordToAgree      Kind = "record_to_agree"     // a supervision record written for the trainee
	RecordComment      Kind = "record_comment"      // an agreed record amended by someone else, with the reason
	SignOffReturned    Kind = "sign_off_returned"   // a sign-off request returned with feedback
	SignOffWithdrawn   Kind = "sign_off_withdrawn"  // a sign-off taken back
	ClearanceWithdrawn Kind = "clearance_withdrawn" // a safety-critical sign-off taken back
	ReflectionComment  Kind = "reflection_comment"  // a comment on the trainee's reflections
	CertificateIssued  Kind = "certificate_issued"  // a new certificate
)

// The kinds of item a supervisor sees, derived from current state.
const (
	EvidenceToReview Kind = "evidence_to_review" // a sign-off request made by a trainee
	ReflectionToRead Kind = "reflection_to_read" // submitted reflections nobody has commented on
	TraineeOverdue   Kind = "trainee_overdue"    // past the cohort's expected completion date
)

// Urgent reports whether a notice of kind is mailed at once rather than in
// the day's digest: a sign-off taken back changes what the trainee may do
// today (clearance for unsupervised practice above all).
func (k Kind) Urgent() bool { return k == SignOffWithdrawn || k == ClearanceWithdrawn }

// Notice is one thing a person was told about.
type Notice struct {
	bun.BaseModel `bun:"table:notices,alias:n"`

	ID        string     `bun:"id,pk"`
	UserID    string     `bun:"user_id,notnull"`
	Kind      Kind       `bun:"kind,notnull"`
	Ref       string     `bun:"ref,notnull"` // what it is about: a record, competency, module or certificate
	Text      string     `bun:"text,notnull"`
	Link      string     `bun:"link,notnull"` // where it is acted on, a path on the site
	CreatedAt time.Time  `bun:"created_at,notnull"`
	ReadAt    *time.Time `bun:"read_at"`
	MailedAt  *time.Time `bun:"mailed_at"`
}

// Item is one line of a person's "Needs you" list.
type Item struct {
	Kind Kind
	Text string
	Link string // a path on the site
	At   time.Time
}

// Source lists what waits for a person that follows from current state
// (a supervisor's trainees' requests, reflections, deadlines), each item
// with the time it began to wait.
type Source interface {
	Waiting(ctx context.Context, u *account.User) ([]Item, error)
}

// Notifier records notices and mails them. A nil Notifier records nothing.
type Notifier struct {
	DB    *bun.DB
	Clock clock.Clock
	// BaseURL is the site's public URL without a trailing slash, for the
	// links in mail.
	BaseURL string
	// Source is what supervisors' items are derived from; nil means none.
	Source Source
	// DigestHour is the hour of the day (UTC) from which the day's digest
	// is sent.
	DigestHour int
}

// Tell records a notice of kind for userID in idb, the transaction of the
// change it reports. An urgent notice is queued as a mail in the same
// transaction, unless the person turned notification mail off.
func (n *Notifier) Tell(ctx context.Context, idb bun.IDB, userID string, kind Kind, ref, text, link string) error {
	if n == nil {
		return nil
	}
	nt := &Notice{ID: clock.NewID(), UserID: userID, Kind: kind, Ref: ref, Text: text, Link: link, CreatedAt: n.Clock.Now()}
	if kind.Urgent() {
		mailed, err := n.mailNow(ctx, idb, nt)
		if err != nil {
			return err
		}
		if mailed {
			nt.MailedAt = &nt.CreatedAt
		}
	}
	if _, err := idb.NewInsert().Model(nt).Exec(ctx); err != nil {
		return fmt.Errorf("record notice: %w", err)
	}
	return nil
}

// Note is one notice of a batch for TellMany: whom it is for, what it is
// about, what it says and where it is acted on.
type Note struct {
	UserID, Ref, Text, Link string
}

// TellMany records a notice of kind for each of notes in idb, the
// transaction of the change they report, in one statement. Urgent kinds
// are told one by one, since each may queue a mail.
func (n *Notifier) TellMany(ctx context.Context, idb bun.IDB, kind Kind, notes []Note) error {
	if n == nil || len(notes) == 0 {
		return nil
	}
	if kind.Urgent() {
		for _, nt := range notes {
			if err := n.Tell(ctx, idb, nt.UserID, kind, nt.Ref, nt.Text, nt.Link); err != nil {
				return err
			}
		}
		return nil
	}
	now := n.Clock.Now()
	rows := make([]Notice, len(notes))
	for i, nt := range notes {
		rows[i] = Notice{ID: clock.NewID(), UserID: nt.UserID, Kind: kind, Ref: nt.Ref, Text: nt.Text, Link: nt.Link, CreatedAt: now}
	}
	if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("record notices: %w", err)
	}
	return nil
}

// Done marks userID's open notices about ref of the given kinds as done
// (or read), in idb, the transaction of the change that settles them. An
// empty ref matches every notice of those kinds.
func (n *Notifier) Done(ctx context.Context, idb bun.IDB, userID, ref string, kinds ...Kind) error {
	if n == nil || len(kinds) == 0 {
		return nil
	}
	q := idb.NewUpdate().Model((*Notice)(nil)).Set("read_at = ?", n.Clock.Now()).
		Where("user_id = ?", userID).Where("kind IN (?)", bun.List(kinds)).Where("read_at IS NULL")
	if ref != "" {
		q = q.Where("ref = ?", ref)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("mark notices done: %w", err)
	}
	return nil
}

// Read is Done outside any other change: the person opened the page where
// the notices are read.
func (n *Notifier) Read(ctx context.Context, userID, ref string, kinds ...Kind) error {
	if n == nil {
		return nil
	}
	return n.Done(ctx, n.DB, userID, ref, kinds...)
}

// NeedsYou is u's "Needs you" list: their open notices and what waits for
// them as a supervisor, newest first. It is the whole of what
// NeedsYouNewest gives the head of.
func (n *Notifier) NeedsYou(ctx context.Context, u *account.User) ([]Item, error) {
	all, err := n.needsYou(ctx, u, every)
	return all.Items, err
}

// Newest is the head of a "Needs you" list: its newest items and how many
// items of each kind wait in all.
type Newest struct {
	Items  []Item
	Counts map[Kind]int
}

// Total is how many items wait in all, shown or not.
func (nw Newest) Total() int {
	n := 0
	for _, c := range nw.Counts {
		n += c
	}
	return n
}

// NewestSource is a Source that can give the head of its list itself: its
// limit newest items for u, newest first, and how many of each kind wait,
// without reading every item.
type NewestSource interface {
	Source
	Newest(ctx context.Context, u *account.User, limit int) (Newest, error)
}

// NeedsYouNewest is the head of u's "Needs you" list: the limit newest of
// their open notices and of what waits for them as a supervisor, and how
// many of each kind wait. Each part is read newest first with a limit in
// the database; a Source that is not a NewestSource is read whole.
func (n *Notifier) NeedsYouNewest(ctx context.Context, u *account.User, limit int) (Newest, error) {
	return n.needsYou(ctx, u, max(limit, 0))
}

// every, as a limit, asks for every item.
const every = -1

// needsYou is the head of u's "Needs you" list, its limit newest items
// (every item when limit is every), and how many of each kind wait: the
// notices and the Source's items, each read newest first, merged.
func (n *Notifier) needsYou(ctx context.Context, u *account.User, limit int) (Newest, error) {
	out := Newest{Counts: map[Kind]int{}}
	if n == nil {
		return out, nil
	}
	notices, err := openNewest(ctx, n.DB, u.ID, limit, out.Counts)
	if err != nil {
		return out, err
	}
	for _, nt := range notices {
		out.Items = append(out.Items, nt.item())
	}
	waiting, err := n.sourceNewest(ctx, u, limit)
	if err != nil {
		return out, err
	}
	for k, c := range waiting.Counts {
		out.Counts[k] += c
	}
	out.Items = newestFirst(append(out.Items, waiting.Items...), limit)
	return out, nil
}

// newestFirst orders items newest first, keeping the order of those of
// the same time, and keeps the limit first (all when limit is every).
func newestFirst(items []Item, limit int) []Item {
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.After(items[j].At) })
	if limit != every && len(items) > limit {
		items = items[:limit]
	}
	return items
}

// sourceNewest is the head of the Source's list for u, read whole when
// every item is asked for or the Source cannot give its head.
func (n *Notifier) sourceNewest(ctx context.Context, u *account.User, limit int) (Newest, error) {
	out := Newest{Counts: map[Kind]int{}}
	if n.Source == nil {
		return out, nil
	}
	if s, ok := n.Source.(NewestSource); ok && limit != every {
		return s.Newest(ctx, u, limit)
	}
	all, err := n.Source.Waiting(ctx, u)
	if err != nil {
		return out, err
	}
	for _, it := range all {
		out.Counts[it.Kind]++
	}
	out.Items = newestFirst(all, limit)
	return out, nil
}

// openNewest returns userID's limit newest notices not yet done (every one
// when limit is every), newest first, and adds how many of each kind are
// open to counts. Both queries read the partial index of open notices;
// when every notice is read they are counted as they come.
func openNewest(ctx context.Context, idb bun.IDB, userID string, limit int, counts map[Kind]int) ([]Notice, error) {
	var out []Notice
	q := idb.NewSelect().Model(&out).Where("user_id = ?", userID).Where("read_at IS NULL").
		OrderExpr("created_at DESC, id DESC")
	if limit != every {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list newest notices: %w", err)
	}
	if limit == every {
		for _, nt := range out {
			counts[nt.Kind]++
		}
		return out, nil
	}
	var rows []struct {
		Kind Kind `bun:"kind"`
		N    int  `bun:"n"`
	}
	err := idb.NewSelect().Model((*Notice)(nil)).ColumnExpr("kind, count(*) AS n").Where("user_id = ?", userID).
		Where("read_at IS NULL").GroupExpr("kind").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count open notices: %w", err)
	}
	for _, r := range rows {
		counts[r.Kind] += r.N
	}
	return out, nil
}

func (nt Notice) item() Item {
	return Item{Kind: nt.Kind, Text: nt.Text, Link: nt.Link, At: nt.CreatedAt}
}

// ForgetUser deletes userID's notices and digest days, in the transaction
// that deletes the person (account.Forgetter).
func ForgetUser(ctx context.Context, tx bun.Tx, userID string) error {
	if _, err := tx.NewDelete().Model((*Notice)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("forget notices: %w", err)
	}
	if _, err := tx.NewDelete().TableExpr("notice_digests").Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("forget notice digests: %w", err)
	}
	return nil
}
