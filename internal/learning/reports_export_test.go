package learning_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/demo"
	"groundwork/internal/learning"
	"groundwork/internal/web"
)

// The export reads trainees a batch at a time, each batch starting after
// the last trainee of the one before. Whatever the batch size, it writes
// the same bytes: every trainee once, by name and then ID, ties across a
// batch's edge included, and each module cell as the progress worked out
// from every fact says. Not parallel: it changes the batch size.
func TestProgressCSVAcrossBatches(t *testing.T) {
	a, base := coursesSite(t)
	ctx := context.Background()
	cat := a.Courses.Catalog()
	res, err := demo.Fill(ctx, a.DB, a.Accounts, cat,
		demo.Options{Trainees: 30, Learning: a.Learning, Certificates: a.Certificates})
	if err != nil {
		t.Fatal(err)
	}
	// Trainees named alike but for case sort by ID among the demonstration's
	// own "Amira Okafor".
	for i, name := range []string{"amira okafor", "AMIRA OKAFOR", "Amira Okafor", "amira Okafor", "Amira okafor"} {
		if _, _, err := a.Accounts.CreateUser(ctx, fmt.Sprintf("twin%d@example.org", i), name, account.Trainee, "a long enough passphrase"); err != nil {
			t.Fatal(err)
		}
	}
	admin := signIn(t, base, "lead@demo.groundwork.example", res.Password)
	_, whole := admin.Get("/admin/reports/progress.csv")
	for _, n := range []int{1, 2, 3, 7} {
		learning.SetExportBatch(t, n)
		if _, body := admin.Get("/admin/reports/progress.csv"); body != whole {
			t.Fatalf("in batches of %d the export differs from the export in one batch", n)
		}
	}

	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(whole, web.ByteOrderMark))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	trainees, err := account.UsersByRole(ctx, a.DB, account.Trainee)
	if err != nil || len(records) != 1+len(trainees) {
		t.Fatalf("%d records for %d trainees (%v)", len(records), len(trainees), err)
	}
	byEmail := map[string]account.User{}
	ids := make([]string, len(trainees))
	for i, u := range trainees {
		byEmail[u.Email], ids[i] = u, u.ID
	}
	overview, err := a.Learning.Overview(ctx, ids, cat)
	if err != nil {
		t.Fatal(err)
	}
	var order [][2]string
	for _, r := range records[1:] {
		u, ok := byEmail[r[1]]
		if !ok {
			t.Fatalf("the export shows %q, no trainee", r[1])
		}
		order = append(order, [2]string{strings.ToLower(u.Name), u.ID})
		for i, mp := range overview[u.ID] {
			if got, want := r[7+i], cell(mp); got != want {
				t.Errorf("%s, %s = %q; from every fact %q", u.Email, mp.Module.Slug, got, want)
			}
		}
	}
	seen := map[string]bool{}
	for i, o := range order {
		if i > 0 && o[0] == order[i-1][0] {
			if o[1] < order[i-1][1] {
				t.Errorf("trainees named %q are not in order of ID", o[0])
			}
			continue
		}
		if seen[o[0]] {
			t.Errorf("trainees named %q are not together", o[0])
		}
		seen[o[0]] = true
	}
	if twins := strings.Count(whole, "mira okafor,") + strings.Count(whole, "MIRA OKAFOR,") + strings.Count(whole, "mira Okafor,") + strings.Count(whole, "Amira okafor,"); twins < 6 {
		t.Errorf("the export shows %d trainees named Amira Okafor, want 6", twins)
	}
}

// cell is what the export shows of a module's progress.
func cell(mp learning.ModuleProgress) string {
	switch {
	case mp.Complete():
		return "Complete"
	case mp.Started():
		return strconv.Itoa(mp.Percent()) + "%"
	}
	return "Not started"
}
