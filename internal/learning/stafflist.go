package learning

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/identity"
	"groundwork/internal/supervision"
)

// perPage is how many trainees a page of the staff dashboard shows.
const perPage = 50

// maxSearch is the longest search the staff dashboard accepts, in
// characters.
const maxSearch = 100

// The orders of the staff dashboard.
const (
	sortAttention = "attention"
	sortName      = "name"
	sortActivity  = "activity"
)

// sortChoice is one order offered on the staff dashboard.
type sortChoice struct{ Value, Label string }

var sortChoices = []sortChoice{
	{sortAttention, "Needs attention first"},
	{sortName, "Name"},
	{sortActivity, "Last activity, longest ago first"},
}

// listing is what a staff dashboard request asks for: a search, an order,
// a cohort and a page. Notes explain any part of the request that could
// not be followed and what is shown instead.
type listing struct {
	Search string
	Sort   string
	Cohort *account.Cohort
	Page   int
	Notes  []string
}

// listingFrom reads the request's query. Nothing in it is an error: an
// unknown order or cohort, a page that is not a positive number and an
// overlong search each fall back to the default with a note.
func listingFrom(c echo.Context, cohorts []account.Cohort) listing {
	l := listing{Sort: sortAttention, Page: 1}
	l.Search = strings.TrimSpace(c.QueryParam("q"))
	if utf8.RuneCountInString(l.Search) > maxSearch {
		l.Search = string([]rune(l.Search)[:maxSearch])
		l.Notes = append(l.Notes, fmt.Sprintf("Searches are limited to %d characters; only the first %d were used.", maxSearch, maxSearch))
	}
	switch s := c.QueryParam("sort"); s {
	case "", sortAttention:
	case sortName, sortActivity:
		l.Sort = s
	default:
		l.Notes = append(l.Notes, "That order is not one of the choices; trainees are shown with those needing attention first.")
	}
	if id := c.QueryParam("cohort"); id != "" {
		for i := range cohorts {
			if cohorts[i].ID == id {
				l.Cohort = &cohorts[i]
			}
		}
		if l.Cohort == nil {
			l.Notes = append(l.Notes, "That cohort was not found; trainees of every cohort are shown.")
		}
	}
	if p := c.QueryParam("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			l.Notes = append(l.Notes, "Pages are numbered from 1; the first page is shown.")
		} else {
			l.Page = n
		}
	}
	return l
}

// query is the listing as a query string for page n, keeping the search,
// order and cohort.
func (l listing) query(n int) string {
	q := url.Values{}
	if l.Search != "" {
		q.Set("q", l.Search)
	}
	if l.Sort != sortAttention {
		q.Set("sort", l.Sort)
	}
	if l.Cohort != nil {
		q.Set("cohort", l.Cohort.ID)
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// traineePage is one page of the trainees a viewer oversees, in order.
type traineePage struct {
	Users []account.User
	Total int // trainees matching the search and cohort
	Page  int // the page shown, within 1..Pages
	Pages int
}

// listTrainees returns the page of the trainees v oversees that l asks
// for. Counting, filtering and ordering happen in the database over the
// viewer's trainees (account.VisibleTrainees); only the page's trainees come
// back, with the people. A page past the end shows the last page, with a
// note. pastDue says whether some cohort's expected completion date has
// passed, without which nobody is overdue.
func (p *Progress) listTrainees(ctx context.Context, v *identity.Viewer, l *listing, pastDue bool) (traineePage, error) {
	var out traineePage
	total, err := p.filtered(v, l).Count(ctx)
	if err != nil {
		return out, fmt.Errorf("count trainees: %w", err)
	}
	out.Total = int(total)
	out.Pages = max(1, (out.Total+perPage-1)/perPage)
	out.Page = l.Page
	if out.Page > out.Pages {
		l.Notes = append(l.Notes, fmt.Sprintf("There is no page %d; the last page, %d, is shown.", l.Page, out.Pages))
		out.Page = out.Pages
	}
	offset := (out.Page - 1) * perPage
	if l.Sort == sortAttention {
		out.Users, err = p.byAttention(ctx, func() *bun.SelectQuery { return p.filtered(v, l) }, offset, pastDue)
		return out, err
	}
	q := p.ordered(p.filtered(v, l).ColumnExpr("u.*"), l.Sort)
	if err := q.Limit(perPage).Offset(int64(offset)).Scan(ctx, &out.Users); err != nil {
		return out, fmt.Errorf("list trainees: %w", err)
	}
	return out, nil
}

// filtered selects the trainees v oversees that match l's search and
// cohort.
func (p *Progress) filtered(v *identity.Viewer, l *listing) *bun.SelectQuery {
	q := account.VisibleTrainees(p.DB, v)
	if l.Cohort != nil {
		q = q.Where("EXISTS (SELECT 1 FROM cohort_members AS m WHERE m.user_id = u.id AND m.cohort_id = ?)", l.Cohort.ID)
	}
	if l.Search != "" {
		pattern := "%" + escapeLike(strings.ToLower(l.Search)) + "%"
		q = q.Where(`(lower(u.name) LIKE ? ESCAPE '\' OR u.email LIKE ? ESCAPE '\')`, pattern, pattern)
	}
	return q
}

// escapeLike makes s match itself in a LIKE pattern with '\' as escape.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ProgrammeHolders is implemented by the certificates capability: it
// selects the programme certificates in force of the person whose ID is the
// SQL expression holderID, so that those who have finished the programme
// do not count as overdue in the attention order.
type ProgrammeHolders interface {
	ProgrammeHeld(idb bun.IDB, holderID string) *bun.SelectQuery
}

// ordered orders q (over "users AS u") by name, or by last activity with
// those never active first.
func (p *Progress) ordered(q *bun.SelectQuery, sort string) *bun.SelectQuery {
	if sort == sortActivity {
		return q.Join("LEFT JOIN learning_activity AS la ON la.user_id = u.id").
			OrderExpr("CASE WHEN la.last_at IS NULL THEN 0 ELSE 1 END, la.last_at, lower(u.name), u.id")
	}
	return q.OrderExpr("lower(u.name), u.id")
}

// byAttention returns a page of trainees from offset in the attention
// order, among those selected returns (a new query over "users AS u" each
// time it is called). The groups of the order are read one after the
// other, each walking the trainees by name through the name index and
// stopping once the page is full, so that the first page costs about the
// same however many trainees there are. A group the page begins after is
// counted, up to offset, to know how much of the offset it covers.
func (p *Progress) byAttention(ctx context.Context, selected func() *bun.SelectQuery, offset int, pastDue bool) ([]account.User, error) {
	var out []account.User
	for _, in := range p.attentionGroups(pastDue) {
		var rows []account.User
		err := in(selected()).ColumnExpr("u.*").OrderExpr("lower(u.name), u.id").
			Limit(int64(perPage-len(out))).Offset(int64(offset)).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("list trainees by attention: %w", err)
		}
		if len(rows) == 0 && offset > 0 {
			n, err := p.DB.NewSelect().TableExpr("(?) AS g", in(selected()).ColumnExpr("1").Limit(int64(offset))).Count(ctx)
			if err != nil {
				return nil, fmt.Errorf("count trainees by attention: %w", err)
			}
			offset -= int(n)
			continue
		}
		offset = 0
		if out = append(out, rows...); len(out) == perPage {
			break
		}
	}
	return out, nil
}

// attentionGroup narrows a query over "users AS u" to one group of the
// attention order.
type attentionGroup func(q *bun.SelectQuery) *bun.SelectQuery

// attentionGroups are the groups of the attention order, each by name:
// first trainees with something waiting for the viewer, then those past
// their cohort's expected completion date without the programme's
// certificate, then those inactive for 14 days, then the rest. Each
// trainee's group is found through small indexes: pending rows only
// (reflections waiting for a comment, sign-off requests waiting for
// review), their cohorts, and their latest step. Without a cohort past its
// date (pastDue false) nobody is overdue and that group is left out.
func (p *Progress) attentionGroups(pastDue bool) []attentionGroup {
	now := p.Clock.Now()
	waiting, overdue := p.waitingCondition(), p.overdueCondition(now)
	inactive := condition{"coalesce(la.last_at, u.created_at) <= ?", []any{now.Add(-inactiveAfter)}}
	rest := []condition{waiting.not()}
	groups := []attentionGroup{waiting.apply}
	if pastDue {
		groups = append(groups, both(waiting.not(), overdue))
		rest = append(rest, overdue.not())
	}
	activity := func(c condition) attentionGroup {
		in := both(append(slices.Clip(rest), c)...)
		return func(q *bun.SelectQuery) *bun.SelectQuery {
			return in(q.Join("LEFT JOIN learning_activity AS la ON la.user_id = u.id"))
		}
	}
	return append(groups, activity(inactive), activity(inactive.not()))
}

// waitingCondition holds for trainees with something waiting for their
// supervisor: reflections nobody has commented on, or, with the
// supervision capability, sign-off requests to review. Written as one
// EXISTS over a UNION ALL, PostgreSQL probes each trainee's rows through
// the partial indexes as the name index is walked, rather than reading
// every waiting row of the organisation into a hash first.
func (p *Progress) waitingCondition() condition {
	reflections := p.pendingReflections().ColumnExpr("1").Where("r.user_id = u.id")
	if p.Supervision == nil {
		return condition{"EXISTS (?)", []any{reflections}}
	}
	return condition{"EXISTS (? UNION ALL ?)", []any{reflections, supervision.PendingOf(p.DB, "u.id")}}
}

// overdueCondition holds for trainees in a cohort whose expected
// completion date has passed at now, unless they hold the programme's
// certificate.
func (p *Progress) overdueCondition(now time.Time) condition {
	c := condition{"EXISTS (?)", []any{account.PastExpectedBy(p.DB, "u.id", now)}}
	if h, ok := p.Certificates.(ProgrammeHolders); ok {
		c = condition{"EXISTS (?) AND NOT EXISTS (?)", append(c.args, h.ProgrammeHeld(p.DB, "u.id"))}
	}
	return c
}

// condition is a SQL condition with its arguments.
type condition struct {
	sql  string
	args []any
}

// not is the negation of c.
func (c condition) not() condition { return condition{"NOT (" + c.sql + ")", c.args} }

// apply adds c to q.
func (c condition) apply(q *bun.SelectQuery) *bun.SelectQuery { return q.Where(c.sql, c.args...) }

// both is the attention group of the trainees meeting every one of cs.
func both(cs ...condition) attentionGroup {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		for _, c := range cs {
			q = c.apply(q)
		}
		return q
	}
}
