package certificate_test

import (
	"context"
	"slices"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/certificate"
	"groundwork/internal/demo"
)

// The numbers a report shows are those of each holder's certificates in
// force, in the order of the holder's certificates: neither the revoked
// one nor the one re-issued after a change of name.
func TestCurrentNumbersAreTheCertificatesInForce(t *testing.T) {
	t.Parallel()
	a := apptest.New(t, apptest.Config(t))
	ctx := context.Background()
	if _, err := demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(),
		demo.Options{Trainees: 24, Learning: a.Learning, Certificates: a.Certificates}); err != nil {
		t.Fatal(err)
	}
	trainees, err := account.UsersByRole(ctx, a.DB, account.Trainee)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(trainees))
	for i, u := range trainees {
		ids[i] = u.ID
	}
	got, err := a.Certificates.CurrentNumbers(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[certificate.Status]int{}
	several := 0
	for _, id := range ids {
		certs, err := certificate.OfHolder(ctx, a.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, c := range certs {
			statuses[c.Status()]++
			if c.Current() {
				want = append(want, c.Number)
			}
		}
		if !slices.Equal(got[id], want) {
			t.Errorf("current numbers of %s = %v, want %v", id, got[id], want)
		}
		if len(want) > 1 {
			several++
		}
	}
	if statuses[certificate.Revoked] == 0 || statuses[certificate.Superseded] == 0 || several == 0 {
		t.Fatalf("the demonstration lacks a revoked, a superseded or a holder of several certificates: %v, %d", statuses, several)
	}
}
