package certificate_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/certificate"
	"groundwork/internal/certificate/credential"
	"groundwork/internal/supervision"
)

// signOffQuietly records the supervisor's sign-off of every competency of
// m for u as a bulk load does, without the hook that issues certificates.
func (tm *team) signOffQuietly(t *testing.T, u *account.User, m *catalog.Module) {
	t.Helper()
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Microsecond)
	var b supervision.Bulk
	for _, c := range m.Competencies {
		b.States = append(b.States, supervision.CompetencyState{TraineeID: u.ID, CompetencyID: c.ID, ModuleSlug: m.Slug,
			Status: supervision.SignedOff, UpdatedAt: at})
		b.Events = append(b.Events, supervision.Event{ID: uuid.NewString(), TraineeID: u.ID, CompetencyID: c.ID,
			ModuleSlug: m.Slug, Kind: supervision.SignOffEvent, ActorID: tm.sup.ID, At: at, Body: "Seen in practice."})
	}
	if err := supervision.Import(context.Background(), tm.site.App.DB, b); err != nil {
		t.Fatal(err)
	}
}

// Issuing for many holders at once gives each what the one-by-one path
// would, once, with distinct numbers, tokens and status list places and a
// notice each; the certificates verify, and revoking one sets its bit.
func TestIssueDueManyIssuesWhatIsDueOnce(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	svc := tm.site.App.Certificates
	second := tm.site.User("uri@example.org", "Uri Second", account.Trainee)
	idle := tm.site.User("ida@example.org", "Ida Idle", account.Trainee)
	modules := []string{"the-workers-role", "harm-reduction-social-work"}
	for _, u := range []*account.User{tm.trainee, second} {
		for _, slug := range modules {
			tm.doOwnPart(t, u, tm.module(t, slug))
			tm.signOffQuietly(t, u, tm.module(t, slug))
		}
	}
	if n := tm.count(t, "certificates"); n != 0 {
		t.Fatalf("%d certificates before issuing", n)
	}

	issued, err := svc.IssueDueMany(ctx, []string{tm.trainee.ID, idle.ID, second.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(issued) != 4 || issued[0].HolderID != tm.trainee.ID || issued[3].HolderID != second.ID {
		t.Fatalf("issued %d certificates, want 2 each for the two who completed, in order", len(issued))
	}
	numbers, tokens, places := map[string]bool{}, map[string]bool{}, map[int]bool{}
	for _, c := range issued {
		if numbers[c.Number] || tokens[c.Token] || places[c.StatusIndex] {
			t.Fatalf("two certificates share a number, token or status list place: %+v", issued)
		}
		numbers[c.Number], tokens[c.Token], places[c.StatusIndex] = true, true, true
		if _, ok := certificate.ParseNumber(c.Number); !ok {
			t.Errorf("number %q is not a valid certificate number", c.Number)
		}
		if got := c.Signers(); len(got) != 1 || got[0] != tm.sup.Name {
			t.Errorf("signed off by %v, want %s", got, tm.sup.Name)
		}
	}
	var notices int
	if err := tm.site.App.DB.NewSelect().Table("notices").ColumnExpr("count(*)").
		Where("kind = 'certificate_issued'").Scan(ctx, &notices); err != nil || notices != 4 {
		t.Fatalf("%d notices of new certificates (%v), want 4", notices, err)
	}

	again, err := svc.IssueDueMany(ctx, []string{tm.trainee.ID, second.ID})
	if err != nil || len(again) != 0 {
		t.Fatalf("a second run issued %d (%v)", len(again), err)
	}
	if one, err := svc.IssueDue(ctx, second.ID); err != nil || len(one) != 0 {
		t.Fatalf("the one-by-one path then issued %d (%v)", len(one), err)
	}
	if n := tm.count(t, "certificates"); n != 4 {
		t.Fatalf("%d certificates, want 4", n)
	}

	c := &issued[2]
	public := tm.site.Anonymous()
	if code, page := public.Get(tm.verifyPath(c)); code != http.StatusOK || !strings.Contains(page, "Valid certificate") || !strings.Contains(page, second.Name) {
		t.Fatalf("verify a bulk-issued certificate = %d:\n%s", code, text(page))
	}
	code, body := public.Get("/credentials/" + c.Token)
	if code != http.StatusOK {
		t.Fatalf("credential = %d", code)
	}
	key := svc.Key.Public().(ed25519.PublicKey)
	if err := credential.Verify([]byte(body), key); err != nil {
		t.Fatalf("a bulk-issued credential does not verify: %v", err)
	}
	if statusBit(t, tm, c.StatusIndex) {
		t.Fatal("a valid certificate's status bit is set")
	}
	if err := svc.Revoke(ctx, tm.admin, c, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	if _, page := public.Get(tm.verifyPath(c)); !strings.Contains(page, "Issued in error.") {
		t.Fatalf("the revoked certificate's page:\n%s", text(page))
	}
	if !statusBit(t, tm, c.StatusIndex) {
		t.Fatal("the revoked certificate's status bit is not set")
	}
	if statusBit(t, tm, issued[3].StatusIndex) {
		t.Fatal("revoking one certificate set another's bit")
	}
}

// statusBit reads the bit at index of the published, verified status list.
func statusBit(t *testing.T, tm *team, index int) bool {
	t.Helper()
	code, body := tm.site.Anonymous().Get("/issuer/status/revocation")
	if code != http.StatusOK {
		t.Fatalf("status list = %d", code)
	}
	if err := credential.Verify([]byte(body), tm.site.App.Certificates.Key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatalf("the status list does not verify: %v", err)
	}
	var list struct {
		CredentialSubject struct{ EncodedList string }
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	set, _, err := credential.StatusBit(list.CredentialSubject.EncodedList, index)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
