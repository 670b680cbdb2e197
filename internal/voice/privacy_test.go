package voice_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"groundwork/internal/db/dbtest"
)

// What a curious database administrator would try, on the same attack as
// public-session feedback: pairing answers with the order they came in by
// physical order (ctid on PostgreSQL, rowid on SQLite) or by key, and, on
// PostgreSQL, telling answers apart by the transaction that wrote them
// (xmin). Five rounds of six members answer in a known order, each with a
// comment that says which answer it was.
func TestAnswersCannotBeLinkedToTheOrderTheyCameIn(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	const rounds, size = 5, 6
	position := "rowid"
	if dbtest.Postgres() {
		position = "ctid"
	}
	right, pairs := 0, 0
	for range rounds {
		r := fx.open(t, "Tuesday drop-in", 20)
		for i := range size {
			if err := fx.site.App.Voice.Give(ctx, r.ID, answerOf(i)); err != nil {
				t.Fatal(err)
			}
			if dbtest.Postgres() {
				if n := count(t, fx, "SELECT count(DISTINCT xmin::text) FROM voice_held WHERE round_id = ?", r.ID); n != 1 {
					t.Fatalf("after %d answers the held answers carry %d transaction IDs, want 1", i+1, n)
				}
			}
		}
		var held []string
		if err := fx.site.App.DB.NewRaw("SELECT comment FROM voice_held WHERE round_id = ? ORDER BY "+position, r.ID).Scan(ctx, &held); err != nil {
			t.Fatal(err)
		}
		fx.closeRound(t, r)

		var comments, ids []string
		if err := fx.site.App.DB.NewRaw("SELECT body FROM voice_comments WHERE round_id = ? ORDER BY "+position, r.ID).Scan(ctx, &comments); err != nil {
			t.Fatal(err)
		}
		if err := fx.site.App.DB.NewRaw("SELECT id FROM voice_comments WHERE round_id = ? ORDER BY id", r.ID).Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		if len(held) != size || len(comments) != size {
			t.Fatalf("%d held and %d released comments, want %d", len(held), len(comments), size)
		}
		for k := range size {
			pairs += 3
			for _, list := range [][]string{held, comments} {
				if list[k] == fmt.Sprintf("answer %d", k) {
					right++
				}
			}
			if id := uuid.MustParse(ids[k]); id.Version() != 4 {
				t.Fatalf("a comment's key is a version %d UUID, which can carry time; want random (4)", id.Version())
			}
			var body string
			fx.site.App.DB.NewRaw("SELECT body FROM voice_comments WHERE id = ?", ids[k]).Scan(ctx, &body)
			if body == fmt.Sprintf("answer %d", k) {
				right++
			}
		}
		if dbtest.Postgres() {
			if n := count(t, fx, `SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM voice_comments WHERE round_id = ?
UNION ALL SELECT xmin::text FROM voice_tallies WHERE round_id = ?) AS released`, r.ID, r.ID); n != 1 {
				t.Fatalf("the released comments and counts carry %d transaction IDs, want 1", n)
			}
		}
	}
	// Chance gets about one pair in six right (15 of 90); order kept would
	// get all 90. More than 45 by chance is below one in a million.
	t.Logf("pairing by physical order and by key: %d of %d right", right, pairs)
	if right > pairs/2 {
		t.Fatalf("pairing answers with the order they came in is right %d times of %d", right, pairs)
	}
}

// A comment is stored apart from the ratings it came with: no table holds
// a row with one member's ratings and words together once the round has
// closed, and nothing holds the address or browser an answer came from.
func TestAnswersAreCountsAndTextWithoutDeviceOrNetwork(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	r := fx.open(t, "Tuesday drop-in", 20)
	before := strings.Count(dbtest.Dump(t, fx.site.App.DB), "127.0.0.1")
	for i := range 5 {
		phone := newPhone(t, fx.site.Base, "AlexsPhone/1.0 (model ZX-81)")
		form := memberForm(fmt.Sprintf("distinct words %d", i))
		form.Set("_csrf", csrfIn(t, phone.get(r.Path())))
		if code := phone.post(r.Path(), form); code != http.StatusSeeOther {
			t.Fatalf("answer %d = %d", i, code)
		}
	}
	if found := dbtest.Mentions(t, fx.site.App.DB, "AlexsPhone", "ZX-81"); len(found) != 0 {
		t.Fatalf("the browser's name is stored:\n%s", strings.Join(found, "\n"))
	}
	if after := strings.Count(dbtest.Dump(t, fx.site.App.DB), "127.0.0.1"); after != before {
		t.Fatalf("answering stored the member's address: %d mentions before, %d after", before, after)
	}
	fx.closeRound(t, r)
	var columns []string
	for _, table := range []string{"voice_comments", "voice_tallies"} {
		rows, err := fx.site.App.DB.QueryContext(ctx, "SELECT * FROM "+table+" WHERE 1 = 0")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		columns = append(columns, cols...)
	}
	for _, c := range columns {
		if c == "respected" || c == "heard" || c == "useful" || c == "again" || c == "comment" {
			t.Fatalf("a released table has the column %q: ratings and words are stored together", c)
		}
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_held"); n != 0 {
		t.Fatalf("%d answers still held, ratings and words together, after the round closed", n)
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_comments WHERE body LIKE 'distinct words %'"); n != 5 {
		t.Fatalf("%d comments released, want 5", n)
	}
}

// csrfIn returns the form token of a page.
func csrfIn(t *testing.T, page string) string {
	t.Helper()
	const marker = `name="_csrf" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatal("no CSRF token on the page")
	}
	rest := page[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

// phone is a member's browser, which names itself with a user agent.
type phone struct {
	t      *testing.T
	base   string
	agent  string
	client *http.Client
}

func newPhone(t *testing.T, base, agent string) *phone {
	jar, _ := cookiejar.New(nil)
	return &phone{t: t, base: base, agent: agent, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *phone) do(method, path string, form url.Values) (int, string) {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, p.base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", p.agent)
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (p *phone) get(path string) string {
	p.t.Helper()
	_, page := p.do(http.MethodGet, path, nil)
	return page
}

func (p *phone) post(path string, form url.Values) int {
	p.t.Helper()
	code, _ := p.do(http.MethodPost, path, form)
	return code
}
