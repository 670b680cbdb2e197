package demo_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"maps"
	"net/http"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/certificate"
	"groundwork/internal/certificate/credential"
	"groundwork/internal/demo"
)

// Fill writes its batches two at a time, each followed by the certificates
// its trainees have earned. In batches of three trainees: every
// certificate due is issued, once; the credentials verify; and the
// organisation is the same from one fill to the next, whichever batch
// ends first. Not parallel: it changes the batch size.
func TestFillInManyBatches(t *testing.T) {
	demo.SetBatch(t, 3)
	const trainees = 31
	site, res := filled(t, trainees)
	ctx := context.Background()
	a := site.App
	users, err := account.UsersByRole(ctx, a.DB, account.Trainee)
	if err != nil || len(users) != trainees {
		t.Fatalf("%d trainees (%v)", len(users), err)
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	if again, err := a.Certificates.IssueDueMany(ctx, ids); err != nil || len(again) != 0 {
		t.Fatalf("after the fill %d certificates were still due (%v)", len(again), err)
	}
	var certs []certificate.Certificate
	if err := a.DB.NewSelect().Model(&certs).Order("number").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if res.Issued == 0 || len(certs) != res.Issued {
		t.Fatalf("the fill reports %d certificates issued, the database holds %d", res.Issued, len(certs))
	}
	key := a.Certificates.Key.Public().(ed25519.PublicKey)
	public := site.Anonymous()
	for i := 0; i < len(certs); i += len(certs)/5 + 1 {
		code, body := public.Get("/credentials/" + certs[i].Token)
		if code != http.StatusOK {
			t.Fatalf("credential %s = %d", certs[i].Number, code)
		}
		if err := credential.Verify([]byte(body), key); err != nil {
			t.Errorf("the credential of %s does not verify: %v", certs[i].Number, err)
		}
	}

	other, _ := filled(t, trainees)
	if got, want := organisation(t, other), organisation(t, site); !maps.Equal(got, want) {
		t.Errorf("two fills differ:\n%v\n%v", got, want)
	}
}

// filled is a site filled with the demonstration organisation.
func filled(t *testing.T, trainees int) (*apptest.Site, *demo.Result) {
	t.Helper()
	site := apptest.Start(t, "")
	a := site.App
	res, err := demo.Fill(context.Background(), a.DB, a.Accounts, a.Courses.Catalog(),
		demo.Options{Trainees: trainees, Learning: a.Learning, Certificates: a.Certificates})
	if err != nil {
		t.Fatal(err)
	}
	return site, res
}

// organisation sums up what each trainee, by email, has: their steps,
// supervision, competencies by state and certificates.
func organisation(t *testing.T, site *apptest.Site) map[string]string {
	t.Helper()
	ctx := context.Background()
	var rows []struct {
		Email string `bun:"email"`
		Sum   string `bun:"sum"`
	}
	count := func(table, column, where string) string {
		return fmt.Sprintf("(SELECT count(*) FROM %s AS x WHERE x.%s = u.id %s)", table, column, where)
	}
	q := "SELECT u.email, " + count("lesson_progress", "user_id", "") + " || '/' || " +
		count("quiz_attempts", "user_id", "AND x.passed") + " || '/' || " + count("quiz_attempts", "user_id", "") + " || '/' || " +
		count("reflections", "user_id", "") + " || '/' || " + count("supervision_records", "trainee_id", "") + " || '/' || " +
		count("competency_status", "trainee_id", "AND x.status = 'signed_off'") + " || '/' || " +
		count("competency_status", "trainee_id", "") + " || '/' || " + count("certificates", "holder_id", "") +
		" AS sum FROM users AS u WHERE u.role = 'trainee'"
	if err := site.App.DB.NewRaw(q).Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Email] = r.Sum
	}
	return out
}
